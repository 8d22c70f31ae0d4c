// A caller registers through the widget from start to finish while an agent
// watches the same session live on the agents' screen; a reload of the
// widget continues the same session with the ID number masked.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  idNumber,
  phone,
  useBrowser,
  openAgentScreen,
  openWidget,
  registerCaller,
  screenshot,
  widgetSay,
  widgetSessionId,
  waitForAgentState,
} from "./harness.mjs";

const chromium = useBrowser();

test("a full registration in the widget, watched live on /agent", async () => {
  const agent = await openAgentScreen(chromium.browser);
  const widget = await openWidget(chromium.browser);
  let sessionId;
  let turns = 0;

  const say = async (text) => {
    const turn = await widgetSay(widget, text);
    turns += 1;
    if (sessionId) {
      // Live: the agent's transcript grows without any reload or click.
      const expected = 1 + 2 * turns;
      await agent.waitForFunction((n) => document.querySelectorAll("#transcript li").length >= n, expected);
    }
    return turn;
  };

  const { states } = await registerCaller(say, {
    afterFirstTurn: async () => {
      sessionId = await widgetSessionId(widget);
      // The new session appears in the queue by itself (pushed as the
      // caller speaks); the agent opens it by keyboard.
      const entry = agent.locator(`#session-list [data-session="${sessionId}"]`);
      await entry.waitFor();
      await entry.focus();
      await agent.keyboard.press("Enter");
      await agent.waitForFunction(() => document.querySelectorAll("#transcript li").length >= 3);
      await screenshot(agent, "agent-first-turn");
    },
  });
  assert.equal(states.at(-1), "done");

  // The widget says the registration is done, with its number and the
  // printable form.
  assert.equal(await widget.locator("body").getAttribute("data-state"), "done");
  assert.match(await widget.locator("#messages .message.done").innerText(), /登记编号\s*r_[0-9a-f]+/);
  await screenshot(widget, "widget-registration-done");

  // The agent sees the finished session: state, decision card, the slot
  // panel filled (ID number whole for agents), and the form to print.
  await waitForAgentState(agent, "done");
  const status = await agent.locator("#decision-status").getAttribute("data-status");
  assert.ok(status, "the decision card shows a status");
  await agent.locator('#slot-table [data-slot="applicant.id_number"]').filter({ hasText: idNumber }).waitFor();
  await agent.locator("#print:not([disabled])").waitFor();
  await screenshot(agent, "agent-registration-done");

  const [form] = await Promise.all([agent.waitForEvent("popup"), agent.keyboard.press("Alt+P")]);
  await form.waitForURL(/\/form\?ticket=/);
  assert.match(await form.locator("body").innerText(), /备案/);
  await screenshot(form, "registration-form");

  // The agent's own question: "/" focuses the ask box.
  await agent.locator("body").focus();
  await agent.keyboard.press("/");
  await agent.keyboard.type("退休人员异地安置要带什么材料");
  await agent.keyboard.press("Enter");
  await agent.waitForFunction(() => {
    const text = document.getElementById("ask-result").innerText.trim();
    return text !== "" && !text.startsWith("查询中");
  });
  assert.doesNotMatch(await agent.locator("#ask-result").innerText(), /查询失败/);

  // Reload: the same session continues, the transcript is all there and
  // the caller's ID number is masked in the widget's view.
  const bubbles = await widget.locator("#messages .message:not(.notice)").count();
  await widget.reload();
  await widget.locator("#messages .message.assistant").first().waitFor();
  await widget.waitForFunction((n) => document.querySelectorAll("#messages .message:not(.notice)").length >= n, bubbles);
  assert.equal(await widgetSessionId(widget), sessionId);
  const text = await widget.locator("#messages").innerText();
  assert.ok(!text.includes(idNumber), "the widget shows the ID number unmasked after a reload");
  assert.match(text, /4403\*+2012/);
  // Also when a reply reads a number out in groups: no four digits of the
  // masked middle (4403**********2012) may show anywhere. The caller's own
  // phone is whole, so they can check it.
  assert.match(text, new RegExp(phone));
  const compact = text.replace(/\s/g, "");
  const middles = [idNumber.slice(4, 14)];
  for (const middle of middles) {
    for (let at = 0; at + 4 <= middle.length; at += 1) {
      const piece = middle.slice(at, at + 4);
      assert.ok(!compact.includes(piece), `the widget shows ${piece}, digits it should mask, in:\n${text}`);
    }
  }
  await screenshot(widget, "widget-after-reload");

  agent.assertClean();
  widget.assertClean();
});
