// Sensitive fields of a special family: masked for a volunteer who may see the case,
// shown to the village cadre named as the family's contact (and that read is logged).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, shot, listCases } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

function headName(page) {
  return page.locator(".data > div", { has: page.locator("dt", { hasText: "户主姓名" }) }).locator("dd");
}

test("a family's head of household: masked for an outsider, shown to the family's contact", async () => {
  const volunteer = await newPage(browser);
  await login(volunteer, "volunteer");
  // A family in care (帮扶中): its two contacts are assigned.
  const families = await listCases(volunteer, "programme=special-family-care&case_type=family&state=active");
  assert.ok(families.length > 0, "the volunteer's village has a family in care");
  // She is the liaison (联络员) of one family, and reads it; another is masked for her.
  let href;
  for (const f of families) {
    await volunteer.goto(`${BASE}${f.href}`);
    if (/已隐藏/.test(await headName(volunteer).textContent())) {
      href = f.href;
      break;
    }
  }
  assert.ok(href, "a family in care whose liaison she is not: its head is masked for her");
  await shot(volunteer, "12-masked-for-outsider");
  await volunteer.context().close();

  const contact = await newPage(browser);
  await login(contact, "village");
  await contact.goto(`${BASE}${href}`);
  const shown = (await headName(contact).textContent()).trim();
  assert.ok(shown.length > 0 && !/已隐藏/.test(shown), `the contact reads the name (${shown})`);
  await contact.context().close();

  const admin = await newPage(browser);
  await login(admin, "admin");
  await admin.goto(`${BASE}/admin/access-log`);
  const id = href.split("/").pop();
  assert.ok(await admin.locator(`a[href="/cases/${id}"]`).count() >= 1, "the unmasked read is in the access log");
  await admin.context().close();
});
