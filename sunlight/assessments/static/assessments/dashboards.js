/* Sunlight dashboards: draw each chart from the option the server wrote with json_script.
   No inline script (the CSP forbids it): this file runs after the vendored ECharts. The tables
   below the charts carry the same figures for screen readers and browsers without JavaScript. */
(function () {
  "use strict";

  function draw() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var drawn = [];
    document.querySelectorAll(".chart[data-option]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-option"));
      if (!source) {
        return;
      }
      var option = JSON.parse(source.textContent);
      // Tooltips drawn inside the chart: HTML tooltips would need inline styles.
      option.tooltip = Object.assign({ renderMode: "richText" }, option.tooltip || {});
      option.animation = false;
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(option);
      element.setAttribute("data-rendered", "true");
      drawn.push(chart);
      var card = element.closest(".chart-card");
      var table = card ? card.querySelector("details.chart-table") : null;
      if (table) {
        table.open = false;
      }
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) {
        chart.resize();
      });
    });
  }

  function autosubmit() {
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.name === "quarter" && select.value) {
          // A quarter replaces the dates.
          select.form.querySelectorAll("input[type=date]").forEach(function (input) {
            input.disabled = true;
          });
        }
        select.form.submit();
      });
    });
    document.querySelectorAll("form[data-autosubmit] input[type=date]").forEach(function (input) {
      input.addEventListener("change", function () {
        var quarter = input.form.querySelector("select[name=quarter]");
        if (quarter) {
          quarter.value = "";
        }
      });
    });
  }

  function start() {
    draw();
    autosubmit();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
