// The agents' assistant screen: the live sessions, one session's transcript
// as it happens (Server-Sent Events), the reply to read out with its
// clauses, the registration filling itself in, and the rules' decision.
// The agents' token is asked once and kept in sessionStorage, so it goes
// away with the tab.
"use strict";

(function () {
  const labels = window.HotlineLabels;
  const tokenKey = "hotline.agent.token";
  const $ = (id) => document.getElementById(id);

  let token = sessionStorage.getItem(tokenKey);
  let current = null; // the open session's id
  let view = null; // GET /v1/sessions/{id}
  let lastTurn = null; // the latest Turn seen on the event stream
  let slotNotes = {}; // slot → {doubt, agent}: from the slot changes seen
  let registrationId = null;
  let events = null;
  let knownPassages = []; // passages seen, to expand a citation to its clause
  let listTimer = null;

  // ---- HTTP ----

  const api = (method, path, body) => window.HotlineHttp.request(method, path, token, body);

  function sessionPath(id, rest) {
    return "/v1/sessions/" + encodeURIComponent(id) + (rest || "");
  }

  // ---- small DOM helpers ----

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function live(text) {
    $("live").textContent = text;
  }

  function shortId(id) {
    return String(id).slice(0, 8);
  }

  function time(at) {
    if (!at) return "";
    const date = new Date(at);
    return isNaN(date) ? String(at) : date.toLocaleTimeString("zh-CN", { hour12: false });
  }

  // ---- login ----

  function showLogin(message) {
    $("app").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("token").focus();
  }

  async function enter() {
    $("login").hidden = true;
    $("app").hidden = false;
    await loadSessions();
    clearInterval(listTimer);
    listTimer = setInterval(loadSessions, 5000);
    const wanted = new URLSearchParams(location.hash.slice(1)).get("session");
    if (wanted) openSession(wanted);
  }

  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    try {
      await api("GET", "/v1/sessions");
    } catch (error) {
      showLogin(error.status === 401 || error.status === 403 ? "令牌无效，请重新输入。" : "无法连接服务：" + error.message);
      return;
    }
    sessionStorage.setItem(tokenKey, token);
    enter();
  });

  $("logout").addEventListener("click", () => {
    sessionStorage.removeItem(tokenKey);
    token = null;
    clearInterval(listTimer);
    if (events) events.close();
    showLogin();
  });

  // ---- the session list ----

  async function loadSessions() {
    let list;
    try {
      list = await api("GET", "/v1/sessions");
    } catch (error) {
      if (error.status === 401 || error.status === 403) return showLogin("令牌已失效，请重新输入。");
      live("会话列表暂时无法刷新：" + error.message);
      return;
    }
    const sessions = Array.isArray(list) ? list : list.sessions || [];
    const items = sessions.map((session) => {
      const id = session.session_id || session.id;
      const button = element(
        "button",
        { type: "button", "data-session": id, "aria-current": id === current ? "true" : "false", onclick: () => openSession(id) },
        element("span", {}, labels.region(session.region), " · ", shortId(id)),
        element(
          "span",
          { class: "meta" },
          labels.state(session.state),
          " · ",
          { phone: "电话", widget: "在线", agent: "坐席" }[session.channel] || session.channel || "",
          session.updated_at || session.last_active_at ? " · " + time(session.updated_at || session.last_active_at) : ""
        )
      );
      return element("li", {}, button);
    });
    const focused = document.activeElement && document.activeElement.dataset.session;
    $("session-list").replaceChildren(...items);
    $("no-sessions").hidden = items.length > 0;
    // Keep the keyboard focus on the same session across refreshes.
    if (focused) {
      const again = $("session-list").querySelector('[data-session="' + CSS.escape(focused) + '"]');
      if (again) again.focus();
    }
  }

  // ---- one session ----

  async function openSession(id) {
    if (events) events.close();
    current = id;
    view = null;
    lastTurn = null;
    slotNotes = {};
    registrationId = null;
    knownPassages = [];
    history.replaceState(null, "", "#session=" + encodeURIComponent(id));
    for (const button of $("session-list").querySelectorAll("button")) {
      button.setAttribute("aria-current", button.dataset.session === id ? "true" : "false");
    }
    $("placeholder").hidden = true;
    $("session").hidden = false;
    await refresh();
    listen(id);
  }

  async function refresh() {
    if (!current) return;
    const id = current;
    try {
      const fresh = await api("GET", sessionPath(id));
      if (id !== current) return;
      // A new state also shows in the session list at once.
      if (view && view.state !== fresh.state) loadSessions();
      view = fresh;
      noteSlotHistory(view.slot_history || view.slot_changes || []);
      const registrations = view.registrations || [];
      if (registrations.length) {
        const latest = registrations[registrations.length - 1];
        registrationId = latest.id || latest.registration_id || registrationId;
      }
      if (view.registration_id) registrationId = view.registration_id;
      render();
    } catch (error) {
      live("无法读取会话：" + error.message);
    }
  }

  // One turn publishes several events (the turn, each slot change, the
  // decision); one read of the session after a short pause covers them all
  // and stays well inside the per-session rate limit.
  let refreshTimer = null;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 80);
  }

  function listen(id) {
    events = new EventSource(sessionPath(id, "/events?access_token=" + encodeURIComponent(token)));
    events.onopen = () => live("实时连接正常");
    events.onerror = () => live("实时连接中断，正在重连…");
    const parse = (message) => {
      try {
        return JSON.parse(message.data);
      } catch (_) {
        return null;
      }
    };
    events.addEventListener("turn", (message) => {
      const turn = parse(message);
      if (turn) {
        lastTurn = turn.turn || turn;
        noteSlotHistory(lastTurn.slot_changes || []);
        if (lastTurn.registration_id) registrationId = lastTurn.registration_id;
        if (lastTurn.passages) rememberPassages(lastTurn.passages);
        else passagesForQuestion(lastTurn);
      }
      refreshSoon();
    });
    events.addEventListener("slot", (message) => {
      const change = parse(message);
      if (change) noteSlotHistory(Array.isArray(change) ? change : change.changes || [change]);
      refreshSoon();
    });
    events.addEventListener("registration", (message) => {
      const registration = parse(message);
      if (registration) registrationId = registration.registration_id || registration.id || registrationId;
      refreshSoon();
    });
    for (const kind of ["decision", "closed"]) events.addEventListener(kind, refreshSoon);
  }

  /**
   * Marks slots worth a second look: a caller's value that replaced an
   * earlier different one (a conflict), a value understood with low
   * confidence, and values an agent set.
   */
  function noteSlotHistory(changes) {
    for (const change of changes.flatMap(splitGroupChange)) {
      if (!change || !change.slot) continue;
      const note = slotNotes[change.slot] || {};
      if (change.source === "agent") {
        note.agent = true;
        note.doubt = null;
      } else {
        const replaced = change.old !== null && change.old !== undefined && change.new !== null && change.new !== undefined;
        // A list that only grew (one more proof named) is no conflict.
        const onlyAdded = Array.isArray(change.old) && Array.isArray(change.new) && change.old.every((item) => change.new.includes(item));
        if (replaced && !onlyAdded && JSON.stringify(change.old) !== JSON.stringify(change.new)) {
          note.doubt = "来电人前后说法不一致（原为 " + labels.slotValue(change.slot, change.old) + "）";
        }
        if (typeof change.confidence === "number" && change.confidence < 0.7) {
          note.doubt = "识别把握不大，请核实";
        }
        if (change.conflict) note.doubt = "与已有信息冲突，请核实";
      }
      slotNotes[change.slot] = note;
    }
  }

  /** A change of a whole group (`applicant`) as changes of its fields. */
  function splitGroupChange(change) {
    const isGroup = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
    if (!change || !(isGroup(change.new) || isGroup(change.old))) return [change];
    const keys = new Set([...Object.keys(change.old || {}), ...Object.keys(change.new || {})]);
    return [...keys].flatMap((key) =>
      splitGroupChange({
        ...change,
        slot: change.slot + "." + key,
        old: isGroup(change.old) ? change.old[key] : undefined,
        new: isGroup(change.new) ? change.new[key] : undefined,
      })
    );
  }

  function rememberPassages(passages) {
    for (const passage of passages) {
      if (!knownPassages.some((known) => known.doc_id === passage.doc_id && known.clause === passage.clause)) {
        knownPassages.push(passage);
      }
    }
  }

  // ---- rendering ----

  function render() {
    const state = view.state || "";
    $("session-title").textContent =
      labels.region(view.region) + " · " + ({ phone: "电话", widget: "在线", agent: "坐席" }[view.channel] || view.channel) + " · " + shortId(view.session_id);
    const badge = $("session-state");
    badge.textContent = labels.state(state);
    badge.className = "badge " + state;
    badge.dataset.state = state;
    $("session").dataset.state = state;
    renderTranscript(view.transcript || []);
    renderSuggested();
    renderSlots();
    renderDecision(view.decision || (lastTurn && lastTurn.decision) || null);
    $("take-over").disabled = state === "handoff" || state === "done" || state === "closed";
    $("confirm").disabled = state !== "confirming";
    $("print").disabled = !registrationId;
  }

  function renderTranscript(transcript) {
    const list = $("transcript");
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
    list.replaceChildren(
      ...transcript.map((entry) =>
        element(
          "li",
          { class: entry.role, "data-role": entry.role },
          element("span", { class: "role" }, labels.role(entry.role)),
          element("span", { class: "text" }, entry.text),
          element("span", { class: "at" }, time(entry.at))
        )
      )
    );
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function renderSuggested() {
    const transcript = (view && view.transcript) || [];
    const lastAssistant = [...transcript].reverse().find((entry) => entry.role === "assistant");
    const reply = lastTurn && lastTurn.reply ? lastTurn.reply : lastAssistant ? lastAssistant.text : "";
    $("suggested-reply").textContent = reply || "（暂无）";
    const passages = (lastTurn && lastTurn.passages) || view.passages || [];
    rememberPassages(passages);
    replaceKeepingOpen($("passages"), passages.map(passageDetails));
  }

  function passageDetails(passage) {
    return element(
      "details",
      { class: "passage", "data-key": "passage:" + passage.doc_id + ":" + passage.clause },
      element("summary", {}, (passage.title || passage.doc_id) + " · " + (passage.clause || "")),
      element("div", { class: "full" }, passage.text || "")
    );
  }

  /**
   * Replaces `container`'s children, keeping open the clauses the agent had
   * opened: the cards are redrawn on every event, and a clause being read
   * must not snap shut under the reader.
   */
  function replaceKeepingOpen(container, children) {
    const open = new Set([...container.querySelectorAll("details[open]")].map((details) => details.dataset.key));
    container.replaceChildren(...children);
    for (const details of container.querySelectorAll("details")) {
      if (open.has(details.dataset.key)) details.open = true;
    }
  }

  function findPassage(citation) {
    return knownPassages.find(
      (passage) => (citation.passage_id && passage.passage_id === citation.passage_id) || (passage.doc_id === citation.doc_id && passage.clause === citation.clause)
    );
  }

  /**
   * A citation carries a quote; opening it shows the whole clause. A
   * clause not seen yet is looked up by its quote through the same search
   * the answers use, and matched by passage id.
   */
  function citationDetails(citation) {
    const known = findPassage(citation);
    const full = element("div", { class: "full" }, known ? known.text : citation.quote || "");
    const details = element(
      "details",
      { class: "citation", "data-key": "citation:" + citation.doc_id + ":" + citation.clause },
      element("summary", {}, citation.doc_id + " · " + citation.clause + (citation.quote ? "：" + citation.quote.slice(0, 40) + (citation.quote.length > 40 ? "…" : "") : "")),
      full
    );
    let looked = Boolean(known);
    details.addEventListener("toggle", async () => {
      if (!details.open || looked || !citation.quote) return;
      looked = true;
      try {
        const answer = await api("POST", "/v1/ask", { question: citation.quote, region: view && view.region, top: 5 });
        rememberPassages(answer.passages || []);
        const found = findPassage(citation);
        if (found) full.textContent = found.text;
      } catch (_) {
        // The quote stays; it is the cited part of the clause.
      }
    });
    return details;
  }

  /** Passages behind a caller's policy question, for the reply card. */
  async function passagesForQuestion(turn) {
    if (!turn || turn.passages || !String(turn.intent || "").startsWith("ask_") || !turn.text) return;
    try {
      // The same question, region and depth the dialogue asked with.
      const answer = await api("POST", "/v1/ask", { question: turn.text, region: view && view.region, top: 3 });
      if (lastTurn === turn) {
        turn.passages = answer.passages || [];
        renderSuggested();
      }
    } catch (_) {
      // The reply stands without its clauses.
    }
  }

  function missingSlots() {
    if (lastTurn && Array.isArray(lastTurn.missing)) return lastTurn.missing;
    if (view && Array.isArray(view.missing)) return view.missing;
    const decision = view && view.decision;
    return decision && Array.isArray(decision.missing_facts) ? decision.missing_facts : [];
  }

  function renderSlots() {
    const slots = view.slots || {};
    const missing = missingSlots();
    const rows = [];
    const shown = new Set();
    for (const [slot, label] of labels.slots) {
      const value = labels.slotGet(slots, slot);
      const isMissing = missing.some((name) => name === slot || slot.startsWith(name + "."));
      const filled = value !== undefined && value !== null && value !== "";
      // Keep the table short: the rarely used slots appear only when set.
      if (!filled && !isMissing && !["category", "insurance", "destination.province", "destination.city", "applicant.name", "applicant.id_number", "applicant.phone", "materials"].includes(slot)) continue;
      shown.add(slot);
      rows.push(slotRow(slot, label, value, filled, isMissing));
    }
    // A missing fact the table does not list is still shown.
    for (const name of missing) {
      if (![...shown].some((slot) => slot === name || slot.startsWith(name + "."))) {
        rows.push(slotRow(name, labels.slotLabel(name), undefined, false, true));
      }
    }
    $("slot-table").tBodies[0].replaceChildren(...rows);
  }

  function slotRow(slot, label, value, filled, isMissing) {
    const note = slotNotes[slot] || {};
    const flags = [];
    if (isMissing) flags.push(element("span", { class: "flag missing" }, "待补"));
    else if (filled) flags.push(element("span", { class: "flag filled" }, "已填"));
    if (note.doubt) flags.push(element("span", { class: "flag doubt", title: note.doubt }, "待核实"));
    if (note.agent) flags.push(element("span", { class: "flag agent" }, "坐席修改"));
    const row = element(
      "tr",
      { "data-slot": slot, class: isMissing ? "missing" : filled ? "filled" : "" },
      element("th", { scope: "row" }, label),
      element("td", { class: "value" }, filled ? labels.slotValue(slot, value) : "—", " ", flags, note.doubt ? element("div", { class: "empty" }, note.doubt) : null),
      element(
        "td",
        { class: "edit" },
        element("button", { type: "button", class: "plain small", "aria-label": "修改" + label, onclick: () => editSlot(row, slot, label, value) }, "修改")
      )
    );
    return row;
  }

  // ---- editing a slot ----

  function editorFor(slot, value) {
    const choices = {
      category: labels.categoryIds.map((id) => [id, labels.category(id)]),
      insurance: [["employee", "职工医保"], ["resident", "城乡居民医保"]],
      scheme: [["general", "基本医疗保险"], ["maternity", "生育保险"]],
      submit_via: labels.channelIds.map((id) => [id, labels.channel(id)]),
      by_proxy: [["true", "是"], ["false", "否"]],
      incurred_costs_at_destination: [["true", "是"], ["false", "否"]],
    }[slot];
    if (slot === "materials") {
      const have = new Set(Array.isArray(value) ? value : []);
      const box = element("div", { class: "checks", role: "group", "aria-label": "已有材料" });
      for (const id of labels.materialIds) {
        box.append(element("label", {}, element("input", { type: "checkbox", value: id, checked: have.has(id) }), labels.material(id)));
      }
      return { node: box, read: () => [...box.querySelectorAll("input:checked")].map((input) => input.value) };
    }
    if (choices) {
      const select = element("select", { "aria-label": labels.slotLabel(slot) }, element("option", { value: "" }, "（请选择）"));
      for (const [id, text] of choices) {
        select.append(element("option", { value: id, selected: String(value) === id }, text));
      }
      const read = () => {
        if (select.value === "") return null;
        if (select.value === "true" || select.value === "false") return select.value === "true";
        return select.value;
      };
      return { node: select, read };
    }
    const isDate = slot.endsWith("_date");
    const input = element("input", { type: isDate ? "date" : "text", value: value == null ? "" : String(value), "aria-label": labels.slotLabel(slot) });
    return { node: input, read: () => (input.value.trim() === "" ? null : input.value.trim()) };
  }

  /**
   * The body of one slot edit. The destination is one slot on the server
   * (province and city go together), so editing its city sends the whole
   * destination with the province kept.
   */
  function slotEdit(slot, value) {
    if (slot.startsWith("destination.")) {
      const destination = Object.assign({}, (view && view.slots && view.slots.destination) || {});
      const key = slot.slice("destination.".length);
      if (value === null) delete destination[key];
      else destination[key] = value;
      return { slot: "destination", value: Object.keys(destination).length ? destination : null };
    }
    return { slot, value };
  }

  function editSlot(row, slot, label, value) {
    const editor = editorFor(slot, value);
    const error = element("div", { class: "error", role: "alert" });
    const cancel = () => renderSlots();
    const save = async () => {
      try {
        const result = await api("POST", sessionPath(current, "/slots"), slotEdit(slot, editor.read()));
        slotNotes[slot] = { agent: true };
        if (result && result.decision && view) view.decision = result.decision;
        if (result && Array.isArray(result.missing)) lastTurn = Object.assign({}, lastTurn || {}, { missing: result.missing });
        live("已修改“" + label + "”，已记入操作日志");
        await refresh();
      } catch (failure) {
        error.textContent = "修改未保存：" + failure.message;
      }
    };
    const cell = element(
      "td",
      { colspan: "2" },
      element(
        "div",
        { class: "editor" },
        editor.node,
        element("div", {}, element("button", { type: "button", class: "primary small", onclick: save }, "保存"), " ", element("button", { type: "button", class: "small", onclick: cancel }, "取消")),
        error
      )
    );
    cell.addEventListener("keydown", (event) => {
      if (event.key === "Escape") cancel();
      if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        save();
      }
    });
    row.replaceChildren(row.cells[0], cell);
    (editor.node.querySelector ? editor.node.querySelector("input") || editor.node : editor.node).focus();
  }

  // ---- the decision card ----

  function renderDecision(decision) {
    const body = $("decision-body");
    if (!decision) {
      body.replaceChildren(element("p", { class: "empty" }, "尚无结果"));
      $("decision").dataset.status = "";
      return;
    }
    $("decision").dataset.status = decision.status;
    const facts = [];
    const fact = (term, value) => {
      if (value === null || value === undefined || value === "") return;
      facts.push(element("dt", {}, term), element("dd", {}, value));
    };
    const validity = decision.validity || {};
    fact("备案类型", decision.class ? labels.klass(decision.class) : null);
    fact("备案地", decision.registered_to);
    if (validity.start) fact("有效期", validity.start + " 至 " + (validity.end || "长期有效"));
    fact("变更锁定", decision.change_allowed_from ? decision.change_allowed_from + " 前不能变更或取消" : validity.start ? "随时可变更或取消" : null);
    fact("办结时限", decision.processing_deadline);
    fact("补交期限", decision.supplement_deadline ? decision.supplement_deadline + " 前补交证明材料" : null);
    const ratio = decision.ratio_delta_points || {};
    const points = (n) => (n > 0 ? "提高 " + n : "降低 " + -n) + " 个百分点";
    if (typeof ratio.home === "number" && ratio.home !== 0) fact("回参保地就医", "报销比例" + points(ratio.home));
    if (typeof ratio.registered_place === "number" && ratio.registered_place !== 0) fact("在备案地就医", "报销比例" + points(ratio.registered_place));
    if (typeof ratio.home === "number" && ratio.home === 0 && (ratio.registered_place === 0 || ratio.registered_place == null)) fact("报销比例", "不变");
    fact("个人账户", decision.personal_account_to ? "划入" + labels.account(decision.personal_account_to) : null);
    if (decision.status === "channel_unavailable" || (decision.channels && decision.channels.length)) {
      fact("可办渠道", (decision.channels || []).map(labels.channel).join("、"));
    }
    const missing = decision.missing_materials || [];
    const parts = [
      element("p", {}, element("span", { class: "badge " + decision.status, id: "decision-status", "data-status": decision.status }, labels.status(decision.status))),
      missing.length
        ? element("div", {}, element("strong", {}, "需一次性告知的缺少材料："), element("ol", { class: "missing-materials" }, missing.map((group) => element("li", {}, labels.materialGroup(group)))))
        : null,
      element("dl", {}, facts),
      decision.notes && decision.notes.length ? element("ul", { class: "notes" }, decision.notes.map((note) => element("li", {}, note))) : null,
      decision.citations && decision.citations.length
        ? element("div", { class: "citations" }, element("strong", {}, "依据条款"), decision.citations.map(citationDetails))
        : null,
    ];
    replaceKeepingOpen(body, parts.filter(Boolean));
  }

  // ---- actions ----

  // Taking over is the dialogue's own handoff, asked for by the agent: the
  // message is stored as the agent's and audited like every agent action.
  async function takeOver() {
    if (!current || $("take-over").disabled) return;
    try {
      lastTurn = await api("POST", sessionPath(current, "/messages"), { text: "转人工" });
      live("已接管此会话");
    } catch (error) {
      live("接管失败：" + error.message);
    }
    await refresh();
  }

  async function confirmAndSubmit() {
    if (!current || $("confirm").disabled) return;
    try {
      const turn = await api("POST", sessionPath(current, "/messages"), { text: "确认" });
      lastTurn = turn;
      if (turn.registration_id) registrationId = turn.registration_id;
      live("已确认并提交");
    } catch (error) {
      live("提交失败：" + error.message);
    }
    await refresh();
  }

  function printForm() {
    if (!registrationId) return;
    // A new tab cannot carry the Authorization header; the server accepts
    // the agents' token as `access_token` for that one request.
    window.open("/v1/registrations/" + encodeURIComponent(registrationId) + "/form?access_token=" + encodeURIComponent(token), "_blank", "noopener");
  }

  $("take-over").addEventListener("click", takeOver);
  $("confirm").addEventListener("click", confirmAndSubmit);
  $("print").addEventListener("click", printForm);
  $("refresh").addEventListener("click", loadSessions);

  // ---- the free-text question box ----

  $("ask-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = $("ask").value.trim();
    if (!question) return;
    const result = $("ask-result");
    result.replaceChildren(element("p", { class: "empty" }, "查询中…"));
    try {
      const body = { question };
      if (view && view.region) body.region = view.region;
      const answer = await api("POST", "/v1/ask", body);
      rememberPassages(answer.passages || []);
      result.replaceChildren(
        element("p", { class: answer.answered ? "" : "empty" }, answer.answer),
        ...(answer.passages || []).map(passageDetails)
      );
    } catch (error) {
      result.replaceChildren(element("p", { class: "error" }, "查询失败：" + error.message));
    }
  });

  // ---- keyboard ----

  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement && document.activeElement.tagName);
    if (event.key === "/" && !typing && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      $("ask").focus();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const actions = {
      1: () => ($("session-list").querySelector('[aria-current="true"]') || $("session-list").querySelector("button") || $("refresh")).focus(),
      2: () => $("transcript").focus(),
      3: () => $("slot-table").focus(),
      t: takeOver,
      s: confirmAndSubmit,
      p: printForm,
      r: loadSessions,
    };
    const action = actions[event.key.toLowerCase()];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // A link to `/agent#session=…` opens that session, also on a screen
  // that is already open.
  window.addEventListener("hashchange", () => {
    const wanted = new URLSearchParams(location.hash.slice(1)).get("session");
    if (token && wanted && wanted !== current) openSession(wanted);
  });

  if (token) enter();
  else showLogin();
})();
