// The JSON calls both pages make to hotline's API. Errors come back as
// `HttpError` carrying the status and the server's `{"error": {code,
// message}}`, so a page can tell a refused token from a network failure
// (which stays a plain TypeError from fetch).
"use strict";

window.HotlineHttp = (function () {
  class HttpError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** `method path` with an optional bearer `token` and JSON `body`. */
  async function request(method, path, token, body) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_) {
      data = text;
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new HttpError(response.status, error.code || "http_" + response.status, error.message || String(text || response.status));
    }
    return data;
  }

  return { HttpError, request };
})();
