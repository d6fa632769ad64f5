/*
 * The self-assessment sheet (templates/scoring/sheet/sheet.html), on <form data-sheet-form>:
 *   - asks before leaving the page with unsaved changes (not when the form itself is saved);
 *   - a "không áp dụng" box empties and disables its item's points or value (the server refuses
 *     both);
 *   - a link of the error banner puts the cursor in the field it names.
 * Evidence drop zones (the sheet, an item's evidence page, the answer to an explanation request),
 * on [data-evidence-drop] around an <input type="file" data-evidence-input>:
 *   - files dropped on the zone go into its input, as if picked;
 *   - with data-evidence-send (the sheet), picked or dropped files are sent at once: the input
 *     belongs to a hidden htmx form (form attribute), which swaps the item's block back.
 * Running totals and progress come from the server (htmx, sheet_preview): no scoring rule here.
 */
(function () {
  "use strict";

  function isEvidence(target) {
    return target && target.matches && target.matches("[data-evidence-input]");
  }

  function setUp(form) {
    var dirty = false;
    form.addEventListener("input", function (event) {
      if (!isEvidence(event.target)) { dirty = true; }
    });
    form.addEventListener("change", function (event) {
      if (!isEvidence(event.target)) { dirty = true; }
    });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    var boxes = form.querySelectorAll('input[type="checkbox"][name^="na-"]');
    Array.prototype.forEach.call(boxes, function (box) {
      // Points, or the measured value of an item scored by rule.
      var points =
        document.getElementById("id_self_points-" + box.name.slice(3)) ||
        document.getElementById("id_self_value-" + box.name.slice(3));
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

  function send(input) {
    if (input.hasAttribute("data-evidence-send") && input.files.length && input.form) {
      input.form.requestSubmit();
    }
  }

  function zoneOf(event) {
    return event.target.closest ? event.target.closest("[data-evidence-drop]") : null;
  }

  document.addEventListener("change", function (event) {
    if (isEvidence(event.target)) { send(event.target); }
  });
  // A file dropped beside a zone must not open in the tab (and lose what is typed).
  function pageHasZones() {
    return document.querySelector("[data-evidence-drop]") !== null;
  }

  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (zone) {
      event.preventDefault();
      zone.classList.add("is-dragover");
    } else if (pageHasZones()) {
      event.preventDefault();
      if (event.dataTransfer) { event.dataTransfer.dropEffect = "none"; }
    }
  });
  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) { zone.classList.remove("is-dragover"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) {
      if (pageHasZones()) { event.preventDefault(); }
      return;
    }
    event.preventDefault();
    zone.classList.remove("is-dragover");
    var input = zone.querySelector("[data-evidence-input]");
    if (input && event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      send(input);
    }
  });

  // A link of the error banner: scroll to the field and put the cursor in it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("#sheet-errors a[href^='#']") : null;
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (field && field.focus) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({block: "center"});
      history.replaceState(null, "", link.getAttribute("href"));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sheet-form]"), setUp);
  });
})();
