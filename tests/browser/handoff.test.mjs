// The whole agent job, in two browser windows: a caller in the widget asks
// for a person; the agent sees them first in the queue, takes the call and
// writes; the caller answers; the agent corrects a slot while the caller
// keeps writing, sends the fresh read-back, the caller confirms, the agent
// submits, prints and wraps up; the audit log names the agent.
// Accessibility is checked on both pages in every state on the way.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  agentName,
  agentToken,
  answers,
  api,
  assertAccessible,
  idNumber,
  otherAgentToken,
  openAgentScreen,
  openSessionOnAgentScreen,
  openWidget,
  registerCaller,
  screenshot,
  useBrowser,
  waitForAgentState,
  widgetSay,
  widgetSayToAgent,
  widgetSessionId,
} from "./harness.mjs";

const chromium = useBrowser();
const newPhone = "13912345678";

test("a caller asks for a person; an agent takes the call to the end", async () => {
  // Three widgets: one never used (it must not appear in the queue), one
  // caller who is still with the assistant, and the caller who asks for a
  // person after the read-back.
  const idle = await openWidget(chromium.browser);
  const idleId = await widgetSessionId(idle);
  const other = await openWidget(chromium.browser);
  await widgetSay(other, answers.category);
  const otherId = await widgetSessionId(other);

  const widget = await openWidget(chromium.browser);
  await assertAccessible(widget, "the widget, empty");
  const { turn: readBack } = await registerCaller((text) => widgetSay(widget, text), { stopAt: "confirming" });
  assert.equal(readBack.state, "confirming");
  const sessionId = await widgetSessionId(widget);
  await assertAccessible(widget, "the widget, confirming");
  const handoff = await widgetSay(widget, "转人工");
  assert.equal(handoff.state, "handoff");
  await widget.locator('body[data-state="handoff"]').waitFor();
  await assertAccessible(widget, "the widget, waiting for an agent");
  await screenshot(widget, "widget-handoff");

  // The agent's queue: the waiting caller first, highlighted with the
  // wait time; the one with the assistant after; the unused widget not at all.
  const agent = await openAgentScreen(chromium.browser);
  const first = agent.locator("#session-list li").first();
  await first.locator(`[data-session="${sessionId}"]`).waitFor();
  assert.match(await first.getAttribute("class"), /urgent/);
  assert.match(await first.innerText(), /张建国/);
  assert.match(await first.innerText(), /已等待/);
  assert.match(await first.innerText(), /150\*\*\*\*9963/, "the queue shows the phone masked");
  await agent.locator(`#session-list [data-session="${otherId}"]`).waitFor();
  assert.equal(await agent.locator(`#session-list [data-session="${idleId}"]`).count(), 0, "an unused widget is not in the queue");
  await assertAccessible(agent, "the agent screen, nothing open");

  // A new caller appears in the queue without any refresh (pushed live).
  const late = await openWidget(chromium.browser);
  await widgetSay(late, "备案要带什么材料");
  const lateId = await widgetSessionId(late);
  await agent.locator(`#session-list [data-session="${lateId}"]`).waitFor({ timeout: 4000 });

  await first.locator("button").click();
  await waitForAgentState(agent, "handoff");
  assert.match(await agent.locator("#caller-card").innerText(), /张建国[\s\S]*150\*\*\*\*9963[\s\S]*已等待/);
  await assertAccessible(agent, "the agent screen, a caller waiting");
  await screenshot(agent, "agent-handoff");

  // Accept: the caller is told live, as from the agent.
  await agent.locator("#accept").click();
  await waitForAgentState(agent, "agent_active");
  await widget.locator('#messages .message.agent', { hasText: agentName }).waitFor();
  await widget.locator('body[data-state="agent_active"]').waitFor();
  await assertAccessible(widget, "the widget, an agent on the call");

  // A second agent cannot take the same call.
  const taken = await fetch(new URL(`/v1/sessions/${sessionId}/accept`, process.env.HOTLINE_URL), {
    method: "POST",
    headers: { Authorization: `Bearer ${otherAgentToken}` },
  });
  assert.equal(taken.status, 409);
  assert.match((await taken.json()).error.message, new RegExp(agentName));
  // Their screen says who has the call, and offers no take-over.
  const otherAgent = await openAgentScreen(chromium.browser, otherAgentToken);
  await openSessionOnAgentScreen(otherAgent, sessionId);
  await otherAgent.locator("#action-hint", { hasText: `由${agentName}接管` }).waitFor();
  assert.ok(await otherAgent.locator("#accept").isDisabled(), "a second agent cannot take a held call");
  assert.ok(await otherAgent.locator("#reply").isDisabled(), "nor write to its caller");
  await otherAgent.context().close();

  // The agent writes; the caller sees it live and answers; the assistant
  // says nothing to the caller.
  await agent.locator("#reply").fill("您好，我看到您的信息已经填好了，请问联系电话还对吗？");
  await agent.locator("#send-reply").click();
  await widget.locator("#messages .message.agent", { hasText: "联系电话还对吗" }).waitFor();
  const assistantBubbles = await widget.locator("#messages .message.assistant").count();
  await widgetSayToAgent(widget, "电话换了，我跟您说新号码");
  await agent.locator('#transcript li[data-role="caller"]', { hasText: "电话换了" }).waitFor();
  assert.equal(await widget.locator("#messages .message.assistant").count(), assistantBubbles);
  await assertAccessible(agent, "the agent screen, the call taken");

  // The caller asks about proofs; the agent looks it up and puts the
  // answer, with its clause cited once, in the reply box in one click,
  // and sends it (the answers never cover the reply box).
  await agent.locator("#ask").fill("退休人员异地安置要带什么材料");
  await agent.locator("#ask").press("Enter");
  const found = agent.locator("#ask-result details.passage").first();
  await found.waitFor();
  const source = (await found.locator("summary").innerText()).match(/^《[^》]+》/)[0];
  await found.locator("summary").click();
  await found.getByRole("button", { name: "插入回复" }).click();
  const inserted = await agent.locator("#reply").inputValue();
  assert.equal(inserted.split(source).length - 1, 1, `the reply cites ${source} once: ${inserted}`);
  await agent.locator("#send-reply").click({ timeout: 3000 });
  await widget.locator("#messages .message.agent", { hasText: source }).waitFor();
  await screenshot(agent, "agent-knowledge-inserted");
  await agent.locator("#ask-close").click();
  await agent.locator("#ask-result details").first().waitFor({ state: "detached" });

  // The agent starts correcting the phone; the caller writes meanwhile;
  // the half-typed value survives the new turn.
  const phoneRow = agent.locator('#slot-table [data-slot="applicant.phone"]');
  await phoneRow.getByRole("button", { name: /修改/ }).click();
  const phoneInput = agent.locator('#slot-table [data-slot="applicant.phone"] input');
  await phoneInput.fill("");
  await phoneInput.pressSequentially("139123");
  await widgetSayToAgent(widget, "是139开头的");
  await agent.locator('#transcript li[data-role="caller"]', { hasText: "139开头" }).waitFor();
  assert.equal(await phoneInput.inputValue(), "139123", "the half-typed edit is kept");
  assert.ok(await phoneInput.evaluate((input) => input === document.activeElement), "and keeps the focus");
  await phoneInput.pressSequentially("45678");
  await phoneInput.press("Enter");

  // The suggestion is a fresh read-back with the new number; submit waits
  // for the caller's confirmation of it.
  await agent.locator("#suggested-reply", { hasText: newPhone }).waitFor();
  assert.ok(await agent.locator("#confirm").isDisabled(), "no submit before the caller confirms the new value");
  assert.match(await agent.locator("#action-hint").innerText(), /确认/);
  await agent.locator("#insert-suggestion").click();
  assert.match(await agent.locator("#reply").inputValue(), new RegExp(newPhone));
  await agent.locator("#reply").press("End");
  await agent.locator("#reply").pressSequentially("请您核对，没问题请回复“对”。");
  await agent.locator("#send-reply").click();

  // The caller checks their own name and new phone, whole; the ID masked.
  const readOut = widget.locator("#messages .message.agent", { hasText: newPhone });
  await readOut.waitFor();
  const readOutText = await readOut.innerText();
  assert.match(readOutText, /张建国/);
  assert.ok(!readOutText.includes(idNumber), "the widget masks the ID number");
  await screenshot(widget, "widget-agent-read-back");
  await widgetSayToAgent(widget, "对");

  // Submit, as the agent; the caller gets the 登记编号 and the form link.
  await agent.locator("#confirm:not([disabled])").waitFor();
  await screenshot(agent, "agent-active");
  await agent.keyboard.press("Alt+S");
  await agent.locator("#print:not([disabled])").waitFor();
  const done = widget.locator("#messages .message.done");
  await done.waitFor();
  assert.match(await done.innerText(), /登记编号\s*r_[0-9a-f]+/);
  await assertAccessible(widget, "the widget, registration done");

  // Print: the form opens in a new tab by a short-lived link, no token in it.
  const [form] = await Promise.all([agent.waitForEvent("popup"), agent.locator("#print").click()]);
  await form.waitForURL(/\/form\?ticket=/);
  assert.ok(!form.url().includes(agentToken), "no token in the print tab's URL");
  const formText = await form.locator("body").innerText();
  assert.match(formText, new RegExp(newPhone));
  assert.match(formText, /审核结果\s*符合条件/);
  assert.doesNotMatch(formText, /accepted|说明：/);
  await screenshot(form, "registration-form");
  await form.close();

  // Wrap up with a disposition and a note.
  await agent.locator("#wrap-up-open").click();
  await agent.locator("#disposition").selectOption("registered");
  await agent.locator("#wrap-note").fill("来电人更换了联系电话，已核对");
  await agent.locator("#wrap-up button[type=submit]").click();
  await waitForAgentState(agent, "done");
  await agent.locator("#action-hint", { hasText: "已登记备案" }).waitFor();
  await assertAccessible(agent, "the agent screen, wrapped up");
  await screenshot(agent, "agent-wrapped-up");

  // The audit log names the agent for every action on the call.
  const audit = await api("GET", "/v1/audit", agentToken);
  const mine = audit.entries.filter((entry) => entry.session_id === sessionId);
  const actions = new Set(mine.map((entry) => entry.action));
  for (const action of ["accept", "message", "edit_slot", "submit", "wrap_up"]) {
    assert.ok(actions.has(action), `the audit log has the ${action}: ${JSON.stringify(mine)}`);
  }
  assert.ok(mine.every((entry) => entry.actor === agentName), "every entry names the agent");
  const wrapUp = mine.find((entry) => entry.action === "wrap_up");
  assert.equal(wrapUp.detail.disposition, "registered");
  const submitted = mine.find((entry) => entry.action === "submit");
  assert.match(submitted.detail.registration_id, /^r_/);

  for (const page of [agent, widget, other, idle, late]) page.assertClean();
});
