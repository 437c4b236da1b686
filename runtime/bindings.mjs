// R2 and KV bindings for the Python workers, backed by Miniflare's simulators through the
// bridge. The classes are named R2Bucket and KvNamespace because the workers SDK picks
// its Python wrapper by the JavaScript constructor's name. Options travel as JSON, so
// they must be plain objects (onlyIf as {etagDoesNotMatch: "*"}, sha256 as a hex string).
import { knownLength, UNKNOWN_LENGTH_MESSAGE } from "./streams.mjs";

const HTTP_METADATA_HEADERS = [
  ["contentType", "content-type"],
  ["contentLanguage", "content-language"],
  ["contentDisposition", "content-disposition"],
  ["contentEncoding", "content-encoding"],
  ["cacheControl", "cache-control"],
];

const fromHeader = (response, name) => JSON.parse(decodeURIComponent(response.headers.get(name)));

/** An object's metadata, as R2's head() and put() return it. */
export class R2Object {
  constructor(meta) {
    Object.assign(this, meta);
    this.uploaded = new Date(meta.uploaded);
  }

  writeHttpMetadata(headers) {
    for (const [field, header] of HTTP_METADATA_HEADERS) {
      if (this.httpMetadata?.[field] !== undefined) headers.set(header, this.httpMetadata[field]);
    }
  }
}

/** An object with its bytes, as R2's get() returns it; the body streams from the bridge. */
export class R2ObjectBody extends R2Object {
  #response;

  constructor(meta, response) {
    super(meta);
    this.#response = response;
  }

  get body() {
    return this.#response.body;
  }

  get bodyUsed() {
    return this.#response.bodyUsed;
  }

  arrayBuffer() {
    return this.#response.arrayBuffer();
  }

  async bytes() {
    return new Uint8Array(await this.#response.arrayBuffer());
  }

  text() {
    return this.#response.text();
  }

  json() {
    return this.#response.json();
  }

  blob() {
    return this.#response.blob();
  }
}

export class R2Bucket {
  #bridge;
  #bucket;

  constructor(bridge, bucketName) {
    this.#bridge = bridge;
    this.#bucket = bucketName;
  }

  async head(key) {
    const meta = await (await this.#call("head", [key])).json();
    return meta && new R2Object(meta);
  }

  async get(key, options) {
    const response = await this.#call("get", options === undefined ? [key] : [key, options]);
    const meta = fromHeader(response, "x-meta");
    if (!meta) return null;
    if (response.headers.get("x-body") !== "1") return new R2Object(meta);
    return new R2ObjectBody(meta, response);
  }

  async put(key, value, options) {
    // Same rule, and same message, as workerd: a stream of unknown length is refused.
    if (value instanceof ReadableStream && !knownLength.has(value)) {
      throw new TypeError(UNKNOWN_LENGTH_MESSAGE);
    }
    const meta = await (await this.#call("put", [key, options], value)).json();
    return meta && new R2Object(meta);
  }

  async delete(keys) {
    await (await this.#call("delete", [keys])).json();
  }

  async list(options) {
    const listed = await (await this.#call("list", options === undefined ? [] : [options])).json();
    return { ...listed, objects: listed.objects.map((meta) => new R2Object(meta)) };
  }

  #call(op, args, body) {
    return this.#bridge.call("r2", this.#bucket, op, args, body);
  }
}

export class KvNamespace {
  #bridge;
  #id;

  constructor(bridge, namespaceId) {
    this.#bridge = bridge;
    this.#id = namespaceId;
  }

  async get(key, options) {
    const response = await this.#call("get", [key, typeof options === "object" ? options : {}]);
    return readValue(response, valueType(options));
  }

  async getWithMetadata(key, options) {
    const response = await this.#call("get", [key, typeof options === "object" ? options : {}]);
    const metadata = fromHeader(response, "x-meta");
    return { value: await readValue(response, valueType(options)), metadata, cacheStatus: null };
  }

  async put(key, value, options) {
    await (await this.#call("put", [key, options], value)).json();
  }

  async delete(key) {
    await (await this.#call("delete", [key])).json();
  }

  async list(options) {
    return (await this.#call("list", options === undefined ? [] : [options])).json();
  }

  #call(op, args, body) {
    return this.#bridge.call("kv", this.#id, op, args, body);
  }
}

const valueType = (options) => (typeof options === "string" ? options : (options?.type ?? "text"));

async function readValue(response, type) {
  if (response.headers.get("x-null") === "1") {
    await response.body?.cancel();
    return null;
  }
  if (type === "json") return response.json();
  if (type === "arrayBuffer") return response.arrayBuffer();
  if (type === "stream") return response.body;
  return response.text();
}
