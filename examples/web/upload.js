// The demo page's whole client side: ask the backend for a grant, send the file
// straight to the upload worker with that grant, show progress, then hand the
// receipt back to the backend and show the image from its public URL.

// Stands in for the app's real sign-in; the demo backend knows this token as alice.
const DEMO_TOKEN = "demo-token-alice";

/** A refusal with the problem+json `code` and `detail` a person can act on. */
class Problem extends Error {
  constructor(code, detail) {
    super(`${detail} (${code})`);
    this.code = code;
    this.detail = detail;
  }

  static fromBody(status, text) {
    try {
      const body = JSON.parse(text);
      if (body.code && body.detail) return new Problem(body.code, body.detail);
    } catch {
      // not problem+json: an edge or proxy page; fall through
    }
    return new Problem(`http_${status}`, "the server gave an unexpected answer");
  }
}

/** POST JSON to the demo backend as the signed-in user. */
async function callBackend(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: {
      authorization: `Bearer ${DEMO_TOKEN}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw Problem.fromBody(response.status, text);
  return JSON.parse(text);
}

/**
 * Send the file as the grant says: its method, its URL, its headers, the file as
 * the body. XMLHttpRequest rather than fetch, because only it reports upload
 * progress. The browser sets Content-Length from the file, which the worker needs.
 */
function sendWithGrant(grant, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(grant.method, grant.url);
    for (const [name, value] of Object.entries(grant.headers)) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) resolve(JSON.parse(xhr.responseText));
      else reject(Problem.fromBody(xhr.status, xhr.responseText));
    };
    // A browser hides why a cross-origin request failed: a CORS refusal and a dead
    // network look the same from here.
    xhr.onerror = () =>
      reject(
        new Problem(
          "network_error",
          "the upload did not reach the upload worker (is this page's origin allowed?)",
        ),
      );
    xhr.send(file);
  });
}

const $ = (id) => document.getElementById(id);

function showProgress(loaded, total) {
  const percent = total ? Math.round((loaded / total) * 100) : 0;
  $("progress").value = percent;
  $("percent").textContent = `${percent} %`;
}

function showError(problem) {
  $("status").textContent = "Refused.";
  $("error").textContent = `${problem.detail} (${problem.code})`;
  $("error").hidden = false;
}

async function upload(file) {
  $("error").hidden = true;
  $("result").hidden = true;
  showProgress(0, 0);

  $("status").textContent = "Asking the backend for a grant…";
  const grant = await callBackend("/api/grants", {
    content_type: file.type || null,
    size: file.size,
  });

  $("status").textContent = `Uploading ${file.name}…`;
  const stored = await sendWithGrant(grant, file, showProgress);

  $("status").textContent = "Checking the receipt…";
  const receipt = await callBackend("/api/receipts", { receipt: stored.receipt });

  $("preview").src = stored.url;
  $("link").href = stored.url;
  $("link").textContent = stored.key;
  $("details").textContent =
    `${receipt.content_type}, ${receipt.size} bytes, receipt verified for ${receipt.user}`;
  $("result").hidden = false;
  $("status").textContent = "Uploaded.";
}

$("file").addEventListener("change", (event) => {
  const [file] = event.target.files;
  if (!file) return;
  upload(file).catch((error) =>
    showError(error instanceof Problem ? error : new Problem("client_error", error.message)),
  );
});
