// An agent corrects a slot on the screen and the decision card follows.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  api,
  createSession,
  useBrowser,
  openAgentScreen,
  openSessionOnAgentScreen,
  screenshot,
} from "./harness.mjs";

const chromium = useBrowser();

test("an agent edits a slot and sees the decision change", async () => {
  // An agent fills in a phone caller's 备案表 over the API while on the
  // call (the same slot edits the screen makes), with an ID card and a 户口簿.
  const session = await createSession("phone");
  const agentToken = process.env.HOTLINE_AGENT_TOKEN;
  const facts = {
    category: "retired_resettled",
    insurance: "employee",
    destination: { province: "湖南省", city: "长沙市" },
    "applicant.name": "张建国",
    "applicant.id_number": "440304197812032012",
    "applicant.phone": "15027189963",
    materials: ["id_card", "household_register"],
    submit_via: "phone",
  };
  for (const [slot, value] of Object.entries(facts)) {
    await api("POST", `/v1/sessions/${session.session_id}/slots`, agentToken, { slot, value });
  }

  const agent = await openAgentScreen(chromium.browser);
  await openSessionOnAgentScreen(agent, session.session_id);
  const statusBefore = await agent.locator("#decision-status").getAttribute("data-status");
  assert.equal(statusBefore, "accepted", "the rules accept the application as filled in");
  const materials = agent.locator('#slot-table [data-slot="materials"]');
  await materials.filter({ hasText: "户口簿" }).waitFor();

  // A typo in the phone is refused with the reason; the editor keeps it.
  agent.expectConsole(/status of 400 \(Bad Request\).*\/slots/);
  const phoneRow = agent.locator('#slot-table [data-slot="applicant.phone"]');
  await phoneRow.getByRole("button", { name: /修改/ }).click();
  await phoneRow.locator("input").fill("1502718996");
  await phoneRow.getByRole("button", { name: "保存" }).click();
  await phoneRow.locator(".error", { hasText: "位数不对" }).waitFor();
  assert.doesNotMatch(await phoneRow.locator(".error").innerText(), /applicant|[a-z]{4,}/, "the reason is in Chinese");
  assert.equal(await phoneRow.locator("input").inputValue(), "1502718996");
  await phoneRow.getByRole("button", { name: "取消" }).click();
  await agent.locator('#slot-table [data-slot="applicant.phone"]', { hasText: "15027189963" }).waitFor();

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
  assert.equal(statusAfter, "needs_materials");
  // 一次性告知: the card lists the missing proof (户口簿 or a 承诺书).
  assert.match(await agent.locator(".missing-materials").innerText(), /户口簿/);
  await screenshot(agent, "agent-slot-edited");

  // The decision's clauses open to their whole text.
  const citation = agent.locator("#decision-body details.citation").first();
  await citation.locator("summary").click();
  await agent.waitForFunction(() => {
    const full = document.querySelector("#decision-body details.citation .full");
    return full && full.innerText.trim().length > 0;
  });

  // The edit is in the audit log.
  const audit = await api("GET", "/v1/audit", agentToken);
  const edits = audit.entries.filter((entry) => entry.action === "edit_slot" && entry.session_id === session.session_id);
  assert.equal(edits.length, Object.keys(facts).length + 1, "every slot edit is audited, the screen's too");
  agent.assertClean();
});
