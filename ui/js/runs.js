// runs view (`/experiments/<id>[,<id>]`): the runs of one or several experiments in a
// virtualized table (a fixed row height, only the rows in sight are in the DOM, so 10,000 runs
// scroll smoothly). The view state lives in the URL:
//   ?filter=  mlt's filter language, sent to the server (a bad one's error shows its column)
//   ?order_by= `key ASC|DESC`, sent to the server; `duration` and the min/max columns
//             (`metrics.`loss`:min`) are sorted here
//   ?columns= globs choosing the columns (see MLT.runColumns.matcher)
//   ?view=    active (default), deleted or all
// Nested runs show under their parent; checked runs open in the compare view; while a run
// shown is RUNNING its cells are refreshed every 2 s.
"use strict";
(function () {
  const MLT = window.MLT;
  const h = MLT.h;
  const ROW_H = 30;
  const OVERSCAN = 12;
  const POLL_MS = 2000;
  const DEFAULT_COLUMNS = "attributes.*,params.*,metrics.*,tags.*";
  const CHUNK = 100; // run ids per /runs?run_ids= or /metric-ranges request

  // ---- columns ------------------------------------------------------------------------------
  // A column's id is what the globs match: attributes.status, params.lr, metrics.loss,
  // metrics.loss:min, metrics.loss:max, tags.team.
  const ATTRS = [
    { name: "status", label: "Status", width: 92, order: "attributes.status" },
    { name: "start_time", label: "Started", width: 168, order: "attributes.start_time" },
    { name: "duration", label: "Duration", width: 92, order: "duration", num: true },
    { name: "user_id", label: "User", width: 110, order: "attributes.user_id" },
    { name: "experiment", label: "Experiment", width: 140, order: "attributes.experiment_id" },
  ];

  // The identifier of a key in mlt's filter and order-by language.
  function ident(prefix, key) {
    return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(key) ? prefix + "." + key : prefix + ".`" + key.replace(/`/g, "``") + "`";
  }

  // Compiles a columns spec ("params.*,metrics.loss,!tags.x") into a function id -> the index of
  // the pattern that shows it (its position), or -1. The last pattern matching an id decides: a
  // `!` pattern hides. `*` matches any characters but `:`, so `metrics.*` leaves out the min and
  // max columns (`metrics.*:min` picks them). A pattern without a group prefix matches in every
  // group (`loss` is metrics.loss, params.loss, ...). System tags (tags.mlflow.*) only show
  // when a pattern names them (starts with tags.mlflow).
  function matcher(spec) {
    const pats = String(spec || "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((p) => {
        const neg = p.startsWith("!");
        if (neg) p = p.slice(1).trim();
        if (!/^(attributes|params|metrics|tags)\./.test(p)) p = "*." + p;
        const re = new RegExp(
          "^" + p.split("").map((c) => (c === "*" ? "[^:]*" : c === "?" ? "[^:]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("") + "$"
        );
        return { neg, re, system: /^(\*|tags)\.mlflow/.test(p) || p.startsWith("tags.mlflow") };
      });
    return function (id) {
      const system = id.startsWith("tags.mlflow.");
      let pos = -1;
      pats.forEach((p, i) => {
        if (system && !p.system) return;
        if (!p.re.test(id)) return;
        if (p.neg) pos = -1;
        else if (pos < 0) pos = i;
      });
      return pos;
    };
  }
  MLT.runColumns = { matcher, DEFAULT: DEFAULT_COLUMNS };

  // Every column there can be for these keys, in the chooser's order.
  function allColumns(keys, several) {
    const out = [];
    for (const a of ATTRS) {
      if (a.name === "experiment" && !several) continue;
      out.push(Object.assign({ id: "attributes." + a.name, kind: "attr", group: "", key: a.name }, a));
    }
    for (const k of keys.params) out.push({ id: "params." + k, kind: "param", group: "param", key: k, label: k, width: 110, order: ident("params", k) });
    for (const k of keys.metrics) {
      out.push({ id: "metrics." + k, kind: "metric", group: "metric", key: k, label: k, width: 110, num: true, order: ident("metrics", k) });
      out.push({ id: "metrics." + k + ":min", kind: "min", group: "min", key: k, label: k, width: 110, num: true, order: ident("metrics", k) + ":min" });
      out.push({ id: "metrics." + k + ":max", kind: "max", group: "max", key: k, label: k, width: 110, num: true, order: ident("metrics", k) + ":max" });
    }
    for (const k of keys.tags) out.push({ id: "tags." + k, kind: "tag", group: "tag", key: k, label: k, width: 120, order: ident("tags", k) });
    return out;
  }

  // The columns the spec shows, ordered by the pattern that shows each, then as in allColumns.
  function chosenColumns(all, spec) {
    const m = matcher(spec || DEFAULT_COLUMNS);
    return all
      .map((c, i) => ({ c, i, pos: m(c.id) }))
      .filter((x) => x.pos >= 0)
      .sort((a, b) => a.pos - b.pos || a.i - b.i)
      .map((x) => x.c);
  }

  // ---- order by -----------------------------------------------------------------------------
  // "metrics.`a b`:min DESC" -> {order: "metrics.`a b`:min", desc: true}
  function parseOrder(s) {
    const m = /^(.*?)(?:\s+(ASC|DESC))?\s*$/i.exec(String(s || "").trim());
    if (!m || !m[1]) return null;
    return { order: m[1], desc: /desc/i.test(m[2] || "") };
  }
  // Whether an order is ours (sorted here) rather than the server's.
  function clientOrder(order) {
    return order === "duration" || /:(min|max)$/.test(order);
  }

  function duration(run) {
    if (!run.start_time) return null;
    const end = run.end_time || (run.status === "RUNNING" ? Date.now() : null);
    return end === null ? null : end - run.start_time;
  }
  function metricNumber(v) {
    if (v === null || v === undefined) return null;
    if (typeof v === "number") return v;
    if (v === "Infinity") return Infinity;
    if (v === "-Infinity") return -Infinity;
    return null; // NaN sorts with the missing values
  }

  // ---- the view -----------------------------------------------------------------------------
  MLT.views.runs = {
    title: "Runs",
    render(root, route) {
      const ids = (route.parts[0] || "").split(",").map((s) => s.trim()).filter(Boolean);
      const several = ids.length > 1;
      const p = route.params;
      const S = {
        filter: p.get("filter") || "",
        orders: p.getAll("order_by").filter(Boolean),
        columns: p.get("columns") || "",
        view: ["deleted", "all"].includes(p.get("view")) ? p.get("view") : "active",
        runs: [],
        byId: new Map(),
        keys: { params: [], metrics: [], tags: [] },
        matched: 0,
        experiments: new Map(),
        cols: [],
        rows: [],
        selected: new Set(),
        collapsed: new Set(),
        ranges: new Map(), // run_id -> {key: {min, max, count}}
        rangePending: new Set(),
        rendered: new Map(), // row index -> element
        loadSeq: 0,
        stopped: false,
      };
      document.title = "Runs · mlt";

      // -- toolbar
      const title = h("h1", { class: "runs-title" }, "Runs");
      const crumbs = h("div", { class: "crumbs" }, MLT.link("/", null, "Experiments"), " / ");
      const filter = h("input", {
        type: "text",
        class: "runs-filter mono",
        spellcheck: "false",
        autocomplete: "off",
        placeholder: "Filter: metrics.loss < 0.5 and (params.lr = '0.01' or tags.team = 'vision')  ↵",
        "aria-label": "Filter runs",
        value: S.filter,
        onkeydown(ev) {
          if (ev.key === "Enter") {
            ev.preventDefault();
            S.filter = filter.value.trim();
            MLT.setParams({ filter: S.filter });
            load();
          } else if (ev.key === "Escape") {
            filter.value = S.filter;
          }
        },
      });
      const filterError = h("div", { class: "filter-error", hidden: true, role: "alert" });
      const viewSel = h(
        "select",
        {
          class: "runs-view",
          "aria-label": "Lifecycle",
          onchange() {
            S.view = viewSel.value;
            MLT.setParams({ view: S.view === "active" ? null : S.view });
            load();
          },
        },
        [["active", "Active runs"], ["deleted", "Deleted runs"], ["all", "All runs"]].map(([v, t]) =>
          h("option", { value: v, selected: S.view === v }, t)
        )
      );
      const colsBtn = h("button", { type: "button", class: "runs-columns-btn", "aria-expanded": "false", onclick: () => toggleChooser() }, "Columns");
      const expandBtn = h("button", { type: "button", class: "runs-expand", hidden: true, onclick: () => expandAll() }, "Expand all");
      const compareBtn = h(
        "button",
        {
          type: "button",
          class: "primary runs-compare",
          disabled: true,
          onclick() {
            if (S.selected.size) MLT.navigate("/compare?runs=" + Array.from(S.selected).map(encodeURIComponent).join(","));
          },
        },
        "Compare"
      );
      const clearSel = h("button", { type: "button", class: "runs-clear", hidden: true, onclick: () => { S.selected.clear(); selectionChanged(); } }, "Clear selection");
      const info = h("span", { class: "muted runs-info" }, "Loading…");
      const live = h("span", { class: "runs-live", hidden: true, title: "Running runs refresh every 2 s" }, "● live");
      const chooser = h("div", { class: "col-chooser", hidden: true });

      // -- table
      const head = h("div", { class: "rt-head", role: "row" });
      const body = h("div", { class: "rt-body", role: "rowgroup" });
      const inner = h("div", { class: "rt-inner" }, head, body);
      const scroll = h("div", { class: "rt-scroll", role: "table", "aria-label": "Runs", tabindex: "0" }, inner);
      const empty = h("div", { class: "rt-empty muted", hidden: true });

      root.appendChild(
        h("section", { class: "runs" },
          crumbs, title,
          h("div", { class: "runs-bar" }, filter, viewSel, colsBtn, expandBtn, clearSel, compareBtn),
          filterError,
          chooser,
          h("div", { class: "runs-status" }, info, live),
          scroll,
          empty)
      );

      // -- layout: the scroll container fills the window below it
      function fit() {
        const top = scroll.getBoundingClientRect().top + window.scrollY;
        const room = Math.max(240, window.innerHeight - top - 16);
        // A short table is as tall as its rows (plus a scroll bar's room), a long one fills the window.
        const bar = scroll.scrollWidth > scroll.clientWidth ? 18 : 2;
        const need = (head.offsetHeight || 44) + S.rows.length * ROW_H + bar;
        scroll.style.height = Math.min(room, Math.max(need, 120)) + "px";
        paint();
      }
      let raf = 0;
      function schedule() {
        if (raf) return;
        raf = requestAnimationFrame(() => {
          raf = 0;
          paint();
        });
      }
      scroll.addEventListener("scroll", schedule, { passive: true });
      window.addEventListener("resize", fit);

      // -- data
      async function load() {
        const seq = ++S.loadSeq;
        info.textContent = "Loading…";
        const first = S.orders.length ? parseOrder(S.orders[0]) : null;
        const serverOrders = first && clientOrder(first.order) ? [] : S.orders;
        let ans;
        try {
          ans = await MLT.api("runs", {
            experiments: ids.join(","),
            filter: S.filter,
            order_by: serverOrders,
            view: S.view,
          });
        } catch (e) {
          if (seq !== S.loadSeq) return;
          showError(e);
          return;
        }
        if (seq !== S.loadSeq || S.stopped) return;
        hideError();
        S.runs = ans.runs || [];
        S.byId = new Map(S.runs.map((r) => [r.run_id, r]));
        S.keys = ans.keys || keysOf(S.runs);
        S.matched = ans.matched === undefined ? S.runs.length : ans.matched;
        S.ranges = new Map();
        S.rangePending.clear();
        S.selected = new Set(Array.from(S.selected).filter((id) => S.byId.has(id)));
        await clientSort();
        if (seq !== S.loadSeq || S.stopped) return;
        rebuild();
        scroll.scrollTop = 0;
        livePoll();
      }

      function keysOf(runs) {
        const k = { params: new Set(), metrics: new Set(), tags: new Set() };
        for (const r of runs) {
          Object.keys(r.params || {}).forEach((x) => k.params.add(x));
          Object.keys(r.metrics || {}).forEach((x) => k.metrics.add(x));
          Object.keys(r.tags || {}).forEach((x) => k.tags.add(x));
        }
        return { params: [...k.params].sort(), metrics: [...k.metrics].sort(), tags: [...k.tags].sort() };
      }

      // Sorts S.runs here when the first order is ours (duration, min, max): stable, missing
      // values last either way.
      async function clientSort() {
        const first = S.orders.length ? parseOrder(S.orders[0]) : null;
        if (!first || !clientOrder(first.order)) return;
        let val;
        if (first.order === "duration") {
          val = duration;
        } else {
          const col = allColumns(S.keys, several).find((c) => c.order === first.order);
          if (!col) return;
          await fetchRanges(S.runs.map((r) => r.run_id), true);
          val = (r) => {
            const g = S.ranges.get(r.run_id);
            const x = g && g[col.key];
            return x ? metricNumber(x[col.kind]) : null;
          };
        }
        const dir = first.desc ? -1 : 1;
        const keyed = S.runs.map((r, i) => ({ r, i, v: val(r) }));
        keyed.sort((a, b) => {
          const an = a.v === null || a.v === undefined;
          const bn = b.v === null || b.v === undefined;
          if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
          return a.v < b.v ? -dir : a.v > b.v ? dir : a.i - b.i;
        });
        S.runs = keyed.map((x) => x.r);
      }

      function showError(e) {
        const b = e.body || {};
        MLT.clear(filterError);
        filterError.hidden = false;
        filterError.appendChild(h("div", { class: "fe-msg" }, b.message || String(e.message || e)));
        if (b.text !== undefined && b.column) {
          const label = b.what === "order_by" ? "order by: " : "";
          filterError.appendChild(
            h("pre", { class: "fe-where mono" },
              label + b.text + "\n" + " ".repeat(label.length + Math.max(0, b.column - 1)),
              h("span", { class: "fe-caret" }, "^"))
          );
        }
        if (b.what === "order_by") {
          filterError.appendChild(h("button", { type: "button", onclick: () => setOrder(null) }, "Reset the order"));
        }
        S.runs = [];
        S.byId = new Map();
        S.matched = 0;
        S.error = b.what === "order_by" ? "The order is not valid." : b.what === "filter" ? "The filter is not valid." : "No runs.";
        rebuild();
      }
      function hideError() {
        S.error = null;
        filterError.hidden = true;
        MLT.clear(filterError);
      }

      // -- columns
      function rebuildColumns() {
        S.cols = chosenColumns(allColumns(S.keys, several), S.columns);
        S.cols.forEach(sizeColumn);
        const tmpl = ["34px", "260px"].concat(S.cols.map((c) => c.width + "px"));
        inner.style.setProperty("--cols", tmpl.join(" "));
        inner.style.width = tmpl.reduce((a, w) => a + parseInt(w, 10), 0) + "px";
        drawHead();
      }

      // A param, metric or tag column is as wide as its name and the values of the first
      // runs need (within bounds): short values make narrow columns.
      function sizeColumn(c) {
        if (c.kind === "attr") return;
        let chars = c.label.length + 1;
        const n = Math.min(S.runs.length, 300);
        for (let i = 0; i < n && chars < 32; i++) {
          const r = S.runs[i];
          let v;
          if (c.kind === "param") v = (r.params || {})[c.key];
          else if (c.kind === "tag") v = (r.tags || {})[c.key];
          else {
            const m = (r.metrics || {})[c.key];
            v = m ? MLT.fmtNumber(m.value) : undefined;
          }
          if (v !== undefined && v !== null) chars = Math.max(chars, String(v).length);
        }
        c.width = Math.round(Math.min(260, Math.max(72, 24 + chars * 8.6)));
      }

      function drawHead() {
        MLT.clear(head);
        const first = S.orders.length ? parseOrder(S.orders[0]) : null;
        const all = h("input", {
          type: "checkbox",
          "aria-label": "Select all runs shown",
          onchange() {
            if (all.checked) S.rows.forEach((x) => S.selected.add(x.run.run_id));
            else S.selected.clear();
            selectionChanged();
          },
        });
        all.checked = S.rows.length > 0 && S.selected.size >= S.rows.length;
        head.appendChild(h("div", { class: "rt-hc pin0 sel", role: "columnheader" }, all));
        const headCell = (label, group, order, extra) => {
          const on = first && first.order === order;
          const arrow = on ? (first.desc ? " ▼" : " ▲") : "";
          return h(
            "div",
            Object.assign(
              {
                class: "rt-hc sortable" + (on ? " sorted" : "") + (extra && extra.cls ? " " + extra.cls : ""),
                role: "columnheader",
                title: (group ? group + " " : "") + label + " (click to sort)",
                "aria-sort": on ? (first.desc ? "descending" : "ascending") : "none",
                "data-order": order,
                onclick: () => setOrder(order, on && !first.desc),
              },
              extra && extra.attrs
            ),
            h("span", { class: "rt-group" }, group || "\u00a0"),
            h("span", { class: "rt-label" }, label, h("span", { class: "rt-arrow" }, arrow))
          );
        };
        head.appendChild(headCell("Run", "", "attributes.run_name", { cls: "pin1", attrs: { "data-col": "attributes.run_name" } }));
        for (const c of S.cols) {
          head.appendChild(headCell(c.label, c.group, c.order, { cls: c.num ? "num" : "", attrs: { "data-col": c.id } }));
        }
      }

      // First click sorts ascending, the next descending, and so on. null: the server's default.
      function setOrder(order, desc) {
        S.orders = order ? [order + (desc ? " DESC" : " ASC")] : [];
        MLT.setParams({ order_by: S.orders });
        load();
      }

      // -- rows: nested runs under their parent
      function rebuildRows() {
        const kids = new Map();
        const roots = [];
        for (const r of S.runs) {
          const par = r.parent_run_id;
          if (par && par !== r.run_id && S.byId.has(par)) {
            if (!kids.has(par)) kids.set(par, []);
            kids.get(par).push(r);
          } else roots.push(r);
        }
        const rows = [];
        const seen = new Set();
        const walk = (r, depth) => {
          if (seen.has(r.run_id)) return;
          seen.add(r.run_id);
          const ks = kids.get(r.run_id) || [];
          rows.push({ run: r, depth, kids: ks.length });
          if (ks.length && !S.collapsed.has(r.run_id)) ks.forEach((k) => walk(k, depth + 1));
          else ks.forEach((k) => markSeen(k));
        };
        const markSeen = (r) => {
          if (seen.has(r.run_id)) return;
          seen.add(r.run_id);
          (kids.get(r.run_id) || []).forEach(markSeen);
        };
        roots.forEach((r) => walk(r, 0));
        // Runs in a parent cycle have no root: show them at the top level.
        for (const r of S.runs) if (!seen.has(r.run_id)) walk(r, 0);
        S.rows = rows;
        S.hasParents = kids.size > 0;
        S.anyCollapsed = S.collapsed.size > 0;
        expandBtn.hidden = !S.hasParents;
        inner.classList.toggle("flat", !S.hasParents);
        expandBtn.textContent = S.anyCollapsed ? "Expand all" : "Collapse all";
        body.style.height = rows.length * ROW_H + "px";
      }

      function expandAll() {
        if (S.collapsed.size) S.collapsed.clear();
        else S.runs.forEach((r) => r.parent_run_id && S.byId.has(r.parent_run_id) && S.collapsed.add(r.parent_run_id));
        rebuildRows();
        repaint();
      }

      function rebuild() {
        rebuildColumns();
        rebuildRows();
        updateInfo();
        empty.hidden = S.rows.length > 0 || !filterError.hidden;
        empty.textContent = S.filter ? "No run matches this filter." : "No runs here yet.";
        scroll.hidden = !filterError.hidden;
        repaint();
      }

      function updateInfo() {
        if (S.error) {
          info.textContent = S.error;
          live.hidden = true;
          return;
        }
        const n = S.runs.length;
        const fmt = (x) => x.toLocaleString("en-US");
        let t = fmt(n) + (n === 1 ? " run" : " runs");
        if (S.matched > n) t = "showing " + fmt(n) + " of " + fmt(S.matched) + " runs";
        if (S.filter) t += " matching the filter";
        info.textContent = t;
        const anyRunning = S.runs.some((r) => r.status === "RUNNING");
        live.hidden = !anyRunning || MLT.mode === "report";
      }

      // -- painting: only the rows in sight (and a few around) are elements
      function repaint() {
        for (const el of S.rendered.values()) el.remove();
        S.rendered.clear();
        fit();
      }
      function paint() {
        const top = scroll.scrollTop;
        const height = scroll.clientHeight || 600;
        const headH = head.offsetHeight || 0;
        const from = Math.max(0, Math.floor((top - headH) / ROW_H) - OVERSCAN);
        const to = Math.min(S.rows.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
        for (const [i, el] of S.rendered) {
          if (i < from || i >= to) {
            el.remove();
            S.rendered.delete(i);
          }
        }
        const frag = document.createDocumentFragment();
        for (let i = from; i < to; i++) {
          if (S.rendered.has(i)) continue;
          const el = rowEl(S.rows[i], i);
          S.rendered.set(i, el);
          frag.appendChild(el);
        }
        body.appendChild(frag);
        wantRanges(from, to);
      }

      function rowEl(row, i) {
        const r = row.run;
        const sel = S.selected.has(r.run_id);
        const box = h("input", {
          type: "checkbox",
          "aria-label": "Select " + (r.run_name || r.run_id),
          onchange() {
            if (box.checked) S.selected.add(r.run_id);
            else S.selected.delete(r.run_id);
            selectionChanged(true);
            el.classList.toggle("selected", box.checked);
          },
        });
        box.checked = sel;
        const toggle = row.kids
          ? h(
              "button",
              {
                type: "button",
                class: "rt-toggle",
                "aria-expanded": String(!S.collapsed.has(r.run_id)),
                "aria-label": (S.collapsed.has(r.run_id) ? "Expand " : "Collapse ") + (r.run_name || r.run_id),
                title: row.kids + (row.kids === 1 ? " child run" : " child runs"),
                onclick() {
                  if (S.collapsed.has(r.run_id)) S.collapsed.delete(r.run_id);
                  else S.collapsed.add(r.run_id);
                  rebuildRows();
                  repaint();
                },
              },
              S.collapsed.has(r.run_id) ? "▸" : "▾"
            )
          : h("span", { class: "rt-toggle-space" });
        const name = h(
          "div",
          { class: "rt-c pin1 name", role: "cell" },
          h("span", { class: "rt-indent", style: { width: row.depth * 18 + "px" } }),
          toggle,
          MLT.link("/runs/" + encodeURIComponent(r.run_id), { class: "run-link", title: (r.run_name || "") + "\n" + r.run_id }, r.run_name || r.run_id),
          row.kids ? h("span", { class: "rt-kids muted" }, String(row.kids)) : null
        );
        const el = h(
          "div",
          {
            class: "rt-row" + (sel ? " selected" : "") + (row.depth ? " child" : "") + (i % 2 ? " odd" : ""),
            role: "row",
            "data-run": r.run_id,
            "data-index": String(i),
            style: { transform: "translateY(" + i * ROW_H + "px)" },
          },
          h("div", { class: "rt-c pin0 sel", role: "cell" }, box),
          name,
          S.cols.map((c) => cellEl(c, r))
        );
        return el;
      }

      function cellEl(c, r) {
        let text = "";
        let tip = null;
        let cls = "rt-c" + (c.num ? " num" : "");
        switch (c.kind) {
          case "attr":
            if (c.name === "status") {
              text = r.status || "";
              cls += " status status-" + text;
            } else if (c.name === "start_time") {
              text = MLT.fmtTime(r.start_time);
            } else if (c.name === "duration") {
              text = MLT.fmtDuration(duration(r));
              if (r.status === "RUNNING") cls += " running";
            } else if (c.name === "user_id") {
              text = r.user_id || "";
            } else if (c.name === "experiment") {
              const e = S.experiments.get(r.experiment_id);
              text = e ? e.name : r.experiment_id;
              tip = "experiment " + r.experiment_id;
            }
            break;
          case "param": {
            const v = (r.params || {})[c.key];
            text = v === undefined ? "" : v;
            break;
          }
          case "metric": {
            const m = (r.metrics || {})[c.key];
            if (m) {
              text = MLT.fmtNumber(m.value);
              tip = String(m.value) + " (step " + m.step + ")";
            }
            break;
          }
          case "min":
          case "max": {
            const g = S.ranges.get(r.run_id);
            if (g) {
              const x = g[c.key];
              if (x) {
                text = MLT.fmtNumber(x[c.kind]);
                tip = c.kind + " of " + x.count + " values: " + x[c.kind];
              }
            } else if ((r.metrics || {})[c.key]) {
              text = "…";
              cls += " muted";
            }
            break;
          }
          case "tag": {
            const v = (r.tags || {})[c.key];
            text = v === undefined ? "" : v;
            break;
          }
        }
        return h("div", { class: cls, role: "cell", "data-col": c.id, title: tip || (text ? String(text) : null) }, String(text));
      }

      // -- selection
      function selectionChanged(fromRow) {
        const n = S.selected.size;
        compareBtn.disabled = n < 2;
        compareBtn.textContent = n ? "Compare " + n + (n === 1 ? " run" : " runs") : "Compare";
        compareBtn.title = n < 2 ? "Check two runs or more to compare them" : "";
        clearSel.hidden = n === 0;
        const all = head.querySelector(".sel input");
        if (all) all.checked = S.rows.length > 0 && n >= S.rows.length;
        if (!fromRow) {
          for (const el of S.rendered.values()) {
            const on = S.selected.has(el.dataset.run);
            el.classList.toggle("selected", on);
            const b = el.querySelector(".sel input");
            if (b) b.checked = on;
          }
        }
      }

      // -- min and max, fetched for the rows in sight when a min or max column shows
      let rangeTimer = 0;
      function wantRanges(from, to) {
        if (!S.cols.some((c) => c.kind === "min" || c.kind === "max")) return;
        const need = [];
        for (let i = from; i < to; i++) {
          const r = S.rows[i].run;
          if (!S.ranges.has(r.run_id) && !S.rangePending.has(r.run_id) && Object.keys(r.metrics || {}).length) need.push(r.run_id);
        }
        if (!need.length) return;
        clearTimeout(rangeTimer);
        rangeTimer = setTimeout(() => {
          fetchRanges(need, false).then(() => refreshRows(new Set(need)));
        }, 60);
      }
      async function fetchRanges(runIds, all) {
        const keys = all ? S.keys.metrics : Array.from(new Set(S.cols.filter((c) => c.kind === "min" || c.kind === "max").map((c) => c.key)));
        if (!keys.length) return;
        const todo = runIds.filter((id) => all || !S.rangePending.has(id));
        todo.forEach((id) => S.rangePending.add(id));
        const chunks = [];
        for (let i = 0; i < todo.length; i += CHUNK) chunks.push(todo.slice(i, i + CHUNK));
        await Promise.all(
          chunks.map(async (c) => {
            try {
              const ans = await MLT.api("metric-ranges", { runs: c.join(","), keys: keys.join(",") });
              for (const id of c) S.ranges.set(id, Object.assign({}, S.ranges.get(id), (ans.ranges || {})[id] || {}));
            } catch (e) {
              console.error(e);
            } finally {
              c.forEach((id) => S.rangePending.delete(id));
            }
          })
        );
      }

      // Draws again the rows in sight whose run is in ids (all when ids is null), keeping
      // their checkboxes, the scroll position and the focus's row.
      function refreshRows(ids) {
        for (const [i, el] of S.rendered) {
          const row = S.rows[i];
          if (!row || (ids && !ids.has(row.run.run_id))) continue;
          const fresh = rowEl(row, i);
          el.replaceWith(fresh);
          S.rendered.set(i, fresh);
        }
      }

      // -- live: RUNNING runs are fetched again every 2 s
      let stopPoll = null;
      function livePoll() {
        if (stopPoll || MLT.mode === "report") return;
        if (!S.runs.some((r) => r.status === "RUNNING")) return;
        stopPoll = MLT.poll(async () => {
          const running = S.runs.filter((r) => r.status === "RUNNING").map((r) => r.run_id);
          if (!running.length) {
            stopPoll();
            stopPoll = null;
            updateInfo();
            return;
          }
          const seq = S.loadSeq;
          const fresh = [];
          for (let i = 0; i < running.length; i += CHUNK) {
            const ans = await MLT.api("runs", { run_ids: running.slice(i, i + CHUNK).join(",") });
            fresh.push(...(ans.runs || []));
          }
          if (seq !== S.loadSeq || S.stopped) return;
          const changed = new Set();
          let newKeys = false;
          for (const r of fresh) {
            const old = S.byId.get(r.run_id);
            if (!old) continue;
            for (const k of Object.keys(r.metrics || {})) if (!S.keys.metrics.includes(k)) (S.keys.metrics.push(k), (newKeys = true));
            for (const k of Object.keys(r.params || {})) if (!S.keys.params.includes(k)) (S.keys.params.push(k), (newKeys = true));
            for (const k of Object.keys(r.tags || {})) if (!S.keys.tags.includes(k)) (S.keys.tags.push(k), (newKeys = true));
            // Same object, new contents: the rows keep pointing at it.
            Object.assign(old, r);
            changed.add(r.run_id);
            S.ranges.delete(r.run_id);
          }
          // Runs left out of the answer (deleted for good) stay as they were.
          running.forEach((id) => changed.add(id));
          if (newKeys) {
            S.keys.metrics.sort();
            S.keys.params.sort();
            S.keys.tags.sort();
            rebuildColumns();
            repaint();
          } else {
            refreshRows(changed);
            const top = scroll.scrollTop;
            const from = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
            wantRanges(from, Math.min(S.rows.length, from + Math.ceil(scroll.clientHeight / ROW_H) + 2 * OVERSCAN));
          }
          updateInfo();
        }, POLL_MS);
      }

      // -- column chooser
      function toggleChooser(force) {
        const show = force === undefined ? chooser.hidden : force;
        chooser.hidden = !show;
        colsBtn.setAttribute("aria-expanded", String(show));
        colsBtn.classList.toggle("on", show);
        if (show) drawChooser();
        fit();
      }
      function setColumns(spec) {
        S.columns = spec.trim() === DEFAULT_COLUMNS ? "" : spec.trim();
        MLT.setParams({ columns: S.columns });
        rebuildColumns();
        repaint();
        if (!chooser.hidden) drawChooser();
        paint();
      }
      function drawChooser() {
        MLT.clear(chooser);
        const spec = S.columns || DEFAULT_COLUMNS;
        const input = h("input", {
          type: "text",
          class: "col-globs mono",
          spellcheck: "false",
          "aria-label": "Columns (globs)",
          value: spec,
          onkeydown(ev) {
            if (ev.key === "Enter") {
              ev.preventDefault();
              setColumns(input.value);
            }
          },
        });
        const find = h("input", {
          type: "search",
          class: "col-find",
          placeholder: "Find a column",
          "aria-label": "Find a column",
          oninput: () => drawList(),
        });
        const list = h("div", { class: "col-list" });
        const all = allColumns(S.keys, several);
        const m = matcher(spec);
        function drawList() {
          MLT.clear(list);
          const q = find.value.trim().toLowerCase();
          const groups = [
            ["Attributes", all.filter((c) => c.kind === "attr")],
            ["Params", all.filter((c) => c.kind === "param")],
            ["Metrics (latest, min, max)", all.filter((c) => c.kind === "metric" || c.kind === "min" || c.kind === "max")],
            ["Tags", all.filter((c) => c.kind === "tag")],
          ];
          for (const [name, cols] of groups) {
            const shown = cols.filter((c) => !q || c.id.toLowerCase().includes(q));
            if (!shown.length) continue;
            list.appendChild(
              h("fieldset", { class: "col-group" },
                h("legend", null, name),
                shown.map((c) => {
                  const box = h("input", {
                    type: "checkbox",
                    "data-col": c.id,
                    onchange() {
                      const pats = spec.split(",").map((s) => s.trim()).filter((s) => s && s !== c.id && s !== "!" + c.id);
                      pats.push(box.checked ? c.id : "!" + c.id);
                      setColumns(pats.join(","));
                    },
                  });
                  box.checked = m(c.id) >= 0;
                  const label = c.kind === "min" || c.kind === "max" ? c.key + " (" + c.kind + ")" : c.kind === "attr" ? c.label : c.key;
                  return h("label", { class: "col-item" + (c.id.startsWith("tags.mlflow.") ? " system" : ""), title: c.id }, box, label);
                }))
            );
          }
          if (!list.firstChild) list.appendChild(h("p", { class: "muted" }, "No column matches."));
        }
        drawList();
        chooser.append(
          h("div", { class: "col-top" },
            h("label", { class: "col-globs-label" }, "Columns ", input),
            h("button", { type: "button", onclick: () => setColumns(input.value) }, "Apply"),
            h("button", { type: "button", onclick: () => setColumns(DEFAULT_COLUMNS) }, "Reset"),
            find,
            h("button", { type: "button", class: "col-close", "aria-label": "Close", onclick: () => toggleChooser(false) }, "×")),
          h("p", { class: "muted col-help" },
            "Comma-separated globs: ", h("code", null, "params.*"), ", ", h("code", null, "metrics.loss"), ", ",
            h("code", null, "metrics.*:min"), ", ", h("code", null, "tags.team*"), "; ", h("code", null, "!pattern"),
            " hides. System tags show only when named (", h("code", null, "tags.mlflow.*"), ")."),
          list
        );
      }

      // -- start
      selectionChanged();
      MLT.api("experiments")
        .then((ans) => {
          for (const e of ans.experiments || []) S.experiments.set(e.experiment_id, e);
          const names = ids.map((id) => (S.experiments.get(id) || { name: id }).name);
          title.textContent = names.join(", ");
          document.title = names.join(", ") + " · mlt";
          ids.forEach((id) => {
            const e = S.experiments.get(id);
            if (e && e.lifecycle_stage === "deleted") title.appendChild(h("span", { class: "badge deleted" }, "deleted"));
          });
          if (S.cols.some((c) => c.kind === "attr" && c.name === "experiment")) repaint();
        })
        .catch((e) => console.error(e));
      load().then(fit);
      requestAnimationFrame(fit);

      return () => {
        S.stopped = true;
        if (stopPoll) stopPoll();
        window.removeEventListener("resize", fit);
        clearTimeout(rangeTimer);
        if (raf) cancelAnimationFrame(raf);
      };
    },
  };
})();
