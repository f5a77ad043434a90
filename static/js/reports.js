// Monthly report pages. No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";

  // A submit button with data-confirm asks first (portal.js does the same for whole forms).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // The month picker on "my tasks" shows the chosen month at once.
  document.querySelectorAll("form[data-autosubmit] input[type=month]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.value) { input.form.submit(); }
    });
  });

  // Warn before leaving the report form with unsaved changes.
  var form = document.querySelector("form[data-warn-unsaved]");
  if (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  // Refuse a too-large attachment before it is sent (the server checks again).
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () {
      var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
      var file = input.files && input.files[0];
      input.setCustomValidity("");
      if (file && file.size > limit) {
        input.setCustomValidity("文件超过 " + Math.floor(limit / 1048576) + " MB，请压缩或拆分后再上传。");
        input.reportValidity();
        input.value = "";
      }
    });
  });
})();
