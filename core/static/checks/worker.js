// Runs a programme plugin's checks off the page's thread, as the server's host does:
// a fresh instance per call from modules compiled once, only the fields a check
// declares it reads, the envelope the server would send, the calendar's working
// days. The page terminates this worker when a call runs past the server's
// wall-clock limit; the memory limit is checked when the call returns.
//
// Messages in:  {type: "load", base, calendar, memoryBytes}
//               {type: "run", seq, checks: [{id, reads}], envelope, data}  (data: JSON text)
// Messages out: {type: "ready", ms} | {type: "error", message}
//               {type: "result", seq, id, findings} | {type: "result", seq, id, server: reason}
//               {type: "done", seq}
import { wasi } from "./wasi.js";
import { parse, select, stringify } from "./json.js";

let plugin = null;

/** Thrown by a host function only the server can answer; ends the call. */
class ServerOnly extends Error {}

function calendarFunctions(days) {
  const arranged = new Map(days);
  const DAY = 86400000;
  const toDay = (s) => {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
    const t = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
    const d = new Date(t);
    if (!m || isNaN(t) || d.getUTCMonth() !== +m[2] - 1) throw `\`${s}\` is not a YYYY-MM-DD date`;
    return t;
  };
  const iso = (t) => new Date(t).toISOString().slice(0, 10);
  const working = (t) => {
    const k = iso(t);
    if (arranged.has(k)) return arranged.get(k);
    const w = new Date(t).getUTCDay();
    return w !== 0 && w !== 6;
  };
  return {
    addWorkingDays(date, days) {
      let t = toDay(date);
      for (let left = days; left > 0; ) {
        t += DAY;
        if (working(t)) left -= 1;
      }
      return iso(t);
    },
    workingDaysBetween(start, end) {
      let a = toDay(start);
      let b = toDay(end);
      const sign = b < a ? -1n : 1n;
      if (b < a) [a, b] = [b, a];
      let n = 0n;
      for (let t = a + DAY; t <= b; t += DAY) if (working(t)) n += 1n;
      return sign * n;
    },
  };
}

async function load(msg) {
  const started = performance.now();
  const mod = await import(msg.base + "plugin.js");
  const cores = new Map();
  const getCoreModule = (name) => {
    if (!cores.has(name)) cores.set(name, WebAssembly.compileStreaming(fetch(msg.base + name)));
    return cores.get(name);
  };
  // Compile every core module now, not at the first keystroke.
  await Promise.all(["plugin.core.wasm", "plugin.core2.wasm", "plugin.core3.wasm"].map(getCoreModule));
  plugin = {
    instantiate: mod.instantiate,
    getCoreModule,
    calendar: calendarFunctions(msg.calendar),
    memoryBytes: msg.memoryBytes,
  };
  postMessage({ type: "ready", ms: performance.now() - started });
}

/** One check on a fresh instance: its findings, or why only the server can say. */
async function check(id, envelope, input) {
  const { imports, stderr } = wasi();
  const memories = [];
  imports["anjuan:plugin/host"] = {
    log: () => {},
    addWorkingDays: plugin.calendar.addWorkingDays,
    workingDaysBetween: plugin.calendar.workingDaysBetween,
    count: () => { throw new ServerOnly("count"); },
  };
  const instantiateCore = async (module, imp) => {
    const instance = await WebAssembly.instantiate(module, imp);
    for (const e of Object.values(instance.exports)) if (e instanceof WebAssembly.Memory) memories.push(e);
    return instance;
  };
  try {
    const component = await plugin.instantiate(plugin.getCoreModule, imports, instantiateCore);
    const found = component.guest.check(id, envelope, input);
    const used = memories.reduce((n, m) => n + m.buffer.byteLength, 0);
    if (used > plugin.memoryBytes) return { server: "memory" };
    return {
      findings: found.map((f) => ({
        field: f.field,
        code: f.code,
        message: { zh: f.messageZh, en: f.messageEn },
        severity: f.severity,
      })),
    };
  } catch (e) {
    if (e instanceof ServerOnly) return { server: "count" };
    const payload = e && e.payload;
    const why = payload ? `${payload.tag}: ${payload.val}` : String((e && e.message) || e);
    return { server: "failed", reason: stderr() || why };
  }
}

async function run(msg) {
  const data = parse(msg.data);
  for (const c of msg.checks) {
    const input = stringify(select(data, c.reads));
    const out = await check(c.id, msg.envelope, input);
    postMessage({ type: "result", seq: msg.seq, id: c.id, ...out });
  }
  postMessage({ type: "done", seq: msg.seq });
}

onmessage = (e) => {
  const msg = e.data;
  const task = msg.type === "load" ? load(msg) : run(msg);
  task.catch((err) => postMessage({ type: "error", seq: msg.seq, message: String((err && err.message) || err) }));
};
