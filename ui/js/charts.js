// Line charts over uPlot: several series overlaid on one x axis (steps, or times in ms), EMA
// smoothing with the raw line kept faint, linear or log y, zoom, pan, a hover legend.
//
//   const c = MLT.charts.line(container, {title, series: [{label, x, y}], xLabel, xTime,
//                                         logY, smooth, height, onZoom(min, max)});
//   c.update({series}) / c.update({smooth: 0.9}) ...; c.destroy();
//
// Mouse: drag selects an x range to zoom to; shift-drag pans; ctrl- (or alt-) wheel zooms
// around the cursor; double-click resets. onZoom(min, max) is called once the user settles on
// a range (null, null on reset), so the caller can fetch full resolution and update().
// Null y values are gaps; on a log axis non-positive values are left out.
"use strict";
(function () {
  const MLT = (window.MLT = window.MLT || {});
  const charts = (MLT.charts = MLT.charts || {});

  const PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd",
  ];
  // The i-th series colour (a hex string for the palette, hsl after it).
  charts.color = function (i) {
    if (i < PALETTE.length) return PALETTE[i];
    return "hsl(" + Math.round((i * 137.508) % 360) + ", 60%, 45%)";
  };
  function faint(color, a) {
    if (color.startsWith("#")) {
      const n = parseInt(color.slice(1), 16);
      return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
    }
    return color.replace("hsl(", "hsla(").replace(")", ", " + a + ")");
  }
  charts.faint = faint;

  // TensorBoard's debiased exponential moving average; nulls stay nulls (and do not count).
  charts.ema = function (y, w) {
    const out = new Array(y.length);
    let acc = 0;
    let n = 0;
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        out[i] = null;
        continue;
      }
      acc = acc * w + (1 - w) * v;
      n++;
      out[i] = acc / (1 - Math.pow(w, n));
    }
    return out;
  };

  // Index of the point of sorted xs nearest to x (-1 when xs is empty).
  function nearest(xs, x) {
    let lo = 0;
    let hi = xs.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x)) return lo - 1;
    return lo;
  }

  function fmtX(v, o) {
    if (v === null || v === undefined) return "";
    return o.xTime ? MLT.fmtTime(v) : MLT.fmtNumber(v);
  }

  // The series prepared for drawing: log filtering, smoothing, then one table each for join.
  function prepare(o) {
    const metas = [];
    const tables = [];
    (o.series || []).forEach((s, i) => {
      let x = s.x || [];
      let y = s.y || [];
      if (o.logY) {
        const fx = [];
        const fy = [];
        for (let k = 0; k < x.length; k++) {
          const v = y[k];
          if (v === null || v === undefined) {
            fx.push(x[k]);
            fy.push(null);
          } else if (v > 0) {
            fx.push(x[k]);
            fy.push(v);
          }
        }
        x = fx;
        y = fy;
      }
      const sm = o.smooth > 0 ? charts.ema(y, Math.min(o.smooth, 0.999)) : null;
      const color = s.color || charts.color(i);
      metas.push({ label: s.label, color, x, y, sm });
      if (x.length) tables.push(sm ? [x, y, sm] : [x, y]);
      else tables.push([[], []].concat(sm ? [[]] : []));
    });
    let data;
    const nonEmpty = tables.filter((t) => t[0].length);
    if (!nonEmpty.length) {
      data = [[]];
      tables.forEach((t) => t.slice(1).forEach(() => data.push([])));
    } else {
      // uPlot.join needs at least one x value in every table; give empty ones a null row.
      const first = nonEmpty[0][0][0];
      const fixed = tables.map((t) => (t[0].length ? t : [[first]].concat(t.slice(1).map(() => [null]))));
      data = fixed.length === 1 ? fixed[0] : uPlot.join(fixed);
    }
    return { metas, data };
  }

  charts.line = function (container, opts) {
    let o = Object.assign({ height: 240, smooth: 0, series: [] }, opts || {});
    const wrap = MLT.h("div", { class: "mlt-chart" });
    const plotEl = MLT.h("div", { class: "mlt-chart-plot" });
    const legend = MLT.h("div", { class: "mlt-chart-legend" });
    wrap.appendChild(plotEl);
    wrap.appendChild(legend);
    container.appendChild(wrap);

    let u = null;
    let prep = null;
    let zoomed = null; // [min, max] while the user has zoomed
    let hidden = new Set(); // series indexes switched off in the legend
    let legendRows = [];
    let zoomTimer = null;

    function width() {
      return Math.max(200, Math.floor(container.clientWidth || wrap.clientWidth || 600));
    }

    function notifyZoom(min, max) {
      clearTimeout(zoomTimer);
      zoomTimer = setTimeout(() => {
        if (o.onZoom) o.onZoom(min, max);
      }, 200);
    }

    function setX(min, max, user) {
      u.setScale("x", { min, max });
      if (user) {
        zoomed = [min, max];
        notifyZoom(min, max);
      }
    }

    function dataRange() {
      const xs = u.data[0];
      let min = Infinity;
      let max = -Infinity;
      for (const m of prep.metas) {
        if (m.x.length) {
          min = Math.min(min, m.x[0]);
          max = Math.max(max, m.x[m.x.length - 1]);
        }
      }
      if (!Number.isFinite(min) && xs.length) {
        min = xs[0];
        max = xs[xs.length - 1];
      }
      if (min === max) {
        min -= 1;
        max += 1;
      }
      return [min, max];
    }

    function reset() {
      if (!u) return;
      const had = zoomed !== null;
      zoomed = null;
      const [min, max] = dataRange();
      if (Number.isFinite(min)) setX(min, max, false);
      if (had) {
        clearTimeout(zoomTimer);
        if (o.onZoom) o.onZoom(null, null);
      }
    }

    function yAxisSize(self, values) {
      if (!values) return 50;
      const n = Math.max(...values.map((v) => String(v).length), 3);
      return Math.min(110, 14 + n * 7);
    }

    // Ticks (and grid lines) on a log axis: 1..9 in each decade for a short range, 1-2-5 for a
    // few decades, only the powers of ten beyond.
    function logSplits(self, axisIdx, min, max) {
      if (!(min > 0) || !(max > min)) return [min, max].filter((v) => v > 0);
      const decades = Math.log10(max / min);
      const keep = decades <= 1.5 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : decades <= 3 ? [1, 2, 5] : [1];
      const out = [];
      const every = decades > 12 ? Math.ceil(decades / 8) : 1;
      for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
        if (keep.length === 1 && e % every !== 0) continue;
        for (const m of keep) {
          const v = Number((m * Math.pow(10, e)).toPrecision(12));
          if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
        }
      }
      return out;
    }

    function buildLegend() {
      MLT.clear(legend);
      legendRows = prep.metas.map((m, i) => {
        const val = MLT.h("span", { class: "v" });
        const row = MLT.h(
          "span",
          {
            class: "item" + (hidden.has(i) ? " off" : ""),
            dataset: { series: String(i) },
            title: "click to show or hide",
            onclick: () => {
              if (hidden.has(i)) hidden.delete(i);
              else hidden.add(i);
              row.classList.toggle("off", hidden.has(i));
              applyHidden();
            },
          },
          MLT.h("span", { class: "swatch", style: { background: m.color } }),
          MLT.h("span", { class: "label" }, m.label),
          val
        );
        legend.appendChild(row);
        return val;
      });
      legend.appendChild(MLT.h("span", { class: "x muted" }));
      showValues(null);
    }

    // The legend's values: at the cursor's x (nearest point of each series), or the last ones.
    function showValues(x) {
      const xEl = legend.querySelector(".x");
      if (xEl) xEl.textContent = x === null ? "" : (o.xLabel || "x") + " " + fmtX(x, o);
      prep.metas.forEach((m, i) => {
        const el = legendRows[i];
        if (!el) return;
        let k = -1;
        if (x === null) {
          for (k = m.y.length - 1; k >= 0 && (m.y[k] === null || m.y[k] === undefined); k--);
        } else k = nearest(m.x, x);
        if (k < 0) {
          el.textContent = "";
          return;
        }
        const raw = m.y[k];
        let s = raw === null || raw === undefined ? "–" : MLT.fmtNumber(raw);
        if (m.sm && m.sm[k] !== null && m.sm[k] !== undefined) {
          s = MLT.fmtNumber(Number(m.sm[k].toPrecision(6))) + " (raw " + s + ")";
        }
        el.textContent = s;
        el.dataset.x = String(m.x[k]);
      });
    }

    function applyHidden() {
      if (!u) return;
      let col = 1;
      prep.metas.forEach((m, i) => {
        const cols = m.sm ? 2 : 1;
        for (let c = 0; c < cols; c++) u.setSeries(col + c, { show: !hidden.has(i) });
        col += cols;
      });
    }

    function create() {
      prep = prepare(o);
      const series = [{ label: o.xLabel || "x", value: (self, v) => fmtX(v, o) }];
      prep.metas.forEach((m) => {
        series.push({
          label: m.label,
          stroke: m.sm ? faint(m.color, 0.25) : m.color,
          width: m.sm ? 1 : 1.5,
          spanGaps: false,
          points: { show: false },
        });
        if (m.sm) {
          series.push({
            label: m.label + " (smoothed)",
            stroke: m.color,
            width: 1.75,
            spanGaps: true,
            points: { show: false },
          });
        }
      });
      const uopts = {
        title: o.title,
        width: width(),
        height: o.height,
        ms: o.xTime ? 1 : 1e-3,
        series,
        legend: { show: false },
        scales: {
          x: { time: !!o.xTime },
          y: o.logY ? { distr: 3, log: 10 } : { distr: 1 },
        },
        axes: [
          { label: o.xLabel, labelSize: o.xLabel ? 20 : 0, stroke: "#5f6b78", grid: { stroke: "#eef1f4" } },
          {
            stroke: "#5f6b78",
            grid: { stroke: "#eef1f4" },
            size: yAxisSize,
            splits: o.logY ? logSplits : undefined,
            values: (self, ticks) => ticks.map((t) => (t === null ? "" : MLT.fmtNumber(Number(t.toPrecision(6))))),
          },
        ],
        cursor: {
          drag: { x: true, y: false, setScale: false },
          bind: { dblclick: () => null },
          points: { show: false },
        },
        hooks: {
          setSelect: [
            (self) => {
              const s = self.select;
              if (s.width > 3) {
                const min = self.posToVal(s.left, "x");
                const max = self.posToVal(s.left + s.width, "x");
                setX(min, max, true);
              }
              self.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            },
          ],
          setCursor: [
            (self) => {
              const idx = self.cursor.idx;
              showValues(idx === null || idx === undefined ? null : self.data[0][idx]);
            },
          ],
        },
      };
      MLT.clear(plotEl);
      u = new uPlot(uopts, prep.data, plotEl);
      buildLegend();
      applyHidden();
      if (zoomed) setX(zoomed[0], zoomed[1], false);
      bindMouse();
    }

    function bindMouse() {
      const over = u.over;
      over.addEventListener("dblclick", (e) => {
        e.preventDefault();
        reset();
      });
      // Shift-drag pans: caught before uPlot's own mousedown (which would start a selection).
      plotEl.addEventListener(
        "mousedown",
        (e) => {
          if (!e.shiftKey || !over.contains(e.target)) return;
          e.stopPropagation();
          e.preventDefault();
          const x0 = e.clientX;
          const min0 = u.scales.x.min;
          const max0 = u.scales.x.max;
          const w = over.getBoundingClientRect().width || 1;
          const move = (ev) => {
            const d = ((ev.clientX - x0) / w) * (max0 - min0);
            setX(min0 - d, max0 - d, false);
          };
          const up = () => {
            window.removeEventListener("mousemove", move);
            window.removeEventListener("mouseup", up);
            if (u.scales.x.min !== min0) setX(u.scales.x.min, u.scales.x.max, true);
          };
          window.addEventListener("mousemove", move);
          window.addEventListener("mouseup", up);
        },
        true
      );
      // Ctrl- or alt-wheel zooms around the cursor (a plain wheel scrolls the page).
      over.addEventListener(
        "wheel",
        (e) => {
          if (!e.ctrlKey && !e.altKey) return;
          e.preventDefault();
          const rect = over.getBoundingClientRect();
          const xc = u.posToVal(e.clientX - rect.left, "x");
          const f = e.deltaY < 0 ? 0.8 : 1.25;
          const min = xc - (xc - u.scales.x.min) * f;
          const max = xc + (u.scales.x.max - xc) * f;
          setX(min, max, true);
        },
        { passive: false }
      );
    }

    create();

    const ro =
      typeof ResizeObserver === "function"
        ? new ResizeObserver(() => {
            if (u && Math.abs(u.width - width()) > 1) u.setSize({ width: width(), height: o.height });
          })
        : null;
    if (ro) ro.observe(container);

    const api = {
      update(next) {
        const prev = o;
        o = Object.assign({}, o, next || {});
        if (!u || prev.logY !== o.logY || prev.xTime !== o.xTime || prev.xLabel !== o.xLabel ||
            prev.height !== o.height || prev.title !== o.title) {
          if (prev.xTime !== o.xTime || prev.xLabel !== o.xLabel) zoomed = null;
          if (u) u.destroy();
          create();
          return;
        }
        const structure = (p) => p.metas.map((m) => (m.sm ? 2 : 1) + ":" + m.color + ":" + m.label).join("|");
        const old = structure(prep);
        const np = prepare(o);
        if (structure(np) !== old) {
          u.destroy();
          create();
          return;
        }
        prep = np;
        if (zoomed) {
          u.setData(prep.data, false);
          setX(zoomed[0], zoomed[1], false);
        } else {
          u.setData(prep.data, true);
        }
        buildLegend();
      },
      // Resets the zoom (as a double-click does).
      reset,
      zoom(min, max) {
        setX(min, max, true);
      },
      get uplot() {
        return u;
      },
      get zoomed() {
        return zoomed;
      },
      // The series as drawn (after log filtering and smoothing), for tests and callers.
      get series() {
        return prep.metas;
      },
      destroy() {
        clearTimeout(zoomTimer);
        if (ro) ro.disconnect();
        if (u) u.destroy();
        u = null;
        wrap.remove();
      },
    };
    wrap.mltChart = api;
    return api;
  };
})();
