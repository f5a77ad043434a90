// Red/black list pages: the progress bar of an import or a background export polls the job's
// status until it finishes, then reloads the page to show the result.
(function () {
  "use strict";
  var box = document.getElementById("import-progress") || document.getElementById("export-progress");
  if (!box) {
    return;
  }
  var countLabel = box.getAttribute("data-count-label") || "已检查";
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("[data-role=bar]");
  var count = box.querySelector("[data-role=count]");
  var status = box.querySelector("[data-role=status]");
  var progress = box.querySelector("[role=progressbar]");

  function show(data) {
    bar.style.width = data.percent + "%";
    bar.textContent = data.percent + "%";
    progress.setAttribute("aria-valuenow", String(data.percent));
    status.textContent = data.status_display;
    count.textContent = countLabel + " " + data.processed + " / " + data.total + " 行";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  bar.style.width = (progress.getAttribute("aria-valuenow") || "0") + "%";
  window.setTimeout(poll, 500);
})();
