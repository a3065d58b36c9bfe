/*! gongshi 行政处罚决定公示 widget, v1. No dependencies.
 *
 * One tag on a portal's page:
 *   <script src="https://HOST/embed/v1/penalties.js" data-authority-id="1" data-lang="zh-CN"></script>
 * renders, right after the tag, a search box and a paginated list of published penalty decisions
 * with a details view. Everything lives in a shadow root: the host page's styles do not reach in
 * and the widget's do not leak out. Data is written with textContent only, never as HTML.
 * Requests are plain GETs, so the browser's HTTP cache revalidates them with the API's ETag
 * (If-None-Match, 304) and reuses them within Cache-Control's max-age.
 *
 * Attributes: data-authority-id (only that 处罚机关's decisions), data-lang (zh-CN, default, or
 * en), data-page-size (1..100, default 10), data-api (the API's origin; default: the script's),
 * data-large-text ("true": start in large text, 适老化). A visitor switches large text with the
 * widget's own button; the choice is kept in this browser (localStorage) for this portal.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var TEXT = {
    "zh-CN": {
      title: "行政处罚决定公示", label: "当事人名称或决定书文号", placeholder: "名称中的字、信用代码或文号，如“星光”",
      search: "查询", prev: "上一页", next: "下一页", details: "查看详情", close: "返回列表",
      loading: "正在查询…", empty: "没有找到符合条件的公示信息。", failed: "查询失败，请稍后再试。",
      withdrawn: "已撤销", reason: "撤销原因", withdrawnOn: "撤销日期",
      page: "第 {n} 页", pageOf: "第 {n} / {m} 页", count: "共 {n} 条", countAtLeast: "{n} 条以上", large: "大字", normal: "标准字号",
      nameHint: "自然人的姓名按规定只公示姓氏（如“欧阳**”），用全名查不到：请用姓氏加单位名称、统一社会信用代码或决定书文号查询。",
      f: { party_name: "当事人名称", party_kind_label: "当事人类别", party_credit_code: "统一社会信用代码",
           legal_representative: "法定代表人", decision_number: "行政处罚决定书文号",
           violation_type: "违法行为类型", facts: "违法事实", legal_basis: "处罚依据",
           penalty_types: "处罚类别", content: "处罚内容", fine_yuan: "罚款金额（元）",
           confiscation_yuan: "没收违法所得、非法财物金额（元）", licence_affected: "暂扣或吊销证照",
           decision_date: "处罚决定日期", authority: "处罚机关", published_on: "公示日期",
           publicity_end: "公示截止日期" }
    },
    en: {
      title: "Administrative penalty decisions", label: "Party name or decision number",
      placeholder: "Part of a name, a credit code or a number", search: "Search", prev: "Previous", next: "Next",
      details: "Details", close: "Back to the list", loading: "Searching…",
      empty: "No published decision matches.", failed: "The search failed; try again later.",
      withdrawn: "Withdrawn", reason: "Reason",
      withdrawnOn: "Withdrawn on", page: "Page {n}", pageOf: "Page {n} of {m}", count: "{n} in all", countAtLeast: "more than {n}",
      large: "Large text", normal: "Normal text",
      nameHint: "A natural person's name is published as the surname only (such as 欧阳**): search by the surname with a business name, a credit code or a decision number.",
      f: { party_name: "Party", party_kind_label: "Party kind", party_credit_code: "Credit code",
           legal_representative: "Legal representative", decision_number: "Decision number",
           violation_type: "Violation", facts: "Facts", legal_basis: "Legal basis",
           penalty_types: "Penalty types", content: "Penalty", fine_yuan: "Fine (CNY)",
           confiscation_yuan: "Confiscation (CNY)", licence_affected: "Licence affected",
           decision_date: "Decision date", authority: "Authority", published_on: "Published on",
           publicity_end: "Shown until" }
    }
  };
  var lang = TEXT[script.getAttribute("data-lang")] ? script.getAttribute("data-lang") : "zh-CN";
  var t = TEXT[lang];
  var api = script.getAttribute("data-api") || new URL(script.src, document.baseURI).origin;
  var authority = script.getAttribute("data-authority-id");
  var size = parseInt(script.getAttribute("data-page-size") || "10", 10);
  if (!(size >= 1 && size <= 100)) { size = 10; }

  var host = document.createElement("div");
  host.className = "gongshi-penalties";
  script.parentNode.insertBefore(host, script.nextSibling);
  var root = host.attachShadow({ mode: "open" });

  var style = document.createElement("style");
  style.textContent =
    ":host{all:initial;display:block;contain:content;font:16px/1.6 system-ui,-apple-system," +
    "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1f2328}" +
    "*{box-sizing:border-box}" +
    ".w{border:1px solid #d0d7de;border-radius:6px;padding:1rem;background:#fff;max-width:48rem}" +
    "h2{font-size:1.15em;margin:0 0 .75rem;color:#9a1b1b}" +
    "form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}" +
    "label{flex:1 1 100%;font-size:.9em;color:#57606a}" +
    "input{flex:1 1 12rem;min-width:0;font:inherit;padding:.5rem .6rem;border:1px solid #8c959f;border-radius:4px}" +
    "button{font:inherit;padding:.45rem 1rem;border-radius:4px;border:1px solid #9a1b1b;" +
    "background:#9a1b1b;color:#fff;cursor:pointer;min-height:2.5rem}" +
    "button.s{background:#fff;color:#9a1b1b}button:disabled{opacity:.45;cursor:default}" +
    "button:focus-visible,input:focus-visible,h3:focus-visible{outline:3px solid #0969da;outline-offset:2px}" +
    "ul{list-style:none;margin:1rem 0 0;padding:0}" +
    "li{border-top:1px solid #eaeef2;padding:.6rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}" +
    ".n{font-weight:600;flex:1 1 14rem}.m{color:#57606a;font-size:.9em;flex:1 1 12rem}" +
    ".x{color:#9a1b1b;font-weight:600}" +
    ".p{display:flex;gap:.5rem;align-items:center;margin-top:.75rem;flex-wrap:wrap}" +
    ".st{color:#57606a;font-size:.9em;margin:.75rem 0 0}" +
    "dl{display:grid;grid-template-columns:minmax(7rem,11rem) 1fr;gap:.35rem 1rem;margin:.75rem 0}" +
    "dt{color:#57606a}dd{margin:0;word-break:break-word}" +
    "h3{font-size:1.05em;margin:.25rem 0}" +
    "@media (max-width:30rem){dl{grid-template-columns:1fr}dt{font-weight:600}dd{margin-bottom:.4rem}}" +
    "[hidden]{display:none!important}" +
    ".w.big{font-size:20px}.top{display:flex;justify-content:space-between;align-items:flex-start;gap:.5rem}" +
    ".hint{color:#57606a;font-size:.9em;margin:.5rem 0 0}";
  root.appendChild(style);

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) { e.setAttribute(k, attrs[k]); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fmt(s, n, m) { return s.replace("{n}", String(n)).replace("{m}", String(m)); }

  var box = el("section", { "class": "w", "aria-label": t.title, lang: lang });
  var heading = el("h2", {}, t.title);
  // 大字: the portal's choice (data-large-text), then the visitor's, kept in this browser.
  var bigKey = "gongshi-large-text";
  var stored = null;
  try { stored = window.localStorage.getItem(bigKey); } catch (e) { stored = null; }
  var big = stored !== null ? stored === "1" : script.getAttribute("data-large-text") === "true";
  var bigButton = el("button", { type: "button", "class": "s", "aria-pressed": String(big) }, t.large);
  function applyBig() {
    box.classList.toggle("big", big);
    bigButton.setAttribute("aria-pressed", String(big));
  }
  bigButton.addEventListener("click", function () {
    big = !big;
    try { window.localStorage.setItem(bigKey, big ? "1" : "0"); } catch (e) { /* private mode */ }
    applyBig();
  });
  var top = el("div", { "class": "top" });
  top.appendChild(heading); top.appendChild(bigButton);
  var form = el("form", { role: "search" });
  var inputId = "q" + Math.random().toString(36).slice(2);
  var label = el("label", { "for": inputId }, t.label);
  var input = el("input", { id: inputId, type: "search", name: "q", placeholder: t.placeholder,
                            autocomplete: "off", enterkeyhint: "search" });
  var go = el("button", { type: "submit" }, t.search);
  form.appendChild(label); form.appendChild(input); form.appendChild(go);
  var status = el("p", { "class": "st", role: "status", "aria-live": "polite" });
  var list = el("ul", { "aria-label": t.title });
  var pager = el("div", { "class": "p" });
  var prev = el("button", { type: "button", "class": "s" }, t.prev);
  var next = el("button", { type: "button", "class": "s" }, t.next);
  var pageNo = el("span", { "class": "m" });
  pager.appendChild(prev); pager.appendChild(pageNo); pager.appendChild(next);
  var detail = el("div", { "class": "d", hidden: "" });
  var hint = el("p", { "class": "hint", hidden: "" }, t.nameHint);
  box.appendChild(top); box.appendChild(form); box.appendChild(status); box.appendChild(hint);
  box.appendChild(list); box.appendChild(pager); box.appendChild(detail);
  root.appendChild(box);
  applyBig();

  // A query that looks like a person's full name: two to four Chinese characters beginning with
  // a surname, compound surnames included. The public list shows such a name masked, so the
  // widget says why the name found nothing.
  var SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
  var COMPOUND = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯"];
  function looksLikeName(q) {
    if (!/^[\u4e00-\u9fff]{2,4}$/.test(q)) { return false; }
    return COMPOUND.some(function (c) { return q.indexOf(c) === 0 && q.length > 2; }) ||
      (SURNAMES.indexOf(q[0]) >= 0 && q.length <= 3);
  }

  // cursors[i] is the cursor of page i (page 0 has none).
  var state = { q: "", cursors: [null], page: 0, nextCursor: null, lastButton: null };

  function url(path, params) {
    var u = new URL(path, api);
    for (var k in params) { if (params[k] !== null && params[k] !== undefined && params[k] !== "") { u.searchParams.set(k, params[k]); } }
    return u.toString();
  }
  function getJson(u) {
    return fetch(u, { headers: { Accept: "application/json", "Accept-Language": lang },
                      credentials: "omit" }).then(function (r) {
      if (r.ok) { return r.json(); }
      // A refused query (400) says why, in the API's own words; anything else is a failure.
      return r.json().catch(function () { return {}; }).then(function (p) {
        var why = r.status === 400 && p && ((p.errors && p.errors[0] && p.errors[0].message) || p.detail);
        var e = new Error(String(r.status));
        e.said = why || null;
        throw e;
      });
    });
  }

  function load() {
    status.textContent = t.loading;
    var params = { q: state.q, limit: size, authority_id: authority, cursor: state.cursors[state.page] };
    return getJson(url("/api/v1/public/penalties", params)).then(function (page) {
      render(page.items || []);
      state.nextCursor = page.next_cursor || null;
      prev.disabled = state.page === 0;
      next.disabled = !state.nextCursor;
      // total: exact, or a lower bound when total_exact is false (the API stops counting).
      var total = typeof page.total === "number" ? page.total : null;
      var pages = total !== null && page.total_exact ? Math.max(1, Math.ceil(total / size)) : null;
      pageNo.textContent = pages ? fmt(t.pageOf, state.page + 1, pages) : fmt(t.page, state.page + 1);
      status.textContent = !(page.items || []).length ? t.empty
        : total === null ? ""
        : fmt(page.total_exact ? t.count : t.countAtLeast, total);
      hint.hidden = !((page.items || []).length === 0 && looksLikeName(state.q));
    }, function (e) {
      list.textContent = ""; hint.hidden = true;
      status.textContent = e.said || t.failed; next.disabled = true; prev.disabled = true;
    });
  }

  function render(items) {
    list.textContent = "";
    items.forEach(function (it) {
      var li = el("li");
      li.appendChild(el("span", { "class": "n" }, it.party_name || it.decision_number));
      var meta = [it.decision_number];
      if (it.state === "withdrawn") {
        li.appendChild(el("span", { "class": "x" }, t.withdrawn));
      } else {
        meta.push((it.penalty_types || []).map(function (p) { return p.label; }).join("、"));
        meta.push(it.decision_date);
      }
      meta.push(it.authority);
      li.appendChild(el("span", { "class": "m" }, meta.filter(Boolean).join(" · ")));
      var b = el("button", { type: "button", "class": "s", "aria-label": t.details + "：" + it.decision_number }, t.details);
      b.addEventListener("click", function () { state.lastButton = b; showDetail(it.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function row(dl, key, value) {
    if (value === null || value === undefined || value === "") { return; }
    dl.appendChild(el("dt", {}, t.f[key] || key));
    dl.appendChild(el("dd", {}, value));
  }

  function showDetail(id) {
    status.textContent = t.loading;
    getJson(url("/api/v1/public/penalties/" + encodeURIComponent(id), {})).then(function (d) {
      detail.textContent = "";
      var h = el("h3", { tabindex: "-1" }, d.party_name || d.decision_number);
      var dl = el("dl");
      if (d.state === "withdrawn") {
        row(dl, "decision_number", d.decision_number);
        dl.appendChild(el("dt", {}, t.withdrawnOn)); dl.appendChild(el("dd", {}, d.withdrawn_on));
        dl.appendChild(el("dt", {}, t.reason)); dl.appendChild(el("dd", {}, d.withdrawal_reason));
        row(dl, "authority", d.authority);
      } else {
        ["party_name", "party_kind_label", "party_credit_code", "legal_representative",
         "decision_number", "violation_type", "facts", "legal_basis"].forEach(function (k) { row(dl, k, d[k]); });
        row(dl, "penalty_types", (d.penalty_types || []).map(function (p) { return p.label; }).join("、"));
        ["content", "fine_yuan", "confiscation_yuan", "licence_affected", "decision_date",
         "authority", "published_on", "publicity_end"].forEach(function (k) { row(dl, k, d[k]); });
      }
      var back = el("button", { type: "button", "class": "s" }, t.close);
      back.addEventListener("click", closeDetail);
      detail.appendChild(h); detail.appendChild(dl); detail.appendChild(back);
      list.hidden = true; pager.hidden = true; detail.hidden = false;
      status.textContent = "";
      h.focus();
    }, function () { status.textContent = t.failed; });
  }

  function closeDetail() {
    detail.hidden = true; list.hidden = false; pager.hidden = false;
    if (state.lastButton) { state.lastButton.focus(); }
  }
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !detail.hidden) { e.preventDefault(); closeDetail(); }
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    state.q = q; state.cursors = [null]; state.page = 0;
    closeDetail(); load();
  });
  next.addEventListener("click", function () {
    if (!state.nextCursor) { return; }
    state.page += 1; state.cursors[state.page] = state.nextCursor; load();
  });
  prev.addEventListener("click", function () {
    if (state.page === 0) { return; }
    state.page -= 1; load();
  });
  load();
})();
