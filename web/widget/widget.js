// The callers' chat widget. One session per browser: its id and token are
// kept in localStorage, so a reload (or a dropped connection) continues the
// same conversation from the server's transcript instead of starting over.
// Each message carries a client id, so sending it again after a dropped
// connection is never applied twice. The caller sees their own name and
// phone as the server returns them (whole, to check the read-back) and the
// ID number masked.
"use strict";

(function () {
  const labels = window.HotlineLabels;
  const http = window.HotlineHttp;
  const params = new URLSearchParams(location.search);
  // Without `region` the server opens the session in its first region.
  const region = params.get("region");
  // `today` lets a test or a demo pin the session's clock; the server
  // otherwise uses its own date.
  const today = params.get("today");
  const storageKey = "hotline.widget." + (region || "");
  const $ = (id) => document.getElementById(id);

  let session = null; // {id, token}
  let state = null;
  let busy = false;
  let shownEntries = 0; // transcript entries on screen
  let stream = null;
  let pending = null; // {text, clientId, bubble}: a message not yet acknowledged
  let lastDone = null; // the registration id the done card shows

  const api = (method, path, body) => http.request(method, path, session && session.token, body);
  const sessionPath = (rest) => "/v1/sessions/" + encodeURIComponent(session.id) + (rest || "");

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

  function scrollToEnd() {
    $("messages").scrollTop = $("messages").scrollHeight;
  }

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
    $("messages").append(item);
    scrollToEnd();
    return item;
  }

  const notice = (text) => bubble("notice", text);

  let online = true;
  function setOnline(on, why) {
    online = on;
    // A message that did not go out keeps the banner (and its 重试) up.
    const unsent = Boolean(pending && pending.failed);
    $("offline").hidden = on && !unsent;
    if (!on) $("offline-text").textContent = why || "网络已断开，正在重新连接…";
    else if (unsent) $("offline-text").textContent = "有一条消息没有发出去。";
    showStatus();
  }

  function showStatus() {
    const text = !online ? "连接中断" : state === "closed" ? "对话已结束" : "在线 · " + labels.state(state);
    $("status").textContent = text;
  }

  function setTyping(on) {
    $("typing").hidden = !on;
    if (on) scrollToEnd();
  }

  function setBusy(on) {
    busy = on;
    $("send").disabled = on;
    for (const button of $("suggestions").querySelectorAll("button")) button.disabled = on;
  }

  function showSuggestions(list) {
    $("suggestions").replaceChildren(
      ...(list || []).map((text) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = text;
        button.addEventListener("click", () => send(text));
        return button;
      })
    );
  }

  /**
   * Quick replies for the materials question, fitted to what this
   * caller's category needs (the rules' missing materials): the caller
   * taps what they hold instead of typing document names.
   */
  function materialReplies(turn) {
    const decision = turn && turn.decision;
    const asking = turn && turn.state === "collecting" && decision && decision.status === "needs_materials" && !(turn.missing || []).length;
    if (!asking) return null;
    const names = (decision.missing_materials || []).map((group) => labels.material((group.any_of || [])[0])).filter(Boolean);
    if (!names.length) return null;
    const replies = names.length > 1 ? ["我有" + names.join("和")] : [];
    for (const name of names) replies.push("我有" + name);
    replies.push("都没有");
    return replies;
  }

  function showState(newState) {
    const changed = newState !== state;
    state = newState;
    document.body.dataset.state = newState || "";
    showStatus();
    if (!changed) return;
    if (newState === "handoff") notice("正在为您转接人工坐席，请稍候。坐席接入前，您发的消息会转给坐席。");
    if (newState === "closed") {
      notice("本次对话已结束。点“重新开始”可以发起新的咨询。");
      $("text").disabled = true;
      $("send").disabled = true;
    }
  }

  /** The finished registration: its number, validity and the printable form. */
  function showDone(registrationId, decision) {
    if (!registrationId || registrationId === lastDone) return;
    lastDone = registrationId;
    const item = document.createElement("li");
    item.className = "message done";
    const card = document.createElement("div");
    card.className = "bubble done";
    const title = document.createElement("h2");
    title.textContent = "备案已登记";
    const facts = document.createElement("dl");
    const fact = (term, value) => {
      if (!value) return;
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      facts.append(dt, dd);
    };
    fact("登记编号", registrationId);
    fact("有效期", labels.validity(decision && decision.validity));
    const print = document.createElement("button");
    print.type = "button";
    print.id = "open-form";
    print.textContent = "打开备案表和传真单（可打印）";
    print.addEventListener("click", () => openForm(registrationId));
    card.append(title, facts, print);
    item.append(card);
    $("messages").append(item);
    scrollToEnd();
  }

  async function openForm(registrationId) {
    try {
      await http.openForm(registrationId, session && session.token);
    } catch (error) {
      notice("暂时打不开备案表：" + error.message);
    }
  }

  /** Replaces what is on screen with the server's transcript. */
  function renderTranscript(view) {
    $("messages").replaceChildren();
    lastDone = null;
    for (const entry of view.transcript || []) bubble(entry.role, entry.text);
    shownEntries = (view.transcript || []).length;
    const registrations = view.registrations || [];
    if (registrations.length) showDone(registrations[registrations.length - 1], view.decision);
  }

  // ---- the conversation ----

  /** The stored session no longer opens: say so, and offer a new chat. */
  function lost(message) {
    if (stream) stream.close();
    $("messages").replaceChildren();
    notice(message);
    state = "closed";
    document.body.dataset.state = "lost";
    $("status").textContent = "对话无法继续";
    const fresh = document.createElement("button");
    fresh.type = "button";
    fresh.id = "new-chat";
    fresh.textContent = "开始新的对话";
    fresh.addEventListener("click", restart);
    $("suggestions").replaceChildren(fresh);
    $("text").disabled = true;
    $("send").disabled = true;
  }

  async function resume(stored) {
    session = stored;
    const view = await api("GET", sessionPath());
    renderTranscript(view);
    showState(view.closed ? "closed" : view.state);
    listen();
  }

  async function create() {
    session = null;
    const body = { channel: "widget" };
    if (region) body.region = region;
    if (today) body.today = today;
    const created = await api("POST", "/v1/sessions", body);
    session = { id: created.session_id, token: created.token };
    store(session);
    $("messages").replaceChildren();
    lastDone = null;
    bubble("assistant", created.reply);
    shownEntries = 1;
    showState("idle");
    showSuggestions(created.turn && created.turn.suggestions);
    listen();
  }

  async function start() {
    setBusy(true);
    $("status").textContent = "正在连接…";
    $("text").disabled = false;
    try {
      const stored = loadStored();
      if (stored) {
        try {
          await resume(stored);
        } catch (error) {
          if (!(error instanceof http.HttpError)) throw error;
          // Not a network failure: the server refused this session. Say
          // so instead of silently starting a different conversation.
          session = null;
          lost(
            error.status === 404
              ? "找不到之前的对话（可能已过期）。您可以开始新的对话。"
              : "之前的对话凭证无效，无法继续。您可以开始新的对话。"
          );
          setOnline(true);
          return;
        }
      } else {
        await create();
      }
      setOnline(true);
    } catch (error) {
      setOnline(false, "网络已断开，正在重新连接…");
      setTimeout(start, 3000);
    } finally {
      setBusy(false);
    }
  }

  let clientCount = 0;
  const newClientId = () => "w-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8) + "-" + (clientCount += 1);

  async function send(text, again) {
    text = (text || "").trim();
    if (!text || busy || !session) return;
    setBusy(true);
    showSuggestions([]);
    $("text").value = "";
    if (!again) {
      if (pending) pending.bubble.remove();
      pending = { text, clientId: newClientId(), bubble: bubble("caller", text) };
    }
    const message = pending;
    message.bubble.classList.remove("failed");
    message.failed = false;
    setTyping(true);
    try {
      const turn = await api("POST", sessionPath("/messages"), { text: message.text, client_id: message.clientId });
      pending = null;
      setOnline(true);
      setTyping(false);
      if (again) {
        // The first try may have been applied (only its answer was lost):
        // show what the server holds rather than guess.
        renderTranscript(await api("GET", sessionPath()));
      } else {
        if (turn.reply) bubble("assistant", turn.reply);
        shownEntries += turn.reply ? 2 : 1;
      }
      showSuggestions(materialReplies(turn) || turn.suggestions);
      showState(turn.state);
      if (turn.registration_id) showDone(turn.registration_id, turn.decision);
    } catch (error) {
      setTyping(false);
      message.bubble.classList.add("failed");
      message.failed = true;
      if (error instanceof http.HttpError) {
        pending = null;
        if (error.status === 409 && error.code === "session_closed") showState("closed");
        else if (error.status === 401 || error.status === 403 || error.status === 404) lost("这个对话已无法继续（" + error.message + "）。您可以开始新的对话。");
        else {
          notice("消息没有发送成功：" + error.message);
          $("text").value = text;
        }
      } else {
        // The server could not be reached: keep the message; 重试 sends it
        // again with the same client id, so it is applied at most once.
        setOnline(false, "网络已断开，消息未发送。");
      }
    } finally {
      setBusy(false);
    }
  }

  /** Live updates (an agent writing, an agent's correction) from the server. */
  function listen() {
    if (stream) stream.close();
    if (!session) return;
    let timer = null;
    const refresh = async () => {
      // Our own turn is already on screen; a message awaiting 重试 is
      // resolved by the retry.
      if (busy || pending) return;
      try {
        const view = await api("GET", sessionPath());
        if ((view.transcript || []).length !== shownEntries) renderTranscript(view);
        showState(view.closed ? "closed" : view.state);
      } catch (_) {
        // The next event or a reload will catch up.
      }
    };
    const refreshSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 80);
    };
    const on = {};
    for (const kind of ["turn", "slot", "decision", "registration", "agent", "closed", "resync"]) {
      on[kind] = refreshSoon;
    }
    stream = http.events(sessionPath("/events"), session.token, on, {
      onOpen: () => {
        setOnline(true);
        refreshSoon();
      },
      onDrop: () => setOnline(false, "连接中断，正在重新连接…"),
    });
  }

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    send($("text").value);
  });

  $("retry").addEventListener("click", () => {
    if (pending) send(pending.text, true);
    else if (!session) start();
    else listen();
  });

  // The on-screen keyboard shrinks the view: keep the latest message in it.
  $("text").addEventListener("focus", () => setTimeout(scrollToEnd, 300));
  if (window.visualViewport) window.visualViewport.addEventListener("resize", scrollToEnd);
  window.addEventListener("offline", () => setOnline(false, "网络已断开。"));
  window.addEventListener("online", () => {
    if (session) listen();
  });

  function restart() {
    if (stream) stream.close();
    store(null);
    session = null;
    state = null;
    pending = null;
    $("text").disabled = false;
    showSuggestions([]);
    start();
  }

  // 重新开始 asks first: the conversation would be lost.
  $("restart").addEventListener("click", () => {
    const dialog = $("confirm-restart");
    if (!session || typeof dialog.showModal !== "function") return restart();
    dialog.returnValue = "";
    dialog.showModal();
  });
  $("confirm-restart").addEventListener("close", () => {
    if ($("confirm-restart").returnValue === "restart") restart();
  });

  start();
})();
