// The Broadsheet JSON API, as this page uses it: a base URL, GET and POST, problems as ApiError.

/** The API's address: `?api=https://...` when given, else the server this page came from. */
export function apiBase() {
  const asked = new URLSearchParams(window.location.search).get("api");
  if (asked) {
    try {
      const url = new URL(asked);
      if (url.protocol === "http:" || url.protocol === "https:") {
        return url.href.replace(/\/+$/, "");
      }
    } catch {
      // not a URL: fall back to this server
    }
  }
  // the page lives at <base>/demo/, the API at <base>/v1
  return new URL("..", document.baseURI).href.replace(/\/+$/, "");
}

export const API = apiBase();

/** An RFC 9457 problem (or a network failure, status 0) from the API. */
export class ApiError extends Error {
  constructor(status, title, detail, retryAfter = null) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

async function problem(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(
    response.status,
    body.title || response.statusText || "Error",
    body.detail || "",
    response.headers.get("Retry-After"),
  );
}

async function call(path, init) {
  let response;
  try {
    response = await fetch(API + path, init);
  } catch {
    throw new ApiError(0, "Network error", `The news service at ${API} could not be reached.`);
  }
  if (!response.ok) {
    throw await problem(response);
  }
  return response.status === 204 ? null : response.json();
}

export function getJSON(path) {
  return call(path, { headers: { Accept: "application/json" } });
}

export function postJSON(path, body, { keepalive = false } = {}) {
  return call(path, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
    keepalive,
  });
}
