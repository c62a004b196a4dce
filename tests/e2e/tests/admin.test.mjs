// An administrator runs the county's directory from the web UI: creates a user (a
// refused first try keeps what was typed), grants a role, adds an org unit, issues an
// API token that is shown once and works, then revokes it; the new user signs in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, newPage, login, shot } from "./helpers.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const suffix = String(Date.now() % 100000);
const username = `cadre${suffix}`;
const password = "a long password";

/** Submit the form holding `button` and wait for the next page; resolves with its status. */
async function submit(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response?.status() ?? 0;
}

test("an administrator manages users, roles, org units and tokens", async () => {
  const page = await newPage(browser);
  await login(page, "admin");
  await page.getByRole("link", { name: "管理" }).click();
  await page.getByRole("link", { name: "用户与角色" }).click();
  await page.getByRole("heading", { level: 1, name: "用户与角色" }).waitFor();
  await page.getByRole("link", { name: "新建用户" }).click();

  // A first try with passwords that differ: refused next to the field, input kept.
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("姓名").fill("测试干部");
  await page.locator("#u-password").fill(password);
  await page.locator("#u-password_confirm").fill("something else");
  await page.getByLabel("角色", { exact: true }).selectOption("special-family-care:village-cadre");
  await page.getByLabel("单位", { exact: true }).selectOption("shanping-shangping");
  assert.equal(await submit(page, page.getByRole("button", { name: "创建用户" })), 422);
  assert.match(await page.locator("#u-password_confirm-err").textContent(), /两次输入的密码不一致/);
  assert.equal(await page.getByLabel("用户名").inputValue(), username, "the name typed is kept");
  assert.equal(await page.getByLabel("单位", { exact: true }).inputValue(), "shanping-shangping");
  await shot(page, "20-admin-user-refused");

  await page.locator("#u-password").fill(password);
  await page.locator("#u-password_confirm").fill(password);
  assert.equal(await submit(page, page.getByRole("button", { name: "创建用户" })), 200);
  await page.locator(".notice.ok").filter({ hasText: "已创建用户 测试干部" }).waitFor();
  const grants = page.locator("table.admin-grants tbody tr");
  assert.equal(await grants.count(), 1, "the first role was granted with the user");

  // A second role, at the county.
  await page.locator("#g-role").selectOption("special-family-care:volunteer");
  await page.locator("#g-org_unit").selectOption("anxian");
  assert.equal(await submit(page, page.getByRole("button", { name: "授予角色" })), 200);
  await page.locator(".notice.ok").filter({ hasText: "已为 测试干部 授予角色" }).waitFor();
  assert.equal(await grants.count(), 2);
  await shot(page, "21-admin-user");

  // An org unit under a township.
  await page.goto(`${BASE}/admin/org-units`);
  await page.getByLabel("上级单位").selectOption("shanping");
  await page.getByLabel("编号").fill(`xin${suffix}`);
  await page.getByLabel("类型").fill("village");
  await page.getByLabel("中文名称").fill(`新村${suffix}`);
  await page.getByLabel("英文名称").fill(`Xincun ${suffix}`);
  assert.equal(await submit(page, page.getByRole("button", { name: "添加", exact: true })), 200);
  await page.locator(".notice.ok").filter({ hasText: `已添加单位 新村${suffix}` }).waitFor();
  await page.locator(".tree a", { hasText: `新村${suffix}` }).waitFor();
  await shot(page, "22-admin-org-units");

  // A token for the new user: shown once, works, then revoked.
  await page.goto(`${BASE}/admin/tokens`);
  await page.getByLabel("代表的用户").selectOption({ label: `测试干部 (${username})` });
  await page.getByLabel("用途").fill("e2e export");
  assert.equal(await submit(page, page.getByRole("button", { name: "创建令牌" })), 200);
  await page.getByText("此令牌只显示这一次").waitFor();
  const secret = await page.locator("#issued-token").inputValue();
  assert.match(secret, /^anj_/);
  await shot(page, "23-admin-token-issued");
  const api = (token) => page.request.get(`${BASE}/api/v1/tasks`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal((await api(secret)).status(), 200, "the token reaches the API");
  await page.goto(`${BASE}/admin/tokens`);
  assert.equal(await page.locator("#issued-token").count(), 0, "the secret is not shown again");
  assert.equal(await page.content().then((html) => html.includes(secret)), false);
  const revoke = page.getByRole("button", { name: "吊销令牌“e2e export”" });
  assert.equal(await submit(page, revoke), 200);
  await page.locator(".notice.ok").filter({ hasText: "已吊销令牌" }).waitFor();
  assert.equal((await api(secret)).status(), 401, "a revoked token is refused");
  await page.context().close();

  // The new user signs in with the password the administrator set.
  const user = await newPage(browser);
  await login(user, username, password);
  await user.getByRole("heading", { level: 1, name: /我的待办/ }).waitFor();
  assert.ok(await user.locator("header.top .who").filter({ hasText: "测试干部" }).count(), "their name is shown");
  assert.equal(await user.getByRole("link", { name: "管理" }).count(), 0, "no admin menu");
  await user.context().close();
});

test("an administrator plans moving running cases, a mapping mistake shown with line and column", async () => {
  const page = await newPage(browser);
  await login(page, "admin");
  await page.goto(`${BASE}/admin/programmes/sampling-disposal`);
  await page.getByRole("heading", { name: "旧版本上的在办案件" }).waitFor();
  await page.getByLabel(/映射/).fill("case_types:\n  nonconforming-sampel: {}\n");
  assert.equal(await submit(page, page.getByRole("button", { name: "查看迁移计划" })), 200);
  const alert = page.locator(".migration .notice.error");
  await alert.waitFor();
  assert.match(await alert.innerText(), /mapping\.yaml:2:3: .*nonconforming-sample/);
  assert.equal(await page.getByLabel(/映射/).inputValue(), "case_types:\n  nonconforming-sampel: {}\n", "the mapping is kept");
  await page.getByLabel(/映射/).fill("");
  assert.equal(await submit(page, page.getByRole("button", { name: "查看迁移计划" })), 200);
  await page.locator("#migration-summary").waitFor();
  await shot(page, "16-admin-migration-plan");
  await page.context().close();
});
