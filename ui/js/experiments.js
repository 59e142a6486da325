// experiments view (`/`): the experiments, active or deleted (?view=), with their run counts and
// last activity, a search box (?q=, matched here on the name, id and tags), and checkboxes to
// open several experiments' runs in one table (/experiments/1,2).
"use strict";
(function () {
  const MLT = window.MLT;
  const h = MLT.h;

  // Whether experiment e matches the search text q (every word somewhere in its name, id or
  // tags, case-insensitive).
  function matches(e, q) {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return true;
    const hay = [e.name, e.experiment_id]
      .concat(Object.entries(e.tags || {}).map(([k, v]) => k + "=" + v))
      .join("\n")
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  }

  MLT.views.experiments = {
    title: "Experiments",
    render(root, route) {
      const params = route.params;
      // /experiments?experiments=1,2 is the runs table of those experiments.
      const several = params.get("experiments");
      if (several) return MLT.views.runs.render(root, { view: "runs", parts: [several], params });
      document.title = "Experiments · mlt";
      const state = {
        view: params.get("view") === "deleted" ? "deleted" : "active",
        q: params.get("q") || "",
        selected: new Set(),
        experiments: null,
      };

      const search = h("input", {
        type: "search",
        class: "exp-search",
        placeholder: "Search experiments",
        "aria-label": "Search experiments",
        value: state.q,
        oninput() {
          state.q = search.value;
          MLT.setParams({ q: state.q });
          draw();
        },
      });
      const toggle = h(
        "div",
        { class: "exp-toggle", role: "group", "aria-label": "Lifecycle" },
        ["active", "deleted"].map((v) =>
          h(
            "button",
            {
              type: "button",
              "data-view": v,
              class: state.view === v ? "on" : "",
              "aria-pressed": String(state.view === v),
              onclick() {
                if (state.view === v) return;
                state.view = v;
                state.selected.clear();
                MLT.setParams({ view: v === "active" ? null : v });
                toggle.querySelectorAll("button").forEach((b) => {
                  b.classList.toggle("on", b.dataset.view === v);
                  b.setAttribute("aria-pressed", String(b.dataset.view === v));
                });
                draw();
              },
            },
            v === "active" ? "Active" : "Deleted"
          )
        )
      );
      const open = h("button", {
        type: "button",
        class: "primary exp-open",
        disabled: true,
        onclick() {
          const ids = shown().filter((e) => state.selected.has(e.experiment_id));
          if (ids.length) MLT.navigate("/experiments/" + ids.map((e) => e.experiment_id).join(","));
        },
      }, "Open selected");
      const count = h("span", { class: "muted exp-count" });
      const body = h("div", { class: "exp-body" }, h("p", { class: "muted" }, "Loading…"));

      root.appendChild(
        h("section", { class: "experiments" },
          h("div", { class: "exp-bar" }, h("h1", null, "Experiments"), toggle, search, count, open),
          body)
      );

      function shown() {
        if (!state.experiments) return [];
        return state.experiments.filter(
          (e) => (e.lifecycle_stage === "deleted" ? "deleted" : "active") === state.view && matches(e, state.q)
        );
      }

      function updateOpen() {
        const n = shown().filter((e) => state.selected.has(e.experiment_id)).length;
        open.disabled = n === 0;
        open.textContent = n > 1 ? "Open " + n + " together" : "Open selected";
      }

      function draw() {
        if (!state.experiments) return;
        const list = shown();
        const all = state.experiments.filter(
          (e) => (e.lifecycle_stage === "deleted" ? "deleted" : "active") === state.view
        ).length;
        count.textContent = list.length === all ? all + " experiments" : list.length + " of " + all + " experiments";
        MLT.clear(body);
        if (!list.length) {
          body.appendChild(
            h("p", { class: "muted exp-empty" },
              all ? "No experiment matches “" + state.q + "”." : "No " + state.view + " experiments.")
          );
          updateOpen();
          return;
        }
        const allBox = h("input", {
          type: "checkbox",
          "aria-label": "Select all shown",
          onchange() {
            list.forEach((e) => (allBox.checked ? state.selected.add(e.experiment_id) : state.selected.delete(e.experiment_id)));
            body.querySelectorAll("tbody input[type=checkbox]").forEach((b) => (b.checked = allBox.checked));
            updateOpen();
          },
        });
        allBox.checked = list.every((e) => state.selected.has(e.experiment_id));
        const rows = list.map((e) => {
          const box = h("input", {
            type: "checkbox",
            "aria-label": "Select " + e.name,
            onchange() {
              if (box.checked) state.selected.add(e.experiment_id);
              else state.selected.delete(e.experiment_id);
              allBox.checked = list.every((x) => state.selected.has(x.experiment_id));
              updateOpen();
            },
          });
          box.checked = state.selected.has(e.experiment_id);
          const tags = Object.entries(e.tags || {}).filter(([k]) => !k.startsWith("mlflow."));
          return h("tr", { "data-id": e.experiment_id },
            h("td", { class: "sel" }, box),
            h("td", { class: "name" },
              MLT.link("/experiments/" + encodeURIComponent(e.experiment_id), { class: "exp-link" }, e.name),
              tags.length
                ? h("div", { class: "exp-tags" }, tags.map(([k, v]) => h("span", { class: "tag", title: k + "=" + v }, k + "=" + v)))
                : null),
            h("td", { class: "mono muted" }, e.experiment_id),
            h("td", { class: "num runs" }, String(e.run_count)),
            h("td", { class: "when", title: e.last_activity ? MLT.fmtTime(e.last_activity) : "" },
              e.last_activity ? ago(e.last_activity) : h("span", { class: "muted" }, "no runs")),
            h("td", { class: "when" }, MLT.fmtTime(e.creation_time)));
        });
        body.appendChild(
          h("table", { class: "plain exp-table" },
            h("thead", null,
              h("tr", null,
                h("th", { class: "sel" }, allBox),
                h("th", null, "Name"),
                h("th", null, "ID"),
                h("th", { class: "num" }, "Runs"),
                h("th", null, "Last activity"),
                h("th", null, "Created"))),
            h("tbody", null, rows))
        );
        updateOpen();
      }

      MLT.api("experiments")
        .then((ans) => {
          state.experiments = (ans.experiments || []).slice().sort(
            (a, b) => (b.last_activity || b.last_update_time || 0) - (a.last_activity || a.last_update_time || 0)
          );
          draw();
        })
        .catch((e) => {
          MLT.clear(body);
          MLT.showError(body, e);
        });
    },
  };

  // "3 minutes ago", or the date when it is more than a week ago.
  function ago(ms) {
    const s = (Date.now() - ms) / 1000;
    if (s < 0) return MLT.fmtTime(ms);
    if (s < 60) return "just now";
    if (s < 3600) return plural(Math.floor(s / 60), "minute") + " ago";
    if (s < 86400) return plural(Math.floor(s / 3600), "hour") + " ago";
    if (s < 7 * 86400) return plural(Math.floor(s / 86400), "day") + " ago";
    return MLT.fmtTime(ms).slice(0, 10);
  }
  function plural(n, w) {
    return n + " " + w + (n === 1 ? "" : "s");
  }
  MLT.ago = MLT.ago || ago;
})();
