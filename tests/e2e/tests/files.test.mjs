// A file in an action form: the facility manager submits a hazard's rectification with
// a photo of the work. A first submission missing the date is refused, and the upload
// is kept (shown by name, not chosen again); the second is accepted, and the case page
// lists the file as a download. The navigation shows how many cases wait for the user.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, shot, listCases, fillForm, submitAction, testFile } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("a rectification's evidence is uploaded in the form and listed on the hazard", async () => {
  const facility = await newPage(browser);
  await login(facility, "facility");
  const inbox = facility.locator(".main-nav .nav-inbox .badge").first();
  assert.match(await inbox.textContent(), /^\s*\d+\s*$/, "the inbox count is in the navigation");

  const hazards = await listCases(facility, "programme=fire-safety-rectification&case_type=hazard&open=true");
  let href = null;
  for (const h of hazards) {
    await facility.goto(`${BASE}${h.href}`);
    if (await facility.locator('.action-list a[href$="/actions/submit-rectification"]').count()) {
      href = h.href;
      break;
    }
  }
  assert.ok(href, "the demo has a hazard waiting for its rectification");
  await facility.locator('.action-list a[href$="/actions/submit-rectification"]').click();
  const form = facility.locator("form.case-form");
  await form.waitFor();
  assert.equal(await form.getAttribute("enctype"), "multipart/form-data");
  const input = facility.locator('input[type=file][name="f.evidence"]');
  // A file over the server's limit is refused in the page, next to the field, unsent.
  const max = Number(await form.getAttribute("data-max-upload"));
  assert.ok(max > 0, "the form says how large a file may be");
  await input.setInputFiles({ name: "扫描件.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(max + 1) });
  const tooLarge = facility.locator('[id$="-too-large"][role="alert"]');
  await tooLarge.waitFor();
  assert.match(await tooLarge.textContent(), /MiB/);
  assert.equal(await input.evaluate((el) => el.files.length), 0, "the large file is not kept");
  await input.setInputFiles(testFile("整改前后对比照片.pdf"));
  assert.equal(await tooLarge.count(), 0, "the message goes with a file that fits");

  // Refused (no date yet): the upload is kept and named.
  assert.equal(await submitAction(facility), 422);
  const kept = facility.locator(".field.kind-file .file-current");
  await kept.waitFor();
  assert.match(await kept.textContent(), /整改前后对比照片\.pdf/);
  await shot(facility, "15-file-kept");

  await fillForm(facility);
  assert.equal(await submitAction(facility), 200);
  await facility.locator(".notice.ok").waitFor();
  const link = facility.locator(".attachments a", { hasText: "整改前后对比照片.pdf" });
  await link.waitFor();
  const download = await facility.request.get(`${BASE}${await link.getAttribute("href")}`);
  assert.equal(download.status(), 200);
  assert.match(download.headers()["content-disposition"], /attachment/);
  assert.equal((await download.body()).toString(), "%PDF-1.4 整改前后对比照片.pdf");
  await shot(facility, "16-attachments");
  await facility.context().close();
});
