// The dashboard's trend chart. Data comes from the page through json_script (#trend-data):
// the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  function series(label, values, colour) {
    return {
      label: label,
      data: values,
      borderColor: colour,
      backgroundColor: colour,
      tension: 0.2,
      pointRadius: 3,
    };
  }
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        series(data.names.submission, data.submission, "#0d6efd"),
        series(data.names.on_time, data.on_time, "#198754"),
        series(data.names.acceptance, data.acceptance, "#a4161a"),
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        y: { min: 0, max: 100, ticks: { callback: function (value) { return value + "%"; } } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: function (context) { return context.dataset.label + "：" + context.parsed.y + "%"; },
          },
        },
      },
    },
  });
})();
