// Sends the queued forms (store.js) when the network is back: in the order they were
// filled in, one at a time, one tab at a time (a Web Lock), through the same routes and
// checks as a submit in the page (session cookie, the session's CSRF token, the form's
// rules and the programme's checks on the server). Each form goes with its idempotency
// key (`_key`), the case version the user saw (`_version`) and the field time
// (`_taken_at`), so a form sent twice applies once and a case that moved is refused
// (409), never overwritten.
//
// Files go first, to /api/v1/files; the record then keeps the file's id in place of
// the file, so a retry does not upload it again.
import { list, update } from "./store.js";

/** The signed-in user and the session's CSRF token, null when nobody is signed in. */
export async function session() {
  const res = await fetch("/api/v1/session", { credentials: "same-origin", headers: { accept: "application/json" } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`session: ${res.status}`);
  const s = await res.json();
  return { user: s.user.id, csrf: s.csrf_token };
}

/**
 * Sends `user`'s waiting records in order. Resolves to { sent, conflicts, refused,
 * stopped } where `stopped` says why sending stopped early ("offline", "signed-out",
 * "other-user", "server"), or null when everything waiting was tried.
 */
export async function syncAll(user, onChange = () => {}) {
  const run = () => syncLocked(user, onChange);
  if (navigator.locks) return navigator.locks.request("anjuan-sync", run);
  return run();
}

async function syncLocked(user, onChange) {
  const out = { sent: 0, conflicts: 0, refused: 0, stopped: null };
  let s;
  try {
    s = await session();
  } catch (e) {
    out.stopped = "offline";
    return out;
  }
  if (!s) { out.stopped = "signed-out"; return out; }
  if (s.user !== user) { out.stopped = "other-user"; return out; }
  for (const item of await list(user)) {
    if (item.status !== "queued" && item.status !== "sending") continue;
    const r = await send(item, s.csrf);
    onChange();
    if (r === "done") out.sent += 1;
    else if (r === "conflict") out.conflicts += 1;
    else if (r === "refused") out.refused += 1;
    else { out.stopped = r; break; }
  }
  return out;
}

const isFile = (v) => v && typeof v === "object" && v.file instanceof Blob;

/** Sends one record; resolves to its outcome, or why sending must stop. */
async function send(item, csrf) {
  await update(item.key, { status: "sending" });
  const back = (why) => update(item.key, { status: "queued" }).then(() => why);
  let entries = item.entries;
  for (let i = 0; i < entries.length; i++) {
    const [name, v] = entries[i];
    if (!isFile(v)) continue;
    const fd = new FormData();
    fd.append("file", v.file, v.name);
    let res;
    try {
      res = await fetch("/api/v1/files", { method: "POST", body: fd, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } });
    } catch (e) {
      return back("offline");
    }
    if (res.status === 401) return back("signed-out");
    if (res.status >= 500 || res.status === 429) return back("server");
    if (!res.ok) {
      const p = await res.json().catch(() => ({}));
      await update(item.key, { status: "refused", message: `${v.name}: ${p.detail || p.title || res.status}` });
      return "refused";
    }
    const f = await res.json();
    // The uploaded file replaces the one the form held before (a hidden field).
    entries = entries.filter(([n, x], j) => j === i || n !== name || isFile(x));
    i = entries.findIndex(([n, x]) => n === name && x === v);
    entries[i] = [name, f.id];
    await update(item.key, { entries });
  }
  const body = new URLSearchParams();
  for (const [n, v] of entries) body.append(n, n === "_csrf" ? csrf : v);
  let res;
  try {
    res = await fetch(item.url, { method: "POST", body, credentials: "same-origin", redirect: "follow" });
  } catch (e) {
    return back("offline");
  }
  const at = new URL(res.url);
  if (at.pathname === "/login") return back("signed-out");
  if (res.ok && res.redirected && at.searchParams.has("done")) {
    await update(item.key, { status: "done", doneUrl: at.pathname, sentAt: new Date().toISOString(), message: null });
    return "done";
  }
  if (res.status === 409) {
    await update(item.key, { status: "conflict", message: null });
    return "conflict";
  }
  if (res.status >= 500 || res.status === 429) return back("server");
  const html = await res.text();
  await update(item.key, { status: "refused", message: reasons(html) || String(res.status) });
  return "refused";
}

/** The reasons a refused form's page gives (its error summary and field errors). */
function reasons(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const texts = [...doc.querySelectorAll("#form-errors li, .notice.error li, main .error-detail, main h1 + p")]
    .map((e) => e.textContent.trim())
    .filter(Boolean);
  return [...new Set(texts)].join("；");
}
