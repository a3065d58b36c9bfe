// The staff console's one script (issue 28): loaded from the console itself (the content-
// security policy allows no inline script); every page works without it.
"use strict";

// A step that cannot be undone (publish, withdraw, discard) asks to be confirmed.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  if (button && button.classList.contains("danger")) {
    if (!window.confirm("确定要" + button.textContent.trim() + "吗？此操作不能撤销。")) {
      event.preventDefault();
    }
  }
});

// The new-decision form: fields shown only when they apply (without the script all are shown),
// and the publication deadline as soon as the decision date is entered.
(function () {
  var form = document.querySelector("form.decision");
  if (!form) return;
  function checked(name) {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name='" + name + "']:checked"),
      function (i) { return i.value; });
  }
  function refresh() {
    var types = checked("penalty_types");
    form.querySelectorAll("[data-needs]").forEach(function (el) {
      var needs = el.getAttribute("data-needs").split(" ");
      var shown = needs.some(function (n) { return types.indexOf(n) >= 0; });
      var filled = Array.prototype.some.call(el.querySelectorAll("input"), function (i) { return i.value; });
      el.hidden = !shown && !filled;
    });
    var kind = checked("party_kind")[0];
    form.querySelectorAll("[data-for-kind]").forEach(function (el) {
      var filled = Array.prototype.some.call(el.querySelectorAll("input"), function (i) { return i.value; });
      el.hidden = el.getAttribute("data-for-kind").split(" ").indexOf(kind) < 0 && !filled;
    });
  }
  form.addEventListener("change", refresh);
  refresh();

  // Enter in a field saves (the form's first button re-lists the officers instead).
  var save = form.querySelector("button.primary");
  form.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "Enter" && save && t.tagName === "INPUT" && t.type !== "checkbox" && t.type !== "radio") {
      e.preventDefault();
      save.click();
    }
  });
  // The officers offered depend on the date and the party: say when they may no longer hold.
  var hint = form.querySelector("#officers-hint");
  ["#decision_date", "#party_credit_code"].forEach(function (sel) {
    var input = form.querySelector(sel);
    if (!input || !hint) return;
    input.addEventListener("change", function () {
      hint.textContent = "决定日期或当事人已改动：请点“按填写的决定日期和当事人重新列出执法人员”，再勾选执法人员。";
    });
  });

  var date = form.querySelector("#decision_date");
  var shown = form.querySelector("#deadline");
  if (!date || !shown) return;
  date.addEventListener("change", function () {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) return;
    var url = "/api/v1/calendar/add-workdays?rule=penalty_publication&provisional=true&from=" + date.value;
    fetch(url, { credentials: "omit" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (a) {
      if (!a) return;
      shown.textContent = "公示期限：" + a.date + "（7 个工作日内）" +
        (a.provisional ? "，暂定：所需年份的节假日安排尚未载入" : "");
    }).catch(function () {});
  });
})();
