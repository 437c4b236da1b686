// Reads the same wrangler.toml and .dev.vars that wrangler reads, and turns every
// [env.X] into one worker description for the local stack.
import { execSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { parse as parseToml } from "smol-toml";

/** A configuration mistake that stops start-up; its message is the one line shown. */
export class ConfigError extends Error {}

const DEFAULT_PORTS = { access: 8787, upload: 8788 };
const DEFAULT_PUBLIC_PORT = 8789;

/**
 * Parse the command line: --config FILE, --dev-vars FILE, --state DIR.
 * Defaults: ./wrangler.toml, ./.dev.vars, and KALOS_STATE_DIR or .kalos/state.
 */
export function parseArgs(argv, environ) {
  const options = {
    config: "wrangler.toml",
    devVars: ".dev.vars",
    state: environ.KALOS_STATE_DIR || path.join(".kalos", "state"),
  };
  const names = { "--config": "config", "--dev-vars": "devVars", "--state": "state" };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const option = names[flag];
    if (!option) throw new ConfigError(`unknown option ${argv[i]}; expected --config, --dev-vars or --state`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    options[option] = value;
  }
  return {
    config: path.resolve(options.config),
    devVars: path.resolve(options.devVars),
    state: path.resolve(options.state),
  };
}

/** The port a server listens on: KALOS_<NAME>_PORT, else its default, else any free port. */
export function portFor(name, environ) {
  const variable = `KALOS_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_PORT`;
  if (environ[variable] !== undefined && environ[variable] !== "") {
    const port = Number(environ[variable]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`${variable}=${environ[variable]} is not a port number`);
    }
    return port;
  }
  if (name === "public") return DEFAULT_PUBLIC_PORT;
  return DEFAULT_PORTS[name] ?? 0;
}

/**
 * Load every worker from the wrangler file: its name, main module, bindings, vars and
 * secrets. Fails with a ConfigError on anything wrangler would refuse, and on a missing
 * secret, so that the stack never starts half-configured.
 */
export function loadConfig({ config: configPath, devVars: devVarsPath }, environ) {
  if (!existsSync(configPath)) throw new ConfigError(`no wrangler config at ${configPath}`);
  const toml = parseToml(readFileSync(configPath, "utf8"));
  const root = path.dirname(configPath);
  const devVars = existsSync(devVarsPath) ? dotenv.parse(readFileSync(devVarsPath)) : {};

  const envs = Object.entries(toml.env ?? {});
  if (envs.length === 0) throw new ConfigError(`${configPath} defines no [env.<worker>] sections`);

  const workers = envs.map(([envName, section]) =>
    describeWorker(envName, section, { toml, root, devVars, devVarsPath }),
  );
  checkDurableObjects(workers);

  return {
    root,
    compatibilityDate: toml.compatibility_date ?? "2025-09-01",
    workers,
    overrides: varOverrides(environ),
  };
}

function describeWorker(envName, section, { toml, root, devVars, devVarsPath }) {
  if (!section.main) throw new ConfigError(`[env.${envName}] has no main module`);
  const main = path.resolve(root, section.main);

  const secrets = {};
  for (const secret of section.secrets?.required ?? []) {
    if (devVars[secret] === undefined) {
      throw new ConfigError(`worker ${envName} needs secret ${secret}, which ${devVarsPath} does not set`);
    }
    secrets[secret] = devVars[secret];

    // A rotated-out key stays valid for a while under <NAME>_PREVIOUS.
    if (devVars[`${secret}_PREVIOUS`] !== undefined) {
      secrets[`${secret}_PREVIOUS`] = devVars[`${secret}_PREVIOUS`];
    }
  }

  return {
    env: envName,
    name: section.name ?? envName,
    main,
    mainDir: path.dirname(main),
    mainModule: path.basename(main).replace(/\.py$/, ""),
    build: section.build?.command
      ? { command: section.build.command, cwd: path.resolve(root, section.build.cwd ?? ".") }
      : null,
    compatibilityDate: section.compatibility_date ?? toml.compatibility_date ?? "2025-09-01",
    vars: Object.fromEntries(Object.entries(section.vars ?? {}).map(([k, v]) => [k, stringVar(v)])),
    secrets,
    r2Buckets: (section.r2_buckets ?? []).map((b) => ({ binding: b.binding, bucket: b.bucket_name })),
    kvNamespaces: (section.kv_namespaces ?? []).map((n) => ({ binding: n.binding, id: n.id ?? n.binding })),
    durableObjects: (section.durable_objects?.bindings ?? []).map((d) => ({
      binding: d.name,
      className: d.class_name,
      scriptName: d.script_name ?? section.name ?? envName,
    })),
    objectClasses: migratedClasses(envName, section.migrations ?? []),
  };
}

// Vars in wrangler.toml may be numbers or booleans; Workers sees JSON values, but every
// var Kalos uses is a string, and a string is what the worker gets locally.
const stringVar = (value) => (typeof value === "string" ? value : JSON.stringify(value));

/** The Durable Object classes a worker's migrations leave in place, in order. */
function migratedClasses(envName, migrations) {
  const classes = new Set();
  for (const migration of migrations) {
    for (const name of [...(migration.new_classes ?? []), ...(migration.new_sqlite_classes ?? [])]) {
      classes.add(name);
    }
    for (const { from, to } of migration.renamed_classes ?? []) {
      classes.delete(from);
      classes.add(to);
    }
    for (const name of migration.deleted_classes ?? []) classes.delete(name);
  }
  if (migrations.length && classes.size === 0) {
    throw new ConfigError(`[env.${envName}] migrations leave no Durable Object class`);
  }
  return classes;
}

// A binding is only valid when the worker that hosts the class (script_name, or the
// binding's own worker) created it in a migration: Cloudflare refuses the deploy otherwise.
function checkDurableObjects(workers) {
  for (const worker of workers) {
    for (const binding of worker.durableObjects) {
      const host = workers.find((w) => w.name === binding.scriptName);
      if (!host) {
        throw new ConfigError(
          `worker ${worker.env}: Durable Object binding ${binding.binding} names script ` +
            `${binding.scriptName}, which is not a worker in this config`,
        );
      }
      if (!host.objectClasses.has(binding.className)) {
        throw new ConfigError(
          `worker ${worker.env}: Durable Object binding ${binding.binding} uses class ` +
            `${binding.className}, which no migration of worker ${host.env} creates`,
        );
      }
    }
  }
}

/** KALOS_VAR_<NAME>=value sets var NAME for every worker; tests use it. */
function varOverrides(environ) {
  return Object.fromEntries(
    Object.entries(environ)
      .filter(([key]) => key.startsWith("KALOS_VAR_"))
      .map(([key, value]) => [key.slice("KALOS_VAR_".length), value]),
  );
}

/** Run a worker's build command as wrangler does: through the shell, before loading it. */
export function buildWorker(worker) {
  if (!worker.build) return;
  try {
    // The build's own output goes to stderr so stdout stays the stack's and the workers'.
    execSync(worker.build.command, { cwd: worker.build.cwd, stdio: ["ignore", 2, 2] });
  } catch {
    throw new ConfigError(`worker ${worker.env}: build command failed: ${worker.build.command}`);
  }
  if (!existsSync(worker.main)) {
    throw new ConfigError(`worker ${worker.env}: build did not produce ${worker.main}`);
  }
}
