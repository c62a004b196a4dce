// anjuan's service worker: what a caseworker needs to keep working without a network.
//
// - The app's own files, the same for every user: the static files (served from the
//   cache and refreshed behind it) and the transpiled plugin builds (addressed by their
//   hash, so kept as they are). Cache "anjuan-app-v2".
// - Copies of the pages the signed-in user opened, as the server rendered them for
//   that user (sensitive fields masked as shown): the inbox, the sync page, the cases
//   they opened and those cases' action forms, new-case forms. One cache per user,
//   "anjuan-pages-<user id>", taken from the page's <meta name="anjuan-user">. Pages
//   always go to the server first; a copy is served only when the network fails.
//
// A copy never reaches another user: when a page for another user arrives, or the
// server answers with the sign-in page (the session ended), every other page cache is
// deleted, so at most one user's copies exist; signing out deletes them all
// (register.js); a copy older than PAGE_TTL_MS is not served and is deleted.
//
// Forms are never sent from here: a form filled without a network is queued by the page
// (queue.js) and sent when the network returns. A form submitted while the browser
// believes it is online passes through to the server, and every answer is passed back
// as it is; only when the request fails on the network (it dropped mid-way, or a
// captive network cut it) does this worker keep the record the page handed over just
// before the submit, in the page's queue (the database of store.js), and answer with
// the queue (/sync) instead of the browser's error page.
const APP = "anjuan-app-v2";
const PAGES = "anjuan-pages-";
/** How long a page copy may be served: 3 days. */
const PAGE_TTL_MS = 3 * 24 * 60 * 60 * 1000;
/** How many opened cases keep their copies (with their action forms). */
const MAX_CASES = 30;
const KEPT_AT = "x-anjuan-kept-at";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const CASE_PAGE = new RegExp(`^/cases/${UUID}$`);
const ACTION_PAGE = new RegExp(`^/cases/(${UUID})/actions/[A-Za-z0-9_-]+$`);
const PLUGIN_FILES = ["plugin.js", "plugin.core.wasm", "plugin.core2.wasm", "plugin.core3.wasm"];
const STATIC = [
  "/static/app.css", "/static/app.js", "/static/favicon.svg", "/static/vendor/htmx/htmx.min.js",
  "/static/offline/register.js", "/static/offline/queue.js", "/static/offline/store.js",
  "/static/offline/sync.js", "/static/offline/manifest.webmanifest",
  "/static/checks/page.js", "/static/checks/json.js", "/static/checks/worker.js",
  "/static/checks/wasi.js", "/static/checks/rules.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(APP).then((c) => c.addAll(STATIC)).catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("anjuan-app-") && k !== APP).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === "POST" && req.mode === "navigate" && isFormRoute(url.pathname)) {
    event.respondWith(submitOrKeep(req));
    return;
  }
  if (req.method !== "GET") return;
  if (url.pathname.startsWith("/plugins/")) event.respondWith(cacheFirst(req));
  else if (url.pathname.startsWith("/static/")) event.respondWith(staleWhileRevalidate(event, req));
  else if (pageKey(url) && (req.mode === "navigate" || req.headers.get("x-anjuan-prefetch") === "1")) {
    event.respondWith(networkFirst(event, req, url));
  } else if (req.mode === "navigate") {
    event.respondWith(fetch(req).then((res) => { event.waitUntil(watch(res.clone())); return res; }, () => notSaved()));
  }
});

/**
 * The cache key of a page kept for offline use, or null for pages never kept (lists,
 * dashboards, admin, documents, notifications). The query is dropped (a `?done=` notice)
 * except on a new-case form, where it names the case type.
 */
function pageKey(url) {
  const p = url.pathname;
  if (p === "/inbox" || p === "/sync" || CASE_PAGE.test(p) || ACTION_PAGE.test(p)) return p;
  if (p === "/cases/new") {
    const q = new URLSearchParams();
    for (const k of ["programme", "case_type", "parent"]) if (url.searchParams.get(k)) q.set(k, url.searchParams.get(k));
    const s = q.toString();
    return s ? `${p}?${s}` : p;
  }
  return null;
}

async function networkFirst(event, req, url) {
  let res;
  try {
    res = await fetch(req);
  } catch (e) {
    const hit = await copyOf(pageKey(url));
    return hit || notSaved();
  }
  event.waitUntil(keep(pageKey(url), res.clone()));
  return res;
}

/** A navigation answered by the server: the sign-in page means the session ended. */
async function watch(res) {
  if (res.status !== 200 || !(res.headers.get("content-type") || "").startsWith("text/html")) return;
  const html = await res.text();
  if (!userOf(html)) await forgetPages(null);
}

function userOf(html) {
  const m = /<meta name="anjuan-user" content="([0-9a-zA-Z-]+)">/.exec(html.slice(0, 4000));
  return m ? m[1] : null;
}

/** Deletes every user's page copies but `keepUser`'s. */
async function forgetPages(keepUser) {
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => k.startsWith(PAGES) && k !== PAGES + keepUser).map((k) => caches.delete(k)));
}

async function keep(key, res) {
  if (res.status !== 200 || res.type !== "basic" || !(res.headers.get("content-type") || "").startsWith("text/html")) return;
  const html = await res.text();
  const user = userOf(html);
  await forgetPages(user);
  if (!user) return;
  const name = PAGES + user;
  const fresh = !(await caches.has(name));
  const cache = await caches.open(name);
  const headers = new Headers(res.headers);
  headers.set(KEPT_AT, String(Date.now()));
  await cache.put(key, new Response(html, { status: 200, headers }));
  await keepPluginBuild(html);
  await trim(cache);
  // A first page for this user: keep the inbox and the sync page too.
  if (fresh) {
    for (const p of ["/inbox", "/sync"]) {
      if (p === key) continue;
      try {
        const r = await fetch(p, { credentials: "same-origin", headers: { "x-anjuan-prefetch": "1" } });
        if (r.ok && !r.redirected) {
          const text = await r.text();
          if (userOf(text) === user) {
            const h = new Headers(r.headers);
            h.set(KEPT_AT, String(Date.now()));
            await cache.put(p, new Response(text, { status: 200, headers: h }));
          }
        }
      } catch (e) { /* offline again: kept on the next visit */ }
    }
  }
}

/** A page that runs the programme's checks: keep that plugin build for offline use. */
async function keepPluginBuild(html) {
  const m = /"base":"(\/plugins\/[A-Za-z0-9_.-]+\/[0-9a-f]+\/)"/.exec(html);
  if (!m) return;
  const cache = await caches.open(APP);
  for (const f of PLUGIN_FILES) {
    const u = m[1] + f;
    if (await cache.match(u)) continue;
    try {
      const r = await fetch(u);
      if (r.ok) await cache.put(u, r);
    } catch (e) { return; }
  }
}

/** Keeps the copies of the MAX_CASES cases opened last, with their action forms. */
async function trim(cache) {
  const cases = [];
  for (const r of await cache.keys()) {
    const p = new URL(r.url).pathname;
    if (CASE_PAGE.test(p)) {
      const res = await cache.match(r);
      cases.push({ p, at: Number(res.headers.get(KEPT_AT) || 0) });
    }
  }
  if (cases.length <= MAX_CASES) return;
  cases.sort((a, b) => b.at - a.at);
  const gone = new Set(cases.slice(MAX_CASES).map((c) => c.p));
  for (const r of await cache.keys()) {
    const p = new URL(r.url).pathname;
    const m = ACTION_PAGE.exec(p);
    if (gone.has(p) || (m && gone.has(`/cases/${m[1]}`))) await cache.delete(r);
  }
}

/** The kept copy of a page, if it is young enough. */
async function copyOf(key) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PAGES)) continue;
    const cache = await caches.open(name);
    const hit = await cache.match(key);
    if (!hit) continue;
    if (Date.now() - Number(hit.headers.get(KEPT_AT) || 0) > PAGE_TTL_MS) {
      await cache.delete(key);
      continue;
    }
    return hit;
  }
  return null;
}

function notSaved() {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>离线 · Offline</title>
<link rel="stylesheet" href="/static/app.css"></head><body><main id="main" class="offline-missing">
<h1>没有网络 · No network</h1>
<p>这个页面没有保存在本设备上，联网后才能打开。</p>
<p lang="en">This page was not saved on this device; it opens when the network returns.</p>
<p><a href="/inbox">待办 · Inbox</a> · <a href="/sync">待发送 · Waiting to be sent</a></p>
</main></body></html>`;
  return new Response(html, { status: 503, headers: { "content-type": "text/html; charset=utf-8" } });
}

async function cacheFirst(req) {
  const cache = await caches.open(APP);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) await cache.put(req, res.clone());
  return res;
}

async function staleWhileRevalidate(event, req) {
  const cache = await caches.open(APP);
  const hit = await cache.match(req, { ignoreSearch: true });
  const fresh = fetch(req).then(async (res) => {
    if (res.ok) await cache.put(req, res.clone());
    return res;
  });
  if (hit) {
    event.waitUntil(fresh.catch(() => {}));
    return hit;
  }
  return fresh;
}

// --- a form whose submit fails on the network ------------------------------------------

/** The records the pages handed over for the submits under way, by their `_key`. */
const submitting = new Map();

self.addEventListener("message", (event) => {
  const record = event.data && event.data.type === "submitting" ? event.data.record : null;
  if (!record || !record.key || !record.user) return;
  submitting.set(record.key, record);
  // Only the last few: a submit that never came leaves nothing behind for long.
  for (const k of submitting.keys()) if (submitting.size > 8) submitting.delete(k);
});

function isFormRoute(p) {
  return p === "/cases/new" || ACTION_PAGE.test(p);
}

/**
 * Sends a submitted form on; when that fails on the network, keeps the page's record of
 * it and shows the queue. The record carries the key the request was sent with, so if the
 * request reached the server and only its answer was lost, sending it again later is
 * answered with the first answer and applied once.
 */
async function submitOrKeep(req) {
  const copy = req.clone();
  try {
    return await fetch(req);
  } catch (e) {
    const body = await copy.formData().catch(() => null);
    const key = body && body.get("_key");
    const record = key && submitting.get(String(key));
    // No record handed over: the browser's own error page, as without this worker.
    if (!record) return Response.error();
    submitting.delete(record.key);
    const id = await keepRecord(record).catch(() => null);
    if (!id) return Response.error();
    return Response.redirect(`/sync?queued=${encodeURIComponent(id)}`, 303);
  }
}

/** What two records hold, to tell a second press of one entry from a second entry. */
function entriesText(r) {
  return JSON.stringify(r.entries.filter(([n]) => n !== "_taken_at").map(([n, v]) => [n, v && typeof v === "object" ? [v.name, v.file && v.file.size] : v]));
}

/**
 * Adds `record` to the queue (IndexedDB "anjuan-offline", store "queue": the schema and
 * the order of store.js, which a classic service worker cannot import), and returns its
 * id. The same entries already waiting under the same key are that record; other
 * entries sent with a key a record already holds get an id of their own.
 */
function keepRecord(record) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("anjuan-offline", 1);
    open.onupgradeneeded = () => {
      const s = open.result.createObjectStore("queue", { keyPath: "key" });
      s.createIndex("user", "user");
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const t = db.transaction("queue", "readwrite");
      const store = t.objectStore("queue");
      let id = null;
      const all = store.getAll();
      all.onsuccess = () => {
        const items = all.result;
        const same = items.find((i) => i.user === record.user && i.status === "queued" && entriesText(i) === entriesText(record));
        if (same) { id = same.key; return; }
        if (items.some((i) => i.key === record.key)) record.key = crypto.randomUUID();
        record.seq = items.reduce((m, x) => Math.max(m, x.seq), 0) + 1;
        store.add(record);
        id = record.key;
      };
      t.oncomplete = () => { db.close(); resolve(id); };
      t.onerror = () => { db.close(); reject(t.error); };
      t.onabort = () => { db.close(); reject(t.error); };
    };
  });
}
