// The widget in a real browser: headless Debian Chromium (playwright-core, no browser download)
// loads /embed/demo.html from a server with the demo data, types a two-character Chinese query,
// checks the results and one details view, that no ID number is on the page, that the portal's
// hostile styles neither reach the widget nor are changed by it, and the keyboard path; saves
// screenshots (desktop and phone) under the given directory.
//
//   node widget.test.mjs http://127.0.0.1:PORT OUT_DIR
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [base, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};
// A 身份证 number: 6-digit region, a 19xx/20xx birth date, 3 digits and a check character.
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const ID_NUMBER = /[1-9]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]/;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("response", (r) => {
    // A browser asks for /favicon.ico by itself; the service has none.
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${base}/embed/demo.html`);

  const widget = page.locator(".gongshi-penalties");
  const input = widget.getByLabel("当事人名称或决定书文号");
  await input.waitFor();
  // The first page lists the latest decisions before any query.
  await widget.locator("li").first().waitFor();
  check(await widget.getByRole("heading", { name: "行政处罚决定公示" }).isVisible(), "the widget's heading is shown");

  // Keyboard only: focus the box, type, press Enter.
  await input.focus();
  await page.keyboard.type("银川");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => {
    const root = document.querySelector(".gongshi-penalties").shadowRoot;
    const st = root.querySelector("[role=status]").textContent;
    return st.startsWith("共") || st.endsWith("条以上") || st.startsWith("没有");
  });
  const items = widget.locator("li");
  const n = await items.count();
  check(n > 0 && n <= 5, `a two-character query lists results (${n} on the first page)`);
  const texts = await items.allInnerTexts();
  check(texts.every((t) => t.includes("银川")), "every result matches 银川");
  {
    // 共 N 条 is the API's own count of the whole list, and the list is newest date first.
    const api = await page.evaluate(async (u) => (await fetch(u)).json(),
      `${base}/api/v1/public/penalties?q=${encodeURIComponent("银川")}&limit=5`);
    const st = await widget.locator("[role=status]").first().innerText();
    check(st === (api.total_exact ? `共 ${api.total} 条` : `${api.total} 条以上`), `the widget shows the API's total (${st})`);
    const dates = texts.map((t) => (t.match(/\d{4}-\d{2}-\d{2}/) || [""])[0]).filter(Boolean);
    check(dates.every((d, i) => i === 0 || dates[i - 1] >= d), `newest decision date first (${dates.join(", ")})`);
  }
  check(texts.every((t) => /罚〔\d{4}〕\d+号/.test(t)), "every result shows its decision number");

  // Paging forward and back.
  const next = widget.getByRole("button", { name: "下一页" });
  check(await next.isEnabled(), "there is a next page");
  {
    const first = texts[0];
    await next.click();
    await widget.getByText(/^第 2( \/ \d+)? 页$/).waitFor();
    check((await items.first().innerText()) !== first, "the next page shows other decisions");
    await widget.getByRole("button", { name: "上一页" }).click();
    await widget.getByText(/^第 1( \/ \d+)? 页$/).waitFor();
    check((await items.first().innerText()) === first, "the previous page is the first again");
  }

  // A details view, opened from the keyboard.
  const detailsButton = items.first().getByRole("button");
  await detailsButton.focus();
  await page.keyboard.press("Enter");
  const dl = widget.locator("dl");
  await dl.waitFor();
  const detail = await dl.innerText();
  check(detail.includes("行政处罚决定书文号") && detail.includes("处罚内容") && detail.includes("处罚机关"),
        "the details view lists the decision's public fields");
  check(await page.evaluate(() =>
    document.querySelector(".gongshi-penalties").shadowRoot.activeElement?.tagName === "H3"),
    "focus moves to the details heading");
  await page.screenshot({ path: `${out}/widget-detail.png`, fullPage: true });

  // Nothing private anywhere on the rendered page, shadow root included.
  const allText = await page.evaluate(() =>
    document.body.innerText + "\n" + document.querySelector(".gongshi-penalties").shadowRoot.textContent);
  check(!ID_NUMBER.test(allText), "no ID number appears on the page");
  check(!allText.includes("内部备注") && !allText.includes("示例巷"), "no internal note or address appears");

  // Escape returns to the list with focus on the button that opened the details.
  await page.keyboard.press("Escape");
  await items.first().waitFor();
  check(await page.evaluate(() =>
    document.querySelector(".gongshi-penalties").shadowRoot.activeElement?.textContent === "查看详情"),
    "Escape closes the details and focus returns to its button");

  // Style isolation, both ways.
  const searchBg = await widget.getByRole("button", { name: "查询" }).evaluate((b) => getComputedStyle(b).backgroundColor);
  check(searchBg === "rgb(154, 27, 27)", `the portal's button style does not reach the widget (${searchBg})`);
  const listStyle = await items.first().evaluate((li) => getComputedStyle(li).borderTopStyle);
  check(listStyle !== "dashed", "the portal's list style does not reach the widget");
  const hostH2 = await page.locator("article > h2").evaluate((h) => getComputedStyle(h).color);
  check(hostH2 === "rgb(0, 0, 128)", "the widget's styles do not change the portal's headings");
  await page.screenshot({ path: `${out}/widget.png`, fullPage: true });

  // A full personal name finds nothing (names are masked), and the widget says why.
  await input.fill("欧阳明华");
  await page.keyboard.press("Enter");
  const nameHint = widget.getByText("自然人的姓名按规定只公示姓氏");
  await nameHint.waitFor();
  check(await nameHint.isVisible(), "a full personal name gets the hint that names are masked");
  // One character is a query like any other, as the API takes it.
  await input.fill("星");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => {
    const st = document.querySelector(".gongshi-penalties").shadowRoot.querySelector("[role=status]").textContent;
    return st.startsWith("共") || st.endsWith("条以上") || st.startsWith("没有");
  });
  check(!(await nameHint.isVisible()), "the hint goes with the next query");
  // 大字: the visitor's switch, kept in this browser.
  const big = widget.getByRole("button", { name: "大字" });
  await big.click();
  const fontSize = await widget.locator("section").evaluate((s) => getComputedStyle(s).fontSize);
  check(fontSize === "20px" && (await big.getAttribute("aria-pressed")) === "true", `大字 enlarges the widget (${fontSize})`);
  await page.screenshot({ path: `${out}/widget-large-text.png`, fullPage: true });
  await page.reload();
  await widget.locator("li").first().waitFor();
  check(await widget.locator("section").evaluate((s) => getComputedStyle(s).fontSize) === "20px",
        "the large-text choice is kept after a reload");
  await widget.getByRole("button", { name: "大字" }).click();

  // axe-core over the demo page, the widget's shadow root included (colour contrast too).
  await page.addScriptTag({ content: AXE });
  const axe = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(serious.length === 0, "axe: the demo page and the widget have no serious or critical violation" +
        (serious.length ? ` (${serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`).join("; ")})` : ""));
  const lesser = axe.violations.filter((v) => !serious.includes(v));
  console.log(`axe moderate or minor findings on the demo page: ${lesser.length}${lesser.length ? ": " + lesser.map((v) => `${v.id} (${v.impact})`).join("; ") : ""}`);

  // On a phone: the widget fits the screen, nothing scrolls sideways.
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
  await phone.goto(`${base}/embed/demo.html`);
  await phone.locator(".gongshi-penalties li").first().waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `no sideways scrolling on a 390 px phone (overflow ${overflow} px)`);
  await phone.screenshot({ path: `${out}/widget-phone.png`, fullPage: true });

  check(errors.length === 0, `no script error on the page ${errors.join("; ")}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log(`browser test: all checks passed; screenshots in ${out}`);
