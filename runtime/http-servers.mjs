// The HTTP side of the stack: one server per worker, which turns each Node request into a
// WHATWG Request for the Python worker, and the read-only public bucket server.
import http from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { drainUnread, pullStream } from "./streams.mjs";

const INTERNAL_ERROR = { status: 500, title: "Internal error", code: "internal_error" };
const BAD_REQUEST = { status: 400, title: "Request is malformed", code: "request_invalid" };

/** A problem+json answer from the runtime itself, the same shape as the workers' own. */
function sendProblem(res, detail, { status, title, code } = INTERNAL_ERROR) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "application/problem+json" });
  res.end(JSON.stringify({ type: "about:blank", title, status, code, detail }));
}

/**
 * A server for one worker. `workerReady` resolves to its PythonWorker, or to null when
 * the worker failed to start: then every request gets a 500, and the stack keeps serving.
 */
export function workerServer(name, workerReady) {
  return http.createServer(async (req, res) => {
    const worker = await workerReady;
    if (!worker) {
      sendProblem(res, "the worker failed to start");
      return;
    }

    let request;
    try {
      request = toRequest(req);
    } catch (error) {
      sendProblem(res, error.message, BAD_REQUEST);
      return;
    }
    let response;
    try {
      response = await worker.fetch(request);
    } catch (error) {
      // The traceback goes to the log only: a response never carries internals.
      console.error(`[${name}] fetch raised:\n${error?.message ?? error}`);
      sendProblem(res, "the worker failed to handle the request");
      return;
    }

    if (request.body) void drainUnread(request.body);
    try {
      await sendResponse(req, res, response);
    } catch (error) {
      console.error(`[${name}] sending the response failed: ${error?.message ?? error}`);
      res.destroy();
    }
  });
}

// A Host header names a host and an optional port, nothing more: one that could move
// the path the worker sees, or that is no host at all, is refused, as the edge would.
const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;

function toRequest(req) {
  const host = req.headers.host ?? "localhost";
  if (!HOST.test(host)) throw new TypeError("the Host header is not a host");

  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }

  // A body with a Content-Length keeps that length, so R2 accepts it as workerd would;
  // a chunked body has none, and R2 refuses it.
  const declared = req.headers["content-length"];
  const hasBody = declared !== undefined || req.headers["transfer-encoding"] !== undefined;
  const body = hasBody ? pullStream(req, declared === undefined ? undefined : Number(declared)) : null;

  return new Request(new URL(req.url, `http://${host}`), {
    method: req.method,
    headers,
    body,
    duplex: "half",
  });
}

async function sendResponse(req, res, response) {
  for (const [key, value] of response.headers) {
    if (key !== "set-cookie") res.setHeader(key, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  res.writeHead(response.status, response.statusText || undefined);

  if (!response.body || req.method === "HEAD") {
    await response.body?.cancel();
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body), res);
}

/**
 * The bucket as its public custom domain serves it: GET and HEAD of /<url-encoded key>,
 * read-only, open to every origin.
 */
export function publicBucketServer(bucket) {
  return http.createServer(async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" });
      res.end();
      return;
    }

    let key;
    try {
      key = decodeURIComponent(new URL(req.url, "http://public").pathname.slice(1));
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }

    // R2 keys are at most 1024 bytes; a longer one names nothing.
    if (Buffer.byteLength(key) > 1024) {
      res.writeHead(404, { "content-type": "text/plain", "access-control-allow-origin": "*" });
      res.end("not found\n");
      return;
    }
    try {
      const object = req.method === "HEAD" ? await bucket.head(key) : await bucket.get(key);
      if (!object) {
        res.writeHead(404, { "content-type": "text/plain", "access-control-allow-origin": "*" });
        res.end("not found\n");
        return;
      }
      const headers = new Headers();
      object.writeHttpMetadata(headers);
      headers.set("content-length", String(object.size));
      headers.set("etag", object.httpEtag);
      headers.set("last-modified", object.uploaded.toUTCString());
      headers.set("access-control-allow-origin", "*");
      res.writeHead(200, Object.fromEntries(headers));
      if (req.method === "HEAD") res.end();
      else await pipeline(Readable.fromWeb(object.body), res);
    } catch (error) {
      console.error(`[public] ${req.method} ${key} failed: ${error?.message ?? error}`);
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502);
        res.end();
      }
    }
  });
}
