// Shared by the browser tests: one Chromium per test file, sign-in, screenshots, and
// filling in a plugin form the way a careful caseworker would.
import assert from "node:assert/strict";
import { chromium, request } from "playwright-core";
import path from "node:path";

export const BASE = process.env.ANJUAN_URL ?? "http://127.0.0.1:8080";
const SHOTS = process.env.E2E_SCREENSHOTS;

/** Debian's Chromium, headless. */
export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A fresh browser context (its own cookies) with a page, laptop-sized by default. */
export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  // The server sends a content security policy; a page or script it blocks fails the run.
  page.on("console", (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) {
      console.error(`CSP violation on ${page.url()}: ${msg.text()}`);
      process.exitCode = 1;
    }
  });
  return page;
}

/** Sign in through the login form; ends on the inbox. */
export async function login(page, username, password = "demo") {
  await page.goto(`${BASE}/login`);
  await page.getByLabel(/用户名|User name/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await Promise.all([page.waitForURL(/\/inbox/), page.getByRole("button", { name: /^(登录|Sign in)$/ }).click()]);
}

export async function logout(page) {
  await Promise.all([page.waitForURL(/\/login/), page.getByRole("button", { name: /^(退出|Sign out)$/ }).click()]);
}

/** Save a full-page screenshot as screenshots/<name>.png. */
export async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** The case ids linked from a case list page. */
export async function caseLinks(page) {
  return page.$$eval("table.cases tbody a[href^='/cases/']", (as) => as.map((a) => a.getAttribute("href")));
}

/** The case list filtered by a query string, as rows of { href, number, state }. */
export async function listCases(page, query) {
  await page.goto(`${BASE}/cases?${query}`);
  return page.$$eval("table.cases tbody tr", (trs) =>
    trs.map((tr) => {
      const a = tr.querySelector("a[href^='/cases/']");
      const cells = tr.querySelectorAll("td");
      return { href: a.getAttribute("href"), number: a.textContent.trim(), state: cells[3]?.textContent.trim() ?? "" };
    }),
  );
}

// The county's day and minute (the demo server runs in Asia/Shanghai): a date in UTC
// is yesterday there between midnight and 08:00, and the server's checks say so.
const localParts = () =>
  Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date())
      .map((x) => [x.type, x.value]),
  );
const today = () => {
  const p = localParts();
  return `${p.year}-${p.month}-${p.day}`;
};
const nowLocal = () => {
  const p = localParts();
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
};

/**
 * Fill every visible, empty field of the action form on the page with a plausible
 * value: the first option of a select (for results, the first is the good outcome),
 * "yes" for yes/no questions unless `no` names them, today for dates, now for times;
 * `values` (by field id) win, also over what the case already holds.
 * Returns the names it filled.
 */
export async function fillForm(page, { no = [], values = {} } = {}) {
  const filled = [];
  for (let round = 0; round < 4; round++) {
    const fields = await page.$$eval("form.case-form .field:not([hidden])", (els) =>
      els
        .filter((el) => !el.closest("[hidden]"))
        .map((el) => {
          const kind = [...el.classList].find((c) => c.startsWith("kind-"))?.slice(5);
          const input = el.querySelector("input:not([type=hidden]), select, textarea");
          // A file field that already holds an upload shows it instead of a value.
          const value = el.querySelector(".file-current") ? "kept" : input?.value;
          return input ? { kind, name: input.name, id: input.id, type: input.type, value } : null;
        })
        .filter((f) => f && f.name && f.kind && f.kind !== "group"),
    );
    let changed = false;
    for (const f of fields) {
      const key = f.name.split(".").pop();
      const sel = `[name="${f.name}"]`;
      if (f.kind === "boolean") {
        const checked = await page.$(`${sel}:checked`);
        const want = key in values ? String(values[key]) : no.includes(key) ? "false" : "true";
        if (checked && (!(key in values) || (await checked.getAttribute("value")) === want)) continue;
        await page.check(`${sel}[value="${want}"]`);
      } else if (f.kind === "multi-select") {
        if (await page.$(`${sel}:checked`)) continue;
        await page.check(`${sel} >> nth=0`);
      } else if (key in values && f.kind !== "file") {
        // A given value wins over what the form shows (a select's first option too).
        if (f.value === String(values[key])) continue;
        if (f.type === "select-one") await page.selectOption(sel, String(values[key]));
        else await page.fill(sel, String(values[key]));
      } else if (f.value !== "") {
        continue;
      } else if (key in values) {
        await page.setInputFiles(sel, testFile(String(values[key])));
      } else if (f.type === "select-one") {
        const options = await page.$$eval(`${sel} option`, (os) => os.map((o) => o.value).filter(Boolean));
        if (!options.length) continue;
        await page.selectOption(sel, options[0]);
      } else if (f.type === "date") {
        await page.fill(sel, today());
      } else if (f.type === "datetime-local") {
        await page.fill(sel, nowLocal());
      } else if (f.type === "number") {
        await page.fill(sel, "1");
      } else if (f.kind === "file") {
        await page.setInputFiles(sel, testFile("材料.pdf"));
      } else {
        await page.fill(sel, f.kind === "long-text" ? "已按要求办理，材料已归档。" : "测试记录");
      }
      filled.push(f.name);
      changed = true;
    }
    if (!changed) break;
  }
  return filled;
}

/** A small file to put in a file input, named `name`. */
export function testFile(name) {
  return { name, mimeType: "application/pdf", buffer: Buffer.from(`%PDF-1.4 ${name}`) };
}

/** Submit the action form; resolves with the HTTP status of the answer. */
export async function submitAction(page) {
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.locator("form.case-form .actions button.primary").click(),
  ]);
  return response?.status() ?? 0;
}

/** A signed-in API client as `username` (its own cookies, outside the browser). */
export async function apiAs(username) {
  const api = await request.newContext({ baseURL: BASE });
  const r = await api.post("/api/v1/session", { data: { username, password: "demo" } });
  assert.equal(r.status(), 200);
  const body = await r.json();
  return { api, csrf: body.csrf_token, user: body.user };
}
