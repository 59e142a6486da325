// The compare view: /compare?runs=ID,ID&keys=K,K&x=step|time|relative&smooth=0.6&logy=1
// (&pc=METRIC&sx=COLUMN&sy=COLUMN&diff=1). One chart per metric overlaying the runs (histories
// downsampled by the server to about the chart's width, full resolution fetched for a zoomed
// range), parallel coordinates of the params against a metric, a scatter of any two columns,
// and the params and metrics side by side with the best value of each metric marked as
// `mlt runs compare` marks it. Everything goes through MLT.api (runs, history), so a report
// renders the same view from its embedded data.
"use strict";
(function () {
  const MLT = (window.MLT = window.MLT || {});
  const h = MLT.h;

  // Which metrics are better low: the rule of src/compare.rs (lower_is_better).
  const LOWER = new Set([
    "loss", "error", "err", "mse", "mae", "rmse", "mape", "smape", "msle", "rmsle", "perplexity",
    "ppl", "wer", "cer", "ter", "latency", "time", "duration", "seconds", "ms", "cost", "regret",
    "fpr", "fnr", "eer", "nll", "bpd", "fid",
  ]);
  MLT.lowerIsBetter = function (key) {
    const k = key.toLowerCase();
    return k.includes("loss") || k.includes("error") || k.split(/[^a-z0-9]/).some((w) => LOWER.has(w));
  };

  // A metric value of the API (a number, or "NaN" / "Infinity" / "-Infinity") as a number.
  function num(v) {
    return typeof v === "string" ? Number(v) : v;
  }

  // The side-by-side rows of `mlt runs compare` (src/compare.rs compare_runs): each metric's
  // best value is the lowest (loss-like keys) or the highest over the runs, NaN left out, and
  // only marked when the runs differ.
  MLT.compareRows = function (runs) {
    const keys = (f) => Array.from(new Set(runs.flatMap((r) => Object.keys(f(r) || {})))).sort();
    const params = keys((r) => r.params).map((k) => {
      const values = runs.map((r) => (k in (r.params || {}) ? r.params[k] : undefined));
      return { key: k, values, changed: values.some((v) => v !== values[0]) };
    });
    const tags = keys((r) => r.tags)
      .filter((k) => !k.startsWith("mlflow."))
      .map((k) => {
        const values = runs.map((r) => (k in (r.tags || {}) ? r.tags[k] : undefined));
        return { key: k, values, changed: values.some((v) => v !== values[0]) };
      });
    const metrics = keys((r) => r.metrics).map((k) => {
      const raw = runs.map((r) => (r.metrics && r.metrics[k] ? r.metrics[k].value : undefined));
      const values = raw.map((v) => (v === undefined ? undefined : num(v)));
      const same = (a, b) =>
        a === undefined || b === undefined ? a === b : a === b || (Number.isNaN(a) && Number.isNaN(b));
      const changed = values.some((v) => !same(v, values[0]));
      const lower = MLT.lowerIsBetter(k);
      const finite = values.filter((v) => v !== undefined && !Number.isNaN(v));
      let best = [];
      if (changed && finite.length) {
        const b = lower ? Math.min(...finite) : Math.max(...finite);
        best = values.map((v, i) => (v === b ? i : -1)).filter((i) => i >= 0);
      }
      return { key: k, raw, values, changed, lower, best };
    });
    return { params, metrics, tags };
  };

  function runLabel(r) {
    return r.run_name || r.run_id.slice(0, 8);
  }

  // ---- axes for the canvas plots: numeric when every value is a number, else categories ---
  function axisOf(values) {
    const present = values.filter((v) => v !== undefined && v !== null && v !== "");
    const nums = present.map((v) => (typeof v === "number" ? v : Number(v)));
    const numeric = present.length > 0 && nums.every((v) => Number.isFinite(v));
    if (numeric) {
      let min = Math.min(...nums);
      let max = Math.max(...nums);
      return {
        numeric: true,
        min,
        max,
        pos(v) {
          if (v === undefined || v === null || v === "") return null;
          const x = typeof v === "number" ? v : Number(v);
          if (!Number.isFinite(x)) return null;
          return max === min ? 0.5 : (x - min) / (max - min);
        },
        ticks() {
          if (max === min) return [[0.5, MLT.fmtNumber(min)]];
          const out = [];
          for (let i = 0; i <= 4; i++) {
            const v = min + ((max - min) * i) / 4;
            out.push([i / 4, MLT.fmtNumber(Number(v.toPrecision(4)))]);
          }
          return out;
        },
      };
    }
    const cats = Array.from(new Set(present.map(String))).sort();
    return {
      numeric: false,
      cats,
      pos(v) {
        if (v === undefined || v === null || v === "") return null;
        const i = cats.indexOf(String(v));
        if (i < 0) return null;
        return cats.length === 1 ? 0.5 : i / (cats.length - 1);
      },
      ticks() {
        const step = Math.max(1, Math.ceil(cats.length / 12));
        return cats.filter((c, i) => i % step === 0).map((c) => [this.pos(c), c]);
      },
    };
  }

  // A colour ramp (viridis-like) for t in 0..1.
  const RAMP = [
    [68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37],
  ];
  function ramp(t) {
    t = Math.max(0, Math.min(1, t));
    const f = t * (RAMP.length - 1);
    const i = Math.min(RAMP.length - 2, Math.floor(f));
    const a = RAMP[i];
    const b = RAMP[i + 1];
    const u = f - i;
    const c = a.map((x, k) => Math.round(x + (b[k] - x) * u));
    return "rgb(" + c.join(",") + ")";
  }

  function setupCanvas(canvas, cssW, cssH) {
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = cssW + "px";
    canvas.style.height = cssH + "px";
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.font = "11px system-ui, sans-serif";
    return ctx;
  }

  function clip(s, n) {
    s = String(s);
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  // The value of a column ("params.K", "metrics.K", or an attribute) for a run.
  function columnValue(r, col) {
    if (col.startsWith("params.")) return r.params ? r.params[col.slice(7)] : undefined;
    if (col.startsWith("metrics.")) {
      const m = r.metrics ? r.metrics[col.slice(8)] : undefined;
      if (!m) return undefined;
      const v = num(m.value);
      return Number.isFinite(v) ? v : undefined;
    }
    return undefined;
  }

  // Parallel coordinates: one vertical axis per param, the metric last; lines coloured by it.
  function drawParallel(canvas, runs, paramKeys, metric) {
    const cssW = Math.max(320, canvas.parentElement.clientWidth || 600);
    const cssH = 320;
    const ctx = setupCanvas(canvas, cssW, cssH);
    const cols = paramKeys.map((k) => "params." + k).concat(metric ? ["metrics." + metric] : []);
    if (!cols.length) {
      ctx.fillStyle = "#5f6b78";
      ctx.fillText("No params or metrics to draw.", 10, 20);
      return;
    }
    const left = 60;
    const right = 70;
    const top = 44;
    const bottom = 16;
    const plotH = cssH - top - bottom;
    const axes = cols.map((c) => axisOf(runs.map((r) => columnValue(r, c))));
    const xAt = (i) => (cols.length === 1 ? cssW / 2 : left + (i * (cssW - left - right)) / (cols.length - 1));
    const yAt = (p) => top + (1 - p) * plotH;
    const mAxis = metric ? axes[axes.length - 1] : null;
    // Lines first (grey for runs without the metric), then the axes over them.
    runs.forEach((r) => {
      const mv = metric ? columnValue(r, "metrics." + metric) : undefined;
      const mp = mAxis && mv !== undefined ? mAxis.pos(mv) : null;
      ctx.strokeStyle = mp === null ? "rgba(120,120,120,0.5)" : ramp(mp);
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      let pen = false;
      cols.forEach((c, i) => {
        const p = axes[i].pos(columnValue(r, c));
        if (p === null) {
          pen = false;
          return;
        }
        if (pen) ctx.lineTo(xAt(i), yAt(p));
        else ctx.moveTo(xAt(i), yAt(p));
        pen = true;
      });
      ctx.stroke();
    });
    cols.forEach((c, i) => {
      const x = xAt(i);
      ctx.strokeStyle = "#5f6b78";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + plotH);
      ctx.stroke();
      ctx.fillStyle = "#1d232a";
      ctx.textAlign = "center";
      ctx.font = "600 11px system-ui, sans-serif";
      ctx.fillText(clip(c.replace(/^params\./, "").replace(/^metrics\./, ""), 18), x, top - 26);
      ctx.font = "11px system-ui, sans-serif";
      if (c.startsWith("metrics.")) {
        ctx.fillStyle = "#5f6b78";
        ctx.fillText("(metric)", x, top - 14);
      }
      ctx.textAlign = "left";
      for (const [p, label] of axes[i].ticks()) {
        const y = yAt(p);
        ctx.strokeStyle = "#5f6b78";
        ctx.beginPath();
        ctx.moveTo(x - 3, y);
        ctx.lineTo(x, y);
        ctx.stroke();
        ctx.fillStyle = "#5f6b78";
        ctx.textAlign = "right";
        ctx.fillText(clip(label, 12), x - 5, y + 4);
      }
      ctx.textAlign = "left";
    });
  }

  // A scatter of two columns, one point per run in its colour, with the run's name.
  function drawScatter(canvas, runs, colX, colY) {
    const cssW = Math.max(320, canvas.parentElement.clientWidth || 600);
    const cssH = 320;
    const ctx = setupCanvas(canvas, cssW, cssH);
    const left = 70;
    const right = 20;
    const top = 16;
    const bottom = 44;
    const w = cssW - left - right;
    const hh = cssH - top - bottom;
    const ax = axisOf(runs.map((r) => columnValue(r, colX)));
    const ay = axisOf(runs.map((r) => columnValue(r, colY)));
    ctx.strokeStyle = "#dde3e9";
    ctx.lineWidth = 1;
    ctx.strokeRect(left, top, w, hh);
    const px = (p) => left + 10 + p * (w - 20);
    const py = (p) => top + 10 + (1 - p) * (hh - 20);
    ctx.fillStyle = "#5f6b78";
    ctx.textAlign = "center";
    for (const [p, label] of ax.ticks()) ctx.fillText(clip(label, 14), px(p), top + hh + 14);
    ctx.textAlign = "right";
    for (const [p, label] of ay.ticks()) ctx.fillText(clip(label, 12), left - 6, py(p) + 4);
    ctx.textAlign = "center";
    ctx.font = "600 11px system-ui, sans-serif";
    ctx.fillStyle = "#1d232a";
    ctx.fillText(clip(colX, 60), left + w / 2, cssH - 8);
    ctx.save();
    ctx.translate(12, top + hh / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(clip(colY, 40), 0, 0);
    ctx.restore();
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "left";
    let drawn = 0;
    runs.forEach((r, i) => {
      const a = ax.pos(columnValue(r, colX));
      const b = ay.pos(columnValue(r, colY));
      if (a === null || b === null) return;
      drawn++;
      ctx.fillStyle = MLT.charts.color(i);
      ctx.beginPath();
      ctx.arc(px(a), py(b), 5, 0, 2 * Math.PI);
      ctx.fill();
      if (runs.length <= 20) {
        const label = clip(runLabel(r), 20);
        const tw = ctx.measureText(label).width;
        const lx = px(a) + 8 + tw > cssW - 4 ? px(a) - 8 - tw : px(a) + 8;
        ctx.fillStyle = "#1d232a";
        ctx.fillText(label, lx, py(b) + 4);
      }
    });
    if (!drawn) {
      ctx.fillStyle = "#5f6b78";
      ctx.fillText("No run has both values.", left + 10, top + 20);
    }
  }

  function setParams(p) {
    try {
      MLT.setParams(p);
    } catch (e) {
      // a report opened from file:// may refuse history changes: the view still works
    }
  }

  MLT.views.compare = {
    title: "Compare runs",
    render(root, route) {
      const P = route.params;
      const ids = (P.get("runs") || "").split(",").map((s) => s.trim()).filter(Boolean);
      const state = {
        x: ["step", "time", "relative"].includes(P.get("x")) ? P.get("x") : "step",
        smooth: Math.max(0, Math.min(0.99, Number(P.get("smooth")) || 0)),
        logY: P.get("logy") === "1",
        keys: P.get("keys") ? P.get("keys").split(",").filter(Boolean) : null,
        pc: P.get("pc"),
        sx: P.get("sx"),
        sy: P.get("sy"),
        diff: P.get("diff") === "1",
      };
      document.title = "Compare runs · mlt";
      const view = h("div", { class: "compare" });
      root.appendChild(view);
      if (!ids.length) {
        view.appendChild(h("h1", null, "Compare runs"));
        view.appendChild(
          h("p", { class: "muted" }, "No runs chosen: select runs in an ",
            MLT.link("/", null, "experiment"), "'s runs table and press Compare.")
        );
        return;
      }
      let stopped = false;
      let stopPoll = null;
      const charts = []; // {key, el, chart, full, seq}
      const observers = [];
      let runs = [];
      let metricKeys = [];

      const status = h("div", { class: "muted" }, "Loading runs…");
      view.appendChild(status);

      function xLabel() {
        return state.x === "step" ? "step" : state.x === "time" ? "wall time" : "relative time (s)";
      }

      // Relative time is seconds since each run's first point of that metric (as MLflow shows
      // it); c.bases keeps those first timestamps so a zoomed range maps back to wall time.
      // The runs go in groups of a few per request, so the server reads them in parallel.
      const GROUP = 5;
      async function history(params) {
        const ids = runs.map((r) => r.run_id);
        const parts = [];
        for (let i = 0; i < ids.length; i += GROUP) {
          parts.push(MLT.api("history", Object.assign({}, params, { runs: ids.slice(i, i + GROUP).join(",") })));
        }
        const answers = await Promise.all(parts);
        return { series: answers.flatMap((a) => a.series || []) };
      }

      async function fetchSeries(c, range, points) {
        const params = {
          keys: c.key,
          x: state.x === "step" ? "step" : "time",
          points,
        };
        if (range) {
          if (state.x === "relative") {
            const known = Object.values(c.bases || {});
            if (!known.length) return [];
            params.from = Math.floor(Math.min(...known) + range[0] * 1000);
            params.to = Math.ceil(Math.max(...known) + range[1] * 1000);
          } else {
            params.from = Math.floor(range[0]);
            params.to = Math.ceil(range[1]);
          }
        }
        const ans = await history(params);
        const out = [];
        if (!range) c.bases = {};
        runs.forEach((r, i) => {
          const s = (ans.series || []).find((s) => s.run_id === r.run_id && s.key === c.key);
          if (!s || !s.values.length) return;
          if (!range) c.bases[r.run_id] = s.timestamps[0];
          let x;
          if (state.x === "step") x = s.steps;
          else if (state.x === "time") x = s.timestamps;
          else {
            const b = c.bases[r.run_id] !== undefined ? c.bases[r.run_id] : s.timestamps[0];
            x = s.timestamps.map((t) => (t - b) / 1000);
          }
          out.push({ label: runLabel(r), x, y: s.values, color: MLT.charts.color(i), total: s.total });
        });
        return out;
      }

      async function loadChart(c, range) {
        const seq = ++c.seq;
        const points = Math.max(200, Math.round(c.el.clientWidth || 600));
        const series = await fetchSeries(c, range, points);
        if (stopped || seq !== c.seq) return;
        if (!range) c.full = series;
        const opts = {
          title: c.key,
          series,
          xLabel: xLabel(),
          xTime: state.x === "time",
          logY: state.logY,
          smooth: state.smooth,
          height: 240,
          onZoom: (min, max) => {
            if (min === null) {
              c.seq++;
              if (c.full) c.chart.update({ series: c.full });
            } else {
              loadChart(c, [min, max]).catch((e) => MLT.showError(c.el, e));
            }
          },
        };
        if (!series.length && !c.chart) {
          MLT.clear(c.el);
          c.el.appendChild(h("div", { class: "muted chart-loading" }, c.key + ": no history for these runs"));
          return;
        }
        if (!c.chart) {
          MLT.clear(c.el);
          c.chart = MLT.charts.line(c.el, opts);
        } else {
          c.chart.update(opts);
        }
        c.el.dataset.loaded = String(c.seq);
      }

      function reloadCharts() {
        return Promise.all(
          // the old chart stays until the new data is in (update() then rebuilds it)
          charts.map((c) => loadChart(c, null).catch((e) => MLT.showError(c.el, e)))
        );
      }

      // ---- the page -------------------------------------------------------------------------
      const runsBar = h("div", { class: "compare-runs" });
      const controls = h("div", { class: "compare-controls" });
      const chartGrid = h("div", { class: "compare-charts" });
      const tableBox = h("div", { class: "compare-table-box" });
      const pcBox = h("div", { class: "compare-plot" });
      const scBox = h("div", { class: "compare-plot" });

      function drawRunsBar() {
        MLT.clear(runsBar);
        runs.forEach((r, i) => {
          runsBar.appendChild(
            h("span", { class: "run-chip" },
              h("span", { class: "swatch", style: { background: MLT.charts.color(i) } }),
              MLT.link("/runs/" + encodeURIComponent(r.run_id), { title: r.run_id }, runLabel(r)),
              h("span", { class: "status status-" + r.status }, r.status.toLowerCase()))
          );
        });
      }

      function buildControls() {
        const xSel = h("select", { "aria-label": "x axis", class: "ctl-x" },
          h("option", { value: "step" }, "step"),
          h("option", { value: "time" }, "wall time"),
          h("option", { value: "relative" }, "relative time"));
        xSel.value = state.x;
        xSel.addEventListener("change", () => {
          state.x = xSel.value;
          setParams({ x: state.x === "step" ? null : state.x });
          reloadCharts();
        });
        const smoothIn = h("input", { type: "range", min: "0", max: "0.99", step: "0.01",
          value: String(state.smooth), class: "ctl-smooth", "aria-label": "smoothing" });
        const smoothVal = h("span", { class: "mono smooth-val" }, state.smooth.toFixed(2));
        smoothIn.addEventListener("input", () => {
          state.smooth = Number(smoothIn.value);
          smoothVal.textContent = state.smooth.toFixed(2);
          setParams({ smooth: state.smooth > 0 ? state.smooth : null });
          charts.forEach((c) => c.chart && c.chart.update({ smooth: state.smooth }));
        });
        const logIn = h("input", { type: "checkbox", class: "ctl-logy", checked: state.logY });
        logIn.addEventListener("change", () => {
          state.logY = logIn.checked;
          setParams({ logy: state.logY ? "1" : null });
          charts.forEach((c) => c.chart && c.chart.update({ logY: state.logY }));
        });
        // The metrics shown: checkboxes in a drop-down, written to ?keys=.
        const shown = new Set(state.keys ? state.keys.filter((k) => metricKeys.includes(k)) : metricKeys);
        const keyBoxes = metricKeys.map((k) => {
          const cb = h("input", { type: "checkbox", value: k, checked: shown.has(k) });
          cb.addEventListener("change", () => {
            if (cb.checked) shown.add(k);
            else shown.delete(k);
            const list = metricKeys.filter((m) => shown.has(m));
            state.keys = list.length === metricKeys.length ? null : list;
            setParams({ keys: state.keys ? state.keys.join(",") : null });
            summary.textContent = "Metrics (" + list.length + "/" + metricKeys.length + ")";
            buildCharts();
          });
          return h("label", null, cb, " ", k);
        });
        const summary = h("summary", null, "Metrics (" + shown.size + "/" + metricKeys.length + ")");
        controls.appendChild(h("label", null, "x axis ", xSel));
        controls.appendChild(h("label", null, "smoothing ", smoothIn, " ", smoothVal));
        controls.appendChild(h("label", null, logIn, " log y"));
        controls.appendChild(h("details", { class: "ctl-keys" }, summary, h("div", { class: "key-list" }, keyBoxes)));
        controls.appendChild(h("span", { class: "muted hint" },
          "drag: zoom · shift-drag: pan · ctrl-wheel: zoom · double-click: reset"));
      }

      function shownKeys() {
        return state.keys ? metricKeys.filter((k) => state.keys.includes(k)) : metricKeys;
      }

      function buildCharts() {
        const want = shownKeys();
        // keep the charts still shown, drop the others, add the new ones in order
        for (let i = charts.length - 1; i >= 0; i--) {
          if (!want.includes(charts[i].key)) {
            if (charts[i].chart) charts[i].chart.destroy();
            charts[i].el.remove();
            charts.splice(i, 1);
          }
        }
        const byKey = new Map(charts.map((c) => [c.key, c]));
        const next = [];
        for (const k of want) {
          let c = byKey.get(k);
          if (!c) {
            c = { key: k, el: h("div", { class: "chart-cell", dataset: { key: k } },
              h("div", { class: "muted chart-loading" }, k + ": loading…")), chart: null, full: null, seq: 0 };
            loadChart(c, null).catch((e) => MLT.showError(c.el, e));
          }
          next.push(c);
          chartGrid.appendChild(c.el);
        }
        charts.length = 0;
        charts.push(...next);
        if (!want.length) chartGrid.appendChild(h("p", { class: "muted" }, "No metrics to chart."));
      }

      function drawTable() {
        MLT.clear(tableBox);
        const rows = MLT.compareRows(runs);
        const diffIn = h("input", { type: "checkbox", class: "ctl-diff", checked: state.diff });
        diffIn.addEventListener("change", () => {
          state.diff = diffIn.checked;
          setParams({ diff: state.diff ? "1" : null });
          drawTable();
        });
        tableBox.appendChild(h("label", { class: "diff-toggle" }, diffIn, " only differences"));
        const head = h("tr", null, h("th", null, ""),
          runs.map((r, i) =>
            h("th", { title: r.run_id },
              h("span", { class: "swatch", style: { background: MLT.charts.color(i) } }),
              MLT.link("/runs/" + encodeURIComponent(r.run_id), null, runLabel(r)))));
        const body = h("tbody");
        const group = (name) =>
          body.appendChild(h("tr", { class: "group" }, h("th", { colspan: String(runs.length + 1) }, name)));
        const show = (row) => !state.diff || row.changed;
        body.appendChild(h("tr", { class: "attr" }, h("th", null, "status"),
          runs.map((r) => h("td", { class: "status-" + r.status }, r.status))));
        body.appendChild(h("tr", { class: "attr" }, h("th", null, "duration"),
          runs.map((r) => h("td", { class: "num" },
            r.end_time ? MLT.fmtDuration(r.end_time - r.start_time) : r.status === "RUNNING" ? "running" : ""))));
        const params = rows.params.filter(show);
        if (params.length) group("Parameters");
        for (const p of params) {
          body.appendChild(h("tr", { class: "param" + (p.changed ? " changed" : ""), dataset: { key: p.key } },
            h("th", null, p.key),
            p.values.map((v) => h("td", { class: v === undefined ? "missing" : "" }, v === undefined ? "-" : v))));
        }
        const metrics = rows.metrics.filter(show);
        if (metrics.length) group("Metrics (latest; ↓ lower is better, ↑ higher; best in bold)");
        for (const m of metrics) {
          body.appendChild(h("tr", { class: "metric" + (m.changed ? " changed" : ""), dataset: { key: m.key } },
            h("th", null, m.key + " " + (m.lower ? "↓" : "↑")),
            m.raw.map((v, i) => {
              if (v === undefined) return h("td", { class: "num missing" }, "-");
              const best = m.best.includes(i);
              return h("td", { class: "num" + (best ? " best" : ""), title: best ? "best" : null },
                MLT.fmtNumber(v), best ? " *" : "");
            })));
        }
        const tags = rows.tags.filter(show);
        if (tags.length) group("Tags");
        for (const t of tags) {
          body.appendChild(h("tr", { class: "tag" + (t.changed ? " changed" : ""), dataset: { key: t.key } },
            h("th", null, t.key),
            t.values.map((v) => h("td", null, v === undefined ? "-" : v))));
        }
        if (state.diff && !params.length && !metrics.length && !tags.length) {
          body.appendChild(h("tr", null, h("td", { colspan: String(runs.length + 1), class: "muted" },
            "The runs have the same params, metrics and tags.")));
        }
        tableBox.appendChild(h("div", { class: "table-scroll" },
          h("table", { class: "plain compare-table" }, h("thead", null, head), body)));
      }

      function paramAxes() {
        const rows = MLT.compareRows(runs).params;
        const changed = rows.filter((p) => p.changed).map((p) => p.key);
        return (changed.length ? changed : rows.map((p) => p.key)).slice(0, 16);
      }

      function buildPlots() {
        MLT.clear(pcBox);
        MLT.clear(scBox);
        const metricOpts = (sel) => metricKeys.map((k) => h("option", { value: k, selected: k === sel }, k));
        if (!state.pc || !metricKeys.includes(state.pc)) state.pc = metricKeys[0] || null;
        const pcSel = h("select", { class: "ctl-pc", "aria-label": "colour by metric" }, metricOpts(state.pc));
        const pcCanvas = h("canvas", { class: "parallel" });
        pcBox.appendChild(h("h2", null, "Parallel coordinates"));
        pcBox.appendChild(h("div", { class: "plot-controls" }, h("label", null, "colour by ", pcSel),
          h("span", { class: "ramp-legend" }, "low ", h("span", { class: "ramp" }), " high")));
        pcBox.appendChild(h("div", { class: "canvas-box" }, pcCanvas));
        const drawPc = () => drawParallel(pcCanvas, runs, paramAxes(), state.pc);
        pcSel.addEventListener("change", () => {
          state.pc = pcSel.value;
          setParams({ pc: state.pc });
          drawPc();
        });

        const columns = Object.keys(MLT.compareRows(runs).params.reduce((a, p) => ((a["params." + p.key] = 1), a), {}))
          .concat(metricKeys.map((k) => "metrics." + k));
        const pa = paramAxes();
        if (!state.sx || !columns.includes(state.sx)) state.sx = pa.length ? "params." + pa[0] : columns[0];
        if (!state.sy || !columns.includes(state.sy)) state.sy = state.pc ? "metrics." + state.pc : columns[1] || columns[0];
        const colOpts = (sel) => columns.map((c) => h("option", { value: c, selected: c === sel }, c));
        const sxSel = h("select", { class: "ctl-sx", "aria-label": "scatter x" }, colOpts(state.sx));
        const sySel = h("select", { class: "ctl-sy", "aria-label": "scatter y" }, colOpts(state.sy));
        const scCanvas = h("canvas", { class: "scatter" });
        scBox.appendChild(h("h2", null, "Scatter"));
        scBox.appendChild(h("div", { class: "plot-controls" }, h("label", null, "x ", sxSel), h("label", null, "y ", sySel)));
        scBox.appendChild(h("div", { class: "canvas-box" }, scCanvas));
        const drawSc = () => {
          if (state.sx && state.sy) drawScatter(scCanvas, runs, state.sx, state.sy);
        };
        sxSel.addEventListener("change", () => {
          state.sx = sxSel.value;
          setParams({ sx: state.sx });
          drawSc();
        });
        sySel.addEventListener("change", () => {
          state.sy = sySel.value;
          setParams({ sy: state.sy });
          drawSc();
        });
        const redraw = () => {
          drawPc();
          drawSc();
        };
        redraw();
        if (typeof ResizeObserver === "function") {
          let lastW = pcBox.clientWidth;
          const ro = new ResizeObserver(() => {
            if (Math.abs(pcBox.clientWidth - lastW) > 1) {
              lastW = pcBox.clientWidth;
              redraw();
            }
          });
          ro.observe(pcBox);
          observers.push(ro);
        }
        return redraw;
      }

      let redrawPlots = null;
      async function refresh(first) {
        const ans = await MLT.api("runs", { run_ids: ids.join(",") });
        if (stopped) return;
        runs = ans.runs || [];
        if (first) {
          const keys = (ans.keys && ans.keys.metrics) || Array.from(new Set(runs.flatMap((r) => Object.keys(r.metrics || {}))));
          metricKeys = keys.slice().sort();
        }
        drawRunsBar();
        drawTable();
        if (redrawPlots) redrawPlots();
      }

      (async () => {
        try {
          await refresh(true);
        } catch (e) {
          status.remove();
          MLT.showError(view, e);
          return;
        }
        if (stopped) return;
        status.remove();
        const missing = ids.length - runs.length;
        view.appendChild(h("h1", null, "Compare " + runs.length + " run" + (runs.length === 1 ? "" : "s")));
        if (missing > 0) view.appendChild(h("p", { class: "muted" }, missing + " of the runs asked for were not found."));
        if (!runs.length) return;
        view.appendChild(runsBar);
        buildControls();
        view.appendChild(controls);
        view.appendChild(chartGrid);
        buildCharts();
        view.appendChild(h("h2", null, "Parameters and metrics"));
        view.appendChild(tableBox);
        view.appendChild(h("div", { class: "compare-plots" }, pcBox, scBox));
        redrawPlots = buildPlots();
        // Live: while a shown run is RUNNING, its charts and values follow it.
        const live = () => runs.some((r) => r.status === "RUNNING");
        if (live()) {
          stopPoll = MLT.poll(async () => {
            await refresh(false);
            await Promise.all(charts.filter((c) => c.chart && !c.chart.zoomed).map((c) => loadChart(c, null)));
            if (!live() && stopPoll) {
              stopPoll();
              stopPoll = null;
            }
          }, 3000);
        }
      })();

      return () => {
        stopped = true;
        if (stopPoll) stopPoll();
        observers.forEach((o) => o.disconnect());
        charts.forEach((c) => c.chart && c.chart.destroy());
      };
    },
  };
})();
