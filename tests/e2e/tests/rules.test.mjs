// The form language's rules in the page (static/checks/rules.js) answer as the
// server's (anjuan_plugin_sdk::form::validate) do. For every programme, on an action
// form of each case type and state of the demo: the form's definition as the page has
// it, the case's stored data, and three entries built to break the rules (every field
// of the wrong type; every field out of its bounds, its pattern or its options, with
// table rows and groups broken inside; every field emptied). The server answers each
// entry as taking the action would: a 422 whose "form" violations must equal the
// page's findings (pointer, code, both messages), in order. The entries are sent by
// the administrator, who holds no programme role, so nothing is ever applied.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** JSON text of a value where `{float: "1.5"}` is written as the number 1.5. */
function text(v) {
  if (v && typeof v === "object" && "float" in v) return v.float;
  if (Array.isArray(v)) return `[${v.map(text).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${text(x)}`).join(",")}}`;
  return JSON.stringify(v ?? null);
}

function wrongType(f) {
  switch (f.type) {
    case "text": case "long-text": case "org-unit": case "user": case "file": return 5;
    case "number": return "五";
    case "integer": return { float: "1.5" };
    case "date": return "2026-02-30";
    case "datetime": return "昨天下午";
    case "boolean": return "是";
    case "select": return "no-such-option";
    case "multi-select": return "no-such-option";
    case "group": return { row: 1 };
    case "object": return "x";
    default: return 5;
  }
}

function outOfBounds(f) {
  const num = (x) => (typeof x === "object" && x !== null ? Number(x.float ?? x) : Number(x));
  switch (f.type) {
    case "text":
      if (f.pattern) return "!! 不合格式 !!";
      if (f.max_length) return "长".repeat(f.max_length + 1);
      if (f.min_length) return "短".repeat(Math.max(0, f.min_length - 1)) || " ";
      return "文本";
    case "long-text":
      return f.max_length ? "长".repeat(f.max_length + 1) : "文本";
    case "number":
      return f.min !== undefined ? { float: String(num(f.min) - 0.5) } : f.max !== undefined ? { float: String(num(f.max) + 0.5) } : { float: "1.0" };
    case "integer":
      return f.max !== undefined ? f.max + 1 : f.min !== undefined ? f.min - 1 : 3;
    case "date":
      return f.min ? "1990-01-01" : f.max ? "2999-12-31" : "2026-2-3";
    case "datetime": return "2026-10-01T08:00:00+08:00";
    case "boolean": return true;
    case "select": return f.options[0]?.value === "x" ? "y" : "x";
    case "multi-select": {
      const all = f.options.map((o) => o.value);
      return [...all, all[0], "x"];
    }
    case "group": {
      const row = Object.fromEntries(f.fields.map((s) => [s.id, wrongType(s)]));
      const rows = [row, "not a row", {}];
      if (f.max_items) while (rows.length <= f.max_items) rows.push({});
      return rows;
    }
    case "object":
      return Object.fromEntries(f.fields.map((s) => [s.id, outOfBounds(s)]));
    default: return 5;
  }
}

const entries = (form) => [
  ["wrong types", Object.fromEntries(form.fields.map((f) => [f.id, wrongType(f)]))],
  ["out of bounds", Object.fromEntries(form.fields.map((f) => [f.id, outOfBounds(f)]))],
  ["emptied", Object.fromEntries(form.fields.map((f) => [f.id, null]))],
];

test("the form rules in the page give the server's findings on every programme's forms", async () => {
  const page = await newPage(browser);
  await login(page, "admin");
  const csrf = await page.locator("input[name=_csrf]").first().inputValue();
  const programmes = await (await page.request.get(`${BASE}/api/v1/programmes`)).json();
  const tally = { compared: 0, findings: 0, skipped: 0, mismatches: [], codes: new Set() };
  const perProgramme = {};
  for (const p of programmes) {
    const before = tally.compared;
    const def = (await (await page.request.get(`${BASE}/api/v1/programmes/${p.id}`)).json()).definition;
    const list = await (await page.request.get(`${BASE}/api/v1/cases?programme=${p.id}&per_page=500`)).json();
    const seen = new Set();
    for (const item of list.items) {
      const c = item.case ?? item;
      const key = `${c.case_type}/${c.state}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ct = def.case_types[c.case_type];
      for (const t of ct.transitions ?? []) {
        if (!t.from.includes(c.state) || !t.form) continue;
        await page.goto(`${BASE}/cases/${c.id}/actions/${t.action}`);
        if ((await page.locator("#page-checks").count()) === 0) continue;
        const stored = await (await page.request.get(`${BASE}/api/v1/cases/${c.id}`)).text();
        for (const [what, entry] of entries(await page.evaluate(() => JSON.parse(document.getElementById("page-checks").textContent).form))) {
          const body = text(entry);
          const r = await page.request.post(`${BASE}/api/v1/cases/${c.id}/actions/${t.action}`, {
            headers: { "content-type": "application/json", "x-csrf-token": csrf },
            data: `{"data":${body}}`,
          });
          assert.notEqual(r.status(), 200, `${c.id} ${t.action}: the administrator applied an action`);
          if (r.status() !== 422) { tally.skipped += 1; continue; }
          const server = (await r.json()).violations.filter((v) => v.layer === "form").map((v) => ({ field: v.field, code: v.code, zh: v.message.zh, en: v.message.en }));
          const mine = await page.evaluate(async ({ stored, body }) => {
            const { parse } = await import("/static/checks/json.js");
            const { formRules } = await import("/static/checks/page.js");
            const spec = parse(document.getElementById("page-checks").textContent);
            const data = { ...parse(stored).data, ...parse(body) };
            return formRules(spec, data);
          }, { stored, body });
          if (mine.some((r) => r.server)) { tally.skipped += 1; continue; }
          const found = mine[0].findings.map((f) => ({ field: f.field, code: f.code, zh: f.message.zh, en: f.message.en }));
          tally.compared += 1;
          tally.findings += found.length;
          for (const f of found) tally.codes.add(f.code);
          if (JSON.stringify(found) !== JSON.stringify(server)) tally.mismatches.push({ where: `${p.id} ${c.id} ${t.action} ${what}`, page: found, server });
        }
      }
    }
    perProgramme[p.id] = tally.compared - before;
  }
  console.log(`form rules compared: ${tally.compared} entries (${tally.findings} findings; codes ${[...tally.codes].sort().join(" ")}), not compared: ${tally.skipped}, by programme: ${JSON.stringify(perProgramme)}`);
  assert.deepEqual(tally.mismatches.slice(0, 3), [], `page and server disagree (${tally.mismatches.length})`);
  for (const [id, n] of Object.entries(perProgramme)) assert.ok(n > 0, `${id}: no form compared`);
  for (const code of ["required", "type", "option", "pattern", "max", "min", "max-items", "max-length"]) {
    assert.ok(tally.codes.has(code), `some entry broke a rule with code ${code}`);
  }
});
