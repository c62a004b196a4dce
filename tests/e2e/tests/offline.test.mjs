// anjuan installs as an app: a web manifest and a service worker that keeps the app's
// own files, and the pages this user opened in a cache of their own (never an API
// answer). With it, an open form keeps running the programme's checks after the
// network goes; signing out empties its caches. (Working offline end to end, with the
// queue and its sync: field.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, logout } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the app installs, and an open form keeps checking without a network", async () => {
  const page = await newPage(browser);
  await login(page, "inspector");
  const manifest = await page.request.get(`${BASE}/static/offline/manifest.webmanifest`);
  assert.equal(manifest.status(), 200);
  assert.match(manifest.headers()["content-type"], /application\/manifest\+json/);
  assert.equal((await manifest.json()).start_url, "/inbox");
  const sw = await page.request.get(`${BASE}/sw.js`);
  assert.equal(sw.status(), 200);
  assert.match(sw.headers()["cache-control"], /no-cache/);

  const list = await (await page.request.get(`${BASE}/api/v1/cases?programme=sampling-disposal&case_type=nonconforming-sample&per_page=100`)).json();
  const c = list.items.map((i) => i.case ?? i).find((x) => x.state === "disposal-started");
  assert.ok(c, "the demo has a case where disposal started");
  const url = `${BASE}/cases/${c.id}/actions/record-product-control`;
  await page.goto(url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Now under the service worker: the plugin files go through it into its cache.
  await page.reload();
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), "the page is controlled");
  await page.locator("form[data-checks-ready]").waitFor({ state: "attached" });

  await page.context().setOffline(true);
  const results = await page.evaluate(async () => {
    const { Runner, formData, now } = await import("/static/checks/page.js");
    const { parse } = await import("/static/checks/json.js");
    const spec = parse(document.getElementById("page-checks").textContent);
    const runner = new Runner(spec);
    const out = await runner.run(formData(spec, document.querySelector("form.case-form")), now());
    runner.stop();
    return out;
  });
  assert.equal(results[0].id, "product-control-complete");
  assert.ok(results[0].findings?.length > 0, `offline, the check still runs: ${JSON.stringify(results)}`);
  await page.context().setOffline(false);

  const cached = () => page.evaluate(async () => {
    const urls = [];
    for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) urls.push(`${k} ${new URL(r.url).pathname}`);
    return urls;
  });
  const user = await page.getAttribute('meta[name="anjuan-user"]', "content");
  const before = await cached();
  assert.ok(before.some((u) => u.startsWith("anjuan-app-v2 /plugins/")), `the plugin build is cached: ${before}`);
  assert.ok(!before.some((u) => u.includes(" /api/")), `no API answer is cached: ${before}`);
  const pages = before.filter((u) => !u.includes(" /static/") && !u.includes(" /plugins/"));
  assert.ok(pages.includes(`anjuan-pages-${user} /cases/${c.id}/actions/record-product-control`), `the form page is kept: ${pages}`);
  assert.ok(pages.every((u) => u.startsWith(`anjuan-pages-${user} `)), `pages are kept in this user's cache only: ${pages}`);
  await logout(page);
  const afterLogout = await cached();
  // (The sign-in page fetches the app's static files again: they are the same for everyone.)
  assert.deepEqual(afterLogout.filter((u) => !u.startsWith("anjuan-app-v2 /static/")), [], "sign-out empties the caches");
});
