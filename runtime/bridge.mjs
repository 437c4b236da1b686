// Starts Miniflare with the bridge worker (bridge.worker.js) and gives Node a fast way to
// call it: one request over Miniflare's direct socket with Node's own fetch.
// mf.dispatchFetch() delivers large bodies in small chunks and is tens of times slower.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

import { knownLength } from "./streams.mjs";

const BRIDGE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "bridge.worker.js");

/** An error thrown by a storage simulator, carried back with its name and message. */
export class BridgeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

/**
 * Start the storage simulators, persisted under `stateDir`.
 *
 * `buckets` and `namespaces` are R2 bucket names and KV namespace ids; two workers that
 * name the same bucket share it, as in production. `onAlarm(object)` is called when a
 * Durable Object alarm fires.
 */
export async function startBridge({ stateDir, compatibilityDate, buckets, namespaces, onAlarm }) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: BRIDGE_SCRIPT,
    compatibilityDate,
    r2Buckets: Object.fromEntries(buckets.map((name) => [`R2:${name}`, name])),
    kvNamespaces: Object.fromEntries(namespaces.map((id) => [`KV:${id}`, id])),
    durableObjects: { OBJECTS: { className: "ObjectStore", useSQLite: true } },
    serviceBindings: { HOST: (request) => alarmCallback(request, onAlarm) },
    r2Persist: path.join(stateDir, "r2"),
    kvPersist: path.join(stateDir, "kv"),
    durableObjectsPersist: path.join(stateDir, "do"),
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  });
  await mf.ready;
  const base = await mf.unsafeGetDirectURL();

  /** One storage operation; `body` is streamed with its length when it has one. */
  async function call(kind, name, op, args, body) {
    const headers = { "x-args": encodeURIComponent(JSON.stringify(args)) };

    // Without an explicit Content-Length the body would reach workerd chunked, as a
    // stream of unknown length, which R2 put() refuses.
    const length = byteLength(body);
    if (length !== undefined) headers["content-length"] = String(length);

    const url = new URL(`/${kind}/${encodeURIComponent(name)}/${op}`, base);
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: body ?? undefined,
      duplex: "half",
    });
    if (response.status === 500) {
      const { name: errorName, message } = await response.json();
      throw new BridgeError(errorName, message);
    }
    if (!response.ok) throw new Error(`bridge ${kind} ${op}: ${response.status} ${await response.text()}`);
    return response;
  }

  /** One storage operation on the Durable Object named `object`. */
  async function callObject(object, op, args) {
    const response = await call("do", "storage", op, [], JSON.stringify({ object, args }));
    return (await response.json()).result;
  }

  return { call, callObject, dispose: () => mf.dispose() };
}

async function alarmCallback(request, onAlarm) {
  const { object } = await request.json();
  try {
    await onAlarm(object);
    return new Response("ok");
  } catch (error) {
    return new Response(String(error?.message ?? error), { status: 500 });
  }
}

function byteLength(body) {
  if (body === undefined || body === null) return undefined;
  if (body instanceof ReadableStream) return knownLength.get(body);
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Blob) return body.size;
  return body.byteLength;
}
