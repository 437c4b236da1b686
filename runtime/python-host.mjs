// One Pyodide instance per worker, as each worker has its own isolate in production, with
// the official workers-runtime-sdk and the two runtime modules it imports from workerd.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { loadPyodide } from "pyodide";

/** Where a worker's files live inside its Pyodide filesystem. */
const SESSION_ROOT = "/session";

// What workerd's wrapper does around every call into Python: convert the arguments with
// python_from_rpc, call (relaxed: extra arguments are dropped), await, and convert the
// result with python_to_rpc (a workers.Response becomes its JavaScript Response).
const HOST_GLUE = `
import sys
import types
from inspect import isawaitable

from pyodide.code import relaxed_call
from workers import python_from_rpc, python_to_rpc


async def call(instance, method, *args):
    result = relaxed_call(getattr(instance, method), *[python_from_rpc(a) for a in args])
    if isawaitable(result):
        result = await result
    return python_to_rpc(result)


glue = types.ModuleType("_kalos_host")
glue.call = call
sys.modules["_kalos_host"] = glue
`;

// Work handed to waitUntil runs on after the response; a failure is logged, as workerd does.
function waitUntil(promise) {
  Promise.resolve(promise).catch((error) => console.error("waitUntil rejected:", error));
}

class ExecutionContext {
  waitUntil(promise) {
    waitUntil(promise);
  }

  passThroughOnException() {}

  get props() {
    return {};
  }

  get [Symbol.toStringTag]() {
    return "ExecutionContext";
  }
}

/**
 * A worker's Python side: import its main module, then call `fetch` on a fresh
 * `Default(ctx, env)` per request and methods on Durable Object instances.
 */
export class PythonWorker {
  #py;
  #module;
  #call;
  #env;

  constructor(py, module, call, env) {
    this.#py = py;
    this.#module = module;
    this.#call = call;
    this.#env = env;
  }

  /**
   * Load Pyodide, the SDK and the worker's files, and import its main module. Throws the
   * Python traceback when the import fails.
   */
  static async start({ worker, env, sdkWheel }) {
    const py = await loadPyodide({
      // Workers log one JSON line per request with print(); each line goes out whole.
      stdout: (line) => process.stdout.write(`${line}\n`),
      stderr: (line) => process.stderr.write(`${line}\n`),
    });
    const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
    py.unpackArchive(new Uint8Array(readFileSync(sdkWheel)), "wheel", { extractDir: sitePackages });
    registerRuntimeModules(py, env, sitePackages);
    py.runPython(HOST_GLUE);
    const call = py.pyimport("_kalos_host").call;

    const home = `${SESSION_ROOT}/${worker.env}`;
    copyTree(py, worker.mainDir, home);
    py.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(home)})`);
    const module = py.pyimport(worker.mainModule);
    if (typeof module.Default !== "function") {
      throw new Error(`${worker.mainModule}.py defines no Default(WorkerEntrypoint) class`);
    }
    return new PythonWorker(py, module, call, env);
  }

  /** Handle one request with a fresh entrypoint instance, as workerd does. */
  async fetch(request) {
    const entrypoint = this.#module.Default(new ExecutionContext(), this.#env);
    try {
      const response = await this.#call(entrypoint, "fetch", request);
      if (!(response instanceof Response)) {
        throw new TypeError(`fetch() returned ${response}, not a Response`);
      }
      return response;
    } finally {
      entrypoint.destroy();
    }
  }

  /** Whether the main module exports a class of this name. */
  hasClass(className) {
    return typeof this.#module[className] === "function";
  }

  /** Construct a Durable Object: `ClassName(state, env)`. */
  newObject(className, state) {
    if (!this.hasClass(className)) {
      throw new Error(`${className} is not a class exported by the worker's main module`);
    }
    return this.#module[className](state, this.#env);
  }

  /** Call a method on a Python object, converting arguments and result as RPC does. */
  callMethod(instance, method, args) {
    return this.#call(instance, method, ...args);
  }
}

// The SDK imports two modules that workerd registers: the entrypoint helper (cloudflare:
// workers, env patching, waitUntil) and the compatibility flags.
function registerRuntimeModules(py, env, sitePackages) {
  class WorkerEntrypoint {
    constructor(ctx, workerEnv) {
      this.ctx = ctx;
      this.env = workerEnv;
    }
  }
  const cloudflareWorkers = {
    env,
    WorkerEntrypoint,
    DurableObject: class DurableObject {},
    WorkflowEntrypoint: class WorkflowEntrypoint {},
    RpcTarget: class RpcTarget {},
    waitUntil,
  };
  const cloudflareSockets = {
    connect() {
      throw new Error("cloudflare:sockets is not available in the local runtime");
    },
  };
  const patched = new WeakSet();

  py.registerJsModule("_pyodide_entrypoint_helper", {
    cloudflareWorkersModule: cloudflareWorkers,
    cloudflareSocketsModule: cloudflareSockets,
    workerEntrypoint: WorkerEntrypoint,
    async doAnImport(name) {
      if (name === "cloudflare:workers") return cloudflareWorkers;
      if (name === "cloudflare:sockets") return cloudflareSockets;

      // JavaScript shipped inside the SDK wheel, such as workflows.js.
      const inWheel = name.match(/^python_modules\/workers\/(.+)$/);
      if (!inWheel) return import(name);
      const source = py.FS.readFile(`${sitePackages}/workers/${inWheel[1]}`, { encoding: "utf8" });
      return import(`data:text/javascript,${encodeURIComponent(source)}`);
    },
    // A Python awaitable handed to waitUntil is a borrowed proxy, destroyed when the call
    // returns; keep a copy alive until it settles, as workerd does.
    patchWaitUntil(ctx) {
      if (Object.prototype.toString.call(ctx) !== "[object ExecutionContext]") return;
      if (patched.has(ctx)) return;
      const original = ctx.waitUntil.bind(ctx);
      ctx.waitUntil = (awaitable) =>
        original(
          (async () => {
            const kept = "copy" in awaitable ? awaitable.copy() : awaitable;
            await kept;
            if ("destroy" in kept) kept.destroy();
          })(),
        );
      patched.add(ctx);
    },
    // Backs workers.patch_env(): set bindings for the duration of a with-block.
    *patch_env_helper(patch) {
      const entries = patch instanceof Map ? [...patch.entries()] : Object.entries(patch);
      const saved = entries.map(([key]) => [key, Object.getOwnPropertyDescriptor(env, key)]);
      for (const [key, value] of entries) env[key] = value;
      try {
        yield;
      } finally {
        for (const [key, descriptor] of saved) {
          if (descriptor) Object.defineProperty(env, key, descriptor);
          else delete env[key];
        }
      }
    },
  });
  py.registerJsModule("_cloudflare_compat_flags", {
    python_workflows_implicit_dependencies: true,
    python_request_headers_preserve_commas: true,
  });
}

// Copy, rather than mount, the worker's folder: the deployed worker is a fixed bundle, and
// a copy keeps a rebuild on disk from changing a running worker underneath it.
function copyTree(py, from, to) {
  py.FS.mkdirTree(to);
  for (const entry of readdirSync(from)) {
    if (entry === "__pycache__" || entry.endsWith(".pyc")) continue;
    const source = path.join(from, entry);
    const target = `${to}/${entry}`;
    if (statSync(source).isDirectory()) copyTree(py, source, target);
    else py.FS.writeFile(target, new Uint8Array(readFileSync(source)));
  }
}
