// JSON as the server writes it, for the plugin to read the same text in the page:
// object keys sorted (the server's maps are ordered by key) and a number keeps the
// form it came in (`3.0` stays a float, as the server's f64 is; `3` an integer).

/** A JSON number written as `text` (a float from the server or a number field). */
export class Num {
  constructor(text) { this.text = text; }
  toJSON() { return Number(this.text); }
}

/** JSON text → values, keeping the text of every number that is not an integer. */
export function parse(text) {
  return JSON.parse(text, (key, value, context) => {
    if (typeof value === "number" && context && /[.eE]/.test(context.source)) return new Num(context.source);
    return value;
  });
}

/** A float as serde_json writes an f64: `3.0`, `0.5`, `1e21`. */
export function float(n) {
  let s = String(n).replace("e+", "e");
  if (!/[.e]/.test(s)) s += ".0";
  return new Num(s);
}

/** Values → JSON text: keys sorted, numbers as they came. */
export function stringify(v) {
  if (v instanceof Num) return v.text;
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "[" + v.map(stringify).join(",") + "]";
  if (typeof v === "object") {
    const keys = Object.keys(v).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + stringify(v[k])).join(",") + "}";
  }
  return JSON.stringify(v);
}

/** The parts of `data` at `pointers`, at the same paths (the server's declared-reads filter). */
export function select(data, pointers) {
  const out = {};
  for (const p of pointers) {
    if (p === "") return data;
    const tokens = p.slice(1).split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
    copyPath(data, tokens, out);
  }
  return out;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Num);

function copyPath(src, tokens, dst) {
  if (tokens.length === 0 || !isObject(src) || !isObject(dst)) return;
  const [first, ...rest] = tokens;
  if (!Object.prototype.hasOwnProperty.call(src, first)) return;
  const child = src[first];
  if (rest.length === 0 || !isObject(child)) {
    dst[first] = child;
    return;
  }
  if (!Object.prototype.hasOwnProperty.call(dst, first)) dst[first] = {};
  copyPath(child, rest, dst[first]);
}
