// Chinese by default; the switch turns every page to English and back, and stays.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, shot } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("switch language to English and back", async () => {
  const page = await newPage(browser);
  await login(page, "inspector");
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  await page.goto(`${BASE}/cases?open=true`);
  await page.getByRole("link", { name: "English" }).click();
  await page.waitForURL(/\/cases\?open=true/);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.getByRole("heading", { level: 1, name: /^Cases/ }).waitFor();
  await page.getByRole("link", { name: "Inbox" }).click();
  await page.getByRole("heading", { level: 1, name: /My inbox/ }).waitFor();
  await shot(page, "09-inbox-english");
  await page.getByRole("link", { name: "中文" }).click();
  await page.getByRole("heading", { level: 1, name: /我的待办/ }).waitFor();
  await page.context().close();
});

test("the login page switches too", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/login`);
  await page.getByRole("link", { name: "English" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByLabel("User name").fill("lab");
  await page.getByLabel("Password").fill("demo");
  await Promise.all([page.waitForURL(/\/inbox/), page.getByRole("button", { name: "Sign in" }).click()]);
  await page.getByRole("heading", { level: 1, name: /My inbox/ }).waitFor();
  await page.context().close();
});
