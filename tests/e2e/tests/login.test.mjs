// Every demo role signs in, sees their inbox with their name, and signs out; a wrong
// password is refused on the login page itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, logout, shot } from "./helpers.mjs";

// One user per role of each shipped programme (core/src/demo.rs, README "Demo accounts").
const USERS = [
  ["admin", "系统管理员"],
  ["cdc", "李建华"],
  ["hospital", "王晓燕"],
  ["health", "张国强"],
  ["sampler", "陈志明"],
  ["inspector", "刘洋"],
  ["market-lead", "孙卫东"],
  ["lab", "周敏"],
  ["township", "黄德明"],
  ["village", "刘桂兰"],
  ["volunteer", "郑小红"],
  ["association", "何秀英"],
  ["facility", "林涛"],
  ["fire-inspector", "郭海峰"],
  ["fire-lead", "高建国"],
];

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("a page needs a signed-in user and comes back after login", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/cases?overdue=true`);
  assert.match(page.url(), /\/login\?next=/);
  await shot(page, "01-login");
  await page.getByLabel("用户名").fill("inspector");
  await page.getByLabel("密码").fill("wrong");
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByRole("alert").filter({ hasText: "用户名或密码不正确" }).waitFor();
  assert.equal(await page.getByLabel("用户名").inputValue(), "inspector", "the name typed is kept");
  await page.getByLabel("密码").fill("demo");
  await Promise.all([page.waitForURL(/\/cases\?overdue=true/), page.getByRole("button", { name: "登录" }).click()]);
  await page.context().close();
});

for (const [username, name] of USERS) {
  test(`${username} signs in, sees the inbox, signs out`, async () => {
    const page = await newPage(browser);
    await login(page, username);
    await page.getByRole("heading", { level: 1, name: /我的待办/ }).waitFor();
    assert.ok(await page.locator("header.top .who").filter({ hasText: name }).count(), `${name} shown`);
    if (username === "inspector") await shot(page, "02-inbox");
    if (username === "admin") {
      await page.getByRole("link", { name: "管理" }).click();
      await page.getByRole("heading", { name: "系统管理" }).waitFor();
    } else {
      assert.equal(await page.getByRole("link", { name: "管理" }).count(), 0, "no admin menu");
    }
    await logout(page);
    await page.goto(`${BASE}/inbox`);
    assert.match(page.url(), /\/login/, "signed out");
    await page.context().close();
  });
}
