// The form language's own rules in the page: required fields, types, number and date
// bounds, text lengths and patterns, options, item counts, table rows and groups of
// fields, with fields hidden by `visible_when` skipped. A line-by-line reading of the
// server's `anjuan_plugin_sdk::form::validate` (plugins/sdk/src/form/validate.rs):
// the same findings, pointers, codes and messages, in the same order. The server still
// decides; tests/e2e/tests/checks.test.mjs compares the two on every programme's forms.
//
// Where the page cannot answer exactly as the server would, it says so instead of
// guessing: a value the user sees masked, and a pattern this browser's regular
// expressions cannot read as the server's do.
import { Num } from "./json.js";

const error = (field, code, zh, en) => ({ field, code, message: { zh, en }, severity: "error" });
const escape = (t) => t.replaceAll("~", "~0").replaceAll("/", "~1");
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Num);
const isNumber = (v) => typeof v === "number" || v instanceof Num;
const numberOf = (v) => (v instanceof Num ? Number(v.text) : v);
const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
// serde_json's equality: 3 and 3.0 differ, keys in any order.
function canon(v) {
  if (v === undefined) return null;
  if (v instanceof Num) return { f: Number(v.text) };
  if (typeof v === "number") return { i: v };
  if (Array.isArray(v)) return v.map(canon);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])]));
  return v;
}

function holds(cond, value) {
  const v = value === undefined ? null : value;
  if ("equals" in cond) return same(v, cond.equals);
  if ("not_equals" in cond) return !same(v, cond.not_equals);
  if ("in" in cond) return Array.isArray(v) ? v.some((i) => cond.in.some((x) => same(i, x))) : cond.in.some((x) => same(v, x));
  return true;
}

function isBlank(v) {
  if (v === null || v === undefined) return true;
  if (typeof v === "string") return v.trim() === "";
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

function unfilled(f, v) {
  const allBlank = (x) => (isObject(x) ? Object.values(x).every(allBlank) : isBlank(x));
  return f.type === "object" && isObject(v) ? allBlank(v) : isBlank(v);
}

// Rust's `Display` of a bound: `0` for 0.0, `1.5`, `200`.
const shown = (n) => String(n);

function bound(f, ptr, v, lo, hi, [suffix, wz, we], out) {
  const { zh, en } = f.label;
  if (lo !== undefined && lo !== null && v < lo.cmp) {
    out.push(error(ptr, `min${suffix}`, `「${zh}」${wz}不得小于 ${lo.text}`, `${en}${we} must be at least ${lo.text}`));
  }
  if (hi !== undefined && hi !== null && v > hi.cmp) {
    out.push(error(ptr, `max${suffix}`, `「${zh}」${wz}不得大于 ${hi.text}`, `${en}${we} must be at most ${hi.text}`));
  }
}
const VALUE = ["", "", ""];
const LENGTH = ["-length", "长度", " length"];
const ITEMS = ["-items", "条目数", " (number of items)"];
const numBound = (x) => (x === undefined || x === null ? null : { cmp: numberOf(x), text: shown(numberOf(x)) });

const typeError = (f, ptr, zh, en) => error(ptr, "type", `「${f.label.zh}」应为${zh}`, `${f.label.en} must be ${en}`);
const notAnOption = (f, ptr) => error(ptr, "option", `「${f.label.zh}」的取值不在可选项中`, `${f.label.en} has a value that is not one of its options`);
const isOption = (f, s) => f.options.some((o) => o.value === s);

/** `YYYY-MM-DD` (chrono's `%Y-%m-%d`: month and day may have one digit) → a comparable day. */
function parseDate(s) {
  const m = /^([+-]?\d{4,})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return { cmp: t.getTime(), text: `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}` };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;
function isRfc3339(s) {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return false;
  if (h > 23 || mi > 59 || sec > 60) return false;
  return !m[9] || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
}

const patterns = new Map();
/**
 * The server's pattern (Rust's `regex`, anchored) as a browser RegExp, or null when
 * this browser cannot read it the same way. Rust's \d, \s and \w are Unicode classes;
 * outside a bracket they become the same Unicode properties here.
 */
export function pattern(p) {
  if (patterns.has(p)) return patterns.get(p);
  let re = null;
  let src = "";
  let inClass = false;
  let ok = true;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") {
      const n = p[i + 1];
      i += 1;
      if (n === undefined) { ok = false; break; }
      const map = { d: "\\p{Nd}", D: "\\P{Nd}", s: "\\p{White_Space}", S: "\\P{White_Space}" };
      if (n in map) src += map[n];
      else if (n === "w" || n === "W") {
        if (inClass) { ok = false; break; }
        src += n === "w" ? "[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]" : "[^\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]";
      } else if (/[pPu]/.test(n) || /[A-Za-z]/.test(n) && !"tnrfvbB".includes(n)) {
        // Classes and escapes that differ between the two engines: leave to the server.
        ok = false;
        break;
      } else src += c + n;
      continue;
    }
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    else if (c === "(" && p[i + 1] === "?" && p[i + 2] !== ":") { ok = false; break; }
    src += c;
  }
  if (ok) {
    try { re = new RegExp(`^(?:${src})$`, "u"); } catch (e) { re = null; }
  }
  patterns.set(p, re);
  return re;
}

function checkLength(f, ptr, s, out) {
  bound(f, ptr, [...s].length, numBound(f.min_length), numBound(f.max_length), LENGTH, out);
}

function checkValue(f, v, ptr, top, ctx) {
  const out = ctx.out;
  switch (f.type) {
    case "text": {
      if (typeof v !== "string") return out.push(typeError(f, ptr, "文本", "text"));
      checkLength(f, ptr, v, out);
      if (f.pattern !== undefined && f.pattern !== null) {
        const re = pattern(f.pattern);
        if (!re) ctx.server.push(ptr);
        else if (!re.test(v)) out.push(error(ptr, "pattern", `「${f.label.zh}」格式不正确`, `${f.label.en} is not in the expected format`));
      }
      return;
    }
    case "long-text":
      if (typeof v !== "string") return out.push(typeError(f, ptr, "文本", "text"));
      return checkLength(f, ptr, v, out);
    case "number":
      if (!isNumber(v)) return out.push(typeError(f, ptr, "数字", "a number"));
      return bound(f, ptr, numberOf(v), numBound(f.min), numBound(f.max), VALUE, out);
    case "integer":
      if (typeof v !== "number" || !Number.isInteger(v)) return out.push(typeError(f, ptr, "整数", "a whole number"));
      return bound(f, ptr, v, numBound(f.min), numBound(f.max), VALUE, out);
    case "date": {
      const d = typeof v === "string" ? parseDate(v) : null;
      if (!d) return out.push(typeError(f, ptr, "日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"));
      const lim = (s) => (typeof s === "string" ? parseDate(s) : null);
      return bound(f, ptr, d.cmp, lim(f.min), lim(f.max), VALUE, out);
    }
    case "datetime":
      if (typeof v !== "string" || !isRfc3339(v)) out.push(typeError(f, ptr, "日期时间（RFC 3339）", "a date and time (RFC 3339)"));
      return;
    case "boolean":
      if (typeof v !== "boolean") out.push(typeError(f, ptr, "是或否", "true or false"));
      return;
    case "select":
      if (typeof v !== "string" || !isOption(f, v)) out.push(notAnOption(f, ptr));
      return;
    case "multi-select": {
      if (!Array.isArray(v)) return out.push(typeError(f, ptr, "选项列表", "a list of options"));
      bound(f, ptr, v.length, numBound(f.min_items), numBound(f.max_items), ITEMS, out);
      v.forEach((item, i) => {
        const dup = v.slice(0, i).some((x) => same(x, item));
        if (dup || typeof item !== "string" || !isOption(f, item)) out.push(notAnOption(f, `${ptr}/${i}`));
      });
      return;
    }
    case "org-unit":
    case "user":
    case "file":
      if (typeof v !== "string") out.push(typeError(f, ptr, "标识（文本）", "an id (text)"));
      return;
    case "group": {
      if (!Array.isArray(v)) return out.push(typeError(f, ptr, "表格（行的列表）", "a table (a list of rows)"));
      bound(f, ptr, v.length, numBound(f.min_items), numBound(f.max_items), ITEMS, out);
      v.forEach((row, i) => {
        const at = `${ptr}/${i}`;
        if (isObject(row)) checkFields(f.fields, row, top, at, ctx);
        else out.push(typeError(f, at, "表格中的一行（对象）", "a row (an object)"));
      });
      return;
    }
    case "object":
      if (isObject(v)) checkFields(f.fields, v, top, ptr, ctx);
      else out.push(typeError(f, ptr, "一组字段（对象）", "a group of fields (an object)"));
      return;
    default:
      return;
  }
}

function checkFields(fields, row, top, prefix, ctx) {
  for (const f of fields) {
    const c = f.visible_when;
    if (c) {
      const v = c.field in row ? row[c.field] : top[c.field];
      if (!holds(c, v)) continue;
    }
    const ptr = `${prefix}/${escape(f.id)}`;
    const v = row[f.id];
    if (ctx.mask !== undefined && v === ctx.mask) { ctx.server.push(ptr); continue; }
    if (f.id in row && !unfilled(f, v)) checkValue(f, v, ptr, top, ctx);
    else if (f.required) ctx.out.push(error(ptr, "required", `「${f.label.zh}」为必填项`, `${f.label.en} is required`));
  }
}

/**
 * The form's findings on `data` (the case data as the submit would leave it), in the
 * server's order; `server` lists the pointers only the server can judge (a masked
 * value, a pattern this browser cannot read alike).
 */
export function validate(form, data, mask) {
  const ctx = { out: [], server: [], mask };
  if (!isObject(data)) ctx.out.push(error("", "type", "表单数据必须是 JSON 对象", "Form data must be a JSON object"));
  else checkFields(form.fields, data, data, "", ctx);
  return { findings: ctx.out, server: ctx.server };
}
