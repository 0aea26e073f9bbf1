/**
 * The HTML report's own script, inlined after uPlot: draws each endpoint's entries and bytes charts
 * from the embedded data (step lines per kind of state, restart-safe windows shaded, the exact
 * peak marked with its packet, the --restart-at line), with zoom (drag, wheel), pan (shift-drag),
 * a hover line (time, packet, entries, bytes), and the search box that filters rows and sections.
 * Plain ES2017 in a string: it runs in the reader's browser, never in Node.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('statecap-data').textContent);
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

  function fmtBytes(b) {
    if (b == null) return '-';
    if (Math.abs(b) < 1024) return Math.round(b) + ' B';
    var units = ['KiB', 'MiB', 'GiB', 'TiB'];
    var v = b / 1024, u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return v.toFixed(1) + ' ' + units[u];
  }

  /** Index of the last row at or before x: what a step line shows there. */
  function rowAt(xs, x) {
    var lo = 0, hi = xs.length - 1;
    if (x < xs[0]) return 0;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (xs[mid] <= x) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function vline(u, x, color, dash, text, row) {
    var ctx = u.ctx, px = Math.round(u.valToPos(x, 'x', true));
    if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) return;
    ctx.save();
    ctx.strokeStyle = color; ctx.lineWidth = 1.5 * devicePixelRatio; ctx.setLineDash(dash);
    ctx.beginPath(); ctx.moveTo(px, u.bbox.top); ctx.lineTo(px, u.bbox.top + u.bbox.height); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = color; ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
    ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic'; // uPlot leaves its axis alignment set
    var w = ctx.measureText(text).width;
    var tx = px + 4 * devicePixelRatio;
    if (tx + w > u.bbox.left + u.bbox.width) tx = px - 4 * devicePixelRatio - w;
    ctx.fillText(text, tx, u.bbox.top + (12 + 13 * row) * devicePixelRatio);
    ctx.restore();
  }

  function drawEndpoint(c) {
    var host = document.getElementById(c.id + '-chart');
    var hover = document.getElementById(c.id + '-hover');
    if (!host) return;
    var width = Math.max(320, Math.min(960, host.clientWidth || 960));
    var total = c.series[c.series.length - 1];
    var plots = [];
    var syncing = false;

    function options(metric, title, peak) {
      var series = [{ label: 'seconds' }];
      c.series.forEach(function (s, i) {
        var all = s.kind === 'all';
        series.push({
          label: s.label,
          stroke: all ? '#555' : COLORS[i % COLORS.length],
          width: all ? 1.5 : 2,
          dash: all ? [6, 4] : undefined,
          paths: uPlot.paths.stepped({ align: 1 }),
          points: { show: false },
          value: metric === 'bytes' ? function (u, v) { return fmtBytes(v); } : undefined
        });
      });
      return {
        title: title,
        width: width,
        height: 210,
        scales: { x: { time: false, min: 0, max: Math.max(c.end, 1e-6) } },
        axes: [
          { label: 'seconds since the first packet' },
          { label: metric, size: 64, values: metric === 'bytes' ? function (u, vals) { return vals.map(fmtBytes); } : undefined }
        ],
        series: series,
        legend: { live: false },
        cursor: { sync: { key: c.id }, drag: { x: true, y: false } },
        hooks: {
          drawClear: [function (u) {
            // Restart-safe windows: the endpoint held nothing, a restart then loses nothing.
            var ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = 'rgba(46, 160, 67, 0.16)';
            c.windows.forEach(function (w) {
              var x0 = Math.max(u.bbox.left, u.valToPos(w[0], 'x', true));
              var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(w[1], 'x', true));
              if (x1 > x0) ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
            });
            ctx.restore();
          }],
          draw: [function (u) {
            if (peak) vline(u, peak.x, '#b35900', [4, 3], 'peak ' + (metric === 'bytes' ? fmtBytes(peak.bytes) : peak.entries) + ' at #' + peak.packet, 0);
            if (c.restart) vline(u, c.restart.x, '#c00', [], 'restart' + (c.restart.packet != null ? ' after #' + c.restart.packet : '') + ': ' + c.restart.breaks, 1);
          }],
          setCursor: [function (u) {
            if (!hover || u.cursor.left == null || u.cursor.left < 0) return;
            var x = u.posToVal(u.cursor.left, 'x');
            var i = rowAt(c.x, x);
            hover.textContent = 't = ' + x.toFixed(6) + ' s · packet #' + c.packets[i] + ' · entries ' + total.entries[i] + ' · bytes ' + fmtBytes(total.bytes[i]);
          }],
          setScale: [function (u, key) {
            // Zooming one chart zooms its sibling.
            if (key !== 'x' || syncing) return;
            syncing = true;
            plots.forEach(function (p) { if (p !== u) p.setScale('x', { min: u.scales.x.min, max: u.scales.x.max }); });
            syncing = false;
          }],
          ready: [function (u) { addWheelAndPan(u, c.end); }]
        }
      };
    }

    plots.push(new uPlot(options('entries', 'Entries held', c.peak), [c.x].concat(c.series.map(function (s) { return s.entries; })), host));
    plots.push(new uPlot(options('bytes', 'Bytes held', c.peakBytes), [c.x].concat(c.series.map(function (s) { return s.bytes; })), host));
  }

  /** Wheel zooms around the cursor; shift-drag pans; double-click (uPlot) resets. */
  function addWheelAndPan(u, end) {
    var over = u.over;
    var full = Math.max(end, 1e-6);
    function clampSet(min, max) {
      var span = max - min;
      if (span > full) { min = 0; max = full; }
      if (min < 0) { max -= min; min = 0; }
      if (max > full) { min -= max - full; max = full; }
      u.setScale('x', { min: Math.max(0, min), max: max });
    }
    over.addEventListener('wheel', function (e) {
      e.preventDefault();
      var rect = over.getBoundingClientRect();
      var at = u.posToVal(e.clientX - rect.left, 'x');
      var f = e.deltaY < 0 ? 0.75 : 1 / 0.75;
      var min = u.scales.x.min, max = u.scales.x.max;
      clampSet(at - (at - min) * f, at + (max - at) * f);
    }, { passive: false });
    over.addEventListener('mousedown', function (e) {
      if (!e.shiftKey) return;
      e.preventDefault(); e.stopPropagation();
      var x0 = e.clientX, min0 = u.scales.x.min, max0 = u.scales.x.max;
      var perPx = (max0 - min0) / u.bbox.width * devicePixelRatio;
      function move(m) { var d = (m.clientX - x0) * perPx; clampSet(min0 - d, max0 - d); }
      function up() { document.removeEventListener('mousemove', move); document.removeEventListener('mouseup', up); }
      document.addEventListener('mousemove', move);
      document.addEventListener('mouseup', up);
    }, true);
  }

  data.charts.forEach(drawEndpoint);

  // Search: rows and sections carry data-search (addresses, ports, names); others stay.
  var box = document.getElementById('search');
  var count = document.getElementById('search-count');
  if (box) box.addEventListener('input', function () {
    var q = box.value.trim().toLowerCase();
    var shown = 0, all = 0;
    Array.prototype.forEach.call(document.querySelectorAll('[data-search]'), function (el) {
      all++;
      var hit = q === '' || el.getAttribute('data-search').indexOf(q) >= 0;
      el.hidden = !hit;
      if (hit) shown++;
    });
    if (count) count.textContent = q === '' ? '' : shown + ' of ' + all + ' match';
  });
})();
`;
