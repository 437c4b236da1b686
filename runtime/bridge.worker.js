// The bridge: a small JavaScript worker inside Miniflare that owns the real R2, KV and
// Durable Object storage simulators. The Node host reaches it with one plain HTTP request
// per operation over Miniflare's direct socket, because Miniflare's Node-side binding
// proxies make every property read a synchronous round trip and are far too slow.
//
//   POST /r2/<bucket name>/<op>     x-args: JSON arguments, body: the value to put
//   POST /kv/<namespace id>/<op>    x-args: JSON arguments, body: the value to put
//   POST /do/storage/<op>           body: {object, args}; object = "<script>/<class>/<id>"
//
// Every answer is JSON (or the object's bytes, with its metadata in a header), so what
// reaches Node is plain data. Errors come back as 500 {name, message}.
import { DurableObject } from "cloudflare:workers";

const readArgs = (request) =>
  JSON.parse(decodeURIComponent(request.headers.get("x-args") ?? "%5B%5D")).map(
    (arg) => arg ?? undefined,
  );
const asHeader = (value) => encodeURIComponent(JSON.stringify(value ?? null));

function objectMeta(object) {
  if (!object) return null;
  return {
    key: object.key,
    version: object.version,
    size: object.size,
    etag: object.etag,
    httpEtag: object.httpEtag,
    uploaded: object.uploaded.getTime(),
    httpMetadata: object.httpMetadata ?? {},
    customMetadata: object.customMetadata ?? {},
    range: object.range,
    checksums: object.checksums?.toJSON?.() ?? {},
    storageClass: object.storageClass,
  };
}

async function r2(bucket, op, args, request) {
  switch (op) {
    case "head":
      return Response.json(objectMeta(await bucket.head(...args)));
    case "get": {
      const object = await bucket.get(...args);
      const hasBody = Boolean(object?.body);
      return new Response(hasBody ? object.body : null, {
        headers: { "x-meta": asHeader(objectMeta(object)), "x-body": hasBody ? "1" : "0" },
      });
    }
    case "put":
      // request.body arrives with its Content-Length, so R2 sees a stream of known
      // length; a missing length would be refused here exactly as in production.
      return Response.json(objectMeta(await bucket.put(args[0], request.body ?? "", args[1])));
    case "delete":
      await bucket.delete(...args);
      return Response.json(null);
    case "list": {
      const listed = await bucket.list(...args);
      return Response.json({ ...listed, objects: listed.objects.map(objectMeta) });
    }
  }
  return null;
}

async function kv(namespace, op, args, request) {
  switch (op) {
    case "get": {
      const { value, metadata } = await namespace.getWithMetadata(args[0], {
        type: "stream",
        cacheTtl: args[1]?.cacheTtl,
      });
      return new Response(value, {
        headers: { "x-meta": asHeader(metadata), "x-null": value === null ? "1" : "0" },
      });
    }
    case "put":
      await namespace.put(args[0], request.body ?? "", args[1]);
      return Response.json(null);
    case "delete":
      await namespace.delete(args[0]);
      return Response.json(null);
    case "list":
      return Response.json(await namespace.list(...args));
  }
  return null;
}

export default {
  async fetch(request, env) {
    const [, kind, name, op] = new URL(request.url).pathname.split("/").map(decodeURIComponent);
    try {
      let response = null;
      if (kind === "r2" && env[`R2:${name}`]) {
        response = await r2(env[`R2:${name}`], op, readArgs(request), request);
      } else if (kind === "kv" && env[`KV:${name}`]) {
        response = await kv(env[`KV:${name}`], op, readArgs(request), request);
      } else if (kind === "do") {
        const { object, args } = await request.json();
        const stub = env.OBJECTS.get(env.OBJECTS.idFromName(object));
        response = Response.json({ result: await stub.storage(object, op, args) });
      }
      return response ?? new Response(`unknown bridge operation ${kind}/${op}`, { status: 400 });
    } catch (error) {
      return Response.json({ name: error.name, message: error.message }, { status: 500 });
    }
  },
};

// One instance per Python Durable Object id: its storage is this object's storage, and
// its alarm is this object's alarm. The alarm handler calls back into Node (HOST is a
// Node function service binding), which runs the Python object's alarm(); throwing here
// when Python fails makes workerd retry the alarm, as it would in production.
export class ObjectStore extends DurableObject {
  #named = false;

  async storage(object, op, args) {
    this.#remember(object);
    const storage = this.ctx.storage;
    switch (op) {
      case "get":
        return Array.isArray(args[0])
          ? [...(await storage.get(args[0]))]
          : ((await storage.get(args[0])) ?? null);
      case "put":
        // put(key, value) or put({key: value, ...})
        await (typeof args[0] === "object" ? storage.put(args[0]) : storage.put(args[0], args[1]));
        return null;
      case "delete":
        return await storage.delete(args[0]);
      case "deleteAll":
        await storage.deleteAll();
        return null;
      case "list":
        return [...(await storage.list(args[0] ?? {}))];
      case "getAlarm":
        return await storage.getAlarm();
      case "setAlarm":
        await storage.setAlarm(args[0]);
        return null;
      case "deleteAlarm":
        await storage.deleteAlarm();
        return null;
    }
    throw new Error(`unknown storage operation ${op}`);
  }

  async alarm() {
    const object = this.#name();
    if (!object) return;
    const response = await this.env.HOST.fetch("http://kalos-host/alarm", {
      method: "POST",
      body: JSON.stringify({ object }),
    });
    if (!response.ok) throw new Error(`alarm for ${object} failed: ${await response.text()}`);
  }

  // The alarm handler gets no request, so the object keeps its own name in a private
  // SQL table; that keeps it out of the key-value storage the Python object lists.
  #remember(object) {
    if (this.#named) return;
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS kalos_identity (name TEXT PRIMARY KEY)");
    sql.exec("INSERT OR IGNORE INTO kalos_identity (name) VALUES (?)", object);
    this.#named = true;
  }

  #name() {
    try {
      return this.ctx.storage.sql.exec("SELECT name FROM kalos_identity").one().name;
    } catch {
      return null;
    }
  }
}
