/*
 * CCHC Portal charts: draws the vendored Chart.js on canvases described by data attributes.
 *
 *   {{ chart|json_script:"chart-ranking" }}
 *   <div class="chart-box">
 *     <canvas data-chart="bar" data-source="chart-ranking" role="img"
 *             aria-label="{% translate '…' %}"></canvas>
 *   </div>
 *
 * data-chart is "bar", "line" or "radar"; data-source is the id of the json_script element:
 *
 *   {"labels": ["Sở Nội vụ", …],
 *    "datasets": [{"label": "2024", "data": [92.03, "88.50", null], "type": "line"?,
 *                  "provisional": [false, true, false]?}],
 *    "options": {"suggestedMax": 100, "min": 80?, "horizontal": false, "percent": false,
 *                "highlight": [3]?, "provisionalLabel": "tạm tính"?, "spanGaps": true?}}
 *
 * Values may be numbers or strings ("92.03", a Decimal through DjangoJSONEncoder); null leaves
 * a gap. "min" starts the value axis there instead of at 0 (charts of indices: the selectors'
 * index_options, near the lowest figure). "highlight" (indices into labels) draws those bars in
 * amber, e.g. the unit being viewed.
 *
 * Colours keep one meaning across the portal: red is a decline (portal.css --portal-down) and
 * green a rise (--portal-up), so neither is a series colour here.
 * "provisional" flags each figure of a year not published yet: such a bar is drawn hatched and
 * lighter, a line runs dashed into and out of such a point, drawn hollow, and the tooltip adds
 * options.provisionalLabel. The flags come with the data (json_script), never from styling.
 * Numbers are shown the Vietnamese way (92,03) when <html lang="vi">, else 92.03.
 *
 * Load after Chart.js, in a page's extra_js block:
 *   <script src="{% static 'vendor/chart.js/chart.umd.min.js' %}" defer></script>
 *   <script src="{% static 'js/charts.js' %}" defer></script>
 */
(function () {
  "use strict";

  var PALETTE = ["#0b3a7e", "#0a8ea8", "#e0a800", "#6f42c1", "#6c757d", "#8a5a2b"];
  var HIGHLIGHT = "#d97706";

  var locale = (document.documentElement.lang || "").toLowerCase().indexOf("vi") === 0
    ? "vi-VN"
    : "en-US";
  // Figures as published: always two decimals.
  var figure = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  // Axis ticks: same separators, without trailing ",00" on round steps (0, 20, 40 … 100).
  var tick = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: 2 });

  function toNumber(value) {
    if (value === null || value === undefined || value === "") {
      return null;
    }
    var number = Number(value);
    return isFinite(number) ? number : null;
  }

  function withAlpha(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + ", " + ((n >> 8) & 255) + ", " + (n & 255) + ", " + alpha + ")";
  }

  // Diagonal stripes over a light fill of the colour: a provisional bar.
  var hatches = {};
  function hatch(color) {
    if (!hatches[color]) {
      var size = 8;
      var tile = document.createElement("canvas");
      tile.width = size;
      tile.height = size;
      var context = tile.getContext("2d");
      context.fillStyle = withAlpha(color, 0.22);
      context.fillRect(0, 0, size, size);
      context.strokeStyle = withAlpha(color, 0.8);
      context.lineWidth = 1.5;
      context.beginPath();
      [-size, 0, size].forEach(function (offset) {
        context.moveTo(offset, size);
        context.lineTo(offset + size, 0);
      });
      context.stroke();
      hatches[color] = context.createPattern(tile, "repeat") || withAlpha(color, 0.35);
    }
    return hatches[color];
  }

  function dataset(source, index, chartType, highlight, spanGaps) {
    var type = source.type || chartType;
    var color = PALETTE[index % PALETTE.length];
    var data = (source.data || []).map(toNumber);
    var flags = data.map(function (_, i) {
      return Boolean(source.provisional && source.provisional[i]);
    });
    var result = { label: source.label || "", data: data, provisional: flags };
    if (source.type) {
      result.type = source.type;
    }
    if (type === "bar") {
      result.backgroundColor = data.map(function (_, i) {
        var shade = index === 0 && highlight.indexOf(i) !== -1 ? HIGHLIGHT : color;
        return flags[i] ? hatch(shade) : shade;
      });
      result.borderColor = color;
      result.borderWidth = flags.map(function (flag) {
        return flag ? 1 : 0;
      });
      result.borderRadius = 2;
      result.maxBarThickness = 36;
    } else if (type === "radar") {
      result.borderColor = color;
      result.backgroundColor = withAlpha(color, 0.15);
      result.pointBackgroundColor = color;
      result.borderWidth = 2;
    } else {
      result.borderColor = color;
      result.backgroundColor = color;
      result.pointBackgroundColor = flags.map(function (flag) {
        return flag ? "#fff" : color;
      });
      result.pointRadius = flags.map(function (flag) {
        return flag ? 4 : 3;
      });
      result.borderWidth = 2;
      result.tension = 0;
      // A shared time axis of months: a yearly index has a figure every twelve months.
      result.spanGaps = Boolean(spanGaps);
      // A segment that reaches a provisional point is dashed.
      result.segment = {
        borderDash: function (context) {
          return flags[context.p0DataIndex] || flags[context.p1DataIndex] ? [6, 4] : undefined;
        },
      };
    }
    return result;
  }

  // Chart.js gives a vertical axis at most half the chart's width; a longer label would be cut
  // off at the canvas's edge (a unit's full name on a phone). Such a label is shortened with "…"
  // to the room left beside the tick; the tooltip keeps the whole label.
  function fitted(scale, label) {
    var text = String(label);
    var room = scale.chart.width / 2 - (scale.options.ticks.padding || 0) - 12;
    var context = scale.ctx;
    context.save();
    context.font = window.Chart.helpers.toFont(scale.options.ticks.font).string;
    if (context.measureText(text).width > room) {
      while (text.length > 1 && context.measureText(text + "…").width > room) {
        text = text.slice(0, -1);
      }
      text = text.replace(/\s+$/, "") + "…";
    }
    context.restore();
    return text;
  }

  function build(canvas, spec) {
    var chartType = canvas.getAttribute("data-chart");
    var options = spec.options || {};
    var horizontal = chartType === "bar" && Boolean(options.horizontal);
    var suffix = options.percent ? "%" : "";
    var highlight = [].concat(options.highlight === undefined ? [] : options.highlight);
    var datasets = (spec.datasets || []).map(function (source, index) {
      return dataset(source, index, chartType, highlight, options.spanGaps);
    });

    var start = toNumber(options.min);
    var valueScale = {
      beginAtZero: start === null,
      ticks: {
        callback: function (value) {
          return tick.format(value) + suffix;
        },
      },
    };
    if (options.suggestedMax !== undefined && options.suggestedMax !== null) {
      valueScale.suggestedMax = toNumber(options.suggestedMax);
    }
    if (start !== null) {
      valueScale.min = start; // an axis of indices starts near its lowest figure
    }

    var scales;
    if (chartType === "radar") {
      valueScale.ticks.backdropColor = "rgba(255, 255, 255, 0.75)";
      scales = { r: valueScale };
    } else {
      var categoryScale = { ticks: { autoSkip: !horizontal } };
      if (horizontal) {
        categoryScale.ticks.callback = function (value) {
          return fitted(this, this.getLabelForValue(value));
        };
      }
      scales = horizontal ? { x: valueScale, y: categoryScale } : { x: categoryScale, y: valueScale };
    }

    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    return {
      type: chartType,
      data: { labels: spec.labels || [], datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 400 },
        indexAxis: horizontal ? "y" : "x",
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var parsed = context.parsed;
                var value = chartType === "radar" ? parsed.r : horizontal ? parsed.x : parsed.y;
                var label = context.dataset.label ? context.dataset.label + ": " : "";
                var flags = context.dataset.provisional || [];
                var note = flags[context.dataIndex] && options.provisionalLabel
                  ? " (" + options.provisionalLabel + ")"
                  : "";
                return label + (value === null ? "–" : figure.format(value) + suffix) + note;
              },
            },
          },
        },
      },
    };
  }

  function draw(canvas) {
    if (window.Chart.getChart(canvas)) {
      return; // drawn already
    }
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) {
      console.warn("charts.js: no json_script #" + canvas.getAttribute("data-source"));
      return;
    }
    var spec = JSON.parse(source.textContent);
    var config = build(canvas, spec);
    // A horizontal ranking grows with its units so that every name stays readable.
    if (config.options.indexAxis === "y" && canvas.parentElement) {
      var needed = (spec.labels || []).length * 24 + 60;
      if (needed > canvas.parentElement.clientHeight) {
        canvas.parentElement.style.height = needed + "px"; // CSSOM, allowed by the CSP
      }
    }
    new window.Chart(canvas, config);
  }

  function setUp(root) {
    if (!window.Chart) {
      console.warn("charts.js: Chart.js is not loaded");
      return;
    }
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#1d2433";
    if (root.matches && root.matches("canvas[data-chart][data-source]")) {
      draw(root);
    }
    var canvases = root.querySelectorAll("canvas[data-chart][data-source]");
    Array.prototype.forEach.call(canvases, draw);
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
