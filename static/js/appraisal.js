/*
 * The appraisal sheet (templates/scoring/appraisal/sheet.html). Saving is htmx's (the form
 * posts in the background and the server swaps back the domains it saved, the progress, the
 * totals and a message: see _saved.html); this file only:
 *   - marks a domain "not saved" when one of its inputs changes (data-dirty on its <section>;
 *     a domain swapped back after its save comes without it), and shows it in the sticky bar;
 *   - asks before leaving the page while a domain holds changes not saved;
 *   - lets htmx swap the answer of a refused save (400: errors, 409: changed meanwhile), which
 *     shows the typed values again with their errors;
 *   - filters the items by the flags the server wrote on them or their explanations
 *     (data-differs, data-unappraised, data-open-request, data-new-evidence), hiding the
 *     others without taking them off the page (their typed values stay);
 *   - "select all" of a domain's items that may take the claimed points.
 * No scoring rule is written here.
 */
(function () {
  "use strict";

  var form = null;

  function domainOf(element) {
    return element.closest ? element.closest("section[data-domain]") : null;
  }

  function refreshUnsaved() {
    var note = document.querySelector("[data-unsaved-note]");
    if (note) {
      note.hidden = !document.querySelector("section[data-domain][data-dirty]");
    }
  }

  function markDirty(event) {
    var target = event.target;
    // The accept boxes and the question boxes belong to the form but are no points typed.
    if (!form || target.form !== form || target.hasAttribute("data-accept-box") ||
        target.hasAttribute("data-question")) {
      return;
    }
    var section = domainOf(target);
    if (section && !section.hasAttribute("data-dirty")) {
      section.setAttribute("data-dirty", "");
      var badge = section.querySelector("[data-dirty-note]");
      if (badge) {
        badge.hidden = false;
      }
      refreshUnsaved();
    }
  }

  function applyFilter() {
    var select = document.querySelector("[data-item-filter]");
    if (!select) {
      return;
    }
    var flag = select.value;
    var shown = 0;
    Array.prototype.forEach.call(document.querySelectorAll("section[data-domain]"), function (section) {
      var visible = 0;
      Array.prototype.forEach.call(section.querySelectorAll(".appraisal-item"), function (item) {
        // A flag on the item, or on its explanations (swapped after a request).
        var keep = !flag || item.hasAttribute("data-" + flag) ||
          item.querySelector("[data-" + flag + "]") !== null;
        item.hidden = !keep;
        visible += keep ? 1 : 0;
      });
      section.hidden = visible === 0;
      shown += visible;
    });
    var none = document.querySelector("[data-filter-none]");
    if (none) {
      none.hidden = shown > 0;
    }
  }

  function acceptAll(event) {
    var button = event.target.closest("[data-accept-all]");
    if (!button) {
      return;
    }
    var section = document.getElementById("domain-" + button.getAttribute("data-accept-all"));
    if (section) {
      Array.prototype.forEach.call(section.querySelectorAll("[data-accept-box]"), function (box) {
        if (!box.closest("[hidden]")) {
          box.checked = true;
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.querySelector("form[data-appraisal-form]");
    var select = document.querySelector("[data-item-filter]");
    if (select) {
      select.addEventListener("change", applyFilter);
      applyFilter();
    }
    if (!form) {
      return;
    }
    document.addEventListener("input", markDirty);
    document.addEventListener("change", markDirty);
    document.addEventListener("click", acceptAll);
    window.addEventListener("beforeunload", function (event) {
      if (document.querySelector("section[data-domain][data-dirty]")) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });

  // A refused save still answers with the domains to show again (typed values, errors).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 400 || status === 409) && event.detail.requestConfig &&
        event.detail.requestConfig.elt && event.detail.requestConfig.elt.closest &&
        event.detail.requestConfig.elt.closest("#appraisal-form, .appraisal-explanations")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Swapped content: keep the filter and the bar's note in step.
  document.addEventListener("htmx:afterSettle", function () {
    applyFilter();
    refreshUnsaved();
  });
})();
