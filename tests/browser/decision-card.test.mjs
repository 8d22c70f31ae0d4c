// The decision card helps the agent instead of burying them: a caller
// registers by fax in the widget while the agent watches. Missing materials
// are not shown before they were asked; the caller's own choice of fax is
// no 待核实; at the end at most three citations, titled with the document's
// Chinese title, the rest under 更多依据, the rule data's authoring notes
// only under 依据说明. The agent screen is checked with axe-core while the
// form is collected and while it is read back.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  agentToken,
  answers,
  api,
  assertAccessible,
  openAgentScreen,
  openWidget,
  registerCaller,
  screenshot,
  useBrowser,
  waitForAgentState,
  widgetSay,
  widgetSessionId,
} from "./harness.mjs";

const chromium = useBrowser();

test("the decision card: materials once asked, no false 待核实, three ranked citations", async () => {
  const agent = await openAgentScreen(chromium.browser);
  const widget = await openWidget(chromium.browser);
  let sessionId;
  let checkedBeforeMaterials = false;
  let checkedConfirming = false;
  const seen = [];

  /** After each turn the agent sees: the card as the checks want it. */
  const check = async (turn) => {
    await agent.waitForFunction((n) => document.querySelectorAll('#transcript li[data-role="caller"]').length >= n, 1);
    const view = await api("GET", `/v1/sessions/${sessionId}`, agentToken);
    const missing = (view.decision && view.decision.missing_materials) || [];
    seen.push(`${turn.state} ${view.decision && view.decision.status} asked=${view.materials_asked} held=${JSON.stringify(view.slots.materials)} missing=${missing.length}`);
    if (!view.materials_asked && !Array.isArray(view.slots.materials) && missing.length && turn.state === "collecting") {
      // The rules already know what is missing, but the caller has not
      // answered for their proofs yet: the card must not list 缺少材料.
      await agent.locator("#decision-status").waitFor();
      assert.equal(await agent.locator("#decision-body .missing-materials").count(), 0, "missing materials shown before they were asked");
      assert.doesNotMatch(await agent.locator("#decision-body").innerText(), /缺少材料/);
      if (!checkedBeforeMaterials) await assertAccessible(agent, "the agent screen, collecting");
      checkedBeforeMaterials = true;
    }
    if (turn.state === "confirming" && !checkedConfirming) {
      await waitForAgentState(agent, "confirming");
      await assertAccessible(agent, "the agent screen, confirming");
      checkedConfirming = true;
    }
  };

  const say = async (text) => {
    // The caller chooses fax in their first words, and names no proof yet.
    let turn = await widgetSay(widget, text === answers.category ? "我退休了要去湖南长沙养老，想传真办理" : text);
    if (/户口已经迁/.test(turn.reply)) turn = await widgetSay(widget, "迁过去了");
    if (sessionId) await check(turn);
    return turn;
  };

  await registerCaller(say, {
    afterFirstTurn: async (turn) => {
      sessionId = await widgetSessionId(widget);
      const entry = agent.locator(`#session-list [data-session="${sessionId}"] button, #session-list button[data-session="${sessionId}"]`).first();
      await entry.waitFor();
      await entry.click();
      await agent.locator("#transcript li").first().waitFor();
      await check(turn);
    },
  });
  assert.ok(checkedBeforeMaterials, `the form never showed a decision with materials missing before they were asked:\n${seen.join("\n")}`);
  assert.ok(checkedConfirming, "the read-back was never reached");
  await waitForAgentState(agent, "done");

  const view = await api("GET", `/v1/sessions/${sessionId}`, agentToken);
  assert.equal(view.slots.submit_via, "fax", "the caller chose fax");

  // The caller's own choice of medium is not a doubt.
  const channelRow = agent.locator('#slot-table [data-slot="submit_via"]');
  await channelRow.waitFor();
  assert.equal(await channelRow.locator(".flag.doubt").count(), 0, "fax, chosen by the caller, is marked 待核实");
  assert.equal(await agent.locator("#slot-table .flag.doubt").count(), 0, "no slot is in doubt in a straight registration");

  // At most three citations up front, titled 《Chinese title》clause, never a raw id.
  const cited = view.decision.citations || [];
  assert.ok(cited.length > 3, `the test needs a decision with more than three citations, got ${cited.length}`);
  const shown = agent.locator("#decision-body .citations details.citation summary");
  const titles = await shown.allInnerTexts();
  assert.ok(titles.length >= 1 && titles.length <= 3, `citations up front: ${titles.length}`);
  for (const title of titles) {
    assert.match(title, /^《[^》]*[\u4e00-\u9fff][^》]*》/, `a citation titled without its document's Chinese title: ${title}`);
    for (const citation of cited) assert.ok(!title.includes(citation.doc_id), `a raw document id in ${title}`);
  }
  const more = agent.locator("#decision-body details.more summary", { hasText: "更多依据" });
  assert.equal(await more.count(), 1, "the other citations are behind 更多依据");

  // Authoring notes (说明：…) only inside the closed 依据说明.
  const authoring = (view.decision.notes || []).filter((note) => note.startsWith("说明："));
  const visible = await agent.locator("#decision-body").evaluate((body) => {
    const clone = body.cloneNode(true);
    for (const details of clone.querySelectorAll("details")) details.remove();
    return clone.innerText;
  });
  assert.ok(!visible.includes("说明："), "an authoring note shown on the card");
  for (const note of authoring) assert.ok(!visible.includes(note.slice(3)), `authoring note on the card: ${note}`);
  if (authoring.length) {
    const why = agent.locator("#decision-body details.more", { hasText: "依据说明" });
    assert.equal(await why.count(), 1, "the authoring notes are behind 依据说明");
  }
  // Every status word on the card is Chinese.
  assert.doesNotMatch(await agent.locator("#decision").innerText(), /accepted|needs_materials|incomplete|not_eligible/);
  await screenshot(agent, "agent-decision-card");

  agent.assertClean();
  widget.assertClean();
});
