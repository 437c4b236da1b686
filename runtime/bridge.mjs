// Starts Miniflare with the bridge worker (bridge.worker.js) and gives Node a fast way to
// call it: one request over Miniflare's direct socket with Node's own fetch.
// mf.dispatchFetch() delivers large bodies in small chunks and is tens of times slower.
import http from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
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
    const response =
      body instanceof ReadableStream
        ? await postStream(url, headers, body)
        : await fetch(url, { method: "POST", headers, body: body ?? undefined });
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

// Node's fetch keeps every chunk of a streamed request body alive for as long as the
// request lives: a 90 MB upload held 90 MB of buffers in the host, and ran at half
// the speed. node:http writes each chunk, waits for the socket to drain, and lets it go.
function postStream(url, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers }, (response) => {
      const answer = new Headers();
      for (let i = 0; i < response.rawHeaders.length; i += 2) {
        answer.append(response.rawHeaders[i], response.rawHeaders[i + 1]);
      }
      resolve(new Response(Readable.toWeb(response), { status: response.statusCode, headers: answer }));
    });
    request.once("error", reject);
    // A body that errors (a FixedLengthStream aborted by the worker) destroys the
    // request, and the put fails as it would with fetch.
    pipeline(Readable.fromWeb(body), request).catch(reject);
  });
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
