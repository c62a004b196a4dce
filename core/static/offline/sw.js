// anjuan's service worker: the app's own files for use without a network. For now it
// keeps only what is the same for every user and holds no case data: the static files
// (served from the cache and refreshed behind it) and the transpiled plugin builds
// (addressed by their hash, so kept as they are), which lets a page that is open keep
// running its checks when the network goes. Pages, the API and files are never cached
// here; a sign-out clears these caches too (see register.js).
const CACHE = "anjuan-app-v1";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("anjuan-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/plugins/")) event.respondWith(cacheFirst(req));
  else if (url.pathname.startsWith("/static/")) event.respondWith(staleWhileRevalidate(event, req));
});

async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) await cache.put(req, res.clone());
  return res;
}

async function staleWhileRevalidate(event, req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req);
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
