// Field work without a network: a facility manager opens their cases while online,
// loses the network, fills in two actions (one with a photo) and a new building with
// a photo, sees them queued, reloads the page (still offline), and when the network
// returns everything is sent once, in the order it was filled in. One of the cases was
// changed through the API meanwhile: that entry is not applied, the server's conflict
// view shows what changed with the entry kept, and submitting it there applies it.
// Every accepted event records the field time next to the server's receipt.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, shot, fillForm, apiAs } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const photo = (name) => ({ name, mimeType: "image/jpeg", buffer: Buffer.from(`\xff\xd8\xff\xe0 JFIF ${name}`, "binary") });

test("forms filled without a network are queued, survive a reload and are sent once, in order", async () => {
  const { api, csrf, user } = await apiAs("facility");
  const hazards = (await (await api.get("/api/v1/cases?programme=fire-safety-rectification&case_type=hazard&per_page=100")).json()).items;
  const withActions = [];
  for (const h of hazards) {
    const c = await (await api.get(`/api/v1/cases/${h.id}`)).json();
    withActions.push(c);
  }
  const a = withActions.find((c) => c.actions.some((x) => x.action === "record-progress"));
  const b = withActions.find((c) => c !== a && c.actions.some((x) => x.action === "submit-rectification"));
  assert.ok(a && b, "the demo has two hazards the facility manager acts on");
  const building = `离线登记楼 ${Date.now()}`;
  // Other tests may have recorded progress on the same case (dropped.test.mjs).
  const progressBefore = (await (await api.get(`/api/v1/cases/${a.id}/events`)).json())
    .filter((e) => e.action === "record-progress" && e.actor === user.id).length;

  const page = await newPage(browser);
  const context = page.context();
  await login(page, "facility");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), "the inbox is under the service worker");
  assert.equal(await page.getAttribute('meta[name="anjuan-user"]', "content"), user.id);

  // Online: open the two cases (their action forms are fetched ahead) and the new-building form.
  for (const c of [a, b]) {
    await page.goto(`${BASE}/cases/${c.id}`);
    await page.locator("html[data-fetched-ahead]").waitFor({ state: "attached" });
  }
  await page.goto(`${BASE}/cases/new?programme=fire-safety-rectification&case_type=building`);
  await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
  const kept = await page.evaluate(async () => {
    const out = [];
    for (const k of await caches.keys()) for (const r of await (await caches.open(k)).keys()) out.push(`${k} ${new URL(r.url).pathname}`);
    return out;
  });
  assert.ok(kept.some((k) => k.includes(`/cases/${a.id}/actions/record-progress`)), `the action form was kept: ${kept}`);
  assert.ok(kept.every((k) => !k.startsWith("anjuan-pages-") || k.startsWith(`anjuan-pages-${user.id} `)), "pages are kept under this user only");

  // Offline: a page never kept says so (the service worker has no network either).
  await context.setOffline(true);
  const list = await page.goto(`${BASE}/cases`);
  assert.equal(list.status(), 503);
  assert.match(await page.textContent("h1"), /没有网络/);
  const queue = async () => {
    await page.waitForURL(/\/sync\?queued=/);
    await page.locator("html[data-queue-ready]").waitFor({ state: "attached" });
  };

  await page.goto(`${BASE}/cases/${a.id}/actions/record-progress`);
  await page.locator("#offline-notice").waitFor();
  await page.fill('[name="f.progress_note"]', "离线登记：已更换灭火器 3 具。");
  await page.locator("form.case-form .actions button.primary").click();
  await queue();

  await page.goto(`${BASE}/cases/${b.id}/actions/submit-rectification`);
  await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
  await fillForm(page);
  await page.setInputFiles('input[type=file][name="f.evidence"]', photo("整改后现场照片.jpg"));
  await page.locator("form.case-form .actions button.primary").click();
  await queue();

  await page.goto(`${BASE}/cases/new?programme=fire-safety-rectification&case_type=building`);
  await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
  await page.selectOption("#org_unit", { index: 1 });
  await fillForm(page, { values: { name: building, building_use: "public", floors: 18, height_m: 62.5 } });
  await page.setInputFiles('input[type=file][name="f.responsibility_agreement"]', photo("责任协议签字页.jpg"));
  await page.locator("form.case-form .actions button.primary").click();
  await queue();
  // The same kept form again: a second building is a second entry.
  await page.goto(`${BASE}/cases/new?programme=fire-safety-rectification&case_type=building`);
  await page.locator("form.case-form[data-checks-ready]").waitFor({ state: "attached" });
  await page.selectOption("#org_unit", { index: 1 });
  await fillForm(page, { values: { name: `${building} 二号楼`, building_use: "residential", floors: 33, height_m: 99.0 } });
  await page.locator("form.case-form .actions button.primary").click();
  await queue();

  const rows = page.locator("#sync-items > li");
  assert.equal(await rows.count(), 4);
  assert.deepEqual(await rows.evaluateAll((ls) => ls.map((l) => l.dataset.status)), ["queued", "queued", "queued", "queued"]);
  assert.equal((await page.locator(".nav-sync [data-sync-count]").textContent()).trim(), "4");
  assert.match(await rows.nth(1).textContent(), /整改后现场照片\.jpg/);
  await shot(page, "40-offline-queue");

  // Someone moves case A meanwhile (through the API: the server is up, the browser is not).
  const moved = await api.post(`/api/v1/cases/${a.id}/actions/record-progress`, {
    headers: { "X-CSRF-Token": csrf },
    data: { data: { progress_note: "同事在线登记的进展。" }, expected_version: a.version },
  });
  assert.equal(moved.status(), 200, await moved.text());

  // A reload without a network: the page comes from this device, the queue is intact.
  await page.reload();
  await page.locator("html[data-queue-ready]").waitFor({ state: "attached" });
  await page.locator("#offline-notice").waitFor();
  assert.equal(await page.locator("#sync-items > li").count(), 4);

  // The network returns: sent in order, each once.
  const posts = [];
  page.on("request", (r) => {
    if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
  });
  await context.setOffline(false);
  await page.locator('#sync-items > li[data-status="done"]').nth(2).waitFor();
  await page.locator('#sync-items > li[data-status="conflict"]').waitFor();
  const forms = posts.filter((p) => p !== "/api/v1/files");
  assert.deepEqual(forms, [`/cases/${a.id}/actions/record-progress`, `/cases/${b.id}/actions/submit-rectification`, "/cases/new", "/cases/new"], `sent in order: ${posts}`);
  // The two photos, and the document the second building's form was given (fillForm).
  assert.equal(posts.filter((p) => p === "/api/v1/files").length, 3, "each file uploaded once");
  assert.ok(posts.indexOf("/api/v1/files") < posts.indexOf(`/cases/${b.id}/actions/submit-rectification`), "the photo goes before its form");
  assert.deepEqual(await rows.evaluateAll((ls) => ls.map((l) => l.dataset.status)), ["conflict", "done", "done", "done"]);
  assert.equal((await page.locator(".nav-sync [data-sync-count]").textContent()).trim(), "1", "one entry still waits");
  await shot(page, "41-offline-synced");

  // The entry on the case that moved: the server's conflict view, the entry kept.
  await Promise.all([page.waitForURL(new RegExp(`/cases/${a.id}/actions/record-progress$`)), rows.nth(0).getByRole("button", { name: /在表单中打开|Open in the form/ }).click()]);
  const conflict = page.locator("section.conflict");
  await conflict.waitFor();
  assert.match(await conflict.textContent(), /同事在线登记的进展/);
  assert.equal(await page.inputValue('[name="f.progress_note"]'), "离线登记：已更换灭火器 3 具。");
  await shot(page, "42-offline-conflict");
  await Promise.all([page.waitForURL(new RegExp(`/cases/${a.id}\\?done=record-progress`)), page.locator("form.case-form .actions button.primary").click()]);
  await page.locator("html[data-queue-ready]").waitFor({ state: "attached" });
  await page.goto(`${BASE}/sync`);
  await page.locator("html[data-queue-ready]").waitFor({ state: "attached" });
  assert.deepEqual(await page.locator("#sync-items > li").evaluateAll((ls) => ls.map((l) => l.dataset.status)), ["done", "done", "done", "done"]);
  assert.equal((await page.locator(".nav-sync [data-sync-count]").textContent()).trim(), "0");

  // On the server: each entry once, with its field time before its receipt.
  const events = async (id) => (await (await api.get(`/api/v1/cases/${id}/events`)).json());
  const mine = (es, action) => es.filter((e) => e.action === action && e.actor === user.id);
  const progress = mine(await events(a.id), "record-progress");
  assert.equal(progress.length, progressBefore + 2, "the colleague's entry and the re-applied one");
  const reapplied = progress.at(-1);
  assert.ok(reapplied.payload.taken_at, "the re-applied entry keeps its field time");
  const submitted = mine(await events(b.id), "submit-rectification");
  assert.equal(submitted.length, 1, "applied once");
  const fieldTime = Date.parse(submitted[0].payload.taken_at);
  assert.ok(fieldTime <= Date.parse(submitted[0].at), "filled in before it reached the server");
  assert.ok(Date.parse(reapplied.payload.taken_at) < fieldTime, "the first entry was filled in first");
  const found = (await (await api.get(`/api/v1/cases?programme=fire-safety-rectification&case_type=building&q=${encodeURIComponent(building)}`)).json()).items;
  assert.deepEqual(found.map((c) => c.summary.includes("二号楼")).sort(), [false, true], "each building opened once");
  found.sort((x, y) => x.number.localeCompare(y.number));
  const opened = await events(found[0].id);
  const second = await events(found[1].id);
  assert.ok(Date.parse(opened[0].payload.taken_at) > fieldTime, "the new cases were filled in last");
  assert.ok(Date.parse(second[0].payload.taken_at) > Date.parse(opened[0].payload.taken_at), "and opened in the order filled in");
  const evidence = (await (await api.get(`/api/v1/cases/${b.id}`)).json()).data.evidence;
  const download = await api.get(`/api/v1/files/${evidence}`);
  assert.equal(download.status(), 200);
  assert.deepEqual(await download.body(), photo("整改后现场照片.jpg").buffer, "the photo taken offline is the case's evidence");
  const agreement = (await (await api.get(`/api/v1/cases/${found[0].id}`)).json()).data.responsibility_agreement;
  assert.deepEqual(await (await api.get(`/api/v1/files/${agreement}`)).body(), photo("责任协议签字页.jpg").buffer);

  // The history shows both times.
  await page.goto(`${BASE}/cases/${b.id}`);
  assert.match(await page.locator(".timeline .field-time").first().textContent(), /离线填写于/);

  // Signing out forgets the sent entries and the page copies.
  await page.goto(`${BASE}/inbox`);
  await page.locator("html[data-queue-ready]").waitFor({ state: "attached" });
  assert.ok(await page.locator(".nav-sync").isHidden(), "nothing waits: the navigation item goes");
  await Promise.all([page.waitForURL(/\/login/), page.getByRole("button", { name: /^(退出|Sign out)$/ }).click()]);
  const left = await page.evaluate(async () => ({
    caches: (await caches.keys()).filter((k) => k.startsWith("anjuan-")),
    queue: await new Promise((resolve) => {
      const r = indexedDB.open("anjuan-offline");
      r.onsuccess = () => { const g = r.result.transaction("queue").objectStore("queue").getAll(); g.onsuccess = () => resolve(g.result.length); };
    }),
  }));
  assert.deepEqual(left.caches.filter((k) => k.startsWith("anjuan-pages-")), [], "no page copies after sign-out");
  assert.equal(left.queue, 0, "sent entries are forgotten at sign-out");
  await api.dispose();
  await context.close();
});
