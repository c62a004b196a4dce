// Working without a network, in every page of a signed-in user:
// - a new-case or action form submitted without a network is kept in this browser's
//   queue (store.js) with its idempotency key, the case version shown and the time it
//   was submitted, instead of being lost; the page then shows the queue (/sync);
// - a form submitted while the browser believes it is online goes to the server as
//   usual, but the page first hands the same record, with the key the form is sent
//   with, to the service worker (sw.js): if the request then fails on the network, the
//   worker keeps it in the queue and shows the queue instead of the browser's error
//   page; any answer of the server is shown as it is;
// - the navigation shows how many records wait; the queue is sent (sync.js) when the
//   network returns, when a page opens with the network, or on "Send now";
// - /sync lists the records: sent, waiting, refused, or on a case that moved meanwhile,
//   which the user opens in the action form (the server's conflict view, with what
//   changed and their entry kept) to submit again, or drops;
// - a page shown from this device's copy says so;
// - an opened case's action forms and the new-case forms are fetched ahead, so the
//   service worker keeps them for use without a network.
import * as store from "./store.js";
import { syncAll } from "./sync.js";

const meta = document.querySelector('meta[name="anjuan-user"]');
const USER = meta && meta.content;
const en = () => (document.documentElement.lang || "").startsWith("en");
const W = {
  zh: {
    offline: "没有网络：这是本设备保存的副本，可能不是最新。此时提交的表单会保存在本设备，联网后自动发送。",
    queued: "已保存到待发送队列，联网后自动发送。",
    fixFirst: "请先更正本页检查发现的问题，再保存到待发送队列。",
    addRow: "没有网络时不能增加表格行：请联网后再增加。",
    action: "办理", new: "新建案件", taken: "现场填写于",
    status: { queued: "等待发送", sending: "正在发送", done: "已发送", conflict: "案件已被他人更改", refused: "服务器未接受", opened: "已在表单中打开" },
    conflictHelp: "您离线期间案件已有变动，您的填写未被应用。请打开表单查看变动，再决定重新提交或放弃。",
    openedHelp: "已在表单中打开；提交成功后此条自动标为已发送。",
    open: "在表单中打开", drop: "放弃", view: "查看案件", confirmDrop: "放弃这条填写？放弃后无法恢复。",
    sent: (n) => `已发送 ${n} 条。`, stopped: { offline: "没有网络，稍后自动重试。", "signed-out": "登录已过期：请重新登录，之后自动发送。", "other-user": "当前登录的是其他用户：这些条目只由填写人发送。", server: "服务器暂时无法处理，稍后自动重试。" },
  },
  en: {
    offline: "No network: this is a copy saved on this device and may be out of date. Forms submitted now are kept on this device and sent when the network returns.",
    queued: "Kept in the queue; it is sent when the network returns.",
    fixFirst: "Correct the problems the page's checks found before keeping this form for sending.",
    addRow: "Rows cannot be added without a network: add them when the network is back.",
    action: "Action", new: "New case", taken: "Filled in at",
    status: { queued: "Waiting", sending: "Sending", done: "Sent", conflict: "The case changed meanwhile", refused: "Not accepted by the server", opened: "Opened in the form" },
    conflictHelp: "The case changed while you were offline and your entry was not applied. Open the form to see what changed, then submit again or drop your entry.",
    openedHelp: "Opened in the form; marked as sent once it is submitted there.",
    open: "Open in the form", drop: "Drop", view: "Open the case", confirmDrop: "Drop this entry? It cannot be recovered.",
    sent: (n) => `${n} sent.`, stopped: { offline: "No network; trying again later.", "signed-out": "Your session ended: sign in again and they are sent.", "other-user": "Another user is signed in: only the person who filled these in sends them.", server: "The server cannot take them now; trying again later." },
  },
};
const w = () => (en() ? W.en : W.zh);

async function badge() {
  if (!USER) return;
  const n = await store.waiting(USER).catch(() => 0);
  const li = document.querySelector(".nav-sync");
  if (!li) return;
  li.querySelector("[data-sync-count]").textContent = String(n);
  li.hidden = n === 0 && location.pathname !== "/sync";
}

function offlineNotice() {
  let el = document.getElementById("offline-notice");
  if (navigator.onLine) { el?.remove(); return; }
  if (el) return;
  el = document.createElement("p");
  el.id = "offline-notice";
  el.className = "notice warn";
  el.setAttribute("role", "status");
  el.textContent = w().offline;
  document.getElementById("main")?.prepend(el);
}

// --- keeping a form ------------------------------------------------------------------

function isFormPage(form) {
  const p = new URL(form.action, location.href).pathname;
  return form.classList.contains("case-form") && (p === "/cases/new" || /^\/cases\/[^/]+\/actions\/[^/]+$/.test(p));
}

function say(form, text, kind = "error") {
  form.querySelector(".offline-say")?.remove();
  const p = document.createElement("p");
  p.className = `notice ${kind} offline-say`;
  p.setAttribute("role", "alert");
  p.textContent = text;
  form.prepend(p);
}

/**
 * The queue's record of a submit of `form` (store.js): every field, files as files, the
 * field time (now), and `_key` set to `key`, or left as the form sends it when `key`
 * is null.
 */
function recordOf(form, submitter, key) {
  const fd = new FormData(form, submitter || undefined);
  const takenAt = new Date().toISOString();
  const entries = [];
  for (const [name, v] of fd) {
    if (name === "_taken_at") continue;
    if (v instanceof File) {
      if (!v.name && v.size === 0) continue;
      entries.push([name, { file: v, name: v.name, type: v.type }]);
    } else entries.push([name, v]);
  }
  entries.push(["_taken_at", takenAt]);
  const url = new URL(form.action, location.href).pathname;
  const isNew = url === "/cases/new";
  if (key === null) key = String(fd.get("_key") || "");
  const at = entries.findIndex(([n]) => n === "_key");
  if (at >= 0) entries[at] = ["_key", key];
  else entries.push(["_key", key]);
  const h1 = document.querySelector("main h1");
  const title = h1 ? (h1.firstChild?.textContent || h1.textContent).trim() : "";
  return {
    key, user: USER, kind: isNew ? "new" : "action", url,
    caseId: isNew ? null : url.split("/")[2],
    number: isNew ? "" : (document.querySelector("main > p.muted a")?.textContent || "").trim(),
    title, version: fd.get("_version") ? Number(fd.get("_version")) : null,
    takenAt, entries, status: "queued", message: null,
  };
}

async function keepForm(form, submitter) {
  if (submitter && submitter.name === "_add_row") return say(form, w().addRow);
  if (form.querySelector(".page-check.error")) return say(form, w().fixFirst);
  // A key of its own: a page kept on the device carries the same `_key` every time it
  // is opened, and two entries filled in on it are two entries.
  const key = crypto.randomUUID();
  await store.add(recordOf(form, submitter, key));
  say(form, w().queued, "ok");
  location.assign(`/sync?queued=${encodeURIComponent(key)}`);
  return true;
}

/**
 * A submit with the browser online: hands its record to the service worker, which
 * keeps it only if the request fails on the network (sw.js). It keeps the key the form
 * is sent with: if the request reached the server and only its answer was lost, the
 * queue's send is a retry of it, answered with the first answer, never applied twice.
 */
function handOver(form, submitter) {
  const worker = navigator.serviceWorker?.controller;
  if (!worker || (submitter && submitter.name === "_add_row")) return;
  const record = recordOf(form, submitter, null);
  if (record.key) worker.postMessage({ type: "submitting", record });
}

document.addEventListener("submit", (e) => {
  const form = e.target;
  if (!USER || !(form instanceof HTMLFormElement) || !isFormPage(form)) return;
  if (navigator.onLine) {
    if (!e.defaultPrevented) handOver(form, e.submitter);
    return;
  }
  e.preventDefault();
  // A second press while the first is being kept is the same entry.
  if (form.dataset.keeping) return;
  form.dataset.keeping = "true";
  keepForm(form, e.submitter).then(
    (kept) => { if (!kept) delete form.dataset.keeping; },
    (err) => { delete form.dataset.keeping; say(form, String(err)); },
  );
});

// --- the sync page ---------------------------------------------------------------------

const fmtTime = (iso) => new Date(iso).toLocaleString(en() ? "en-GB" : "zh-CN", { hour12: false });

function button(text, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `button ${cls}`;
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

/** Opens a refused or conflicting record in its form: the server answers with its
 * conflict view (or its errors), the user's values kept. */
async function openInForm(item) {
  const csrf = document.querySelector('input[name="_csrf"]')?.value || "";
  if (item.entries.some(([, v]) => v && typeof v === "object")) {
    // Its files never reached the server: start from the form itself.
    await store.update(item.key, { status: "opened" });
    location.assign(item.url);
    return;
  }
  const f = document.createElement("form");
  f.method = "post";
  f.action = item.url;
  f.hidden = true;
  for (const [n, v] of item.entries) {
    const i = document.createElement("input");
    i.type = "hidden";
    i.name = n;
    i.value = n === "_csrf" ? csrf : v;
    f.append(i);
  }
  document.body.append(f);
  await store.update(item.key, { status: "opened" });
  f.submit();
}

async function renderQueue() {
  const ol = document.getElementById("sync-items");
  if (!ol) return;
  const items = await store.list(USER);
  const t = w();
  ol.replaceChildren(...items.map((item) => {
    const li = document.createElement("li");
    li.className = `sync-item status-${item.status}`;
    li.dataset.key = item.key;
    li.dataset.status = item.status;
    const head = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = item.kind === "new" ? `${t.new}: ${item.title}` : `${item.number} · ${item.title}`;
    const st = document.createElement("span");
    st.className = "badge sync-status";
    st.textContent = t.status[item.status] || item.status;
    head.append(strong, " ", st);
    const when = document.createElement("p");
    when.className = "small muted";
    const files = item.entries.filter(([, v]) => v && typeof v === "object").map(([, v]) => v.name);
    when.textContent = `${t.taken} ${fmtTime(item.takenAt)}${files.length ? " · 📎 " + files.join(", ") : ""}`;
    li.append(head, when);
    if (item.status === "conflict") {
      const p = document.createElement("p");
      p.textContent = t.conflictHelp;
      li.append(p);
    }
    if (item.status === "opened") {
      const p = document.createElement("p");
      p.className = "small";
      p.textContent = t.openedHelp;
      li.append(p);
    }
    if (item.message) {
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = item.message;
      li.append(p);
    }
    const acts = document.createElement("p");
    acts.className = "actions";
    if (["conflict", "refused", "opened"].includes(item.status)) {
      acts.append(button(t.open, "primary", () => openInForm(item)));
    }
    if (item.status !== "done" && item.status !== "sending") {
      acts.append(button(t.drop, "secondary", async () => {
        if (!confirm(t.confirmDrop)) return;
        await store.remove(item.key);
        refresh();
      }));
    }
    if (item.status === "done" && item.doneUrl) {
      const a = document.createElement("a");
      a.href = item.doneUrl;
      a.textContent = t.view;
      acts.append(a);
    }
    if (acts.childNodes.length) li.append(acts);
    return li;
  }));
  document.getElementById("sync-empty").hidden = items.length > 0;
  const now = document.getElementById("sync-now");
  if (now) now.disabled = !navigator.onLine || !items.some((i) => i.status === "queued" || i.status === "sending");
}

async function refresh() {
  await badge();
  await renderQueue();
}

let syncing = null;
async function sync() {
  if (!USER || !navigator.onLine) return;
  if (syncing) return syncing;
  syncing = (async () => {
    if ((await store.list(USER)).every((i) => i.status !== "queued" && i.status !== "sending")) return;
    const r = await syncAll(USER, refresh);
    const status = document.getElementById("sync-status");
    if (status) {
      const parts = [];
      if (r.sent) parts.push(w().sent(r.sent));
      if (r.stopped) parts.push(w().stopped[r.stopped]);
      status.textContent = parts.join(" ");
      status.hidden = parts.length === 0;
    }
    document.documentElement.dataset.syncDone = String(Date.now());
  })().finally(() => { syncing = null; refresh(); });
  return syncing;
}

/** A case page reached after submitting an opened record: that record is done. */
async function settleOpened() {
  const q = new URLSearchParams(location.search);
  const doneAction = q.get("done");
  const m = /^\/cases\/([^/]+)$/.exec(location.pathname);
  if (!doneAction || !m) return;
  const items = (await store.list(USER)).filter((i) => i.status === "opened");
  const match = doneAction === "create"
    ? items.filter((i) => i.kind === "new").slice(-1)
    : items.filter((i) => i.url === `/cases/${m[1]}/actions/${doneAction}`);
  for (const i of match) await store.update(i.key, { status: "done", doneUrl: location.pathname, sentAt: new Date().toISOString() });
}

/** Fetches ahead the forms this page leads to, for the service worker to keep. */
async function fetchAhead() {
  if (!navigator.onLine || !navigator.serviceWorker?.controller) return;
  const p = location.pathname;
  let links = [];
  const m = /^\/cases\/([0-9a-f-]{36})$/.exec(p);
  if (m) links = [...document.querySelectorAll(`a[href^="/cases/${m[1]}/actions/"]`)];
  else if (p === "/cases/new" && !location.search) links = [...document.querySelectorAll('main a[href^="/cases/new?"]')];
  const seen = new Set();
  for (const a of links) {
    const href = a.getAttribute("href");
    if (seen.has(href)) continue;
    seen.add(href);
    try {
      await fetch(href, { credentials: "same-origin", headers: { "x-anjuan-prefetch": "1" } });
    } catch (e) {
      return;
    }
  }
  document.documentElement.dataset.fetchedAhead = String(seen.size);
}

if (USER) {
  offlineNotice();
  addEventListener("online", () => { offlineNotice(); refresh(); sync(); });
  addEventListener("offline", () => { offlineNotice(); refresh(); });
  const now = document.getElementById("sync-now");
  now?.addEventListener("click", () => sync());
  settleOpened()
    .catch(() => {})
    .then(refresh)
    .then(() => { document.documentElement.dataset.queueReady = "true"; })
    .then(sync)
    .then(fetchAhead)
    .catch(() => {});
}

export { sync, refresh };
