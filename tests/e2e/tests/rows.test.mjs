// A table row added in the page: "add a row" draws the row the server would draw (the
// same names, ids, rules and defaults: compared with the server's own `_add_row`
// answer), with no round trip, so rows are added without a network too. A form filled
// offline with an added row is queued, and the server takes every row after sync.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "playwright-core";
import { BASE, launch, newPage, login, fillForm } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const rowsOf = (page) => page.locator('fieldset.group[data-group="f.new_hazards"] > fieldset.row');

/** A row's HTML with the whitespace between tags dropped (the template's indentation). */
const rowHtml = (page, sel, index) => page.evaluate(([s, i]) => {
  const el = document.querySelectorAll(s)[i];
  return el.outerHTML.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();
}, [sel, index]);

test("a table row is added in the page, as the server draws it, also without a network", async () => {
  const api = await request.newContext({ baseURL: BASE });
  assert.equal((await api.post("/api/v1/session", { data: { username: "facility", password: "demo" } })).status(), 200);
  const list = (await (await api.get("/api/v1/cases?programme=fire-safety-rectification&case_type=rectification&per_page=100")).json()).items;
  let c = null;
  // Its guard asks for the rows the form brings, so the case page does not list it.
  for (const i of list) {
    const full = await (await api.get(`/api/v1/cases/${i.id}`)).json();
    if (full.state === "rectifying") { c = full; break; }
  }
  assert.ok(c, "the demo has a rectification the facility manager adds hazards to");
  const form = `${BASE}/cases/${c.id}/actions/add-hazards`;

  const page = await newPage(browser);
  const context = page.context();
  await login(page, "facility");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();

  // Online: the row added in the page is the row the server draws for `_add_row`.
  await page.goto(form);
  await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
  assert.equal(await rowsOf(page).count(), 1);
  await page.evaluate(() => { window.stayed = true; });
  await page.getByRole("button", { name: /增加一行|Add a row/ }).click();
  assert.equal(await rowsOf(page).count(), 2);
  assert.equal(await page.evaluate(() => window.stayed), true, "no round trip");
  const drawn = await page.evaluate(async () => {
    const f = document.querySelector("form.case-form");
    const body = new URLSearchParams();
    const fd = new FormData(f);
    // The server's answer to "add a row" on the form as it was (one row).
    for (const [n, v] of fd) if (!n.startsWith("f.new_hazards.1.") && typeof v === "string") body.append(n, v);
    body.append("_add_row", "f.new_hazards");
    const html = await (await fetch(f.action, { method: "POST", body, credentials: "same-origin" })).text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    const row = doc.querySelectorAll('fieldset.group[data-group="f.new_hazards"] > fieldset.row')[1];
    return row.outerHTML.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();
  });
  assert.equal(await rowHtml(page, 'fieldset.group[data-group="f.new_hazards"] > fieldset.row', 1), drawn, "the same row as the server's");
  assert.match(drawn, /name="f\.new_hazards\.1\.description"/);

  // Offline: the kept form adds its row too, and is queued with both rows.
  await context.setOffline(true);
  await page.goto(form);
  await page.locator("#offline-notice").waitFor();
  await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: /增加一行|Add a row/ }).click();
  assert.equal(await rowsOf(page).count(), 2);
  const stamp = Date.now();
  const names = [`离线补充隐患甲 ${stamp}`, `离线补充隐患乙 ${stamp}`];
  for (const [i, d] of names.entries()) await page.fill(`[name="f.new_hazards.${i}.description"]`, d);
  const due = c.data.all_due_on;
  await fillForm(page, { values: due ? { rectify_by: due } : {} });
  // The page's checks have run on both rows.
  await page.waitForFunction(() => document.querySelector("form.case-form")?.dataset.checksReady);
  await Promise.all([page.waitForURL(/\/sync\?queued=/), page.locator("form.case-form .actions button.primary").click()]);
  await page.locator("html[data-queue-ready]").waitFor({ state: "attached" });
  const queued = await page.evaluate(async () => {
    const { list } = await import("/static/offline/store.js");
    const user = document.querySelector('meta[name="anjuan-user"]').content;
    return (await list(user)).at(-1).entries.map(([n]) => n);
  });
  assert.ok(queued.includes("f.new_hazards.1.description"), `both rows queued: ${queued}`);

  // Back online: sent, and the server took both rows (each opens a hazard).
  await context.setOffline(false);
  await page.locator('#sync-items > li[data-status="done"]').last().waitFor();
  const after = await (await api.get(`/api/v1/cases/${c.id}`)).json();
  const listed = (after.data.hazards ?? []).map((h) => h.description);
  for (const d of names) assert.ok(listed.includes(d), `${d} is in the case's hazard list`);
  const children = (await (await api.get(`/api/v1/cases?programme=fire-safety-rectification&case_type=hazard&per_page=200&q=${encodeURIComponent(String(stamp))}`)).json()).items;
  assert.equal(children.length, 2, "each row opened a hazard");
  await api.dispose();
  await context.close();
});
