// The case list exports what it shows (CSV and XLSX), bulk actions report per case,
// and the dashboards and admin pages draw their charts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { BASE, launch, newPage, login, shot, listCases } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("export the filtered list as CSV and XLSX, personal data masked as on screen", async () => {
  const page = await newPage(browser);
  // The volunteer sees her village's families, sensitive fields masked where she is
  // not the liaison.
  await login(page, "volunteer");
  const rows = await listCases(page, "programme=special-family-care&case_type=family");
  assert.ok(rows.length > 0, "the volunteer sees her village's special families");
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  const text = await fs.readFile(await csv.path(), "utf8");
  assert.ok(text.startsWith("\ufeff编号,"), "a header row, with a byte-order mark for spreadsheets");
  assert.ok(text.includes(rows[0].number), "the listed cases are in it");
  assert.ok(text.includes("户主姓名") && text.includes("已隐藏"), "data columns, sensitive ones masked for this user");
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /XLSX/ }).click()]);
  const bytes = await fs.readFile(await xlsx.path());
  assert.equal(bytes.subarray(0, 2).toString(), "PK", "an XLSX (zip) workbook");
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  // Named by the server's clock (the demo's Asia/Shanghai), not UTC.
  const stamp = () => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .formatToParts(new Date())
        .map((x) => [x.type, x.value]),
    );
    return `cases-${p.year}${p.month}${p.day}-${p.hour}${p.minute}`;
  };
  const before = stamp();
  const [named] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  const after = stamp();
  const name = named.suggestedFilename();
  assert.ok(name.startsWith(before) || name.startsWith(after), `${name} in local time (${before})`);
  await page.context().close();
});

test("notifications say which case, newest first; pages have an icon", async () => {
  const page = await newPage(browser);
  const missing = [];
  page.on("response", (r) => r.status() === 404 && missing.push(r.url()));
  await login(page, "inspector");
  await page.goto(`${BASE}/notifications`);
  await page.getByRole("heading", { level: 1, name: "通知" }).waitFor();
  const notes = await page.$$eval(".notes li", (lis) =>
    lis.map((li) => ({ at: li.querySelector("time").textContent, link: li.querySelector("a")?.textContent.trim() ?? "" })),
  );
  assert.ok(notes.length > 0, "the demo has notifications for the inspector");
  for (const n of notes) assert.ok(n.link.length > 0, "each names its case");
  const times = notes.map((n) => n.at);
  assert.deepEqual(times, [...times].sort().reverse(), "newest first");
  await shot(page, "14-notifications");
  assert.equal(await page.locator('link[rel="icon"]').getAttribute("href"), "/static/favicon.svg");
  assert.deepEqual(missing, [], "nothing the page asks for is missing (favicon included)");
  await page.context().close();
});

test("a bulk action reports each case, done or why not", async () => {
  const page = await newPage(browser);
  await login(page, "association");
  await listCases(page, "programme=special-family-care&case_type=family&open=true");
  const n = await page.locator('input[name="ids"]').count();
  assert.ok(n > 0, "open cases to act on");
  await page.check("#select-all");
  const value = await page.$$eval("#bulk-action option", (os) => os.map((o) => o.value).find(Boolean));
  assert.ok(value, "actions are offered for the selection");
  await page.selectOption("#bulk-action", value);
  await page.fill("#bulk-comment", "批量办理");
  await page.getByRole("button", { name: "批量执行" }).click();
  await page.locator("#bulk-done").waitFor({ timeout: 60000 });
  assert.equal(await page.locator("table.bulk-results tbody tr").count(), n, "one line per case");
  assert.match(await page.locator("#bulk-summary").textContent(), /成功 \d+ 件，未办理 \d+ 件/);
  await shot(page, "11-bulk-result");
  await page.context().close();
});

test("dashboards and the admin pages draw their charts and diagrams", async () => {
  const page = await newPage(browser);
  await login(page, "admin");
  await page.goto(`${BASE}/dashboards/special-family-care`);
  assert.ok(await page.locator("figure.chart-box svg").count() >= 1);
  await shot(page, "08-dashboard");
  await page.goto(`${BASE}/admin/programmes/sampling-disposal`);
  assert.ok(await page.locator(".diagram-box svg").count() >= 3, "a state diagram per case type");
  await shot(page, "10-admin-programme");
  await page.goto(`${BASE}/admin/audit`);
  await page.locator(".notice.ok").waitFor();
  await page.goto(`${BASE}/admin/programmes`);
  await page.getByRole("button", { name: "校验" }).first().click();
  await page.getByRole("heading", { name: "校验结果" }).waitFor();
  await page.context().close();
});

test("the inbox on a tablet", async () => {
  const page = await newPage(browser, { width: 820, height: 1180 });
  await login(page, "lab");
  await page.getByRole("heading", { level: 1, name: /我的待办/ }).waitFor();
  await shot(page, "13-inbox-tablet");
  await page.context().close();
});
