// State diagrams: every case type of every programme is drawn whole (no state, edge or
// label outside the drawing), each edge names its actions and who takes them, deadlines
// are marked on the states they run in, and a case page highlights where the case is.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, shot, listCases } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Every drawn diagram on the page, checked in the browser; returns one summary each. */
async function checkDiagrams(page) {
  await page.waitForFunction(() => [...document.querySelectorAll("figure.diagram")].every((f) => f.classList.contains("drawn")));
  return page.$$eval("figure.diagram", (figs) =>
    figs.map((fig) => {
      const graph = JSON.parse(fig.dataset.graph);
      const svg = fig.querySelector("svg.diagram-svg");
      const problems = [];
      if (!svg) return { title: graph.title, problems: ["no drawing"] };
      const box = svg.getBoundingClientRect();
      const inside = (el, what) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) problems.push(`${what} has no size`);
        const slack = 0.5;
        if (r.left < box.left - slack || r.top < box.top - slack || r.right > box.right + slack || r.bottom > box.bottom + slack) {
          problems.push(`${what} [${r.left},${r.top},${r.right},${r.bottom}] outside [${box.left},${box.top},${box.right},${box.bottom}]`);
        }
      };
      const nodes = [...svg.querySelectorAll("g.node")];
      const edges = [...svg.querySelectorAll("g.edge")];
      if (nodes.length !== graph.states.length) problems.push(`${nodes.length} of ${graph.states.length} states drawn`);
      if (edges.length !== graph.edges.length) problems.push(`${edges.length} of ${graph.edges.length} edges drawn`);
      nodes.forEach((n) => {
        inside(n, `state ${n.dataset.state}`);
        const state = graph.states.find((s) => s.id === n.dataset.state);
        const marks = [...n.querySelectorAll(".mark text")].map((t) => Number(t.textContent));
        if (JSON.stringify(marks) !== JSON.stringify(state.deadlines)) problems.push(`state ${state.id} marks ${marks}, not ${state.deadlines}`);
      });
      edges.forEach((e) => {
        const what = `edge ${e.dataset.from}→${e.dataset.to}`;
        inside(e, what);
        inside(e.querySelector(".label"), `label of ${what}`);
        inside(e.querySelector("path"), `line of ${what}`);
        if (!e.querySelector(".label .action")?.textContent.trim()) problems.push(`${what} has no action title`);
        if (!e.querySelector(".label .roles")?.textContent.trim()) problems.push(`${what} names no role`);
      });
      const current = svg.querySelector("g.node.current");
      return {
        title: graph.title,
        problems,
        states: nodes.length,
        deadlines: graph.states.some((s) => s.deadlines.length),
        current: current?.dataset.state ?? null,
        currentTitle: current?.querySelector("title")?.textContent ?? null,
        wanted: graph.current,
      };
    }),
  );
}

test("every case type of every programme is drawn whole, edges labelled", async () => {
  const page = await newPage(browser);
  await login(page, "admin");
  await page.goto(`${BASE}/admin/programmes`);
  const ids = await page.$$eval("a[href^='/admin/programmes/']", (as) =>
    [...new Set(as.map((a) => a.getAttribute("href")).filter((h) => /^\/admin\/programmes\/[^/]+$/.test(h)))],
  );
  assert.equal(ids.length, 4, `the four shipped programmes: ${ids}`);
  let drawn = 0;
  for (const href of ids) {
    await page.goto(`${BASE}${href}`);
    const diagrams = await checkDiagrams(page);
    assert.equal(diagrams.length, await page.locator("section.diagram-box").count(), `one drawing per case type on ${href}`);
    for (const d of diagrams) {
      assert.deepEqual(d.problems, [], `${href} ${d.title}`);
      assert.equal(d.current, null, "no current state on the admin page");
      drawn += 1;
    }
    if (href.endsWith("/sampling-disposal")) {
      assert.ok(diagrams.some((d) => d.deadlines), "deadlines are marked");
      assert.ok(await page.locator(".diagram-deadlines li").count() > 0, "and explained under the drawing");
      await shot(page, "14-admin-diagrams");
    }
  }
  assert.ok(drawn >= 20, `${drawn} case types drawn`);

  // In English the labels are longer; still drawn whole.
  await page.goto(`${BASE}/lang/en?back=/admin/programmes/fire-safety-rectification`);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  for (const d of await checkDiagrams(page)) assert.deepEqual(d.problems, [], `English: ${d.title}`);
  await page.goto(`${BASE}/lang/zh-CN?back=/inbox`);
  await page.context().close();
});

test("a case page shows the case's place in its diagram, on a phone too", async () => {
  const page = await newPage(browser, { width: 390, height: 844 });
  await login(page, "inspector");
  const cases = await listCases(page, "programme=sampling-disposal&case_type=nonconforming-sample&open=true");
  assert.ok(cases.length > 0, "the demo has open samples");
  await page.goto(`${BASE}${cases[0].href}`);
  const state = (await page.locator(".case-head .state").textContent()).trim();
  const [d] = await checkDiagrams(page);
  assert.deepEqual(d.problems, []);
  assert.ok(d.current && d.current === d.wanted, `the current state is highlighted: ${JSON.stringify(d)}`);
  assert.ok(d.currentTitle.startsWith(state), `${d.currentTitle} is ${state}`);
  // The page itself does not scroll sideways: the drawing scrolls in its box, which
  // opens on the current state.
  const sideways = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(sideways <= 1, `the page is ${sideways}px wider than the phone`);
  const seen = await page.evaluate(() => {
    const box = document.querySelector(".diagram-scroll").getBoundingClientRect();
    const cur = document.querySelector("g.node.current").getBoundingClientRect();
    return cur.right > box.left && cur.left < box.right;
  });
  assert.ok(seen, "the current state is in view in its box");
  await page.locator("#h-diagram").scrollIntoViewIfNeeded();
  await shot(page, "15-case-diagram-phone");
  await page.context().close();
});
