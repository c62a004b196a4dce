// The programme's own checks in the page: on a new-case or action form, runs the
// form language's rules (required, types, bounds, patterns, options: rules.js) and the
// checks the server will run on submit, as the user types (debounced), the checks in
// a worker on the plugin component the server runs, and shows each finding next to
// the field its JSON Pointer names, in the page's language. The server still decides.
//
// A check that needs the server (a count query), fails in the page, reads a value the
// user may not see, or runs past the server's time or memory limit is marked
// "checked when you submit" instead of guessed.
import { float, parse, stringify } from "./json.js";
import { validate } from "./rules.js";

const WORKER = "/static/checks/worker.js";

/** Runs a page's checks in a worker under the server's per-call time limit. */
export class Runner {
  constructor(spec) {
    this.spec = spec;
    this.worker = null;
    this.ready = null;
    this.seq = 0;
    this.loadMs = null;
  }

  start() {
    if (this.worker) return this.ready;
    const w = new Worker(WORKER, { type: "module" });
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      w.onmessage = (e) => {
        if (e.data.type === "ready") { this.loadMs = e.data.ms; resolve(); }
        else if (e.data.type === "error") reject(new Error(e.data.message));
      };
      w.onerror = (e) => reject(new Error(e.message || "the checks could not load"));
    });
    w.postMessage({ type: "load", base: this.spec.base, calendar: this.spec.calendar, memoryBytes: this.spec.memory_bytes });
    return this.ready;
  }

  stop() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.ready = null;
  }

  /**
   * Runs every check on `data` (the case data as the action would leave it) at `now`
   * (RFC 3339). Resolves to [{id, findings}] or [{id, server: why}], in check order.
   */
  async run(data, now) {
    await this.start();
    const seq = ++this.seq;
    const spec = this.spec;
    const env = spec.envelope;
    const envelope = {
      caseId: env.case_id, programme: env.programme, caseType: env.case_type,
      caseNumber: env.case_number, parentId: env.parent_id ?? undefined, state: env.state,
      action: env.action ?? undefined, actorId: env.actor_id, actorRoles: env.actor_roles,
      orgUnit: env.org_unit, now, locale: env.locale,
      // Interface 0.2: the deployment's zone and `now` in it (older plugins ignore them).
      timeZone: spec.timezone, localNow: localNow(now, spec.timezone),
    };
    const masked = (c) => c.reads.some((p) => readsMask(data, p, spec.mask));
    const results = spec.checks.map((c) => ({ id: c.id, blocking: c.blocking, server: masked(c) ? "masked" : null }));
    const todo = spec.checks.filter((c, i) => !results[i].server).map((c) => ({ id: c.id, reads: c.reads }));
    if (todo.length === 0) return results;
    const w = this.worker;
    return new Promise((resolve) => {
      let timer = null;
      const finish = () => { clearTimeout(timer); w.onmessage = null; resolve(results); };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          // Past the server's limit: the server would stop this call too.
          this.stop();
          for (const r of results) if (!r.server && !r.findings) r.server = "time";
          finish();
        }, spec.wall_clock_ms);
      };
      w.onmessage = (e) => {
        const m = e.data;
        if (m.seq !== seq) return;
        if (m.type === "result") {
          const r = results.find((x) => x.id === m.id);
          if (m.findings) r.findings = m.findings;
          else { r.server = m.server; r.reason = m.reason; }
          arm();
        } else if (m.type === "done" || m.type === "error") {
          for (const r of results) if (!r.server && !r.findings) r.server = "failed";
          finish();
        }
      };
      arm();
      w.postMessage({ type: "run", seq, checks: todo, envelope, data: stringify(data) });
    });
  }
}

function readsMask(data, pointer, mask) {
  let v = data;
  for (const t of pointer.slice(1).split("/")) {
    if (v === null || typeof v !== "object") return false;
    v = v[t.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return v === mask;
}

// --- reading the form as the server does (http/ui/forms/parse.rs) -------------------

function values(form) {
  const out = new Map();
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
    let v = el.value;
    if (el.type === "file") {
      if (!el.files || el.files.length === 0) continue;
      v = `files/${el.files[0].name}`;
    }
    if (!out.has(el.name)) out.set(el.name, []);
    out.get(el.name).push(v);
  }
  return out;
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseField(f, prefix, body, tz) {
  const name = `${prefix}.${f.id}`;
  const first = (body.get(name) || [])[0];
  const text = first === undefined ? undefined : first.trim() || undefined;
  switch (f.type) {
    case "number":
      if (text === undefined) return undefined;
      return FLOAT.test(text) ? float(Number(text)) : text;
    case "integer":
      if (text === undefined) return undefined;
      return /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
    case "boolean":
      if (text === undefined) return undefined;
      return text === "true" ? true : text === "false" ? false : text;
    case "datetime":
      return text === undefined ? undefined : toRfc3339(text, tz);
    case "multi-select": {
      const chosen = (body.get(name) || []).filter((s) => s !== "");
      return chosen.length ? chosen : undefined;
    }
    case "object": {
      const members = {};
      for (const sf of f.fields) {
        const v = parseField(sf, name, body, tz);
        if (v !== undefined) members[sf.id] = v;
      }
      return Object.keys(members).length ? members : undefined;
    }
    case "group": {
      const start = `${name}.`;
      const indices = new Set();
      for (const k of body.keys()) {
        if (!k.startsWith(start)) continue;
        const i = k.slice(start.length).split(".")[0];
        if (/^\d+$/.test(i)) indices.add(Number(i));
      }
      const rows = [...indices].sort((a, b) => a - b).map((i) => {
        const row = {};
        for (const sf of f.fields) {
          const v = parseField(sf, `${name}.${i}`, body, tz);
          if (v !== undefined) row[sf.id] = v;
        }
        return row;
      }).filter((row) => Object.keys(row).length);
      return rows.length ? rows : undefined;
    }
    default:
      return text;
  }
}

const same = (a, b) => stringify(a) === stringify(b);

function holds(cond, value) {
  const v = value === undefined ? null : value;
  if ("equals" in cond) return same(v, cond.equals);
  if ("not_equals" in cond) return !same(v, cond.not_equals);
  if ("in" in cond) return Array.isArray(v) ? v.some((x) => cond.in.some((y) => same(x, y))) : cond.in.some((y) => same(v, y));
  return true;
}

function dropHidden(fields, row, top) {
  for (const f of fields) {
    const c = f.visible_when;
    if (c && !holds(c, c.field in row ? row[c.field] : top[c.field])) {
      delete row[f.id];
      continue;
    }
    const v = row[f.id];
    if (f.type === "group" && Array.isArray(v)) v.forEach((r) => r && typeof r === "object" && dropHidden(f.fields, r, top));
    if (f.type === "object" && v && typeof v === "object") dropHidden(f.fields, v, top);
  }
}

/** A `datetime-local` value read in the deployment's zone, as RFC 3339 with its offset. */
function toRfc3339(s, tz) {
  if (/[zZ]|[+-]\d\d:\d\d$/.test(s) && !isNaN(Date.parse(s))) return s;
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(s);
  if (!m) return s;
  const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  const offset = (t) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - t;
  };
  const off = offset(local - offset(local));
  const sign = off < 0 ? "-" : "+";
  const mins = Math.abs(off) / 60000;
  const pad = (n) => String(n).padStart(2, "0");
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || "00"}${sign}${pad(Math.floor(mins / 60))}:${pad(mins % 60)}`;
}

/** The case data the submit would check: the stored data with the form laid over it. */
export function formData(spec, form) {
  const data = { ...spec.case_data };
  if (!spec.form) return data;
  const body = values(form);
  const out = {};
  for (const f of spec.form.fields) {
    const v = parseField(f, "f", body, spec.timezone);
    const prior = spec.case_data[f.id];
    if (v !== undefined) out[f.id] = v;
    else if (prior !== undefined && prior !== null && prior !== spec.mask) out[f.id] = null;
  }
  dropHidden(spec.form.fields, out, { ...out });
  return Object.assign(data, out);
}

/**
 * `now` (RFC 3339) in the IANA zone `tz`, with that zone's offset, as the server puts
 * it in the envelope: `2026-10-01T07:30:00+08:00` (milliseconds when there are any).
 */
export function localNow(now, tz) {
  const d = new Date(now);
  const parts = {};
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  for (const p of fmt.formatToParts(d)) parts[p.type] = p.value;
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offset = Math.round((wall - (d.getTime() - d.getUTCMilliseconds())) / 60000);
  const abs = Math.abs(offset);
  const two = (n) => String(n).padStart(2, "0");
  const ms = d.getUTCMilliseconds();
  const frac = ms ? "." + String(ms).padStart(3, "0") : "";
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${frac}` +
    `${offset < 0 ? "-" : "+"}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * The form rules' findings on `data`, as a result like a check's: the server runs
 * them before the checks and answers both in one 422. Pointers the page leaves to the
 * server (a masked value, a pattern read differently) come as a second result.
 */
export function formRules(spec, data) {
  if (!spec.form) return [];
  const { findings, server } = validate(spec.form, data, spec.mask);
  const out = [{ id: "form", blocking: true, findings }];
  if (server.length) out.push({ id: server.join(" "), blocking: true, server: "form" });
  return out;
}

/** Now as the server writes it (RFC 3339, UTC). */
export function now() {
  return new Date().toISOString().replace("Z", "+00:00");
}

// --- showing findings -----------------------------------------------------------

const english = () => (document.documentElement.lang || "").startsWith("en");
const WORDS = {
  zh: { title: "填写时检查（提交时以服务器为准）", later: "提交时由服务器检查", warn: "提示", ok: "本页检查未发现问题" },
  en: { title: "Checked as you type (the server decides on submit)", later: "checked by the server when you submit", warn: "Note", ok: "No problems found by the checks in this page" },
};

function render(form, status, results) {
  const w = english() ? WORDS.en : WORDS.zh;
  form.querySelectorAll(".page-check").forEach((el) => el.remove());
  const general = [];
  for (const r of results) {
    for (const f of r.findings || []) {
      const text = english() ? f.message.en : f.message.zh;
      const name = "f" + f.field.split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~")).join(".");
      const input = f.field ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
      const p = document.createElement("p");
      p.className = `page-check ${f.severity === "error" ? "error" : "warning"}`;
      p.dataset.pointer = f.field;
      p.dataset.code = f.code;
      p.textContent = f.severity === "error" ? text : `${w.warn}: ${text}`;
      const field = input && input.closest(".field");
      if (field) field.appendChild(p);
      else {
        // Not a field of this form (or the whole case): say which, by its pointer.
        if (f.field) {
          const code = document.createElement("code");
          code.textContent = f.field;
          p.prepend(code, " ");
        }
        general.push(p);
      }
    }
    if (r.server) {
      const p = document.createElement("p");
      p.className = "page-check muted";
      p.dataset.check = r.id;
      p.textContent = `${r.id}: ${w.later}`;
      general.push(p);
    }
  }
  status.replaceChildren();
  const h = document.createElement("p");
  h.className = "small muted";
  h.textContent = w.title;
  status.append(h, ...general);
  const found = results.some((r) => (r.findings || []).length);
  if (!found && general.length === 0) {
    const ok = document.createElement("p");
    ok.className = "page-check small";
    ok.textContent = w.ok;
    status.append(ok);
  }
  status.hidden = false;
}

function attach() {
  const el = document.getElementById("page-checks");
  const form = document.querySelector("form.case-form");
  if (!el || !form) return;
  const spec = parse(el.textContent);
  const runner = new Runner(spec);
  const status = document.createElement("div");
  status.className = "notice page-checks";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.hidden = true;
  form.prepend(status);
  let timer = null;
  let running = false;
  let again = false;
  const check = async () => {
    if (running) { again = true; return; }
    running = true;
    try {
      const started = performance.now();
      const data = formData(spec, form);
      const rules = formRules(spec, data);
      let results = [];
      try {
        if (spec.checks.length) results = await runner.run(data, now());
      } catch (e) {
        // The plugin could not load (no network, and never kept): the form's rules
        // still show; the checks are the server's on submit.
        results = spec.checks.map((c) => ({ id: c.id, blocking: c.blocking, server: "failed" }));
      }
      render(form, status, [...rules, ...results]);
      form.dataset.checkedMs = String(Math.round(performance.now() - started));
    } catch (e) {
      status.hidden = true;
    } finally {
      running = false;
      if (again) { again = false; check(); }
    }
  };
  const soon = () => { clearTimeout(timer); timer = setTimeout(check, 300); };
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  if (spec.checks.length === 0) form.dataset.checksReady = "true";
  else runner.start().then(() => { form.dataset.checksReady = "true"; }, () => {});
}

attach();
