// Small behaviours shared by every page. No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";
  // Forms with data-confirm ask before submitting (e.g. returning a report).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
