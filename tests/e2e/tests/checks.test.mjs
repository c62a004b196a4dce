// The programme's checks run in the page give the same findings as the server. For
// every programme, on a sample of the demo's cases in each case type and state (the
// data the demo's scenarios left there): each action with checks is opened as its page,
// the page reads its form and runs the checks in its worker, and the server runs the
// same checks on the same data (POST /api/v1/programmes/{id}/checks/{check}, as the
// action would, taking nothing); each case type that is opened with checks is checked
// on the stored data of its demo cases the same way, through the new-case page. Checks
// the page leaves to the server (a count query, a masked value) are tallied, not
// compared. Also measures what the page downloads for a programme's checks and the time
// to the first finding (docs/offline.md).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { BASE, launch, newPage, login } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

// One clock for page and server, whole seconds, as the server writes it.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "+00:00");
const PER_STATE = 2;

/** In the page: the checks of its `#page-checks`, on `rawData` (JSON text of the data to
 * check) or, without it, on the form as the page reads it. Returns the data checked (as
 * JSON text) and each check's result. */
async function runInPage(page, rawData, fields) {
  return page.evaluate(
    async ({ now, rawData, fields }) => {
      const { Runner, formData } = await import("/static/checks/page.js");
      const { parse, stringify } = await import("/static/checks/json.js");
      const spec = parse(document.getElementById("page-checks").textContent);
      let data;
      if (rawData === null) data = formData(spec, document.querySelector("form.case-form"));
      else {
        const all = parse(rawData);
        data = {};
        for (const k of Object.keys(all)) if (!fields || fields.includes(k)) data[k] = all[k];
      }
      const runner = new Runner(spec);
      const results = await runner.run(data, now);
      runner.stop();
      return { input: stringify(data), results };
    },
    { now: NOW, rawData, fields },
  );
}

let csrf = "";

async function serverCheck(page, programme, check, body) {
  const text = `{${Object.entries(body).map(([k, v]) => `${JSON.stringify(k)}:${k === "data" ? v : JSON.stringify(v)}`).join(",")}}`;
  const r = await page.request.post(`${BASE}/api/v1/programmes/${programme}/checks/${check}`, {
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    data: text,
  });
  assert.equal(r.status(), 200, `${programme}/${check}: ${await r.text()}`);
  return r.json();
}

const tally = { compared: 0, findings: 0, deferred: {}, mismatches: [] };
// One action page per programme, for the measurements.
const measured = {};

function compare(where, pageResult, server) {
  if (pageResult.server) {
    tally.deferred[pageResult.server] = (tally.deferred[pageResult.server] ?? 0) + 1;
    return;
  }
  tally.compared += 1;
  tally.findings += pageResult.findings.length;
  const s = server.failed ? { failed: true } : server.findings.map((f) => ({ field: f.field, code: f.code, message: f.message, severity: f.severity }));
  const p = pageResult.findings.map((f) => ({ field: f.field, code: f.code, message: f.message, severity: f.severity }));
  if (JSON.stringify(s) !== JSON.stringify(p)) tally.mismatches.push({ where, page: p, server: s });
}

test("page and server give the same findings on every programme's cases", async () => {
  const page = await newPage(browser);
  await login(page, "admin");
  csrf = await page.locator("input[name=_csrf]").first().inputValue();
  const programmes = await (await page.request.get(`${BASE}/api/v1/programmes`)).json();
  assert.ok(programmes.length >= 4, "the demo runs the four programmes");
  const perProgramme = {};
  for (const p of programmes) {
    const before = tally.compared;
    const def = (await (await page.request.get(`${BASE}/api/v1/programmes/${p.id}`)).json()).definition;
    const list = await (await page.request.get(`${BASE}/api/v1/cases?programme=${p.id}&per_page=500`)).json();
    const seen = new Map();
    const sample = [];
    for (const item of list.items) {
      const c = item.case ?? item;
      const key = `${c.case_type}/${c.state}`;
      if ((seen.get(key) ?? 0) >= PER_STATE) continue;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      sample.push(c);
    }
    for (const c of sample) {
      const ct = def.case_types[c.case_type];
      // Actions on the case: its page reads the form as shown (the stored values).
      for (const t of ct.transitions ?? []) {
        if (!t.from.includes(c.state) || !(t.checks ?? []).length) continue;
        measured[p.id] ??= `${BASE}/cases/${c.id}/actions/${t.action}`;
        await page.goto(`${BASE}/cases/${c.id}/actions/${t.action}`);
        assert.equal(await page.locator("#page-checks").count(), 1, `${c.id} ${t.action} embeds its checks`);
        const { input, results } = await runInPage(page, null, null);
        for (const r of results) {
          const server = await serverCheck(page, p.id, r.id, { case_type: c.case_type, case: c.id, action: t.action, data: input, now: NOW });
          compare(`${p.id} ${c.case_type} ${c.id} ${t.action} ${r.id}`, r, server);
        }
      }
      // Opening a case of this type with this case's data as the new-case form would send it.
      const create = ct.create;
      if (create && (create.checks ?? []).length) {
        const raw = await (await page.request.get(`${BASE}/api/v1/cases/${c.id}`)).text();
        const view = JSON.parse(raw);
        const parent = view.parent ? `&parent=${view.parent}` : "";
        await page.goto(`${BASE}/cases/new?programme=${p.id}&case_type=${c.case_type}${parent}`);
        if (await page.locator("#page-checks").count() === 0) continue;
        const fields = await page.evaluate(() => {
          const spec = JSON.parse(document.getElementById("page-checks").textContent);
          return spec.form ? spec.form.fields.map((f) => f.id) : null;
        });
        // The stored data, as JSON text (so `3.0` stays a float), without the envelope.
        const data = raw.slice(raw.indexOf('"data":') + 7);
        const rawData = await page.evaluate(async (text) => {
          const { parse, stringify } = await import("/static/checks/json.js");
          return stringify(parse(`{"data":${text}`).data);
        }, data);
        const { input, results } = await runInPage(page, rawData, fields);
        for (const r of results) {
          const body = { case_type: c.case_type, action: "create", data: input, now: NOW };
          if (view.parent) body.parent = view.parent;
          const server = await serverCheck(page, p.id, r.id, body);
          compare(`${p.id} new ${c.case_type} from ${c.id} ${r.id}`, r, server);
        }
      }
    }
    perProgramme[p.id] = tally.compared - before;
  }
  console.log(`checks compared: ${tally.compared} (${tally.findings} findings), left to the server: ${JSON.stringify(tally.deferred)}, by programme: ${JSON.stringify(perProgramme)}`);
  assert.deepEqual(tally.mismatches, [], "page and server disagree");
  for (const [id, n] of Object.entries(perProgramme)) assert.ok(n > 0, `${id}: no check was compared`);
  assert.ok(tally.findings > 0, "some checks found something");

  // Only the loaded build is served, and only the transpiled files.
  const spec = Object.values(measured)[0];
  await page.goto(spec);
  const base = await page.evaluate(() => JSON.parse(document.getElementById("page-checks").textContent).base);
  assert.equal((await page.request.get(`${BASE}${base}plugin.js`)).status(), 200);
  const other = base.replace(/[0-9a-f]{64}/, "0".repeat(64));
  assert.equal((await page.request.get(`${BASE}${other}plugin.js`)).status(), 404);
  assert.equal((await page.request.get(`${BASE}${base}plugin.toml`)).status(), 404);
  await page.context().close();

  // The server's side answers only those who work in the programme.
  const village = await newPage(browser);
  await login(village, "village");
  csrf = await village.locator("input[name=_csrf]").first().inputValue();
  const r = await village.request.post(`${BASE}/api/v1/programmes/sampling-disposal/checks/samplers-at-least-two`, {
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    data: JSON.stringify({ case_type: "sampled-batch", data: { samplers: ["a"] } }),
  });
  assert.equal(r.status(), 403, await r.text());
  await village.context().close();
});

test("what the page downloads for a programme's checks, and the time to the first finding", async () => {
  const rows = [];
  for (const [programme, url] of Object.entries(measured)) {
    // A fresh context: nothing cached.
    const page = await newPage(browser);
    await login(page, "admin");
    const files = [];
    page.on("response", async (r) => {
      const u = new URL(r.url());
      if (!u.pathname.startsWith("/plugins/") && !u.pathname.startsWith("/static/checks/")) return;
      const body = await r.body().catch(() => null);
      if (body) files.push({ path: u.pathname, bytes: body.length, gzip: gzipSync(body, { level: 6 }).length });
    });
    const started = Date.now();
    await page.goto(url);
    // The user types at once: the first finding waits for the plugin to load.
    await page.evaluate(() => document.querySelector("form.case-form").dispatchEvent(new Event("input", { bubbles: true })));
    await page.locator(".page-checks:not([hidden])").waitFor();
    const firstFinding = Date.now() - started;
    const ready = await page.locator("form[data-checks-ready]").count();
    const checkedMs = Number(await page.locator("form.case-form").getAttribute("data-checked-ms"));
    // Typing again: the plugin is loaded, the checks run on a fresh instance each.
    await page.evaluate(() => document.querySelector("form.case-form").dispatchEvent(new Event("input", { bubbles: true })));
    await page.waitForTimeout(700);
    const again = Number(await page.locator("form.case-form").getAttribute("data-checked-ms"));
    const plugin = files.filter((f) => f.path.startsWith("/plugins/"));
    const sum = (fs, k) => fs.reduce((n, f) => n + f[k], 0);
    rows.push({
      programme,
      plugin_bytes: sum(plugin, "bytes"),
      plugin_gzip: sum(plugin, "gzip"),
      page_js_bytes: sum(files, "bytes") - sum(plugin, "bytes"),
      page_js_gzip: sum(files, "gzip") - sum(plugin, "gzip"),
      first_finding_ms: firstFinding,
      first_run_ms: checkedMs,
      later_run_ms: again,
    });
    assert.equal(ready, 1, `${programme}: the checks loaded`);
    await page.context().close();
  }
  console.log("in-page checks:");
  for (const r of rows) console.log("  " + JSON.stringify(r));
  assert.ok(rows.length >= 4);
});
