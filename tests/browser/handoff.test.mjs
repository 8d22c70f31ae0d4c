// Handoff: an agent takes a caller's session over from the screen, and a
// caller asks for a person in the widget.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  answers,
  useBrowser,
  openAgentScreen,
  openSessionOnAgentScreen,
  openWidget,
  screenshot,
  waitForAgentState,
  widgetSay,
  widgetSessionId,
} from "./harness.mjs";

const chromium = useBrowser();

test("an agent takes over a widget session (Alt+T)", async () => {
  const widget = await openWidget(chromium.browser);
  await widgetSay(widget, answers.category);
  const sessionId = await widgetSessionId(widget);

  const agent = await openAgentScreen(chromium.browser);
  await openSessionOnAgentScreen(agent, sessionId);

  // A policy question from the caller: the agent gets the reply with the
  // clauses it rests on, each opening to the whole text.
  await widgetSay(widget, "备案要带什么材料");
  const passage = agent.locator("#passages details").first();
  await passage.waitFor();
  await passage.locator("summary").click();
  await agent.waitForFunction(() => {
    const full = document.querySelector("#passages details[open] .full");
    return full && full.innerText.trim().length > 0;
  });

  await agent.locator("#take-over:not([disabled])").waitFor();
  await agent.keyboard.press("Alt+T");
  await waitForAgentState(agent, "handoff");
  assert.ok(await agent.locator("#take-over").isDisabled(), "take over is done once");
  await agent.locator('#transcript li[data-role="agent"]').first().waitFor();
  await screenshot(agent, "agent-handoff");

  // The widget learns of it live and tells the caller.
  await widget.locator('body[data-state="handoff"]').waitFor();
  await screenshot(widget, "widget-handoff");
  agent.assertClean();
  widget.assertClean();
});

test("a caller asks for a person in the widget", async () => {
  const widget = await openWidget(chromium.browser);
  const turn = await widgetSay(widget, "转人工");
  assert.equal(turn.state, "handoff");
  await widget.locator('body[data-state="handoff"]').waitFor();
  widget.assertClean();
});
