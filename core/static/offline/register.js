// Installs anjuan as an app: registers the service worker (/sw.js). On sign-out, first
// sends what waits in this user's queue (when there is a network), forgets the records
// already sent, and empties every cache (the app's files and this user's page copies)
// before the sign-out form is sent. Unsent records stay on this device for this user
// only, and are sent when they sign in again.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !/\/logout$/.test(new URL(form.action, location.href).pathname)) return;
    if (form.dataset.cleared) return;
    e.preventDefault();
    const meta = document.querySelector('meta[name="anjuan-user"]');
    const user = meta && meta.content;
    const queue = user
      ? Promise.all([import("/static/offline/sync.js"), import("/static/offline/store.js")])
          .then(([sync, store]) => Promise.resolve(navigator.onLine ? sync.syncAll(user) : null).then(() => store.forgetSent(user)))
          .catch(() => {})
      : Promise.resolve();
    queue
      .then(() => ("caches" in window ? caches.keys() : []))
      .then((ks) => Promise.all(ks.filter((k) => k.startsWith("anjuan-")).map((k) => caches.delete(k))))
      .finally(() => { form.dataset.cleared = "true"; form.submit(); });
  });
}
