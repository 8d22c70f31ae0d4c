// The agents' workspace: the queue of callers (most urgent first, pushed
// live), one caller's card and transcript, taking the call over (accept,
// write to the caller, give back, submit, wrap up), the suggested reply and
// the policy passages to insert into a reply, the registration filling
// itself in, and the rules' decision. Each agent logs in with their own
// token, kept in sessionStorage (gone with the tab) and sent only in the
// Authorization header.
"use strict";

(function () {
  const labels = window.HotlineLabels;
  const http = window.HotlineHttp;
  const tokenKey = "hotline.agent.token";
  const $ = (id) => document.getElementById(id);

  let token = sessionStorage.getItem(tokenKey);
  let me = null; // this agent's name
  let current = null; // the open session's id
  let view = null; // GET /v1/sessions/{id}
  let lastTurn = null; // the latest turn event of the open session
  let slotNotes = {}; // slot → {doubt, agent}
  let registrationId = null;
  let stream = null; // the agents' event stream (all sessions)
  let knownPassages = []; // passages seen, to expand a citation to its clause
  const editors = new Map(); // slot → its table row while being edited

  const api = (method, path, body) => http.request(method, path, token, body);
  const sessionPath = (id, rest) => "/v1/sessions/" + encodeURIComponent(id) + (rest || "");

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

  /**
   * Makes `parent`'s children exactly `nodes` without moving a node that
   * stays, so an editor being typed in keeps its text and its focus.
   */
  function syncChildren(parent, nodes) {
    const wanted = new Set(nodes);
    for (const child of [...parent.children]) if (!wanted.has(child)) child.remove();
    nodes.forEach((node, index) => {
      const at = parent.children[index];
      if (at !== node) parent.insertBefore(node, at || null);
    });
  }

  const live = (text) => ($("live").textContent = text);
  const shortId = (id) => String(id).slice(0, 8);

  function time(at) {
    if (!at) return "";
    const date = new Date(at);
    return isNaN(date) ? String(at) : date.toLocaleTimeString("zh-CN", { hour12: false });
  }

  function waited(since) {
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(since)) / 1000));
    const minutes = Math.floor(seconds / 60);
    return (minutes ? minutes + " 分 " : "") + (seconds % 60) + " 秒";
  }

  const maskPhone = (phone) => (phone && phone.length >= 7 ? phone.slice(0, 3) + "****" + phone.slice(-4) : phone || "");

  // Wait times tick on screen without asking the server.
  setInterval(() => {
    for (const node of document.querySelectorAll("[data-since]")) {
      node.textContent = (node.dataset.prefix || "") + waited(node.dataset.since);
    }
  }, 1000);

  // ---- login ----

  function showLogin(message) {
    $("app").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("token").focus();
  }

  async function enter() {
    await labels.ready;
    try {
      me = (await api("GET", "/v1/agents/me")).name;
    } catch (error) {
      token = null;
      sessionStorage.removeItem(tokenKey);
      return showLogin(error.status === 401 || error.status === 403 ? "令牌无效，请重新输入。" : error.message);
    }
    $("agent-name").textContent = me;
    $("login").hidden = true;
    $("app").hidden = false;
    await loadSessions();
    listen();
    const wanted = new URLSearchParams(location.hash.slice(1)).get("session");
    if (wanted) openSession(wanted);
  }

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    sessionStorage.setItem(tokenKey, token);
    enter();
  });

  $("logout").addEventListener("click", () => {
    sessionStorage.removeItem(tokenKey);
    token = null;
    if (stream) stream.close();
    showLogin();
  });

  // ---- the queue ----

  let listTimer = null;
  function loadSessionsSoon() {
    clearTimeout(listTimer);
    listTimer = setTimeout(loadSessions, 150);
  }

  async function loadSessions() {
    let list;
    try {
      list = await api("GET", "/v1/sessions");
    } catch (error) {
      if (error.status === 401 || error.status === 403) return showLogin("令牌已失效，请重新输入。");
      live("来电队列暂时无法刷新：" + error.message);
      return;
    }
    const items = (list.sessions || []).map(queueItem);
    const focused = document.activeElement && document.activeElement.dataset.session;
    $("session-list").replaceChildren(...items);
    $("no-sessions").hidden = items.length > 0;
    if (focused) {
      const again = $("session-list").querySelector('[data-session="' + CSS.escape(focused) + '"]');
      if (again) again.focus();
    }
  }

  function queueItem(card) {
    const id = card.session_id;
    const where = [labels.category(card.category), destinationText(card.destination), labels.channelName(card.channel)].filter(Boolean).join(" · ");
    const waiting = card.state === "handoff" && card.waiting_since;
    const button = element(
      "button",
      { type: "button", "data-session": id, "data-state": card.state, "aria-current": id === current ? "true" : "false", onclick: () => openSession(id) },
      element("span", { class: "who" }, element("strong", {}, card.name || "未留姓名"), card.phone ? " " + card.phone : ""),
      element("span", { class: "meta" }, where || (card.region_name || "") + " · " + shortId(id)),
      element(
        "span",
        { class: "meta" },
        element("span", { class: "badge " + card.state }, labels.state(card.state)),
        waiting ? element("span", { class: "wait", "data-since": card.waiting_since, "data-prefix": " 已等待 " }, " 已等待 " + waited(card.waiting_since)) : null,
        card.agent && card.state === "agent_active" ? " · " + card.agent : "",
        !waiting ? " · " + time(card.updated_at) : ""
      )
    );
    return element("li", { class: waiting ? "urgent" : "" }, button);
  }

  function destinationText(destination) {
    if (!destination) return "";
    return (destination.province || "") + (destination.city && destination.city !== destination.province ? destination.city : "");
  }

  // ---- live events: one stream for every session ----

  function listen() {
    if (stream) stream.close();
    const touch = (data) => {
      if (data && data.session_id === current) refreshSoon();
    };
    stream = http.events("/v1/events", token, {
      turn: (data) => {
        loadSessionsSoon();
        if (data.session_id !== current) return;
        lastTurn = data;
        passagesForQuestion(data);
        refreshSoon();
      },
      agent: (data) => {
        loadSessionsSoon();
        touch(data);
      },
      slot: touch,
      decision: touch,
      registration: (data) => {
        if (data.session_id === current) registrationId = data.registration_id;
        touch(data);
      },
      closed: (data) => {
        loadSessionsSoon();
        touch(data);
      },
      // Events may have been missed (another node's were too large to
      // pass on, or the server's link to the others was down): read again.
      resync: () => {
        loadSessionsSoon();
        refreshSoon();
      },
    }, {
      onOpen: () => live("实时连接正常"),
      onDrop: (error) => live("实时连接中断，正在重连…（" + error.message + "）"),
    });
  }

  // ---- one session ----

  async function openSession(id) {
    current = id;
    view = null;
    lastTurn = null;
    slotNotes = {};
    registrationId = null;
    knownPassages = [];
    editors.clear();
    $("reply").value = "";
    $("wrap-up").hidden = true;
    $("passages").replaceChildren();
    history.replaceState(null, "", "#session=" + encodeURIComponent(id));
    for (const button of $("session-list").querySelectorAll("button")) {
      button.setAttribute("aria-current", button.dataset.session === id ? "true" : "false");
    }
    $("placeholder").hidden = true;
    $("session").hidden = false;
    await refresh();
  }

  async function refresh() {
    if (!current) return;
    const id = current;
    try {
      const fresh = await api("GET", sessionPath(id));
      if (id !== current) return;
      view = fresh;
      slotNotes = {};
      noteSlotHistory(view.slot_history || []);
      const registrations = view.registrations || [];
      if (registrations.length) registrationId = registrations[registrations.length - 1];
      render();
    } catch (error) {
      live("无法读取会话：" + error.message);
    }
  }

  // One turn publishes several events; one read of the session after a
  // short pause covers them all.
  let refreshTimer = null;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 80);
  }

  /**
   * Marks slots worth a second look: a value the caller gave that replaced
   * a different one the caller had given before (a default the caller
   * never said, such as the medium of a registration, is no conflict), and
   * values an agent set.
   */
  function noteSlotHistory(changes) {
    const said = new Set();
    for (const change of changes.flatMap(splitGroupChange)) {
      if (!change || !change.slot) continue;
      const note = slotNotes[change.slot] || {};
      if (change.source === "agent") {
        note.agent = true;
        note.doubt = null;
      } else {
        const differs = change.new !== null && change.new !== undefined && JSON.stringify(change.old) !== JSON.stringify(change.new);
        // A list that only grew (one more proof named) is no conflict.
        const onlyAdded = Array.isArray(change.old) && Array.isArray(change.new) && change.old.every((item) => change.new.includes(item));
        if (said.has(change.slot) && differs && !onlyAdded) {
          note.doubt = "来电人前后说法不一致（原为 " + labels.slotValue(change.slot, change.old) + "）";
        }
        said.add(change.slot);
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
      if (!knownPassages.some((known) => known.passage_id === passage.passage_id)) knownPassages.push(passage);
    }
  }

  // ---- who holds the call, and what the agent may do ----

  const held = () => (view && view.held) || null;
  const mine = () => Boolean(held() && held().agent === me && view.state === "agent_active");
  const ended = () => !view || view.closed || Boolean(view.wrap_up);

  /** Why 确认并提交 is not possible now, or null when it is. */
  function submitBlocker() {
    if (!view || ended()) return "会话已结束";
    const hold = held();
    const form = hold ? hold.form : view.state;
    if (form === "done") return "此会话的登记已经完成";
    if (form !== "confirming") return "登记信息尚未读回给来电人确认";
    if (view.channel === "widget" && !(hold && hold.confirmed)) {
      return hold ? "等待来电人确认读回的信息（把建议回复发给来电人）" : "来电人在网页上自己确认；如需代为提交，请先接管";
    }
    if (hold && hold.agent !== me) return "此会话由" + hold.agent + "接管";
    return null;
  }

  // ---- rendering ----

  function render() {
    const state = view.closed ? "closed" : view.state || "";
    const slots = view.slots || {};
    const applicant = slots.applicant || {};
    $("caller-name").textContent = applicant.name || "未留姓名";
    $("caller-phone").textContent = applicant.phone ? "电话 " + maskPhone(applicant.phone) : "未留电话";
    const badge = $("session-state");
    badge.textContent = labels.state(state);
    badge.className = "badge " + state;
    badge.dataset.state = state;
    $("session").dataset.state = state;
    const hold = held();
    const wait = $("caller-wait");
    delete wait.dataset.since;
    wait.textContent = "";
    if (state === "handoff" && hold) {
      wait.dataset.since = hold.since;
      wait.dataset.prefix = "已等待 ";
      wait.textContent = "已等待 " + waited(hold.since);
    } else if (state === "agent_active" && hold) {
      wait.textContent = hold.agent === me ? "由您接管" : "由" + hold.agent + "接管";
    }
    $("caller-facts").textContent = [
      slots.category ? labels.category(slots.category) : "类别未定",
      destinationText(slots.destination) || "就医地未定",
      labels.channelName(view.channel),
      view.region_name || "",
    ].filter(Boolean).join(" · ");
    $("session-title").textContent = "会话 " + shortId(view.session_id);

    renderTranscript(view.transcript || []);
    renderSuggested();
    renderSlots();
    renderDecision(view.decision || null);

    const blocker = submitBlocker();
    $("accept").disabled = ended() || mine() || Boolean(hold && hold.agent && hold.agent !== me);
    $("release").disabled = ended() || !mine();
    $("confirm").disabled = Boolean(blocker);
    $("print").disabled = !registrationId;
    $("wrap-up-open").disabled = ended();
    $("reply").disabled = !mine();
    $("send-reply").disabled = !mine();
    $("insert-suggestion").disabled = !mine() || !suggestion();
    $("action-hint").textContent = view.wrap_up
      ? "已结束服务：" + labels.disposition(view.wrap_up.detail.disposition) + (view.wrap_up.detail.note ? "（" + view.wrap_up.detail.note + "）" : "") + " · " + view.wrap_up.actor
      : !mine()
        ? hold && hold.agent && hold.agent !== me
          ? "此会话由" + hold.agent + "接管，您可以查看，不能回复。"
          : state === "handoff"
          ? "来电人在等待人工坐席：点“接管来电”后可直接回复。"
          : "接管后可在下方直接回复来电人。"
        : blocker
          ? "提交前：" + blocker + "。"
          : "来电人已确认，可以提交。";
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

  /** What the assistant would say now. */
  function suggestion() {
    const hold = held();
    if (hold) return hold.suggestion || "";
    const transcript = (view && view.transcript) || [];
    const last = [...transcript].reverse().find((entry) => entry.role === "assistant");
    return last ? last.text : "";
  }

  function renderSuggested() {
    $("suggested-reply").textContent = suggestion() || "（暂无）";
    $("suggested-note").textContent = held() ? "助手的建议，不会自动发给来电人；插入后可修改再发送" : "可直接读给来电人";
    const passages = (lastTurn && lastTurn.passages) || [];
    if (passages.length) {
      rememberPassages(passages);
      $("passages").replaceChildren(...passages.map((passage) => passageDetails(passage, null)));
    }
  }

  /**
   * A passage with its whole text and a button that puts a short reply
   * with its clause in the reply box: `answer` (the answer the passage
   * backs) or else the passage's first sentence.
   */
  function passageDetails(passage, answer) {
    return element(
      "details",
      { class: "passage" },
      element("summary", {}, "《" + passage.title + "》" + passage.clause),
      element("div", { class: "full" }, passage.text),
      element("button", { type: "button", class: "small", onclick: () => insertReply(shortReply(answer, passage)) }, "插入回复")
    );
  }

  /**
   * A short answer with the clause it rests on, for the reply box. An
   * answer that already names its document is not cited twice.
   */
  function shortReply(answer, passage) {
    const firstSentence = (text) => (String(text).match(/^[^。！？]*[。！？]?/) || [""])[0].trim();
    const text = answer || firstSentence(passage.text);
    const title = "《" + passage.title + "》";
    return text.includes(title) ? text : text + "（依据" + title + passage.clause + "）";
  }

  function insertReply(text) {
    const box = $("reply");
    if (box.disabled) {
      live("请先接管来电，再回复来电人");
      return;
    }
    box.value = box.value.trim() ? box.value.trimEnd() + "\n" + text : text;
    box.focus();
  }

  /** Passages behind a caller's policy question, for the reply card. */
  async function passagesForQuestion(turn) {
    if (!turn || !String(turn.intent || "").startsWith("ask_") || !turn.text || turn.role !== "caller") return;
    try {
      const answer = await api("POST", "/v1/ask", { question: turn.text, region: view && view.region, top: 3 });
      if (lastTurn === turn) {
        turn.passages = answer.passages || [];
        turn.answer = answer.answer;
        rememberPassages(turn.passages);
        $("passages").replaceChildren(...turn.passages.map((passage, index) => passageDetails(passage, index === 0 && answer.answered ? answer.answer : null)));
      }
    } catch (_) {
      // The reply stands without its clauses.
    }
  }

  function missingSlots() {
    const decision = view && view.decision;
    return decision && Array.isArray(decision.missing_facts) ? decision.missing_facts : [];
  }

  const alwaysShown = ["category", "insurance", "destination.province", "destination.city", "applicant.name", "applicant.id_number", "applicant.phone", "materials"];

  function renderSlots() {
    const slots = view.slots || {};
    const missing = missingSlots();
    const rows = [];
    const shown = new Set();
    for (const [slot, label] of labels.slots) {
      const value = labels.slotGet(slots, slot);
      const isMissing = missing.some((name) => name === slot || slot.startsWith(name + "."));
      const filled = value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && !value.length);
      // Keep the table short: the rarely used slots appear only when set.
      if (!filled && !isMissing && !alwaysShown.includes(slot)) continue;
      shown.add(slot);
      rows.push(editors.get(slot) || slotRow(slot, label, value, filled, isMissing));
    }
    for (const name of missing) {
      if (![...shown].some((slot) => slot === name || slot.startsWith(name + "."))) {
        rows.push(editors.get(name) || slotRow(name, labels.slotLabel(name), undefined, false, true));
      }
    }
    syncChildren($("slot-table").tBodies[0], rows);
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
      element("td", { class: "value" }, filled ? labels.slotValue(slot, value) : "—", " ", flags, note.doubt ? element("div", { class: "note" }, note.doubt) : null),
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
      category: labels.categoryIds().map((id) => [id, labels.category(id)]),
      insurance: [["employee", "职工医保"], ["resident", "城乡居民医保"]],
      scheme: [["general", "基本医疗保险"], ["maternity", "生育保险"]],
      submit_via: labels.channelIds().map((id) => [id, labels.channel(id)]),
      by_proxy: [["true", "是"], ["false", "否"]],
      incurred_costs_at_destination: [["true", "是"], ["false", "否"]],
    }[slot];
    if (slot === "materials") {
      const have = new Set(Array.isArray(value) ? value : []);
      const box = element("div", { class: "checks", role: "group", "aria-label": "已有材料" });
      for (const id of labels.materialIds()) {
        box.append(element("label", {}, element("input", { type: "checkbox", value: id, checked: have.has(id) }), labels.material(id)));
      }
      return { node: box, read: () => [...box.querySelectorAll("input:checked")].map((input) => input.value) };
    }
    if (choices) {
      const select = element("select", { "aria-label": labels.slotLabel(slot) }, element("option", { value: "" }, "（请选择）"));
      for (const [id, text] of choices) select.append(element("option", { value: id, selected: String(value) === id }, text));
      const read = () => (select.value === "" ? null : select.value === "true" || select.value === "false" ? select.value === "true" : select.value);
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
    const close = () => {
      editors.delete(slot);
      renderSlots();
    };
    const save = async () => {
      try {
        await api("POST", sessionPath(current, "/slots"), slotEdit(slot, editor.read()));
        live("已修改“" + label + "”，已记入操作日志；新的读回已" + (held() ? "放入建议回复" : "发给来电人"));
        editors.delete(slot);
        await refresh();
      } catch (failure) {
        // The server names the field by its id; the row already says which.
        error.textContent = "修改未保存：" + failure.message.replace(/^[a-z_.]+: /, "");
      }
    };
    const editing = element(
      "tr",
      { "data-slot": slot, class: "editing" },
      element("th", { scope: "row" }, label),
      element(
        "td",
        { colspan: "2" },
        element(
          "div",
          { class: "editor" },
          editor.node,
          element("div", {}, element("button", { type: "button", class: "primary small", onclick: save }, "保存"), " ", element("button", { type: "button", class: "small", onclick: close }, "取消")),
          error
        )
      )
    );
    editing.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
      if (event.key === "Enter" && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        save();
      }
    });
    editors.set(slot, editing);
    row.replaceWith(editing);
    (editor.node.querySelector ? editor.node.querySelector("input") || editor.node : editor.node).focus();
  }

  // ---- the decision card ----

  /**
   * The citations most relevant to this decision first: a clause scores for
   * each of the decision's own facts it speaks of (the caller's category,
   * the class, the materials still missing, the medium, validity), so the
   * clause that decided the case leads and general ones follow.
   */
  function rankCitations(decision, slots) {
    const terms = [];
    if (slots.category) terms.push(...labels.category(slots.category).replace(/人员$/, "").split(/[（）]/).filter(Boolean));
    if (decision.class) terms.push(labels.klass(decision.class).replace("备案", ""));
    for (const group of decision.missing_materials || []) for (const id of group.any_of || []) terms.push(labels.material(id));
    if (slots.submit_via) terms.push(labels.channel(slots.submit_via));
    if (decision.validity && decision.validity.start) terms.push("有效期");
    const seen = new Set();
    return (decision.citations || [])
      .filter((citation) => {
        const key = citation.doc_id + "|" + citation.clause;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map((citation, order) => ({ citation, order, score: terms.filter((term) => term && (citation.quote || "").includes(term)).length }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .map((ranked) => ranked.citation);
  }

  function citationTitle(citation) {
    const title = (view && view.documents && view.documents[citation.doc_id]) || "政策文件";
    return "《" + title + "》" + citation.clause;
  }

  function findPassage(citation) {
    return knownPassages.find((passage) => passage.passage_id === citation.passage_id);
  }

  /** A citation: its title, its quote, the whole clause when opened. */
  function citationDetails(citation) {
    const known = findPassage(citation);
    const full = element("div", { class: "full" }, known ? known.text : citation.quote || "");
    const details = element(
      "details",
      { class: "citation", "data-key": "citation:" + citation.passage_id },
      element("summary", {}, citationTitle(citation)),
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

  /** Replaces `body`'s content, keeping open the details that were open. */
  function replaceKeepingOpen(body, parts) {
    const open = new Set([...body.querySelectorAll("details[open]")].map((details) => details.dataset.key));
    body.replaceChildren(...parts);
    for (const details of body.querySelectorAll("details")) {
      if (open.has(details.dataset.key)) details.open = true;
    }
  }

  function renderDecision(decision) {
    const body = $("decision-body");
    if (!decision) {
      body.replaceChildren(element("p", { class: "empty" }, "尚无结果"));
      $("decision").dataset.status = "";
      return;
    }
    // Materials are told once they were asked (or the caller or an agent
    // said which they hold): before that nothing is missing yet.
    const materialsAsked = Boolean(view.materials_asked) || Array.isArray((view.slots || {}).materials);
    const status = decision.status === "needs_materials" && !materialsAsked ? "incomplete" : decision.status;
    $("decision").dataset.status = status;
    const facts = [];
    const fact = (term, value) => {
      if (value === null || value === undefined || value === "") return;
      facts.push(element("dt", {}, term), element("dd", {}, value));
    };
    fact("备案类型", decision.class ? labels.klass(decision.class) : null);
    fact("备案地", decision.registered_to);
    fact("有效期", labels.validity(decision.validity));
    fact("变更锁定", decision.change_allowed_from ? decision.change_allowed_from + " 前不能变更或取消" : null);
    fact("办结时限", decision.processing_deadline);
    fact("补交期限", decision.supplement_deadline ? decision.supplement_deadline + " 前补交证明材料" : null);
    const ratio = decision.ratio_delta_points || {};
    const points = (n) => (n > 0 ? "提高 " + n : "降低 " + -n) + " 个百分点";
    if (typeof ratio.home === "number" && ratio.home !== 0) fact("回参保地就医", "报销比例" + points(ratio.home));
    if (typeof ratio.registered_place === "number" && ratio.registered_place !== 0) fact("在备案地就医", "报销比例" + points(ratio.registered_place));
    fact("个人账户", decision.personal_account_to ? "划入" + labels.account(decision.personal_account_to) : null);
    if (decision.status === "channel_unavailable") fact("可办渠道", (decision.channels || []).map(labels.channel).join("、"));
    const missing = materialsAsked ? decision.missing_materials || [] : [];
    const notes = decision.notes || [];
    const callerNotes = notes.filter((note) => !note.startsWith("说明："));
    const authoring = notes.filter((note) => note.startsWith("说明："));
    const citations = rankCitations(decision, view.slots || {});
    const parts = [
      element("p", {}, element("span", { class: "badge " + status, id: "decision-status", "data-status": status }, status === decision.status ? labels.status(status) : "材料待询问")),
      missing.length
        ? element("div", {}, element("strong", {}, "需一次性告知的缺少材料："), element("ol", { class: "missing-materials" }, missing.map((group) => element("li", {}, labels.materialGroup(group)))))
        : null,
      element("dl", {}, facts),
      callerNotes.length ? element("ul", { class: "notes" }, callerNotes.map((note) => element("li", {}, note))) : null,
      citations.length ? element("div", { class: "citations" }, element("h3", {}, "依据条款"), citations.slice(0, 3).map(citationDetails)) : null,
      citations.length > 3
        ? element("details", { class: "more", "data-key": "more" }, element("summary", {}, "更多依据（" + (citations.length - 3) + "）"), citations.slice(3).map(citationDetails))
        : null,
      authoring.length
        ? element("details", { class: "more", "data-key": "authoring" }, element("summary", {}, "依据说明"), element("ul", { class: "notes" }, authoring.map((note) => element("li", {}, note.slice(3)))))
        : null,
    ];
    replaceKeepingOpen(body, parts.filter(Boolean));
  }

  // ---- actions ----

  async function action(path, body, done) {
    if (!current) return null;
    try {
      const result = await api("POST", sessionPath(current, path), body);
      if (done) live(done);
      await refresh();
      loadSessions();
      return result;
    } catch (error) {
      live(error.message);
      $("action-hint").textContent = error.message;
      return null;
    }
  }

  async function accept() {
    if ($("accept").disabled) return;
    await action("/accept", undefined, "已接管此来电，来电人已收到您已接入的消息");
    $("reply").focus();
  }

  async function submit() {
    if ($("confirm").disabled) return;
    const turn = await action("/submit", undefined, "已确认并提交");
    if (turn && turn.registration_id) {
      registrationId = turn.registration_id;
      live("已提交，登记编号 " + registrationId);
      render();
    }
  }

  let clientCount = 0;
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply").value.trim();
    if (!text || !mine()) return;
    $("send-reply").disabled = true;
    const clientId = "agent-" + Date.now().toString(36) + "-" + (clientCount += 1);
    try {
      await api("POST", sessionPath(current, "/messages"), { text, client_id: clientId });
      $("reply").value = "";
      live("已发送给来电人");
      await refresh();
    } catch (error) {
      live("发送失败：" + error.message + "（内容已保留，可重发）");
    } finally {
      $("send-reply").disabled = !mine();
    }
  });
  $("reply").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });

  $("insert-suggestion").addEventListener("click", () => insertReply(suggestion()));

  async function printForm() {
    if (!registrationId) return;
    try {
      await http.openForm(registrationId, token);
    } catch (error) {
      live("无法打开备案表：" + error.message);
    }
  }

  $("accept").addEventListener("click", accept);
  $("release").addEventListener("click", () => action("/release", undefined, "已交还智能助手"));
  $("confirm").addEventListener("click", submit);
  $("print").addEventListener("click", printForm);
  $("wrap-up-open").addEventListener("click", () => {
    $("wrap-up").hidden = false;
    if (registrationId) $("disposition").value = "registered";
    $("disposition").focus();
  });
  $("wrap-up-cancel").addEventListener("click", () => ($("wrap-up").hidden = true));
  $("wrap-up").addEventListener("submit", async (event) => {
    event.preventDefault();
    const done = await action("/wrap-up", { disposition: $("disposition").value, note: $("wrap-note").value.trim() }, "已结束服务并记录处理结果");
    if (done) {
      $("wrap-up").hidden = true;
      $("wrap-note").value = "";
    }
  });

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
      // 收起 gives the room back to the call once the answer is used.
      const close = element("button", { type: "button", class: "small", id: "ask-close", onclick: () => result.replaceChildren() }, "收起查询结果");
      result.replaceChildren(
        close,
        element("p", { class: answer.answered ? "" : "empty" }, answer.answer),
        ...(answer.passages || []).map((passage, index) => passageDetails(passage, index === 0 && answer.answered ? answer.answer : null))
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
      1: () => ($("session-list").querySelector('[aria-current="true"]') || $("session-list").querySelector("button") || $("session-list")).focus(),
      2: () => $("transcript").focus(),
      3: () => $("slot-table").focus(),
      4: () => $("reply").focus(),
      a: accept,
      s: submit,
      p: printForm,
    };
    const run = actions[event.key.toLowerCase()];
    if (run) {
      event.preventDefault();
      run();
    }
  });

  // A link to `/agent#session=…` opens that session.
  window.addEventListener("hashchange", () => {
    const wanted = new URLSearchParams(location.hash.slice(1)).get("session");
    if (token && wanted && wanted !== current) openSession(wanted);
  });

  if (token) enter();
  else showLogin();
})();
