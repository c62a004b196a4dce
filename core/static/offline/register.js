// Installs anjuan as an app: registers the service worker (/sw.js) and, on sign-out,
// empties its caches before the sign-out form is sent.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || !/\/logout$/.test(new URL(form.action, location.href).pathname)) return;
    if (form.dataset.cleared) return;
    e.preventDefault();
    const keys = "caches" in window ? caches.keys() : Promise.resolve([]);
    keys
      .then((ks) => Promise.all(ks.filter((k) => k.startsWith("anjuan-")).map((k) => caches.delete(k))))
      .finally(() => { form.dataset.cleared = "true"; form.submit(); });
  });
}
