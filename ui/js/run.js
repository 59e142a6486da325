// The run page, /runs/<id>[?artifact=<path>]: info, description (Markdown), params, metrics with
// a chart each, tags, logged models, inputs and the artifact browser. While the run is RUNNING
// its status, metrics and charts are polled and updated in place.
"use strict";
(function () {
  const MLT = (window.MLT = window.MLT || {});
  const h = (...a) => MLT.h(...a);

  const POLL_MS = 2000;
  const CHART_POINTS = 500;
  const T = {
    runName: "mlflow.runName",
    note: "mlflow.note.content",
    parent: "mlflow.parentRunId",
    user: "mlflow.user",
    sourceName: "mlflow.source.name",
    sourceType: "mlflow.source.type",
    gitCommit: "mlflow.source.git.commit",
    gitBranch: "mlflow.source.git.branch",
    gitRepo: "mlflow.source.git.repoURL",
    modelHistory: "mlflow.log-model.history",
  };

  function numValue(v) {
    if (v === "NaN") return NaN;
    if (v === "Infinity") return Infinity;
    if (v === "-Infinity") return -Infinity;
    return v;
  }
  function byKey(obj) {
    return Object.keys(obj || {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  function kv(label, ...value) {
    return [h("dt", null, label), h("dd", null, ...value)];
  }
  function section(id, title, ...children) {
    return h("section", { class: "run-section", id }, h("h2", null, title), ...children);
  }

  // The models a run logged: the API's logged_models, and the MLmodel folders recorded in the
  // run's mlflow.log-model.history tag (what `mlt models log` and MLflow 2 write).
  function loggedModels(run) {
    const out = [];
    for (const m of run.logged_models || []) {
      out.push({ name: m.name, id: m.model_id, path: null, location: m.artifact_location,
        time: m.creation_timestamp, flavors: [] });
    }
    let hist = [];
    try {
      hist = JSON.parse((run.tags || {})[T.modelHistory] || "[]");
    } catch (e) {
      hist = [];
    }
    for (const m of Array.isArray(hist) ? hist : []) {
      if (!m || typeof m !== "object") continue;
      const path = m.artifact_path || null;
      const known = out.find((o) => (m.model_id && o.id === m.model_id) || (path && o.path === path));
      if (known) {
        known.path = known.path || path;
        known.flavors = Object.keys(m.flavors || {});
        continue;
      }
      let time = null;
      if (m.utc_time_created) {
        const t = Date.parse(String(m.utc_time_created).replace(" ", "T") + "Z");
        time = Number.isNaN(t) ? null : t;
      }
      out.push({ name: path || m.model_id || "model", id: m.model_id || null, path, location: null,
        time, flavors: Object.keys(m.flavors || {}) });
    }
    return out;
  }

  MLT.views.run = {
    title: "Run",
    render(root, route) {
      const runId = route.parts[0];
      const artifact = route.params.get("artifact");
      let stopped = false;
      let stopPoll = null;
      let browser = null;
      const charts = new Map(); // metric key -> {chart, box}

      const page = h("div", { class: "run-page" }, h("p", { class: "muted" }, "Loading the run…"));
      root.appendChild(page);

      const els = {};

      function header(run) {
        const name = run.run_name || run.run_id;
        document.title = name + " · mlt";
        return h("div", { class: "run-head" },
          h("h1", null, h("span", { class: "run-name" }, name),
            h("span", { class: "run-status status-" + run.status, id: "run-status" }, run.status),
            run.lifecycle_stage === "deleted" ? h("span", { class: "run-deleted" }, "deleted") : null),
          h("div", { class: "run-sub muted" }, "Run ", h("span", { class: "mono" }, run.run_id)));
      }

      function info(run, ctx) {
        const tags = run.tags || {};
        const dur = run.end_time ? run.end_time - run.start_time
          : run.status === "RUNNING" && run.start_time ? Date.now() - run.start_time : null;
        const exp = ctx.experiment;
        const items = [];
        items.push(kv("Experiment", MLT.link("/experiments/" + encodeURIComponent(run.experiment_id),
          { class: "run-experiment" }, exp ? exp.name : run.experiment_id),
        exp ? h("span", { class: "muted" }, " (" + run.experiment_id + ")") : null));
        items.push(kv("Status", h("span", { class: "status-" + run.status, id: "run-status-info" }, run.status)));
        if (run.parent_run_id) {
          items.push(kv("Parent run", MLT.link("/runs/" + encodeURIComponent(run.parent_run_id),
            { class: "run-parent" }, ctx.parentName || run.parent_run_id)));
        }
        if (ctx.children && ctx.children.length) {
          const shown = ctx.children.slice(0, 50);
          items.push(kv("Child runs (" + ctx.children.length + ")", h("span", { class: "run-children" },
            shown.map((c, i) => [i ? ", " : "", MLT.link("/runs/" + encodeURIComponent(c.run_id),
              { class: "run-child" }, c.run_name || c.run_id)]),
            ctx.children.length > shown.length ? " …" : null)));
        }
        items.push(kv("Started", MLT.fmtTime(run.start_time)));
        items.push(kv("Ended", run.end_time ? MLT.fmtTime(run.end_time) : h("span", { class: "muted" }, "—")));
        items.push(kv("Duration", h("span", { id: "run-duration" }, MLT.fmtDuration(dur))));
        if (run.user_id || tags[T.user]) items.push(kv("User", run.user_id || tags[T.user]));
        if (tags[T.sourceName]) {
          items.push(kv("Source", h("span", { class: "mono" }, tags[T.sourceName]),
            tags[T.sourceType] ? h("span", { class: "muted" }, " (" + tags[T.sourceType].toLowerCase() + ")") : null));
        }
        if (tags[T.gitCommit]) {
          items.push(kv("Git commit", h("span", { class: "mono run-git" }, tags[T.gitCommit]),
            tags[T.gitBranch] ? h("span", { class: "muted" }, " on " + tags[T.gitBranch]) : null));
        }
        if (tags[T.gitRepo]) items.push(kv("Git repository", h("span", { class: "mono" }, tags[T.gitRepo])));
        items.push(kv("Artifacts", h("span", { class: "mono muted" }, run.artifact_uri || "")));
        return h("dl", { class: "run-info" }, items);
      }

      function paramsTable(run) {
        const keys = byKey(run.params);
        if (!keys.length) return h("p", { class: "muted" }, "No params.");
        return h("table", { class: "plain run-params" },
          h("thead", null, h("tr", null, h("th", null, "Name"), h("th", null, "Value"))),
          h("tbody", null, keys.map((k) => h("tr", null, h("td", { class: "mono" }, k),
            h("td", { class: "mono run-param-value" }, run.params[k])))));
      }

      function metricsTable(run, ranges) {
        const keys = byKey(run.metrics);
        if (!keys.length) return h("p", { class: "muted" }, "No metrics.");
        const rr = (ranges && ranges[run.run_id]) || {};
        return h("table", { class: "plain run-metrics" },
          h("thead", null, h("tr", null, ["Name", "Latest", "Step", "Min", "Max", "Points", "Logged"].map((x, i) =>
            h("th", { class: i >= 1 && i <= 5 ? "num" : null }, x)))),
          h("tbody", null, keys.map((k) => {
            const m = run.metrics[k];
            const r = rr[k] || {};
            return h("tr", { dataset: { key: k } }, h("td", { class: "mono" }, k),
              h("td", { class: "num metric-value" }, MLT.fmtNumber(m.value)),
              h("td", { class: "num" }, String(m.step)),
              h("td", { class: "num" }, MLT.fmtNumber(r.min)),
              h("td", { class: "num" }, MLT.fmtNumber(r.max)),
              h("td", { class: "num" }, r.count === undefined ? "" : String(r.count)),
              h("td", { class: "muted" }, MLT.fmtTime(m.timestamp)));
          })));
      }

      async function drawCharts(run) {
        const keys = byKey(run.metrics);
        if (!keys.length) return;
        if (!MLT.charts || !MLT.charts.line) {
          if (!els.charts.firstChild) els.charts.appendChild(h("p", { class: "muted" }, "Charts are not available."));
          return;
        }
        const r = await MLT.api("history", { runs: run.run_id, keys: keys.join(","), x: "step", points: CHART_POINTS });
        if (stopped) return;
        for (const s of r.series || []) {
          const opts = {
            title: s.key,
            series: [{ label: s.key, x: s.steps,
              y: s.values.map((v) => (v === null ? null : numValue(v))) }],
            xLabel: "step",
            height: 180,
          };
          let c = charts.get(s.key);
          if (!c) {
            c = { box: h("div", { class: "run-chart", dataset: { key: s.key } }), chart: null };
            // In key order, as the table.
            const after = Array.from(els.charts.children).find((b) => b.dataset.key > s.key);
            els.charts.insertBefore(c.box, after || null);
            charts.set(s.key, c);
          }
          if (s.values.length < 2) {
            // One point draws no line: show the value instead.
            if (!c.chart) {
              MLT.clear(c.box).appendChild(h("div", { class: "run-chart-single" },
                h("div", { class: "run-chart-title" }, s.key),
                h("div", { class: "run-chart-value" }, MLT.fmtNumber(s.values[0])),
                h("div", { class: "muted" }, s.steps.length ? "one value, at step " + s.steps[0] : "no values")));
            }
          } else if (c.chart) {
            c.chart.update(opts);
          } else {
            MLT.clear(c.box);
            c.chart = MLT.charts.line(c.box, opts);
          }
          c.box.title = s.downsampled ? s.key + ": " + s.total + " points, downsampled" : s.key + ": " + s.total + " points";
        }
      }

      function tagsPart(run) {
        const user = [];
        const system = [];
        for (const k of byKey(run.tags)) {
          if (k === T.note || k === T.modelHistory) continue;
          (k.startsWith("mlflow.") ? system : user).push(k);
        }
        const table = (keys, cls) => h("table", { class: "plain run-tags " + cls },
          h("tbody", null, keys.map((k) => h("tr", null, h("td", { class: "mono" }, k),
            h("td", { class: "mono run-tag-value" }, run.tags[k])))));
        return h("div", null,
          user.length ? table(user, "user-tags") : h("p", { class: "muted" }, "No tags."),
          system.length ? h("details", { class: "system-tags" },
            h("summary", null, "System tags (" + system.length + ")"), table(system, "system")) : null);
      }

      function modelsPart(run) {
        const models = loggedModels(run);
        if (!models.length) return null;
        const ids = models.some((m) => m.id);
        return section("run-models", "Logged models",
          h("table", { class: "plain run-models" },
            h("thead", null, h("tr", null, ["Name", "Flavors", ids ? "Model id" : null, "Logged"].map((x) => x && h("th", null, x)))),
            h("tbody", null, models.map((m) => h("tr", null,
              h("td", null, m.path ? MLT.link(location.pathname + "?artifact=" + encodeURIComponent(m.path + "/MLmodel"),
                { class: "run-model-link", "data-nav": false, dataset: { path: m.path } }, m.name) : m.name),
              h("td", null, m.flavors.join(", ")),
              ids ? h("td", { class: "mono muted" }, m.id || "") : null,
              h("td", { class: "muted" }, MLT.fmtTime(m.time)))))));
      }

      function inputsPart(run) {
        const inputs = run.inputs || [];
        if (!inputs.length) return null;
        return section("run-inputs", "Inputs",
          h("table", { class: "plain run-inputs" },
            h("thead", null, h("tr", null, ["Dataset", "Digest", "Context", "Source type", "Source"].map((x) => h("th", null, x)))),
            h("tbody", null, inputs.map((d) => h("tr", null,
              h("td", null, d.name || ""), h("td", { class: "mono" }, d.digest || ""),
              h("td", null, d.context || ""), h("td", null, d.source_type || ""),
              h("td", { class: "mono run-input-source" }, d.source || ""))))));
      }

      function openArtifact(path) {
        MLT.setParams({ artifact: path }, true);
        if (browser) browser.destroy();
        browser = MLT.artifacts.browser(els.artifacts, runId, path);
        els.artifacts.scrollIntoView({ block: "start" });
      }

      // Renders the page as soon as the run is read; the experiment's name, the parent's and
      // children's names, the metric ranges and the charts fill in as they arrive.
      async function load() {
        const run = await MLT.api("runs/" + encodeURIComponent(runId));
        if (stopped) return;
        els.run = run;
        const tags = run.tags || {};
        MLT.clear(page);
        els.head = header(run);
        els.info = info(run, {});
        els.metricsTable = h("div", null, metricsTable(run, null));
        els.charts = h("div", { class: "run-charts" });
        els.artifacts = h("div", { class: "run-artifacts" });
        const desc = run.description !== undefined && run.description !== null ? run.description : tags[T.note];
        page.appendChild(els.head);
        page.appendChild(h("div", { class: "run-top" }, els.info,
          desc ? h("div", { class: "run-description" }, h("h2", null, "Description"), MLT.markdown(desc)) : null));
        page.appendChild(section("run-metrics", "Metrics", els.metricsTable, els.charts));
        page.appendChild(h("div", { class: "run-cols" },
          section("run-params", "Params", paramsTable(run)),
          section("run-tags", "Tags", tagsPart(run))));
        const models = modelsPart(run);
        if (models) page.appendChild(models);
        const inputs = inputsPart(run);
        if (inputs) page.appendChild(inputs);
        page.appendChild(section("run-artifacts-section", "Artifacts", els.artifacts));
        page.querySelectorAll("a.run-model-link").forEach((a) => a.addEventListener("click", (ev) => {
          if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
          ev.preventDefault();
          openArtifact(a.dataset.path + "/MLmodel");
        }));
        if (MLT.mode !== "report") browser = MLT.artifacts.browser(els.artifacts, runId, artifact);

        const context = Promise.all([
          MLT.api("experiments").catch(() => null),
          run.parent_run_id ? MLT.api("runs", { run_ids: run.parent_run_id, columns: "tags.mlflow.runName" }).catch(() => null) : null,
          MLT.api("runs", { experiments: run.experiment_id, view: "all", columns: "tags.mlflow.parentRunId",
            filter: "tags.`" + T.parent + "` = '" + run.run_id.replace(/'/g, "''") + "'" }).catch(() => null),
        ]).then(([exps, parent, children]) => {
          if (stopped) return;
          const ctx = {
            experiment: exps && (exps.experiments || []).find((e) => e.experiment_id === run.experiment_id),
            parentName: parent && parent.runs && parent.runs[0] ? parent.runs[0].run_name : null,
            children: children ? children.runs || [] : [],
          };
          els.ctx = ctx;
          const fresh = info(els.run, ctx);
          els.info.replaceWith(fresh);
          els.info = fresh;
        });
        const ranges = Object.keys(run.metrics || {}).length
          ? metricRanges(run).then((r) => {
            if (stopped || els.run !== run) return;
            MLT.clear(els.metricsTable).appendChild(metricsTable(run, r));
          })
          : null;
        await Promise.all([context, ranges, drawCharts(run).catch((e) => MLT.showError(els.charts, e))]);
        if (run.status === "RUNNING" && !stopped) live(run);
      }

      function metricRanges(run) {
        return MLT.api("metric-ranges", { runs: run.run_id, keys: Object.keys(run.metrics).join(",") })
          .then((r) => r.ranges)
          .catch(() => null);
      }

      // Polls a RUNNING run: status, times, metrics and charts, until it ends.
      function live(first) {
        let last = first;
        page.classList.add("live");
        stopPoll = MLT.poll(async () => {
          const run = await MLT.api("runs/" + encodeURIComponent(runId));
          if (stopped) return;
          const ranges = Object.keys(run.metrics || {}).length ? await metricRanges(run) : null;
          if (stopped) return;
          const status = page.querySelector("#run-status");
          if (status) {
            status.textContent = run.status;
            status.className = "run-status status-" + run.status;
          }
          const fresh = info(run, { experiment: null, children: [], parentName: null });
          // Keep the links resolved at load; update only the changing values.
          const keep = els.info;
          ["#run-status-info", "#run-duration"].forEach((sel) => {
            const a = keep.querySelector(sel);
            const b = fresh.querySelector(sel);
            if (a && b) a.replaceWith(b);
          });
          if (run.end_time && !last.end_time) {
            const dd = Array.from(keep.querySelectorAll("dt")).find((d) => d.textContent === "Ended");
            if (dd && dd.nextSibling) dd.nextSibling.textContent = MLT.fmtTime(run.end_time);
          }
          els.run = run;
          MLT.clear(els.metricsTable).appendChild(metricsTable(run, ranges));
          await drawCharts(run);
          last = run;
          if (run.status !== "RUNNING") {
            page.classList.remove("live");
            if (stopPoll) stopPoll();
          }
        }, POLL_MS);
      }

      load().catch((e) => {
        MLT.clear(page);
        if (e.status === 404) page.appendChild(h("h1", null, "Run not found"));
        MLT.showError(page, e);
        page.appendChild(h("p", null, MLT.link("/", null, "Back to the experiments")));
      });

      return () => {
        stopped = true;
        if (stopPoll) stopPoll();
        for (const c of charts.values()) {
          try {
            if (c.chart) c.chart.destroy();
          } catch (e) {
            /* already gone */
          }
        }
        if (browser) browser.destroy();
      };
    },
  };
})();
