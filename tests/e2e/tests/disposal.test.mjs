// A non-conforming sample from notice to closed (一样品一表一案卷): the inspector starts
// disposal — first submitting an empty form and correcting the errors shown next to
// the fields — and records each step; a second browser that acted meanwhile makes the
// first see what changed, with its input kept; the bureau lead closes the case.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, shot, listCases, fillForm, submitAction } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function act(page, caseHref, action, opts = {}) {
  await page.goto(`${BASE}${caseHref}`);
  const link = page.locator(`.action-list a[href$="/actions/${action}"]`);
  assert.ok(await link.count(), `${action} offered on ${caseHref}`);
  await link.first().click();
  await page.locator("form.case-form").waitFor();
  await fillForm(page, opts);
  const comment = page.locator("#comment");
  if (!(await comment.inputValue())) await comment.fill("按规定办理。");
  const status = await submitAction(page);
  if (status !== 200) {
    const errors = await page.locator(".error, .notice.error").allTextContents();
    assert.fail(`${action} answered ${status}: ${errors.join(" | ")}`);
  }
  await page.locator(".notice.ok").waitFor();
}

test("sampling disposal: notice received → closed", async () => {
  const inspector = await newPage(browser);
  await login(inspector, "inspector");
  const received = await listCases(inspector, "programme=sampling-disposal&case_type=nonconforming-sample&state=received&open=true");
  assert.ok(received.length > 0, "the demo has a notice waiting for the inspector");
  await shot(inspector, "03-case-list");
  const href = received[0].href;

  // Start disposal: an empty form is refused field by field, values typed are kept.
  await inspector.goto(`${BASE}${href}`);
  await shot(inspector, "04-case-detail");
  await inspector.locator('.action-list a[href$="/actions/start-disposal"]').click();
  await inspector.locator("form.case-form").waitFor();
  // The person in charge is chosen among the programme's people, not every account.
  const people = await inspector.$$eval("#f-inspector option", (os) => os.map((o) => o.textContent));
  assert.ok(people.some((p) => p.includes("(inspector)")), `the inspector is offered: ${people}`);
  assert.ok(!people.some((p) => /\((admin|cdc|village)\)/.test(p)), `no one from elsewhere: ${people}`);
  await inspector.fill("#f-controlled_quantity", "120");
  assert.equal(await submitAction(inspector), 422);
  const inspectorField = inspector.locator(".field.has-error", { has: inspector.locator("#f-inspector") });
  await inspectorField.locator(".error").waitFor();
  assert.match(await inspectorField.locator(".error").textContent(), /必填/);
  assert.equal(await inspector.inputValue("#f-controlled_quantity"), "120", "typed values survive the refusal, as typed");
  // The refused page opens on the error summary, which names each field once.
  await inspector.waitForFunction(() => document.activeElement?.id === "form-errors");
  const summary = await inspector.locator("#form-errors li").allTextContents();
  assert.ok(summary.some((t) => t.includes("核查处置责任人")), `the summary names the field: ${summary}`);
  assert.ok(!summary.some((t) => t.split("核查处置责任人").length > 2), `…once: ${summary}`);
  await shot(inspector, "05-field-errors");
  await fillForm(inspector, { values: { serious_hazard: true } });
  assert.ok(await inspector.locator('input[name="f.control_measures"]').first().isVisible(), "shown once serious hazard is yes");
  assert.equal(await submitAction(inspector), 200);
  await inspector.locator(".notice.ok").waitFor();

  // Someone else records product control first: this page sees the change and keeps its input.
  const other = await newPage(browser);
  await login(other, "inspector");
  await inspector.goto(`${BASE}${href}`);
  await inspector.locator('.action-list a[href$="/actions/record-product-control"]').click();
  await inspector.locator("form.case-form").waitFor();
  await fillForm(inspector);
  await inspector.fill("#comment", "我的办理意见");
  await act(other, href, "record-product-control");
  assert.equal(await submitAction(inspector), 409);
  await inspector.getByRole("heading", { name: "案件已被他人修改" }).waitFor();
  assert.equal(await inspector.inputValue("#comment"), "我的办理意见", "the user's input is kept");
  assert.ok(await inspector.locator(".conflict .timeline li").count() >= 1, "what changed is listed");
  await shot(inspector, "06-conflict");
  await other.context().close();

  for (const [action, opts] of [
    ["record-cause-investigation", {}],
    ["record-penalty", {}],
    ["record-reinspection", { values: { reinspection_result: "passed" } }],
    // 核查处置模块填报: each step confirmed as filed in the national system.
    ["confirm-system-filing", { values: { filed_step: "disposal-started" } }],
    ["confirm-system-filing", { values: { filed_step: "product-control" } }],
    ["confirm-system-filing", { values: { filed_step: "cause-investigation" } }],
    ["confirm-system-filing", { values: { filed_step: "penalty" } }],
  ]) {
    await act(inspector, href, action, opts);
  }

  const lead = await newPage(browser);
  await login(lead, "market-lead");
  await act(lead, href, "close");
  await lead.goto(`${BASE}${href}`);
  assert.match(await lead.locator(".case-head .state").textContent(), /办结/);
  assert.ok(await lead.locator(".timeline li").count() >= 7, "every step is in the history");
  await lead.goto(`${BASE}${href}/dossier`);
  await lead.getByRole("heading", { level: 1, name: /案卷/ }).waitFor();
  await shot(lead, "07-dossier");
  await lead.context().close();
  await inspector.context().close();
});
