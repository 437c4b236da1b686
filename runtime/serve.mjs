// The offline local stack: every [env.X] of wrangler.toml as a Python worker on its own
// Pyodide, with Miniflare's R2, KV and Durable Object storage, plus the public bucket.
//
//   node runtime/serve.mjs [--config wrangler.toml] [--dev-vars .dev.vars] [--state DIR]
//
// Ports: KALOS_<ENV>_PORT (access 8787, upload 8788, others any free port) and
// KALOS_PUBLIC_PORT (8789). State: --state, KALOS_STATE_DIR or .kalos/state.
// KALOS_VAR_<NAME>=value overrides var NAME for every worker. KALOS_SDK_WHEEL names the
// workers-runtime-sdk wheel (default: the one in .kalos/wheels/).
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { KvNamespace, R2Bucket } from "./bindings.mjs";
import { startBridge } from "./bridge.mjs";
import { buildWorker, ConfigError, loadConfig, parseArgs, portFor } from "./config.mjs";
import { DurableObjectNamespace, DurableObjects } from "./durable-objects.mjs";
import { publicBucketServer, workerServer } from "./http-servers.mjs";
import { PythonWorker } from "./python-host.mjs";
import { FixedLengthStream } from "./streams.mjs";

const HOST = "127.0.0.1";
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const READY_TIMEOUT_MS = 120_000;

// Python workers construct it with `from js import FixedLengthStream`, as on workerd.
globalThis.FixedLengthStream = FixedLengthStream;

// A promise a worker dropped (say, a pipeTo it never awaited) must not end the process:
// workerd logs it and goes on serving.
process.on("unhandledRejection", (reason) => {
  console.error(`kalos: unhandled rejection: ${reason?.message ?? reason}`);
});

async function main() {
  const options = parseArgs(process.argv.slice(2), process.env);
  const config = loadConfig(options, process.env);
  const sdkWheel = findSdkWheel();
  for (const worker of config.workers) buildWorker(worker);
  mkdirSync(options.state, { recursive: true });

  let objects;
  const bridge = await startBridge({
    stateDir: options.state,
    compatibilityDate: config.compatibilityDate,
    buckets: unique(config.workers.flatMap((w) => w.r2Buckets.map((b) => b.bucket))),
    namespaces: unique(config.workers.flatMap((w) => w.kvNamespaces.map((n) => n.id))),
    onAlarm: (object) => objects.alarm(object),
  });
  objects = new DurableObjects(bridge);

  // Servers listen first, so every URL is known before any worker sees its env; each
  // holds its requests until its worker has loaded.
  const loaders = new Map(config.workers.map((w) => [w.env, deferred()]));
  const servers = [];
  const urls = {};
  for (const worker of config.workers) {
    const server = workerServer(worker.env, loaders.get(worker.env).promise);
    urls[worker.env] = await listen(server, portFor(worker.env, process.env), worker.env);
    servers.push(server);
    objects.host(worker.name, loaders.get(worker.env).promise);
  }
  const publicBucket = config.workers.flatMap((w) => w.r2Buckets)[0];
  if (publicBucket) {
    const server = publicBucketServer(new R2Bucket(bridge, publicBucket.bucket));
    urls.public = await listen(server, portFor("public", process.env), "public");
    servers.push(server);
  }

  const shutdown = async () => {
    for (const server of servers) server.closeAllConnections?.();
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
    await bridge.dispose();
    process.exit(0);
  };
  // Miniflare's own signal hook exits at once, killing workerd mid-write; replace it with
  // a shutdown that closes the servers and disposes Miniflare first.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.removeAllListeners(signal);
    process.once(signal, shutdown);
  }

  // The local stack knows where it serves the upload worker and the public bucket, so it
  // points UPLOAD_BASE_URL and PUBLIC_BASE_URL there, whatever wrangler.toml says for
  // production; KALOS_VAR_* still wins.
  const localUrls = {};
  if (urls.upload) localUrls.UPLOAD_BASE_URL = urls.upload;
  if (urls.public) localUrls.PUBLIC_BASE_URL = urls.public;

  await Promise.all(
    config.workers.map(async (worker) => {
      const env = workerEnv(worker, { ...localUrls, ...config.overrides }, bridge, objects);
      loaders.get(worker.env).resolve(await startWorker(worker, env, sdkWheel));
    }),
  );

  await Promise.all(config.workers.map((worker) => waitUntilAnswering(urls[worker.env], worker.env)));
  const width = Math.max(...Object.keys(urls).map((name) => name.length)) + 2;
  for (const [name, url] of Object.entries(urls)) console.log(`${name.padEnd(width)}${url}`);
  console.log("kalos: local stack ready");
}

/** The env a worker sees: vars, secrets, R2, KV and Durable Object namespaces. */
function workerEnv(worker, overrides, bridge, objects) {
  const env = { ...worker.vars, ...overrides, ...worker.secrets };
  for (const { binding, bucket } of worker.r2Buckets) env[binding] = new R2Bucket(bridge, bucket);
  for (const { binding, id } of worker.kvNamespaces) env[binding] = new KvNamespace(bridge, id);
  for (const { binding, scriptName, className } of worker.durableObjects) {
    env[binding] = new DurableObjectNamespace(objects, scriptName, className);
  }
  return env;
}

// A worker that fails to import is logged with its traceback and answers 500: the rest of
// the stack keeps running, so the mistake is visible without restarting everything.
async function startWorker(worker, env, sdkWheel) {
  try {
    const python = await PythonWorker.start({ worker, env, sdkWheel });
    for (const { className } of worker.durableObjects) {
      if (worker.objectClasses.has(className) && !python.hasClass(className)) {
        console.error(`[${worker.env}] main module does not export Durable Object class ${className}`);
      }
    }
    return python;
  } catch (error) {
    console.error(`[${worker.env}] worker failed to start:\n${error?.message ?? error}`);
    return null;
  }
}

// The wheel belongs to the project (make install fetches it), not to a config file.
function findSdkWheel() {
  if (process.env.KALOS_SDK_WHEEL) return path.resolve(process.env.KALOS_SDK_WHEEL);
  const folder = path.join(PROJECT_ROOT, ".kalos", "wheels");
  let wheels = [];
  try {
    wheels = readdirSync(folder).filter((f) => /^workers_runtime_sdk-.*\.whl$/.test(f));
  } catch {
    // handled below
  }
  if (wheels.length === 0) {
    throw new ConfigError(`no workers-runtime-sdk wheel in ${folder}; run make install`);
  }
  return path.join(folder, wheels.sort().at(-1));
}

function listen(server, port, name) {
  return new Promise((resolve, reject) => {
    server.once("error", (error) => {
      if (error.code !== "EADDRINUSE") return reject(error);
      const variable = `KALOS_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PORT`;
      reject(new ConfigError(`port ${port} for ${name} is in use; choose another with ${variable}`));
    });
    server.listen(port, HOST, () => resolve(`http://${HOST}:${server.address().port}`));
  });
}

// Ready means answering: /healthz where a worker has it, and any HTTP answer counts, so a
// worker without /healthz (or one that failed to start and answers 500) is ready too. A
// worker that answers 500 misconfigured (a missing secret, a key under 32 bytes) would
// refuse every request, so the stack stops there; the worker's log line says why.
async function waitUntilAnswering(url, name) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    let response;
    try {
      response = await fetch(`${url}/healthz`);
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const body = await response.text();
    if (response.status === 500 && problemCode(body) === "misconfigured") {
      throw new ConfigError(`the ${name} worker is misconfigured; its log line above says why`);
    }
    return;
  }
}

function problemCode(body) {
  try {
    return JSON.parse(body).code;
  } catch {
    return undefined;
  }
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const unique = (values) => [...new Set(values)];

main().catch((error) => {
  if (error instanceof ConfigError) console.error(`kalos: ${error.message}`);
  else console.error("kalos: the local stack failed to start:", error);
  process.exit(1);
});
