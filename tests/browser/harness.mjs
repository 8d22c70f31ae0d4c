// Shared pieces of the browser tests: launching Debian's chromium, pages
// that fail on console errors, screenshots, and a caller that answers
// whatever the dialogue still asks for.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const baseUrl = process.env.HOTLINE_URL;
/** Two agents, each with their own token (made by `hotline agent add`). */
export const agentToken = process.env.HOTLINE_AGENT_TOKEN;
export const agentName = process.env.HOTLINE_AGENT_NAME;
export const otherAgentToken = process.env.HOTLINE_OTHER_AGENT_TOKEN;
export const artifacts = process.env.HOTLINE_ARTIFACTS || new URL("./artifacts/", import.meta.url).pathname;
assert.ok(baseUrl, "HOTLINE_URL is not set: run these tests through `cargo test --test browser`");
assert.ok(agentToken && agentName && otherAgentToken, "HOTLINE_AGENT_TOKEN, HOTLINE_AGENT_NAME or HOTLINE_OTHER_AGENT_TOKEN is not set");
mkdirSync(artifacts, { recursive: true });

/** The session clock of every test, so the decision's dates are stable. */
export const today = "2026-11-23";

/** A caller's answers, by the slot the dialogue says is missing. */
export const answers = {
  category: "我退休了要去湖南长沙养老，户口已经迁过去了",
  insurance: "职工医保",
  destination: "湖南省长沙市",
  "destination.province": "湖南省",
  "destination.city": "长沙市",
  "applicant.name": "我叫张建国",
  "applicant.id_number": "身份证号440304197812032012",
  "applicant.phone": "电话15027189963",
  materials: "有户口本和身份证",
};
export const idNumber = "440304197812032012";
export const phone = "15027189963";

/**
 * Launches chromium headless. playwright gives every launch a fresh,
 * temporary profile (it refuses `--user-data-dir` in `launch`), so no state
 * leaks from one test file to the next.
 */
export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/**
 * One browser for the tests of a file: launched before them, closed after.
 * Read `.browser` inside a test.
 */
export function useBrowser() {
  const holder = { browser: null };
  before(async () => {
    holder.browser = await launch();
  });
  after(async () => {
    await holder.browser?.close();
  });
  return holder;
}

/**
 * A new page in its own context, collecting every console error and
 * uncaught exception; `assertClean()` fails the test if there was any.
 * `page.expectConsole(pattern)` lets a test that provokes a failure on
 * purpose (a network cut, a refused token) accept the browser's own
 * report of exactly that failure, and nothing else.
 */
export async function openPage(browser, { width, height, hasTouch = false }) {
  const context = await browser.newContext({ viewport: { width, height }, locale: "zh-CN", hasTouch, isMobile: hasTouch });
  const page = await context.newPage();
  const errors = [];
  const expected = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = `console: ${message.text()} (${message.location().url})`;
    if (!expected.some((pattern) => pattern.test(text))) errors.push(text);
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  page.expectConsole = (pattern) => expected.push(pattern);
  page.assertClean = () => assert.deepEqual(errors, [], "the page logged errors");
  return page;
}

const axeSource = readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

/**
 * Runs axe-core on the page as it is now and fails on any serious or
 * critical violation, naming the rule and the elements. (Evaluated over
 * the DevTools protocol, so the page's CSP does not have to allow it.)
 */
export async function assertAccessible(page, what) {
  const loaded = await page.evaluate(() => typeof window.axe !== "undefined");
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(" ") + " — " + (node.failureSummary || "").split("\n").slice(1, 2).join("")),
    }));
  });
  const serious = violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  assert.deepEqual(serious, [], `axe-core: serious or critical violations on ${what}`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/** The agents' screen, logged in through its token form. */
export async function openAgentScreen(browser, token = agentToken) {
  const page = await openPage(browser, { width: 1366, height: 768 });
  await page.goto(`${baseUrl}/agent`);
  await page.locator("#token").fill(token);
  await page.keyboard.press("Enter");
  await page.locator("#app").waitFor({ state: "visible" });
  return page;
}

/** The widget for a Dongguan caller, with the test's clock. */
export async function openWidget(browser, viewport = { width: 400, height: 720 }) {
  const page = await openPage(browser, viewport);
  await page.goto(`${baseUrl}/widget?region=dongguan&today=${today}`);
  await page.locator("#messages .message.assistant").first().waitFor();
  return page;
}

/**
 * Sends one message through the widget as a caller would (a quick reply,
 * or typing and Enter),
 * waits for the reply bubble, and returns the Turn the widget received.
 */
export async function widgetSay(page, text) {
  const before = await page.locator("#messages .message.assistant").count();
  const response = page.waitForResponse((r) => r.url().endsWith("/messages") && r.request().method() === "POST");
  // A quick reply offering exactly this text is tapped, as a caller would.
  const quickReply = page.locator("#suggestions button", { hasText: text });
  if ((await quickReply.count()) === 1 && (await quickReply.innerText()).trim() === text) {
    await quickReply.click();
  } else {
    await page.locator("#text").fill(text);
    await page.locator("#text").press("Enter");
  }
  const turn = await (await response).json();
  await page.locator("#messages .message.assistant").nth(before).waitFor();
  await page.locator("#send:not([disabled])").waitFor();
  return turn;
}

/**
 * Plays the caller: answers the slot the dialogue lists first among
 * `missing`, confirms when asked to, and stops when the state is `done`.
 * `say(text)` sends one utterance and returns `{state, missing}`.
 * Stops at `stopAt` (default `done`); returns the states seen and the
 * last Turn.
 */
export async function registerCaller(say, { stopAt = "done", afterFirstTurn } = {}) {
  let turn = await say(answers.category);
  if (afterFirstTurn) await afterFirstTurn(turn);
  const states = [turn.state];
  const asked = {};
  for (let step = 0; step < 14 && turn.state !== stopAt && turn.state !== "done"; step += 1) {
    let text;
    if (turn.state === "confirming") {
      text = "对";
    } else {
      // With nothing left in `missing`, the dialogue is asking which
      // proofs the caller holds (materials are asked once, before the
      // read-back).
      const wanted = turn.missing && turn.missing.length ? turn.missing : ["materials"];
      const slot = wanted.find((name) => answers[name] && (asked[name] || 0) < 2);
      assert.ok(slot, `the dialogue asks for ${JSON.stringify(turn.missing)} in state ${turn.state}; no scripted answer`);
      asked[slot] = (asked[slot] || 0) + 1;
      text = answers[slot];
    }
    turn = await say(text);
    states.push(turn.state);
  }
  assert.equal(turn.state, stopAt, `the registration did not reach ${stopAt}: states ${states.join(" → ")}`);
  return { states, turn };
}

/** A JSON request to the server, failing on any non-2xx status. */
export async function api(method, path, token, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path} → ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Opens a session over the API, as a mini-program would. */
export async function createSession(channel = "widget") {
  const response = await fetch(`${baseUrl}/v1/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ channel, region: "dongguan", today }),
  });
  assert.ok(response.ok, `POST /v1/sessions → ${response.status}`);
  return response.json();
}

/** Opens one session on the agents' screen by its link. */
export async function openSessionOnAgentScreen(page, sessionId) {
  await page.goto(`${baseUrl}/agent#session=${encodeURIComponent(sessionId)}`);
  await page.locator("#app").waitFor({ state: "visible" });
  await page.locator("#session-title").filter({ hasText: sessionId.slice(0, 8) }).waitFor();
}

/** Sends a caller's message that the assistant does not answer (an agent holds the call). */
export async function widgetSayToAgent(page, text) {
  const response = page.waitForResponse((r) => r.url().endsWith("/messages") && r.request().method() === "POST");
  await page.locator("#text").fill(text);
  await page.locator("#text").press("Enter");
  const turn = await (await response).json();
  assert.equal(turn.reply, "", "the assistant stays silent while an agent holds the call");
  await page.locator("#send:not([disabled])").waitFor();
  return turn;
}

/** Waits until the agents' screen shows `state` for the open session. */
export async function waitForAgentState(page, state) {
  await page.locator(`#session-state[data-state="${state}"]`).waitFor();
}

/** The session id the widget keeps in localStorage. */
export async function widgetSessionId(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem("hotline.widget.dongguan")).id);
}
