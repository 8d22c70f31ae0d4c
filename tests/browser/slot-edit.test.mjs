// An agent corrects a slot on the screen and the decision card follows.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  api,
  createSession,
  useBrowser,
  openAgentScreen,
  openSessionOnAgentScreen,
  registerCaller,
  screenshot,
} from "./harness.mjs";

const chromium = useBrowser();

test("an agent edits a slot and sees the decision change", async () => {
  // The caller speaks through a widget session (over the API here), up to
  // the read-back before confirmation, with an ID card and a 户口簿.
  const session = await createSession("widget");
  const say = (text) => api("POST", `/v1/sessions/${session.session_id}/messages`, session.token, { text });
  await registerCaller(say, { stopAt: "confirming" });

  const agent = await openAgentScreen(chromium.browser);
  await openSessionOnAgentScreen(agent, session.session_id);
  const statusBefore = await agent.locator("#decision-status").getAttribute("data-status");
  assert.ok(statusBefore, "a decision is shown before the edit");
  const materials = agent.locator('#slot-table [data-slot="materials"]');
  await materials.filter({ hasText: "户口簿" }).waitFor();

  // The caller turns out to have no 户口簿: the agent unticks it.
  await materials.getByRole("button", { name: /修改/ }).click();
  await materials.getByLabel("户口簿").uncheck();
  await materials.getByRole("button", { name: "保存" }).click();

  // The slot panel shows the edited value, marked as the agent's, and the
  // decision changes (the rules ask for the missing proof).
  await agent.locator('#slot-table [data-slot="materials"] .flag.agent').waitFor();
  assert.doesNotMatch(await agent.locator('#slot-table [data-slot="materials"] .value').innerText(), /户口簿/);
  await agent.waitForFunction(
    (before) => document.getElementById("decision-status")?.dataset.status !== before,
    statusBefore
  );
  const statusAfter = await agent.locator("#decision-status").getAttribute("data-status");
  assert.notEqual(statusAfter, statusBefore);
  if (statusAfter === "needs_materials") {
    assert.ok((await agent.locator(".missing-materials li").count()) > 0, "every missing material is listed");
  }
  await screenshot(agent, "agent-slot-edited");

  // The edit is in the audit log.
  const audit = await api("GET", "/v1/audit", process.env.HOTLINE_AGENT_TOKEN);
  assert.ok(
    audit.entries.some((entry) => entry.action === "edit_slot" && entry.session_id === session.session_id),
    "the slot edit is audited"
  );
  agent.assertClean();
});
