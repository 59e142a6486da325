// The report: `mlt report` writes one HTML file holding this script, the styles and its data
// (a JSON block of type application/json, id "mlt-data"). When that block is there,
// MLT.api is answered from it (MLT.staticApi), the view state lives in location.hash (a page
// opened from a file has no server routes), and the one view is the report: a header, the
// runs table, then the compare view of the report's runs.
//
// The data (written by src/app/report.rs): {"format": 1, "title", "generated" (ms),
// "version", "experiments": [EXPERIMENT], "runs": {"runs": [RUN], "keys", "matched"},
// "series": [{"run_id", "key", "total", "downsampled", "steps": [deltas], "timestamps":
// [deltas], "values": [..]}]}: each series as the history endpoint answers it for x=step,
// with steps and timestamps written as differences from the previous point (smaller).
"use strict";
(function () {
  const MLT = window.MLT;
  const node = document.getElementById("mlt-data");
  if (!node) return;
  const data = JSON.parse(node.textContent);
  MLT.mode = "report";
  MLT.report = { data };
  const h = MLT.h;
  const allRuns = (data.runs && data.runs.runs) || [];
  const runsById = new Map(allRuns.map((r) => [r.run_id, r]));

  // ---- the embedded histories, decoded once ----------------------------------------------
  function undelta(d) {
    const out = new Array(d.length);
    let acc = 0;
    for (let i = 0; i < d.length; i++) out[i] = acc += d[i];
    return out;
  }
  const series = new Map(); // run_id \0 key -> {run_id, key, total, downsampled, steps, timestamps, values}
  for (const s of data.series || []) {
    series.set(s.run_id + "\u0000" + s.key, {
      run_id: s.run_id,
      key: s.key,
      total: s.total,
      downsampled: s.downsampled,
      steps: undelta(s.steps),
      timestamps: undelta(s.timestamps),
      values: s.values,
    });
  }

  // ---- MLT.staticApi: the endpoints of ui/README.md, from the data ------------------------
  // "a,b", ["a", "b"] and ["a,b"] are the same list.
  function list(v) {
    if (v === undefined || v === null || v === "") return [];
    const arr = Array.isArray(v) ? v : [v];
    return arr
      .flatMap((x) => String(x).split(","))
      .map((s) => s.trim())
      .filter(Boolean);
  }
  function num(v) {
    if (v === undefined || v === null || v === "") return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  function notFound(message) {
    const e = new Error(message);
    e.status = 404;
    e.body = { error_code: "RESOURCE_DOES_NOT_EXIST", message };
    return e;
  }
  function keysOf(runs) {
    const p = new Set(),
      m = new Set(),
      t = new Set();
    for (const r of runs) {
      Object.keys(r.params || {}).forEach((k) => p.add(k));
      Object.keys(r.metrics || {}).forEach((k) => m.add(k));
      Object.keys(r.tags || {}).forEach((k) => t.add(k));
    }
    const sorted = (s) => Array.from(s).sort();
    return { params: sorted(p), metrics: sorted(m), tags: sorted(t) };
  }
  // The value an order key names: `metrics.acc`, `params.lr`, `tags.x`, `attributes.start_time`
  // or a bare attribute.
  function orderValue(run, key) {
    const unquote = (s) => s.replace(/^[`"']|[`"']$/g, "");
    const dot = key.indexOf(".");
    const kind = dot < 0 ? "attributes" : key.slice(0, dot);
    const name = unquote(dot < 0 ? key : key.slice(dot + 1));
    if (kind === "metrics" || kind === "metric") {
      const m = (run.metrics || {})[name];
      if (!m) return null;
      return typeof m.value === "number" ? m.value : Number(m.value);
    }
    if (kind === "params" || kind === "param") return (run.params || {})[name] ?? null;
    if (kind === "tags" || kind === "tag") return (run.tags || {})[name] ?? null;
    return run[name] ?? null;
  }
  function sortRuns(runs, orders) {
    const clauses = orders.map((o) => {
      const m = String(o).trim().match(/^(.*?)(?:\s+(ASC|DESC))?$/i);
      return { key: m[1], desc: (m[2] || "").toUpperCase() === "DESC" };
    });
    if (!clauses.length) return runs;
    return runs.slice().sort((a, b) => {
      for (const c of clauses) {
        const x = orderValue(a, c.key),
          y = orderValue(b, c.key);
        const xm = x === null || (typeof x === "number" && Number.isNaN(x));
        const ym = y === null || (typeof y === "number" && Number.isNaN(y));
        if (xm || ym) {
          if (xm && ym) continue;
          return xm ? 1 : -1; // missing last, whatever the direction
        }
        const d = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        if (d) return c.desc ? -d : d;
      }
      return 0;
    });
  }
  function runsAnswer(params) {
    // A filter cannot be run without the server: the report shows its runs, unfiltered.
    const ids = list(params.run_ids);
    let runs;
    if (ids.length) {
      runs = ids.map((id) => runsById.get(id)).filter(Boolean);
    } else {
      const exps = list(params.experiments);
      const view = params.view || "active";
      runs = allRuns.filter(
        (r) =>
          (!exps.length || exps.includes(String(r.experiment_id))) &&
          (view === "all" || r.lifecycle_stage === view)
      );
      const orders = params.order_by === undefined ? [] : [].concat(params.order_by);
      runs = sortRuns(runs, orders.filter(Boolean));
    }
    return { runs, keys: keysOf(runs), matched: runs.length };
  }
  function runAnswer(id) {
    const r = runsById.get(id);
    if (!r) throw notFound("Run '" + id + "' is not in this report");
    return Object.assign({}, r, {
      description: (r.tags || {})["mlflow.note.content"] || "",
      inputs: [],
      logged_models: [],
    });
  }
  function wanted(params) {
    const runs = list(params.runs);
    const keys = list(params.keys);
    const out = [];
    for (const id of runs) {
      for (const s of series.values()) {
        if (s.run_id === id && (!keys.length || keys.includes(s.key))) out.push(s);
      }
    }
    if (keys.length) {
      out.sort((a, b) => runs.indexOf(a.run_id) - runs.indexOf(b.run_id) || keys.indexOf(a.key) - keys.indexOf(b.key));
    }
    return out;
  }
  function historyAnswer(params) {
    const byTime = params.x === "time";
    const from = num(params.from),
      to = num(params.to);
    return {
      series: wanted(params).map((s) => {
        let idx = s.values.map((_, i) => i);
        const xs = byTime ? s.timestamps : s.steps;
        if (byTime) idx.sort((a, b) => xs[a] - xs[b] || a - b);
        if (from !== null) idx = idx.filter((i) => xs[i] >= from);
        if (to !== null) idx = idx.filter((i) => xs[i] <= to);
        return {
          run_id: s.run_id,
          key: s.key,
          total: s.total,
          downsampled: s.downsampled,
          steps: idx.map((i) => s.steps[i]),
          timestamps: idx.map((i) => s.timestamps[i]),
          values: idx.map((i) => s.values[i]),
        };
      }),
    };
  }
  function rangesAnswer(params) {
    // The series keep each bucket's smallest and largest value, so their finite extremes are
    // the full histories' (but for a bucket whose extreme was an infinity).
    const ranges = {};
    for (const s of wanted(params)) {
      let min = null,
        max = null;
      for (const v of s.values) {
        if (typeof v !== "number" || !Number.isFinite(v)) continue;
        if (min === null || v < min) min = v;
        if (max === null || v > max) max = v;
      }
      (ranges[s.run_id] = ranges[s.run_id] || {})[s.key] = { min, max, count: s.total };
    }
    return { ranges };
  }
  function answer(path, params) {
    const p = String(path).replace(/^\/+/, "");
    if (p === "runs") return runsAnswer(params);
    if (p.startsWith("runs/")) return runAnswer(decodeURIComponent(p.slice(5)));
    if (p === "history") return historyAnswer(params);
    if (p === "metric-ranges") return rangesAnswer(params);
    if (p === "experiments") return { experiments: data.experiments || [] };
    throw notFound("'" + p + "' is not available in a report");
  }
  MLT.staticApi = async function (path, params) {
    // A copy: a view may change what it is given.
    return structuredClone(answer(path, params || {}));
  };

  // ---- routing in the hash -----------------------------------------------------------------
  const baseRender = MLT.render;
  let shown = null; // the hash the page shows
  MLT.route = function () {
    return {
      view: "report",
      parts: [],
      params: new URLSearchParams(location.hash.replace(/^#/, "")),
    };
  };
  // Renders when the hash is not the one shown (setParams writes the hash of what is shown).
  MLT.render = function () {
    if (shown !== null && location.hash === shown) return;
    shown = location.hash;
    baseRender();
  };
  window.addEventListener("hashchange", () => MLT.render());
  MLT.setParams = function (changes, push) {
    const params = MLT.mergeParams(MLT.route().params, changes);
    const s = params.toString();
    shown = s ? "#" + s : "";
    if (location.hash === shown) return;
    if (push) location.hash = s;
    else location.replace("#" + s);
  };
  // In-app links: the compare view's go to the hash; a run's shows its row; the rest of the
  // app (experiments, run pages, models) is not in a report.
  MLT.navigate = function (url) {
    const u = String(url);
    if (u.startsWith("#")) {
      location.hash = u.slice(1);
      return;
    }
    const q = u.indexOf("?");
    const route = MLT.parseRoute(q < 0 ? u : u.slice(0, q), q < 0 ? "" : u.slice(q));
    if (route.view === "compare") {
      location.hash = route.params.toString();
    } else if (route.view === "run") {
      showRow(route.parts[0]);
    } else if (route.view === "experiments" && !route.parts.length) {
      location.hash = "";
    }
  };
  function showRow(id) {
    const row = Array.from(document.querySelectorAll("tr[data-run-id]")).find((tr) => tr.dataset.runId === id);
    if (!row) return;
    document.querySelectorAll("tr.report-focus").forEach((tr) => tr.classList.remove("report-focus"));
    row.classList.add("report-focus");
    if (row.scrollIntoView) row.scrollIntoView({ block: "center" });
  }

  // ---- the view ----------------------------------------------------------------------------
  function runsTable(runs, keys) {
    const exps = new Map((data.experiments || []).map((e) => [String(e.experiment_id), e.name]));
    const head = [
      h("th", null, "Run"),
      h("th", null, "Experiment"),
      h("th", null, "Status"),
      h("th", null, "Started"),
      h("th", { class: "num" }, "Duration"),
      keys.params.map((k) => h("th", { class: "report-param", title: "params." + k }, k)),
      keys.metrics.map((k) => h("th", { class: "num report-metric", title: "metrics." + k }, k)),
    ];
    const rows = runs.map((r) =>
      h(
        "tr",
        { dataset: { runId: r.run_id } },
        h("td", { class: "report-name" }, r.run_name || r.run_id, h("div", { class: "muted mono" }, r.run_id)),
        h("td", null, exps.get(String(r.experiment_id)) || r.experiment_id),
        h("td", { class: "status-" + r.status }, r.status),
        h("td", null, MLT.fmtTime(r.start_time)),
        h("td", { class: "num" }, r.end_time ? MLT.fmtDuration(r.end_time - r.start_time) : ""),
        keys.params.map((k) => h("td", { class: "mono" }, (r.params || {})[k] ?? "")),
        keys.metrics.map((k) => {
          const m = (r.metrics || {})[k];
          return h("td", { class: "num", title: m ? "step " + m.step : null }, m ? MLT.fmtNumber(m.value) : "");
        })
      )
    );
    return h(
      "div",
      { class: "report-table-wrap" },
      h("table", { class: "plain report-runs-table" }, h("thead", null, h("tr", null, head)), h("tbody", null, rows))
    );
  }

  MLT.views.report = {
    title: "Report",
    render(root, route) {
      document.body.classList.add("mlt-report");
      document.title = data.title || "mlt report";
      const runs = allRuns;
      const keys = (data.runs && data.runs.keys) || keysOf(runs);
      root.appendChild(
        h(
          "header",
          { class: "report-head" },
          h("h1", null, data.title || "mlt report"),
          h(
            "p",
            { class: "muted" },
            runs.length + (runs.length === 1 ? " run" : " runs"),
            " · generated ",
            MLT.fmtTime(data.generated),
            data.version ? " by mlt " + data.version : "",
            " · histories downsampled to at most ",
            String(data.points || ""),
            " points each"
          )
        )
      );
      root.appendChild(h("section", { class: "report-runs" }, h("h2", null, "Runs"), runsTable(runs, keys)));
      const section = h("section", { class: "report-compare" });
      root.appendChild(section);
      if (!runs.length) {
        section.appendChild(h("p", { class: "muted" }, "No runs in this report."));
        return;
      }
      const compare = MLT.views.compare;
      if (!compare || typeof compare.render !== "function") {
        section.appendChild(h("p", { class: "muted" }, "The compare view is not in this build."));
        return;
      }
      const params = new URLSearchParams(route.params);
      if (!params.get("runs")) params.set("runs", runs.map((r) => r.run_id).join(","));
      const r = compare.render(section, { view: "compare", parts: [], params });
      document.title = data.title || "mlt report";
      if (r && typeof r.then === "function") {
        let stopped = false,
          stop = null;
        r.then((f) => {
          if (typeof f !== "function") return;
          if (stopped) f();
          else stop = f;
        }).catch((e) => MLT.showError(section, e));
        return () => {
          stopped = true;
          if (stop) stop();
        };
      }
      return r;
    },
  };
})();
