/*
 * CCHC Portal: small behaviours driven by data attributes. No inline scripts anywhere (the
 * Content-Security-Policy forbids them): templates only mark elements up.
 *
 *   <table data-sortable>            headers <th data-sort-type="number|text"> sort the rows of
 *                                    each <tbody> on click; numbers come from the cell's
 *                                    data-value (never from "92,03"); text from data-value or
 *                                    the cell's text. data-sort-default="desc" on a <th> makes
 *                                    its first click sort highest first. <tfoot> rows stay put.
 *                                    Django localises numbers in templates, so write
 *                                    {% load l10n %} … <td data-value="{{ r.index|unlocalize }}">.
 *   <form data-confirm="…">          asks before submitting; also on a submit button
 *                                    (<button data-confirm="…">) for that button alone.
 *   <input data-table-filter="#id">  hides the body rows of table #id that do not contain the
 *                                    typed words (accents and case ignored: "ha noi" finds
 *                                    "Hà Nội"). A row <tr data-filter-empty hidden> in the
 *                                    table is shown when nothing matches.
 *
 * Content that htmx swaps in is set up too (htmx:load).
 */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "vi").toLowerCase();
  var collator = new Intl.Collator(lang.indexOf("vi") === 0 ? "vi" : "en", {
    numeric: true,
    sensitivity: "base",
  });

  /* Sortable tables ------------------------------------------------------------------- */

  // The column a header cell stands for, counting the colspans before it.
  function columnIndex(th) {
    var index = 0;
    for (var cell = th.previousElementSibling; cell; cell = cell.previousElementSibling) {
      index += cell.colSpan || 1;
    }
    return index;
  }

  function cellAt(row, column) {
    var position = 0;
    for (var i = 0; i < row.cells.length; i++) {
      if (position === column) {
        return row.cells[i];
      }
      position += row.cells[i].colSpan || 1;
      if (position > column) {
        return null; // the column is inside a wider cell (a group heading row)
      }
    }
    return null;
  }

  function numberKey(cell) {
    if (!cell || !cell.hasAttribute("data-value")) {
      return null;
    }
    var raw = cell.getAttribute("data-value").trim();
    if (raw === "") {
      return null;
    }
    var value = Number(raw);
    if (isNaN(value)) {
      // Most likely a localised Decimal ("92,03"): write data-value="{{ x|unlocalize }}".
      console.warn("portal.js: data-value is not a plain number:", raw);
      return null;
    }
    return value;
  }

  function textKey(cell) {
    if (!cell) {
      return null;
    }
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    raw = raw.trim();
    return raw === "" ? null : raw;
  }

  function sortTable(table, th, direction) {
    var column = columnIndex(th);
    var numeric = th.getAttribute("data-sort-type") === "number";
    var sign = direction === "ascending" ? 1 : -1;

    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      var rows = Array.prototype.slice.call(tbody.rows);
      var keyed = rows.map(function (row) {
        var cell = cellAt(row, column);
        return {
          row: row,
          key: numeric ? numberKey(cell) : textKey(cell),
          position: Number(row.getAttribute("data-sort-position")),
        };
      });
      keyed.sort(function (a, b) {
        // Empty cells go last whichever the direction; ties keep the page's original order.
        if (a.key === null || b.key === null) {
          if (a.key === b.key) {
            return a.position - b.position;
          }
          return a.key === null ? 1 : -1;
        }
        var order = numeric ? a.key - b.key : collator.compare(a.key, b.key);
        return order !== 0 ? sign * order : a.position - b.position;
      });
      keyed.forEach(function (item) {
        tbody.appendChild(item.row);
      });
    });

    Array.prototype.forEach.call(table.querySelectorAll("th[aria-sort]"), function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", direction);
  }

  function setUpSortable(table) {
    if (table.hasAttribute("data-sortable-ready")) {
      return;
    }
    table.setAttribute("data-sortable-ready", "");
    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      Array.prototype.forEach.call(tbody.rows, function (row, position) {
        row.setAttribute("data-sort-position", String(position));
      });
    });
    var headers = table.querySelectorAll("thead th[data-sort-type]");
    Array.prototype.forEach.call(headers, function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var direction;
        if (current) {
          direction = current === "ascending" ? "descending" : "ascending";
        } else {
          direction = th.getAttribute("data-sort-default") === "desc" ? "descending" : "ascending";
        }
        sortTable(table, th, direction);
      });
    });
  }

  /* Confirm before submitting ---------------------------------------------------------- */

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message =
      (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* Table filter ------------------------------------------------------------------------ */

  // Lower case without accents, so that "ha noi" or "HÀ NỘI" find "Hà Nội".
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function filterTable(input) {
    var table = document.querySelector(input.getAttribute("data-table-filter"));
    if (!table) {
      return;
    }
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    var emptyRow = null;
    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      Array.prototype.forEach.call(tbody.rows, function (row) {
        if (row.hasAttribute("data-filter-empty")) {
          emptyRow = row;
          return;
        }
        var text = fold(row.textContent);
        var match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
    });
    if (emptyRow) {
      emptyRow.hidden = shown > 0;
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-table-filter]")) {
      filterTable(event.target);
    }
  });

  /* Set-up, for the page and for what htmx swaps in --------------------------------------- */

  function setUp(root) {
    if (root.matches && root.matches("table[data-sortable]")) {
      setUpSortable(root);
    }
    Array.prototype.forEach.call(root.querySelectorAll("table[data-sortable]"), setUpSortable);
    // A filter that the browser refilled (back button) applies again.
    Array.prototype.forEach.call(root.querySelectorAll("input[data-table-filter]"), function (input) {
      if (input.value) {
        filterTable(input);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUp(document);
    });
  } else {
    setUp(document);
  }
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target !== document.body) {
      setUp(event.target);
    }
  });
})();
