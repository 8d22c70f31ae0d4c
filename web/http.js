// The calls both pages make to hotline's API, and its event streams.
// Errors come back as `HttpError` (the server refused: status, code and a
// Chinese message for the person at the screen) or `NetworkError` (the
// server could not be reached). Tokens travel only in the Authorization
// header, never in a URL: the event streams are read with fetch, not
// EventSource, for that reason.
"use strict";

window.HotlineHttp = (function () {
  class HttpError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  class NetworkError extends Error {
    constructor() {
      super("网络连接失败，请检查网络后重试");
    }
  }

  const hasChinese = (text) => /[\u4e00-\u9fff]/.test(text || "");

  /** A Chinese message for a refusal whose server text is not Chinese. */
  function chinese(status, code) {
    const byCode = {
      session_not_found: "找不到这个会话",
      session_closed: "会话已结束（长时间未操作），请重新开始",
      registration_not_found: "找不到这份登记",
      not_accepted: "请先接管此会话",
      rate_limited: "操作太频繁，请稍后再试",
    };
    if (byCode[code]) return byCode[code];
    if (status === 401 || status === 403) return "令牌无效或无权访问";
    if (status === 413) return "内容太长，请分几次发送";
    if (status === 429) return "操作太频繁，请稍后再试";
    if (status === 400) return "输入内容有误，请检查后重试";
    if (status >= 500) return "服务暂时不可用，请稍后再试";
    return "请求未成功（" + status + "）";
  }

  async function call(path, options) {
    try {
      return await fetch(path, options);
    } catch (_) {
      throw new NetworkError();
    }
  }

  function headers(token, extra) {
    const all = Object.assign({ Accept: "application/json" }, extra || {});
    if (token) all.Authorization = "Bearer " + token;
    return all;
  }

  async function refusal(response) {
    const text = await response.text().catch(() => "");
    let error = {};
    try {
      error = (JSON.parse(text) || {}).error || {};
    } catch (_) {
      // Not JSON: the status says enough.
    }
    const code = error.code || "http_" + response.status;
    const message = hasChinese(error.message) ? error.message : chinese(response.status, code);
    return new HttpError(response.status, code, message);
  }

  /** `method path` with an optional bearer `token` and JSON `body`. */
  async function request(method, path, token, body) {
    const response = await call(path, {
      method,
      headers: headers(token, body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await refusal(response);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  /**
   * Opens registration `id`'s printable form in a new tab by a short-lived
   * link for that form only: a new tab cannot send the Authorization
   * header, and a token never goes into a URL. The tab opens at once, in
   * the click, so popup blockers let it through; it is closed again and
   * the error thrown when the link is refused.
   */
  async function openForm(id, token) {
    const tab = window.open("about:blank", "_blank");
    try {
      const link = await request("POST", "/v1/registrations/" + encodeURIComponent(id) + "/print-link", token);
      if (tab) {
        tab.opener = null;
        tab.location = link.url;
      }
    } catch (error) {
      if (tab) tab.close();
      throw error;
    }
  }

  /**
   * Reads the Server-Sent Events at `path` with the token in the header,
   * calling `on[kind](data)` for each event, `onOpen()` when connected and
   * `onDrop(error)` when the stream breaks; reconnects after a pause
   * (longer after a refusal). Returns `{close()}`.
   */
  function events(path, token, on, { onOpen, onDrop } = {}) {
    const stop = new AbortController();
    let retry = null;
    async function connect() {
      let failure = null;
      try {
        const response = await fetch(path, {
          headers: headers(token, { Accept: "text/event-stream" }),
          signal: stop.signal,
          cache: "no-store",
        });
        if (!response.ok) throw await refusal(response);
        if (onOpen) onOpen();
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        failure = error instanceof HttpError || error instanceof NetworkError ? error : new NetworkError();
      }
      if (stop.signal.aborted) return;
      if (onDrop) onDrop(failure || new NetworkError());
      const refused = failure instanceof HttpError && failure.status < 500;
      retry = setTimeout(connect, refused ? 15000 : 2000);
    }
    function dispatch(block) {
      let kind = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) kind = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (!data.length || !on[kind]) return;
      let parsed = null;
      try {
        parsed = JSON.parse(data.join("\n"));
      } catch (_) {
        return;
      }
      on[kind](parsed);
    }
    connect();
    return {
      close() {
        clearTimeout(retry);
        stop.abort();
      },
    };
  }

  return { HttpError, NetworkError, request, openForm, events };
})();
