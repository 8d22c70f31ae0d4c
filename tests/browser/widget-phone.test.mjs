// The widget on a small phone (360×640, touch) for an older caller: large
// text and tap targets, an input iOS does not zoom into, a done state with
// the 登记编号 and the form, 重新开始 that asks first, an honest offline
// banner whose retry never applies a message twice, and a clear message
// for a session that no longer opens.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  api,
  agentToken,
  assertAccessible,
  baseUrl,
  openWidget,
  registerCaller,
  screenshot,
  useBrowser,
  widgetSay,
  widgetSessionId,
} from "./harness.mjs";

const chromium = useBrowser();
const phone = { width: 360, height: 640, hasTouch: true };

/** Every visible button and input on the page smaller than `min` px tall. */
async function smallTargets(page, min) {
  return page.evaluate((min) => {
    const small = [];
    for (const node of document.querySelectorAll("button, input, [role=button]")) {
      const box = node.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // not shown
      if (box.height < min || box.width < min) small.push(`${node.id || node.textContent.trim()} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return small;
  }, min);
}

/** Elements with text whose computed font size is under `min` px. */
async function smallText(page, min) {
  return page.evaluate((min) => {
    const small = [];
    for (const node of document.querySelectorAll("#messages .bubble, #suggestions button, #text, #send, #status, #restart, h1")) {
      const size = parseFloat(getComputedStyle(node).fontSize);
      if (size < min) small.push(`${node.id || node.className} ${size}px`);
    }
    return small;
  }, min);
}

test("a phone-sized widget: sizes, a registration to its 登记编号 and form, restart", async () => {
  const widget = await openWidget(chromium.browser, phone);
  await widget.locator("#suggestions button").first().waitFor();
  assert.deepEqual(await smallTargets(widget, 44), [], "tap targets at least 44 px");
  assert.deepEqual(await smallText(widget, 16), [], "text at least 16 px");
  const inputSize = await widget.locator("#text").evaluate((input) => parseFloat(getComputedStyle(input).fontSize));
  assert.ok(inputSize >= 16, `the input's text is ${inputSize}px: iOS zooms into anything under 16 px`);
  await assertAccessible(widget, "the widget on a phone, empty");

  let sawCollecting = false;
  await registerCaller(async (text) => {
    const turn = await widgetSay(widget, text);
    if (turn.state === "collecting" && !sawCollecting) {
      sawCollecting = true;
      assert.deepEqual(await smallTargets(widget, 44), [], "quick replies at least 44 px");
      await assertAccessible(widget, "the widget on a phone, collecting");
    }
    return turn;
  });
  assert.ok(sawCollecting);

  // Done: the 登记编号, the validity and the form, opened without a token in its URL.
  const done = widget.locator("#messages .message.done");
  await done.waitFor();
  const doneText = await done.innerText();
  assert.match(doneText, /登记编号\s*r_[0-9a-f]+/);
  assert.match(doneText, /有效期/);
  assert.deepEqual(await smallTargets(widget, 44), []);
  await assertAccessible(widget, "the widget on a phone, done");
  await done.scrollIntoViewIfNeeded();
  await screenshot(widget, "widget-phone-done");
  const stored = await widget.evaluate(() => JSON.parse(localStorage.getItem("hotline.widget.dongguan")));
  const [form] = await Promise.all([widget.waitForEvent("popup"), widget.locator("#open-form").tap()]);
  await form.waitForURL(/\/form\?ticket=/);
  assert.ok(!form.url().includes(stored.token), "no token in the form's URL");
  assert.match(await form.locator("body").innerText(), /登记备案表[\s\S]*传真/);
  await form.close();

  // 重新开始 asks first; keeping the conversation keeps everything.
  const sessionId = await widgetSessionId(widget);
  const bubbles = await widget.locator("#messages .message").count();
  await widget.locator("#restart").tap();
  const dialog = widget.locator("#confirm-restart");
  await dialog.waitFor();
  await assertAccessible(widget, "the widget, asking before a restart");
  await screenshot(widget, "widget-restart-asks");
  await dialog.getByRole("button", { name: "继续当前对话" }).tap();
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await widgetSessionId(widget), sessionId);
  assert.equal(await widget.locator("#messages .message").count(), bubbles);
  await widget.locator("#restart").tap();
  await dialog.getByRole("button", { name: "重新开始" }).tap();
  await widget.waitForFunction((old) => {
    const stored = JSON.parse(localStorage.getItem("hotline.widget.dongguan") || "null");
    return stored && stored.id !== old;
  }, sessionId);
  widget.assertClean();
});

test("offline: an honest banner, and a resend is applied once", async () => {
  const widget = await openWidget(chromium.browser, phone);
  const sessionId = await widgetSessionId(widget);
  const token = await widget.evaluate(() => JSON.parse(localStorage.getItem("hotline.widget.dongguan")).token);
  // The browser reports the cut connection; that and nothing else is expected.
  widget.expectConsole(/ERR_INTERNET_DISCONNECTED|ERR_FAILED|ERR_NETWORK_CHANGED/);

  // The message reaches the server, but the answer is lost on the way back.
  let cut = true;
  await widget.route("**/messages", async (route) => {
    if (!cut) return route.continue();
    await route.fetch(); // the server applies it…
    await route.abort("failed"); // …and the caller never hears back
  });
  await widget.locator("#text").fill(answersCategory);
  await widget.locator("#text").press("Enter");
  await widget.locator("#offline").waitFor();
  assert.match(await widget.locator("#status").innerText(), /连接中断/);
  assert.doesNotMatch(await widget.locator("#status").innerText(), /在线/);
  await widget.locator("#messages .message.caller.failed").waitFor();
  await assertAccessible(widget, "the widget, offline");
  await screenshot(widget, "widget-offline");

  // Retry: the same client id, so the server answers without applying it again.
  cut = false;
  await widget.locator("#retry").tap();
  await widget.locator("#messages .message.assistant").nth(1).waitFor();
  await widget.locator("#offline").waitFor({ state: "hidden" });
  const view = await fetch(`${baseUrl}/v1/sessions/${sessionId}`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json());
  const said = view.transcript.filter((entry) => entry.role === "caller" && entry.text === answersCategory);
  assert.equal(said.length, 1, "the resent message is in the transcript once");
  assert.equal(await widget.locator("#messages .message.caller").count(), 1);

  // The whole browser offline: the banner says so, and clears when back.
  await widget.context().setOffline(true);
  await widget.locator("#text").fill("职工医保");
  await widget.locator("#text").press("Enter");
  await widget.locator("#offline").waitFor();
  await widget.context().setOffline(false);
  await widget.locator("#retry").tap();
  await widget.locator("#offline").waitFor({ state: "hidden" });
  const after = await api("GET", `/v1/sessions/${sessionId}`, agentToken);
  assert.equal(after.transcript.filter((entry) => entry.text === "职工医保").length, 1);
  widget.assertClean();
});

test("a stored session that no longer opens says so and offers a new chat", async () => {
  const widget = await openWidget(chromium.browser, phone);
  const sessionId = await widgetSessionId(widget);
  widget.expectConsole(/status of 403/);
  await widget.evaluate((id) => localStorage.setItem("hotline.widget.dongguan", JSON.stringify({ id, token: "not-the-token" })), sessionId);
  await widget.reload();
  const message = widget.locator("#messages .message.notice", { hasText: "无法继续" });
  await message.waitFor();
  // Nothing new was started behind the caller's back.
  const stored = await widget.evaluate(() => JSON.parse(localStorage.getItem("hotline.widget.dongguan")));
  assert.equal(stored.token, "not-the-token");
  await assertAccessible(widget, "the widget, a session that no longer opens");
  await widget.locator("#new-chat").tap();
  await widget.waitForFunction(() => JSON.parse(localStorage.getItem("hotline.widget.dongguan") || "{}").token !== "not-the-token");
  await widget.locator("#messages .message.assistant").first().waitFor();
  widget.assertClean();
});

const answersCategory = "我退休了要去湖南长沙养老，户口已经迁过去了";
