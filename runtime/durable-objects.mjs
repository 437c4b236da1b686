// Durable Objects written in Python, run the way Cloudflare runs them: one live instance
// per object id, in the worker that exports the class, reached through a namespace
// binding and a stub, with persisted storage and alarms.
//
// Storage and alarms live in Miniflare: every Python object is backed by one ObjectStore
// Durable Object in the bridge (bridge.worker.js), so its storage is real, persisted
// Durable Object storage and its alarm is a real Miniflare alarm, which fires after a
// restart too. Stored values travel as JSON, so they must be JSON-serialisable.
//
// Calls to one object run strictly one at a time, in arrival order. That is stricter
// than workerd, whose input gates let calls interleave while one awaits something other
// than storage; code that is correct under workerd is also correct here.
import { createHash, randomBytes } from "node:crypto";

/** How long an idle object stays in memory before it is dropped (workerd evicts too). */
const IDLE_EVICTION_MS = 60_000;

// Names the Python FFI probes on any object it sees; a stub must not pretend to have them,
// or Python would take it for a promise, an iterator or a sequence.
const NOT_RPC_METHODS = new Set([
  "then", "catch", "finally", "next", "length", "size", "constructor", "toJSON",
  "toString", "valueOf", "inspect", "asymmetricMatch", "$$typeof", "nodeType",
]);

export class DurableObjectId {
  #hex;

  constructor(hex, name) {
    this.#hex = hex;
    if (name !== undefined) this.name = name;
  }

  toString() {
    return this.#hex;
  }

  equals(other) {
    return other instanceof DurableObjectId && other.toString() === this.#hex;
  }
}

/** The namespace binding: ids and stubs for one class of one worker. */
export class DurableObjectNamespace {
  #objects;
  #scriptName;
  #className;

  constructor(objects, scriptName, className) {
    this.#objects = objects;
    this.#scriptName = scriptName;
    this.#className = className;
  }

  // Ids from a name are a hash of the class and the name, so the same name reaches the
  // same object across restarts, as it does in production.
  idFromName(name) {
    const hex = createHash("sha256")
      .update(`${this.#scriptName}/${this.#className}/${name}`)
      .digest("hex");
    return new DurableObjectId(hex, String(name));
  }

  idFromString(hex) {
    if (!/^[0-9a-f]{64}$/.test(String(hex))) {
      throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
    }
    return new DurableObjectId(String(hex));
  }

  newUniqueId() {
    return new DurableObjectId(randomBytes(32).toString("hex"));
  }

  get(id) {
    return makeStub(this.#objects, this.#scriptName, this.#className, id);
  }

  getByName(name) {
    return this.get(this.idFromName(name));
  }
}

function makeStub(objects, scriptName, className, id) {
  const target = new DurableObjectStub(id);
  return new Proxy(target, {
    get(stub, property, receiver) {
      if (typeof property !== "string" || property in stub || NOT_RPC_METHODS.has(property)) {
        return Reflect.get(stub, property, receiver);
      }
      return (...args) => objects.call(scriptName, className, id.toString(), property, args);
    },
  });
}

/** A stub: any method name is a call on the remote object. */
class DurableObjectStub {
  constructor(id) {
    this.id = id;
    this.name = id.name;
  }
}

/** ctx.storage for one object: the JavaScript Durable Object storage API, persisted. */
export class DurableObjectStorage {
  #bridge;
  #object;

  constructor(bridge, object) {
    this.#bridge = bridge;
    this.#object = object;
  }

  async get(keyOrKeys) {
    const result = await this.#call("get", [keyOrKeys]);
    return Array.isArray(keyOrKeys) ? new Map(result) : (result ?? undefined);
  }

  async put(keyOrEntries, value) {
    if (typeof keyOrEntries === "string") return this.#call("put", [keyOrEntries, value]);
    const entries = keyOrEntries instanceof Map ? Object.fromEntries(keyOrEntries) : keyOrEntries;
    return this.#call("put", [entries]);
  }

  /** delete(key) answers whether it existed; delete([keys]) answers how many did. */
  delete(keyOrKeys) {
    return this.#call("delete", [keyOrKeys]);
  }

  async deleteAll() {
    await this.#call("deleteAll", []);
  }

  async list(options) {
    return new Map(await this.#call("list", [options ?? {}]));
  }

  getAlarm() {
    return this.#call("getAlarm", []);
  }

  async setAlarm(time) {
    await this.#call("setAlarm", [time instanceof Date ? time.getTime() : Number(time)]);
  }

  async deleteAlarm() {
    await this.#call("deleteAlarm", []);
  }

  async sync() {}

  #call(op, args) {
    return this.#bridge.callObject(this.#object, op, args);
  }
}

class DurableObjectState {
  constructor(id, storage) {
    this.id = id;
    this.storage = storage;
  }

  waitUntil(promise) {
    Promise.resolve(promise).catch((error) => console.error("waitUntil rejected:", error));
  }

  // Calls are already serialised per object, so nothing else can run meanwhile.
  async blockConcurrencyWhile(callback) {
    return await callback();
  }
}

/**
 * Every live Python Durable Object of the stack, keyed "<script>/<class>/<id>". Routes a
 * stub call or an alarm to the worker that exports the class, one call at a time per id.
 */
export class DurableObjects {
  #bridge;
  #workers = new Map(); // script name -> Promise<PythonWorker | null>
  #live = new Map(); // object name -> {instance, tail, timer}

  constructor(bridge) {
    this.#bridge = bridge;
  }

  /** Make a worker's classes reachable under its script name once it has loaded. */
  host(scriptName, workerReady) {
    this.#workers.set(scriptName, workerReady);
  }

  call(scriptName, className, id, method, args) {
    // RPC copies arguments and results; so does this, which also keeps one Pyodide's
    // objects from leaking into another's.
    const copied = structuredClone(args);
    const object = `${scriptName}/${className}/${id}`;
    return this.#enqueue(object, async (worker, instance) =>
      structuredClone(await worker.callMethod(instance, method, copied)),
    );
  }

  /** Run the object's alarm(); called when its Miniflare alarm fires. */
  alarm(object) {
    return this.#enqueue(object, (worker, instance) => worker.callMethod(instance, "alarm", []));
  }

  #enqueue(object, run) {
    const entry = this.#live.get(object) ?? { instance: null, tail: Promise.resolve(), pending: 0 };
    this.#live.set(object, entry);
    entry.pending += 1;
    clearTimeout(entry.timer);

    const result = entry.tail.then(async () => {
      const worker = await this.#workerFor(object);
      entry.instance ??= this.#construct(worker, object);
      try {
        return await run(worker, entry.instance);
      } catch (error) {
        throw remoteError(error);
      }
    });
    const settled = () => {
      entry.pending -= 1;
      if (entry.pending === 0) this.#scheduleEviction(object, entry);
    };
    entry.tail = result.then(settled, settled);
    return result;
  }

  async #workerFor(object) {
    const scriptName = object.split("/")[0];
    const worker = await this.#workers.get(scriptName);
    if (!worker) throw new Error(`worker ${scriptName} failed to start, so its Durable Objects cannot run`);
    return worker;
  }

  #construct(worker, object) {
    const [, className, hex] = object.split("/");
    const state = new DurableObjectState(
      new DurableObjectId(hex),
      new DurableObjectStorage(this.#bridge, object),
    );
    return worker.newObject(className, state);
  }

  // An idle object is dropped, as workerd evicts idle objects; its state is in storage.
  #scheduleEviction(object, entry) {
    entry.timer = setTimeout(() => {
      if (entry.pending > 0 || this.#live.get(object) !== entry) return;
      this.#live.delete(object);
      entry.instance?.destroy?.();
    }, IDLE_EVICTION_MS);
    entry.timer.unref();
  }
}

// A Python exception reaches the caller as workerd's RPC would deliver it: its last line
// ("ValueError: ..."), without the callee's traceback.
function remoteError(error) {
  if (error?.type === undefined || typeof error.message !== "string") return error;
  const lines = error.message.trim().split("\n");
  return new Error(lines[lines.length - 1]);
}
