// Page render times on the demo data: signs in as a few users and times each main
// page (median of 5 requests, server time as the client sees it on loopback). Prints a
// table and writes it to screenshots/timings.txt. Run by ./run after the tests; the
// target is under 100 ms for every page.
import fs from "node:fs/promises";
import path from "node:path";

const BASE = process.env.ANJUAN_URL ?? "http://127.0.0.1:8080";
const OUT = process.env.E2E_SCREENSHOTS;

async function session(username) {
  const r = await fetch(`${BASE}/login`, {
    method: "POST",
    redirect: "manual",
    // The login form's CSRF pair: the cookie the login page sets and the same value in
    // the form.
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: "anjuan_login_csrf=measure",
    },
    body: new URLSearchParams({ username, password: "demo", _csrf: "measure" }),
  });
  const cookie =
    r.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .find((c) => c.startsWith("anjuan_session=")) ?? "";
  if (!cookie.startsWith("anjuan_session=")) throw new Error(`${username} could not sign in (${r.status})`);
  return cookie;
}

async function time(cookie, url) {
  const runs = [];
  let status = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = await fetch(BASE + url, { headers: { cookie } });
    await r.arrayBuffer();
    runs.push(performance.now() - t);
    status = r.status;
  }
  runs.sort((a, b) => a - b);
  return { status, ms: runs[2] };
}

async function firstCase(cookie, query) {
  const html = await (await fetch(`${BASE}/cases?${query}`, { headers: { cookie } })).text();
  return html.match(/href="(\/cases\/[0-9a-f-]{36})"/)?.[1];
}

const plan = [
  ["inspector", ["/inbox", "/cases", "/cases?q=%E7%99%BD%E9%85%92", "/cases?programme=sampling-disposal&case_type=nonconforming-sample", "/notifications", "/dashboards", "/dashboards/sampling-disposal", "/cases/new"]],
  ["market-lead", ["/inbox", "/cases?programme=sampling-disposal", "/cases/export.csv?programme=sampling-disposal&case_type=nonconforming-sample"]],
  ["village", ["/inbox", "/cases?programme=special-family-care&case_type=family"]],
  ["admin", ["/inbox", "/cases", "/admin/programmes", "/admin/programmes/sampling-disposal", "/admin/users", "/admin/access-log", "/admin/audit"]],
];

const lines = [];
for (const [user, urls] of plan) {
  const cookie = await session(user);
  const detail = await firstCase(cookie, "sort=updated");
  const all = detail ? [...urls, detail, `${detail}/dossier`] : urls;
  for (const url of all) {
    const { status, ms } = await time(cookie, url);
    lines.push(`${ms.toFixed(1).padStart(7)} ms  ${status}  ${user.padEnd(12)} ${url}`);
  }
}
const table = ["median of 5, loopback, demo data:", ...lines].join("\n");
console.log(table);
if (OUT) await fs.writeFile(path.join(OUT, "timings.txt"), table + "\n");
