/*
 * The self-assessment sheet (templates/scoring/sheet/sheet.html), on <form data-sheet-form>:
 *   - asks before leaving the page with unsaved changes (not when the form itself is saved);
 *   - a "không áp dụng" box empties and disables its item's points (the server refuses both).
 * Running totals come from the server (htmx, sheet_preview): no scoring rule is written here.
 */
(function () {
  "use strict";

  function setUp(form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    var boxes = form.querySelectorAll('input[type="checkbox"][name^="na-"]');
    Array.prototype.forEach.call(boxes, function (box) {
      var points = document.getElementById("id_self_points-" + box.name.slice(3));
      if (!points) {
        return;
      }
      function sync() {
        if (box.checked) {
          points.value = "";
        }
        points.disabled = box.checked;
      }
      box.addEventListener("change", sync);
      sync();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sheet-form]"), setUp);
  });
})();
