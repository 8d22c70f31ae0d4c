// Chinese names of the contract's ids, shared by the agents' screen and the
// chat widget. An id the table does not know is shown as it is, so a new id
// from the server is still visible rather than hidden.
"use strict";

window.HotlineLabels = (function () {
  // Channels, categories and materials and their names come from the
  // server (GET /v1/regions), the names the dialogue says: the provincial
  // apps are data of the corpus, like the regions.
  const channels = {};
  const categories = {};
  const materials = {};

  const statuses = {
    accepted: "可以备案",
    needs_materials: "缺少材料",
    not_eligible: "不符合条件",
    not_required: "无需备案",
    channel_unavailable: "该渠道不能办理",
    incomplete: "信息未齐",
  };

  const states = {
    idle: "咨询中",
    collecting: "收集信息中",
    confirming: "待确认",
    done: "已完成",
    handoff: "等待人工",
    agent_active: "坐席服务中",
    closed: "已关闭",
  };

  const sessionChannels = { phone: "电话", widget: "网页", agent: "坐席代办" };

  const dispositions = {
    registered: "已登记备案",
    information_only: "仅政策咨询",
    referred_elsewhere: "已转其他部门",
    caller_hung_up: "来电人挂断",
    call_back: "需回访",
    other: "其他",
  };

  const insurances = { employee: "职工医保", resident: "城乡居民医保" };
  const schemes = { general: "基本医疗保险", maternity: "生育保险" };
  const classes = { long_term: "长期备案", temporary: "临时备案" };
  const accounts = { medical_account: "医保个人账户", financial_account: "本人金融账户" };
  const roles = { caller: "来电人", assistant: "助手", agent: "坐席" };

  // The slots the agents' screen lists and their labels, in the order of
  // the 备案表: the server's slot table (GET /v1/slots), the one list of
  // them. A group (destination) names its parts together.
  const slots = [];
  const groups = {};
  const slotsReady = fetch("/v1/slots")
    .then((response) => (response.ok ? response.json() : { slots: [] }))
    .then((table) => {
      const all = table.slots || [];
      for (const slot of all) {
        if (all.some((other) => other.path.startsWith(slot.path + "."))) groups[slot.path] = slot.label;
        else if (slot.type !== "region") slots.push([slot.path, slot.label]);
      }
    })
    .catch(() => {});
  const channelsReady = fetch("/v1/regions")
    .then((response) => (response.ok ? response.json() : {}))
    .then((data) => {
      for (const channel of data.channels || []) channels[channel.id] = channel.label;
      for (const category of data.categories || []) categories[category.id] = category.label;
      for (const material of data.materials || []) materials[material.id] = material.label;
    })
    .catch(() => {});
  const ready = Promise.all([slotsReady, channelsReady]);

  function name(table, id) {
    return id in table ? table[id] : String(id);
  }

  function slotLabel(slot) {
    const found = slots.find(([id]) => id === slot);
    if (found) return found[1];
    // `destination` or `applicant` alone name the whole group.
    if (slot in groups) return groups[slot];
    if (slot === "applicant") return "申请人信息";
    return slot;
  }

  /** The Chinese text of one slot's value. */
  function slotValue(slot, value) {
    if (value === null || value === undefined || value === "") return "";
    switch (slot) {
      case "category":
        return name(categories, value);
      case "insurance":
        return name(insurances, value);
      case "scheme":
        return name(schemes, value);
      case "submit_via":
        return name(channels, value);
      case "materials":
        return Array.isArray(value) ? value.map((m) => name(materials, m)).join("、") : String(value);
      case "by_proxy":
      case "incurred_costs_at_destination":
        return value ? "是" : "否";
      default:
        return typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  }

  /** `{any_of: [a, b]}` → `a 或 b`. */
  function materialGroup(group) {
    const ids = group && Array.isArray(group.any_of) ? group.any_of : [];
    return ids.map((m) => name(materials, m)).join(" 或 ");
  }

  /** A Decision's validity in words; 长期有效 only when the policy says so. */
  function validity(v) {
    if (!v || !v.start) return "";
    if (v.end_kind === "date" && v.end) return v.start + " 至 " + v.end;
    if (v.end_kind === "long_term") return v.start + " 起长期有效";
    if (v.end_kind === "not_set") return v.start + " 起，不设终止日期";
    return v.start + " 起，到期日以证件或备案表为准";
  }

  /** Reads a dotted slot (`applicant.phone`) out of the slots object. */
  function slotGet(slotsObject, slot) {
    return slot.split(".").reduce((at, key) => (at == null ? undefined : at[key]), slotsObject);
  }

  return {
    ready,
    slots,
    slotLabel,
    slotValue,
    slotGet,
    materialGroup,
    validity,
    category: (id) => (id ? name(categories, id) : ""),
    channel: (id) => name(channels, id),
    material: (id) => name(materials, id),
    status: (id) => name(statuses, id),
    state: (id) => name(states, id),
    klass: (id) => name(classes, id),
    account: (id) => name(accounts, id),
    channelName: (id) => name(sessionChannels, id),
    disposition: (id) => name(dispositions, id),
    role: (id) => name(roles, id),
    categoryIds: () => Object.keys(categories),
    insuranceIds: Object.keys(insurances),
    channelIds: () => Object.keys(channels),
    materialIds: () => Object.keys(materials),
  };
})();
