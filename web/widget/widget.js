// The callers' chat widget. One session per browser: its id and token are
// kept in localStorage, so a reload (or a dropped connection) continues the
// same conversation from the server's transcript instead of starting over.
// Personal data is shown exactly as the server returns it to a session's
// holder, that is masked.
"use strict";

(function () {
  const labels = window.HotlineLabels;
  const params = new URLSearchParams(location.search);
  const region = params.get("region") || "dongguan";
  // `today` lets a test or a demo pin the session's clock; the server
  // otherwise uses its own date.
  const today = params.get("today");
  const storageKey = "hotline.widget." + region;

  const elements = {
    messages: document.getElementById("messages"),
    typing: document.getElementById("typing"),
    suggestions: document.getElementById("suggestions"),
    composer: document.getElementById("composer"),
    text: document.getElementById("text"),
    send: document.getElementById("send"),
    status: document.getElementById("status"),
    restart: document.getElementById("restart"),
  };

  let session = null; // {id, token}
  let state = null;
  let busy = false;
  let shownEntries = 0; // transcript entries on screen
  let events = null;

  // ---- HTTP ----

  const { HttpError } = window.HotlineHttp;
  const api = (method, path, body) => window.HotlineHttp.request(method, path, session && session.token, body);

  // ---- storage ----

  function loadStored() {
    try {
      const stored = JSON.parse(localStorage.getItem(storageKey) || "null");
      return stored && stored.id && stored.token ? stored : null;
    } catch (_) {
      return null;
    }
  }

  function store(value) {
    if (value) localStorage.setItem(storageKey, JSON.stringify(value));
    else localStorage.removeItem(storageKey);
  }

  // ---- rendering ----

  function bubble(role, text, extraClass) {
    const item = document.createElement("li");
    item.className = "message " + role + (extraClass ? " " + extraClass : "");
    item.dataset.role = role;
    const content = document.createElement("div");
    content.className = "bubble";
    if (role === "agent") {
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = "人工坐席";
      content.append(who);
    }
    content.append(document.createTextNode(text));
    item.append(content);
    elements.messages.append(item);
    elements.messages.scrollTop = elements.messages.scrollHeight;
    return item;
  }

  function notice(text) {
    return bubble("notice", text);
  }

  function setStatus(text) {
    elements.status.textContent = text;
  }

  function setTyping(on) {
    elements.typing.hidden = !on;
    if (on) elements.messages.scrollTop = elements.messages.scrollHeight;
  }

  function setBusy(on) {
    busy = on;
    elements.send.disabled = on;
    for (const button of elements.suggestions.querySelectorAll("button")) button.disabled = on;
  }

  function showSuggestions(list) {
    elements.suggestions.replaceChildren();
    for (const text of list || []) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.addEventListener("click", () => send(text));
      elements.suggestions.append(button);
    }
  }

  function showState(newState) {
    const changed = newState !== state;
    state = newState;
    document.body.dataset.state = newState || "";
    setStatus("在线 · " + labels.state(newState));
    if (!changed) return;
    if (newState === "done") notice("备案信息已记录，感谢您的耐心。如需修改，请直接告诉我。");
    if (newState === "handoff") notice("已为您转接人工坐席，请稍候，坐席会在这里回复您。");
    if (newState === "closed") {
      notice("本次对话已结束。点击“重新开始”可以发起新的咨询。");
      elements.text.disabled = true;
      elements.send.disabled = true;
    }
  }

  /** Replaces what is on screen with the server's transcript. */
  function renderTranscript(view) {
    elements.messages.replaceChildren();
    for (const entry of view.transcript || []) bubble(entry.role, entry.text);
    shownEntries = (view.transcript || []).length;
  }

  // ---- the conversation ----

  async function resume(stored) {
    session = stored;
    const view = await api("GET", "/v1/sessions/" + encodeURIComponent(stored.id));
    renderTranscript(view);
    state = view.state;
    showState(view.state === "closed" || view.closed ? "closed" : view.state);
    listen();
  }

  async function create() {
    session = null;
    const body = { channel: "widget", region };
    if (today) body.today = today;
    const created = await api("POST", "/v1/sessions", body);
    session = { id: created.session_id, token: created.token };
    store(session);
    elements.messages.replaceChildren();
    bubble("assistant", created.reply);
    shownEntries = 1;
    showState("idle");
    // The greeting may come with quick replies (`turn` is the full Turn).
    showSuggestions(created.turn && created.turn.suggestions);
    listen();
  }

  async function start() {
    setBusy(true);
    setStatus("正在连接…");
    try {
      const stored = loadStored();
      if (stored) {
        try {
          await resume(stored);
          return;
        } catch (error) {
          // The server no longer knows this session (or its token): start
          // afresh rather than leave the caller in front of a dead chat.
          if (!(error instanceof HttpError)) throw error;
          store(null);
        }
      }
      await create();
    } catch (error) {
      setStatus("网络中断，正在重新连接…");
      setTimeout(start, 2000);
    } finally {
      setBusy(false);
    }
  }

  async function send(text) {
    text = text.trim();
    if (!text || busy || !session) return;
    setBusy(true);
    showSuggestions([]);
    elements.text.value = "";
    const mine = bubble("caller", text);
    setTyping(true);
    try {
      const turn = await api("POST", "/v1/sessions/" + encodeURIComponent(session.id) + "/messages", { text });
      setTyping(false);
      bubble("assistant", turn.reply);
      shownEntries += 2;
      showSuggestions(turn.suggestions);
      showState(turn.state);
    } catch (error) {
      setTyping(false);
      mine.classList.add("failed");
      if (error instanceof HttpError && (error.status === 404 || error.status === 409 || error.status === 410)) {
        showState("closed");
      } else if (error instanceof HttpError) {
        notice("消息没有发送成功：" + (error.message || "请稍后再试"));
        elements.text.value = text;
      } else {
        // Network trouble: nothing was lost on the server side; keep the
        // text so the caller can send it again.
        notice("网络中断，消息未发送，请稍后重发。");
        elements.text.value = text;
      }
    } finally {
      setBusy(false);
      elements.text.focus();
    }
  }

  /** Live updates (an agent who took over writes here) through SSE. */
  function listen() {
    if (events) events.close();
    if (!session || typeof EventSource === "undefined") return;
    const url =
      "/v1/sessions/" + encodeURIComponent(session.id) + "/events?access_token=" + encodeURIComponent(session.token);
    events = new EventSource(url);
    const refresh = async () => {
      if (busy) return; // our own turn: already on screen
      try {
        const view = await api("GET", "/v1/sessions/" + encodeURIComponent(session.id));
        if ((view.transcript || []).length !== shownEntries) renderTranscript(view);
        showState(view.closed ? "closed" : view.state);
      } catch (_) {
        // The next event or a reload will catch up.
      }
    };
    // One turn publishes several events; one read after a short pause
    // covers them all and stays inside the per-session rate limit.
    let timer = null;
    const refreshSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 80);
    };
    for (const kind of ["turn", "slot", "decision", "closed"]) events.addEventListener(kind, refreshSoon);
  }

  elements.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    send(elements.text.value);
  });

  elements.restart.addEventListener("click", () => {
    if (events) events.close();
    store(null);
    session = null;
    state = null;
    elements.text.disabled = false;
    showSuggestions([]);
    start();
  });

  start();
})();
