// The staff console in a real browser (issue 28): headless Debian Chromium (playwright-core)
// against a server with the demo data. A clerk signs in, logs a decision for a natural person
// with two case officers, sees an amount error next to its field, fixes it, saves and submits;
// a reviewer signs in, opens the preview (no ID number, no address, the name masked), approves
// and publishes; the public API then shows the decision. axe-core checks every console page
// visited (0 serious or critical violations; the moderate ones are counted). Screenshots go to
// OUT_DIR/console-*.png.
//
//   node console.test.mjs http://127.0.0.1:PORT OUT_DIR
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [base, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const PASSWORD = "gongshi-demo-2026";
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};
const ID_NUMBER = /[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]/;
const moderate = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// axe-core over the page as it is: the console's CSP forbids injected scripts, so this one
// browser context bypasses it for the check only (the pages' own behaviour is tested with the
// policy on, in the other contexts).
async function axe(page, name) {
  const url = page.url();
  const ctx = await browser.newContext({ bypassCSP: true, locale: "zh-CN", storageState: await page.context().storageState() });
  const p = await ctx.newPage();
  await p.goto(url);
  await p.addScriptTag({ content: AXE });
  const result = await p.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  await ctx.close();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of result.violations.filter((v) => v.impact === "moderate" || v.impact === "minor")) {
    moderate.push(`${name}: ${v.id} (${v.impact}, ${v.nodes.length})`);
  }
  check(bad.length === 0, `axe: ${name} has no serious or critical violation` +
        (bad.length ? ` (${bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`).join("; ")})` : ""));
}

async function signIn(name) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // A form answered 422 with its errors is a page like any other (Chromium logs its status).
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("status of 422")) errors.push(m.text());
  });
  // A step that cannot be undone asks to be confirmed: the user says yes.
  page.on("dialog", (d) => d.accept());
  page.errors = errors;
  await page.goto(`${base}/console/`);
  check(page.url().includes("/console/login"), `${name}: a stranger is sent to the sign-in page`);
  await page.getByLabel("账号名").fill(name);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.getByRole("heading", { name: /今日待办/ }).waitFor();
  return page;
}

let decisionNumber = "";
try {
  // The sign-in page itself.
  {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    await page.goto(`${base}/console/login`);
    await page.screenshot({ path: `${out}/console-login.png`, fullPage: true });
    await axe(page, "sign-in");
    await page.close();
  }

  // The clerk.
  const clerk = await signIn("demo-clerk");
  await clerk.screenshot({ path: `${out}/console-today-clerk.png`, fullPage: true });
  check(await clerk.getByRole("heading", { name: /我的草稿/ }).isVisible(), "the clerk's Today page lists its drafts");
  await axe(clerk, "Today (clerk)");
  await clerk.getByRole("link", { name: "处罚决定", exact: true }).click();
  await clerk.getByRole("heading", { name: "处罚决定" }).waitFor();
  await axe(clerk, "decisions list");
  await clerk.getByRole("link", { name: "登记处罚决定" }).click();
  await clerk.getByRole("heading", { name: "登记处罚决定" }).waitFor();

  // Fields that do not apply are hidden until they do.
  const fine = clerk.getByLabel("罚款金额（元）");
  check(!(await fine.isVisible()), "the fine's field is hidden until 罚款 is ticked");
  await clerk.getByLabel("自然人").check();
  await clerk.getByLabel("当事人名称或姓名").fill("欧阳明华");
  await clerk.getByLabel("证件类型（不公示）").selectOption("resident_id_card");
  await clerk.getByLabel("证件号码（不公示）").fill("11010519491231002X");
  await clerk.getByLabel("住所（不公示）").fill("兴庆区示例路1号");
  await clerk.getByLabel("违法行为类型").fill("无证从事营业性演出");
  await clerk.getByLabel("违法事实").fill("当事人未取得营业性演出许可证，擅自举办营业性演出。");
  await clerk.getByLabel("处罚依据").fill("《营业性演出管理条例》第四十三条");
  await clerk.getByLabel("罚款", { exact: true }).check();
  check(await fine.isVisible(), "ticking 罚款 shows the fine's field");
  await clerk.getByLabel("处罚内容").fill("罚款人民币五千元");
  await fine.fill("5000元");
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await clerk.getByLabel("处罚决定日期").fill(today);
  await clerk.getByLabel("处罚决定日期").dispatchEvent("change");
  await clerk.locator("#deadline").filter({ hasText: "公示期限：2" }).waitFor();
  check(true, "the publication deadline is shown as soon as the date is entered");
  const officers = clerk.locator("input[type=checkbox][name=case_officers]");
  check((await officers.count()) >= 2, `eligible officers are offered (${await officers.count()})`);
  await officers.nth(0).check();
  await officers.nth(1).check();
  await clerk.getByLabel("内部备注（不公示）").fill("内部备注：演示");
  await clerk.screenshot({ path: `${out}/console-form.png`, fullPage: true });
  await clerk.getByRole("button", { name: "保存为草稿" }).click();
  const amountError = clerk.locator("#fine_yuan-error");
  await amountError.waitFor();
  check((await amountError.innerText()).includes("不是以元为单位的金额"), "the amount's error is next to its field");
  check((await fine.getAttribute("aria-describedby")).includes("fine_yuan-error"), "the field points at its error");
  await clerk.screenshot({ path: `${out}/console-form-error.png`, fullPage: true });
  await axe(clerk, "new decision form with an error");
  await fine.fill("5000");
  await clerk.getByRole("button", { name: "保存为草稿" }).click();
  await clerk.getByText("已保存为草稿").waitFor();
  decisionNumber = (await clerk.locator("h1").innerText()).split(" ")[0];
  check(/〔\d{4}〕\d+号/.test(decisionNumber), `the draft has its number (${decisionNumber})`);
  check((await clerk.getByRole("button", { name: "审核通过" }).count()) === 0, "a clerk's record page offers no approve button");
  await axe(clerk, "a decision (clerk)");
  await clerk.getByRole("button", { name: "提交审核" }).click();
  await clerk.getByText("已提交审核。").waitFor();
  await clerk.screenshot({ path: `${out}/console-record.png`, fullPage: true });

  // Importing a 双公示 file Excel saved in GBK: the check's table, then the import.
  await clerk.goto(`${base}/console/penalties/import`);
  await clerk.getByRole("heading", { name: "导入双公示文件" }).waitFor();
  await axe(clerk, "import");
  const header = "行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）,法定代表人,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,处罚内容,罚款金额（万元）,处罚决定日期\r\n";
  const row = (i, fine) => `银川导入测试${i}网吧,法人及非法人组织,91640181MA7GM1226D,王五,银文旅罚〔2025〕70${i}号,违规经营,经查,《互联网上网服务营业场所管理条例》,罚款,罚款,${fine},2025-06-1${i}\r\n`;
  const csv = header + row(1, "0.3") + row(2, "三千") + row(3, "0.3");
  await clerk.getByLabel("双公示 CSV 文件").setInputFiles({ name: "处罚信息.csv", mimeType: "text/csv", buffer: Buffer.concat([Buffer.from([0xEF, 0xBB, 0xBF]), Buffer.from(csv, "utf8")]) });
  await clerk.getByRole("button", { name: "检查文件" }).click();
  await clerk.getByRole("heading", { name: /检查结果/ }).waitFor();
  const errorsTable = clerk.getByRole("table", { name: /有错误的行/ });
  check((await errorsTable.innerText()).includes("罚款金额（万元）"), "the check names the bad row's column in a table");
  check((await clerk.getByRole("table", { name: "导入后将会" }).innerText()).includes("UTF-8（带 BOM）"), "the check names the file's encoding");
  await clerk.screenshot({ path: `${out}/console-import-check.png`, fullPage: true });
  await axe(clerk, "import check");
  await clerk.getByLabel(/跳过上表中有错误的 1 行/).check();
  await clerk.getByRole("button", { name: "导入并提交审核" }).click();
  await clerk.getByText(/新增 2 条/).waitFor();
  check(await clerk.getByText("新增的决定已提交审核").isVisible(), "the import submits its decisions for review");
  await clerk.screenshot({ path: `${out}/console-import-done.png`, fullPage: true });
  check(clerk.errors.length === 0, `no script error on the clerk's pages ${clerk.errors.join("; ")}`);

  // The reviewer.
  const reviewer = await signIn("demo-reviewer");
  await reviewer.screenshot({ path: `${out}/console-today.png`, fullPage: true });
  await axe(reviewer, "Today (reviewer)");
  await reviewer.getByRole("link", { name: decisionNumber }).first().click();
  await reviewer.getByRole("link", { name: "预览公示效果" }).click();
  await reviewer.getByRole("heading", { name: /公示预览/ }).waitFor();
  const preview = await reviewer.locator("main").innerText();
  check(!ID_NUMBER.test(preview), "the preview shows no ID number");
  check(!preview.includes("兴庆区示例路1号") && !preview.includes("内部备注：演示"), "the preview shows no address and no internal note");
  check(preview.includes("欧阳**") && !preview.includes("欧阳明华"), "the preview masks the name");
  await reviewer.screenshot({ path: `${out}/console-preview.png`, fullPage: true });
  await axe(reviewer, "preview");
  await reviewer.getByRole("link", { name: "返回决定" }).click();
  await reviewer.getByRole("button", { name: "审核通过" }).click();
  await reviewer.getByText("已审核通过。").waitFor();
  await reviewer.getByRole("button", { name: "公示", exact: true }).click();
  await reviewer.getByText("已公示。").waitFor();
  check(true, "the reviewer approved and published it");

  // The large-text switch.
  await reviewer.getByRole("link", { name: "大字" }).click();
  const size = await reviewer.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  check(size === "20px", `大字 enlarges the text (${size})`);
  await reviewer.screenshot({ path: `${out}/console-large-text.png`, fullPage: true });
  check(reviewer.errors.length === 0, `no script error on the reviewer's pages ${reviewer.errors.join("; ")}`);

  // The public API shows it.
  const r = await fetch(`${base}/api/v1/public/penalties?q=${encodeURIComponent(decisionNumber)}`);
  const body = await r.json();
  check(body.items?.some((i) => i.decision_number === decisionNumber && i.party_name === "欧阳**"),
        "the public API shows the published decision, the name masked");
  // Newest decision date first: today's decision heads the public list and the widget.
  const latest = await (await fetch(`${base}/api/v1/public/penalties?limit=3`)).json();
  check(latest.items?.[0]?.decision_number === decisionNumber, "the public list shows it first");
  check(Number.isInteger(latest.total) && latest.total >= 1 && typeof latest.total_exact === "boolean",
        `the public list says how many it holds (total ${latest.total})`);
  {
    const portal = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    await portal.goto(`${base}/embed/demo.html`);
    const first = portal.locator(".gongshi-penalties li").first();
    await first.waitFor();
    check((await first.innerText()).includes(decisionNumber), "the widget shows it first");
    const status = await portal.locator(".gongshi-penalties [role=status]").first().innerText();
    check(status === (latest.total_exact ? `共 ${latest.total} 条` : `${latest.total} 条以上`),
          `the widget shows the total (${status})`);
    await portal.close();
  }

  // The directory (issue 29): a two-character search, then an entity's page with its history.
  await reviewer.goto(`${base}/console/entities`);
  await reviewer.getByLabel("名称中的字或统一社会信用代码").fill("华轩");
  await reviewer.getByRole("button", { name: "查找" }).click();
  const entityLink = reviewer.getByRole("link", { name: /华轩/ }).first();
  await entityLink.waitFor();
  await axe(reviewer, "directory search");
  await entityLink.click();
  await reviewer.getByRole("heading", { name: "变更记录" }).waitFor();
  check(await reviewer.getByText("统一社会信用代码").first().isVisible(), "an entity's page shows its fields");
  await reviewer.screenshot({ path: `${out}/console-entity.png`, fullPage: true });
  await axe(reviewer, "an entity");

  // The roster (issue 29, admin): certificates' standing in words, an inspector's page.
  const admin = await signIn("demo-admin");
  await admin.getByRole("link", { name: "执法人员名录" }).click();
  await admin.getByRole("heading", { name: "执法检查人员名录" }).waitFor();
  await axe(admin, "roster");
  await admin.locator("tbody a").first().click();
  await admin.getByRole("heading", { name: "回避申报（不公示）" }).waitFor();
  await admin.screenshot({ path: `${out}/console-inspector.png`, fullPage: true });
  await axe(admin, "an inspector");
  check(admin.errors.length === 0, `no script error on the admin's pages ${admin.errors.join("; ")}`);

  // A tablet, and a laptop's text at 200 % (1280 px / 2): every console page reflows without
  // sideways scrolling, in 大字 too.
  for (const [label, width] of [["tablet", 768], ["200% zoom", 640]]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale: "zh-CN",
                                           storageState: await reviewer.context().storageState() });
    const p = await ctx.newPage();
    for (const path of ["/console/", "/console/penalties", "/console/penalties/new", "/console/penalties/import",
                        "/console/entities?q=%E5%8D%8E%E8%BD%A9"]) {
      await p.goto(`${base}${path}`);
      const over = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      check(over <= 1, `${label}: ${path} needs no sideways scrolling (${over} px over)`);
    }
    await p.screenshot({ path: `${out}/console-${width}px.png`, fullPage: true });
    await ctx.close();
  }
} finally {
  await browser.close();
}
console.log(`axe moderate or minor findings: ${moderate.length}${moderate.length ? ": " + moderate.join("; ") : ""}`);
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log(`console browser test: all checks passed; screenshots in ${out}`);
