// OpenLGSP console: the only script of its own (the Content-Security-Policy allows no inline one).
// Draws each element with a data-chart attribute from the JSON that attribute names.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    fetch(el.getAttribute("data-chart"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var chart = echarts.init(el, null, { renderer: "svg" });
        chart.on("finished", function () { el.setAttribute("data-rendered", "true"); });
        chart.setOption({
          animation: false,
          tooltip: {},
          legend: { itemGap: 24, top: 0 },
          grid: { top: 40 },
          xAxis: { type: "category", data: data.labels },
          yAxis: { type: "value", minInterval: 1 },
          series: data.series.map(function (s) {
            return { name: s.name, type: data.type || "bar", data: s.data };
          })
        });
        el.setAttribute("data-points", String(data.series.reduce(function (n, s) {
          return n + s.data.reduce(function (a, b) { return a + b; }, 0); }, 0)));
      });
  });
});

// A file input with data-fills="<textarea id>" puts the chosen file's text in that textarea
// (the trust anchor import: the form posts the PEM text, no multipart upload).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[type=file][data-fills]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.getAttribute("data-fills"));
      if (!target || !input.files || input.files.length === 0) { return; }
      input.files[0].text().then(function (text) { target.value = text; });
    });
  });
});
