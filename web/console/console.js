// The staff console's one script (issue 28): loaded from the console itself (the content-
// security policy allows no inline script); every page works without it.
"use strict";
document.addEventListener("submit", function (event) {
  // A step that cannot be undone (publish, withdraw, discard) asks to be confirmed.
  var button = event.submitter;
  if (button && button.classList.contains("danger")) {
    if (!window.confirm("确定要" + button.textContent.trim() + "吗？此操作不能撤销。")) {
      event.preventDefault();
    }
  }
});
