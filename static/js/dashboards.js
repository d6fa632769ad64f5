/*
 * Dashboards: small behaviours on top of portal.js and charts.js (no inline scripts).
 *
 *   <form data-autosubmit>   submits itself when one of its <select>s changes (the year and
 *                            group pickers); its submit button stays for use without JS.
 *   Tabs of the overview     keep the address in step with the open tab (?group=…), so that a
 *                            link copied or a page printed shows the same group.
 *   Charts in hidden tabs    are resized when their tab is shown.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.tagName === "SELECT" && target.form && target.form.hasAttribute("data-autosubmit")) {
      if (typeof target.form.requestSubmit === "function") {
        target.form.requestSubmit();
      } else {
        target.form.submit();
      }
    }
  });

  document.addEventListener("shown.bs.tab", function (event) {
    var link = event.target;
    var href = link.getAttribute("href");
    if (href && href.charAt(0) === "?" && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", href);
    }
    var pane = document.querySelector(link.getAttribute("data-bs-target"));
    if (pane && window.Chart) {
      Array.prototype.forEach.call(pane.querySelectorAll("canvas"), function (canvas) {
        var chart = window.Chart.getChart(canvas);
        if (chart) {
          chart.resize();
        }
      });
    }
  });
})();
