// A network that drops while the browser believes it is online: the submit fails on the
// way (it never reaches the server) or on the way back (the server applied it and the
// answer was lost). Either way the form is kept in the queue with the key it was sent
// with, the page shows the queue instead of the browser's error page, and sending it
// later applies it once. An answer of the server, even an error, is shown as it is.
//
// The dropped network is Playwright's `context.route(…, r => r.abort())`: the context's
// routes see the service worker's requests too, which is where a submit goes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, apiAs } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("a submit that fails on the network while online is queued with its key and applied once", async () => {
  const { api, user } = await apiAs("facility");
  const hazards = (await (await api.get("/api/v1/cases?programme=fire-safety-rectification&case_type=hazard&per_page=100")).json()).items;
  let a = null;
  for (const h of hazards) {
    const c = await (await api.get(`/api/v1/cases/${h.id}`)).json();
    if (c.actions.some((x) => x.action === "record-progress")) { a = c; break; }
  }
  assert.ok(a, "the demo has a hazard the facility manager records progress on");
  const mine = async () => (await (await api.get(`/api/v1/cases/${a.id}/events`)).json())
    .filter((e) => e.action === "record-progress" && e.actor === user.id);
  const before = (await mine()).length;

  const page = await newPage(browser);
  const context = page.context();
  await login(page, "facility");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), "under the service worker");
  const form = `${BASE}/cases/${a.id}/actions/record-progress`;
  const records = () => page.evaluate(async () => {
    const { list } = await import("/static/offline/store.js");
    const user = document.querySelector('meta[name="anjuan-user"]').content;
    return (await list(user)).map((i) => ({ key: i.key, status: i.status, sent: Object.fromEntries(i.entries.filter(([, v]) => typeof v === "string")) }));
  });
  const sendNow = async (n) => {
    await page.locator("#sync-now:not([disabled])").click();
    await page.locator('#sync-items > li[data-status="done"]').nth(n - 1).waitFor();
  };
  /** Submits the form with the POST routed by `handler`; resolves with the form's key. */
  const submitRouted = async (note, handler) => {
    await page.goto(form);
    await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
    assert.ok(await page.evaluate(() => navigator.onLine), "the browser believes it is online");
    await page.fill('[name="f.progress_note"]', note);
    const key = await page.inputValue('input[name="_key"]');
    let posts = 0;
    await context.route(form, (route) => {
      if (route.request().method() !== "POST") return route.continue();
      posts += 1;
      return posts === 1 ? handler(route) : route.abort("internetdisconnected");
    });
    await Promise.all([page.waitForURL(/\/sync\?queued=/), page.locator("form.case-form .actions button.primary").click()]);
    // The queue page tries to send at once, and fails: the network is still down.
    await page.locator("html[data-sync-done]").waitFor({ state: "attached" });
    await context.unroute(form);
    return key;
  };

  // 1. The request never reaches the server: queued, with the form's key and field time.
  const lost = await submitRouted("网络中断时提交的进展。", (route) => route.abort("internetdisconnected"));
  let rs = await records();
  assert.equal(rs.length, 1, "kept in the queue");
  assert.equal(rs[0].sent._key, lost, "with the key the form was sent with");
  assert.equal(rs[0].sent["f.progress_note"], "网络中断时提交的进展。");
  assert.ok(rs[0].sent._taken_at, "and the time it was pressed");
  assert.equal((await mine()).length, before, "nothing reached the server");
  assert.equal((await page.locator(".nav-sync [data-sync-count]").textContent()).trim(), "1");
  await sendNow(1);
  let events = await mine();
  assert.equal(events.length, before + 1, "sent once");
  assert.equal(events.at(-1).payload.taken_at, rs[0].sent._taken_at, "with its field time");

  // 2. The server applies it and the answer is lost on the way back: queued too; sending
  // it again is answered with the first answer, not applied twice.
  const answered = await submitRouted("回复丢失时提交的进展。", async (route) => {
    const res = await route.fetch({ maxRedirects: 0 });
    assert.equal(res.status(), 303, "the server applied it");
    await route.abort("connectionreset");
  });
  assert.equal((await mine()).length, before + 2, "the server holds it");
  rs = await records();
  assert.deepEqual(rs.map((r) => r.status), ["done", "queued"]);
  assert.equal(rs[1].sent._key, answered);
  await sendNow(2);
  events = await mine();
  assert.equal(events.length, before + 2, "applied once");
  assert.equal((await (await api.get(`/api/v1/cases/${a.id}`)).json()).data.progress_note, "回复丢失时提交的进展。");

  // 3. An answer of the server, even an error, is shown as it is: nothing is queued.
  await page.goto(form);
  await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
  await page.fill('[name="f.progress_note"]', "服务器出错时提交的进展。");
  await context.route(form, (route) => route.request().method() === "POST"
    ? route.fulfill({ status: 503, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>维护</title><h1>服务器维护中</h1>" })
    : route.continue());
  const [answer] = await Promise.all([page.waitForNavigation(), page.locator("form.case-form .actions button.primary").click()]);
  assert.equal(answer.status(), 503);
  assert.equal(await page.textContent("h1"), "服务器维护中");
  await context.unroute(form);
  await page.goto(`${BASE}/sync`);
  await page.locator("html[data-queue-ready]").waitFor({ state: "attached" });
  assert.deepEqual((await records()).map((r) => r.status), ["done", "done"], "nothing queued");
  assert.equal((await mine()).length, before + 2);
  await api.dispose();
  await context.close();
});
