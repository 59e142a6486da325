// The registry: /models lists the registered models, /models/<name> shows one with its
// versions, and a "champion against challenger" control that opens the compare view of the
// runs behind two aliases or versions.
"use strict";
(function () {
  const MLT = (window.MLT = window.MLT || {});
  const h = (...a) => MLT.h(...a);

  function modelHref(name) {
    return "/models/" + encodeURIComponent(name);
  }
  function aliasChips(aliases) {
    const names = Object.keys(aliases || {}).sort();
    return names.map((a) => h("span", { class: "alias-chip", dataset: { alias: a } },
      "@" + a, h("span", { class: "alias-version" }, " v" + aliases[a])));
  }
  function tagChips(tags) {
    return Object.keys(tags || {}).sort().map((k) =>
      h("span", { class: "tag-chip" }, h("span", { class: "tag-key" }, k), tags[k] === "" ? null : "=" + tags[k]));
  }
  // The description's first paragraph as plain text (its Markdown rendered, then read back).
  function firstLine(s) {
    const src = String(s || "").trim().split(/\n\s*\n/)[0];
    const t = src ? MLT.markdown(src).textContent.trim() : "";
    return t.length > 120 ? t.slice(0, 117) + "…" : t;
  }

  // ---- /models ------------------------------------------------------------------------------
  MLT.views.models = {
    title: "Models",
    render(root, route) {
      document.title = "Models · mlt";
      let stopped = false;
      const q0 = route.params.get("q") || "";
      const search = h("input", { type: "search", class: "models-search", placeholder: "Search models by name, alias or tag",
        value: q0, "aria-label": "Search models" });
      const count = h("span", { class: "muted models-count" });
      const body = h("div", { class: "models-body" }, h("p", { class: "muted" }, "Loading…"));
      root.appendChild(h("div", { class: "models-page" },
        h("div", { class: "models-head" }, h("h1", null, "Registered models"), search, count), body));
      let models = [];

      function show() {
        const q = search.value.trim().toLowerCase();
        const shown = models.filter((m) => !q || m.name.toLowerCase().includes(q) ||
          Object.keys(m.aliases || {}).some((a) => a.toLowerCase().includes(q)) ||
          Object.entries(m.tags || {}).some(([k, v]) => (k + "=" + v).toLowerCase().includes(q)));
        const n = (k) => k + (k === 1 ? " model" : " models");
        count.textContent = shown.length === models.length ? n(models.length)
          : shown.length + " of " + n(models.length);
        MLT.clear(body);
        if (!models.length) {
          body.appendChild(h("p", { class: "muted" }, "No registered models yet. Register one with ",
            h("code", null, "mlt models register runs:/<run_id>/model NAME"), "."));
          return;
        }
        body.appendChild(h("table", { class: "plain models-table" },
          h("thead", null, h("tr", null, ["Name", "Latest version", "Versions", "Aliases", "Tags", "Description", "Last update"]
            .map((x, i) => h("th", { class: i === 1 || i === 2 ? "num" : null }, x)))),
          h("tbody", null, shown.map((m) => h("tr", { dataset: { model: m.name } },
            h("td", null, MLT.link(modelHref(m.name), { class: "model-link" }, m.name)),
            h("td", { class: "num" }, m.latest_version === null || m.latest_version === undefined ? "" : "v" + m.latest_version),
            h("td", { class: "num" }, String(m.version_count || 0)),
            h("td", null, aliasChips(m.aliases)),
            h("td", null, tagChips(m.tags)),
            h("td", { class: "model-desc" }, firstLine(m.description)),
            h("td", { class: "muted" }, MLT.fmtTime(m.last_updated_timestamp)))))));
      }
      search.addEventListener("input", () => {
        MLT.setParams({ q: search.value });
        show();
      });

      MLT.api("models").then((r) => {
        if (stopped) return;
        models = (r.models || []).slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        show();
      }).catch((e) => {
        MLT.clear(body);
        MLT.showError(body, e);
      });
      return () => {
        stopped = true;
      };
    },
  };

  // ---- /models/<name> -----------------------------------------------------------------------
  MLT.views.model = {
    title: "Model",
    render(root, route) {
      const name = route.parts[0];
      document.title = name + " · Models · mlt";
      let stopped = false;
      const page = h("div", { class: "model-page" },
        h("div", { class: "crumbs muted" }, MLT.link("/models", null, "Models"), " / "),
        h("h1", null, name), h("p", { class: "muted" }, "Loading…"));
      root.appendChild(page);

      function championControl(model, versions) {
        const byVersion = new Map(versions.map((v) => [String(v.version), v]));
        const options = [];
        for (const a of Object.keys(model.aliases || {}).sort()) {
          const v = byVersion.get(String(model.aliases[a]));
          options.push({ value: "alias:" + a, label: "@" + a + " (v" + model.aliases[a] + ")", version: v });
        }
        for (const v of versions) options.push({ value: "version:" + v.version, label: "v" + v.version, version: v });
        if (options.length < 2) return null;
        const byValue = (val) => options.find((o) => o.value === val) || {};
        // The first preferred option that is not `not`; else one of another version than it.
        const pick = (pref, not) => {
          for (const p of pref) {
            if (p && p !== not && options.some((x) => x.value === p)) return p;
          }
          const nv = not ? byValue(not).version : null;
          const other = options.find((x) => x.value !== not && (!nv || !x.version || x.version.version !== nv.version));
          return (other || options.find((x) => x.value !== not) || options[0]).value;
        };
        const mk = (cls, label) => h("select", { class: cls, "aria-label": label },
          options.map((o) => h("option", { value: o.value }, o.label)));
        const selA = mk("champion-a", "Champion");
        const selB = mk("champion-b", "Challenger");
        const aliasNames = Object.keys(model.aliases || {});
        // ?a= and ?b= (an alias, or v<N>) keep the choice in the URL.
        const fromUrl = (k) => {
          const v = route.params.get(k);
          if (!v) return "";
          return /^v\d+$/.test(v) ? "version:" + v.slice(1) : "alias:" + v.replace(/^@/, "");
        };
        const toUrl = (val) => (val.startsWith("version:") ? "v" + val.slice(8) : val.slice(6));
        selA.value = pick([fromUrl("a"), "alias:champion", aliasNames[0] ? "alias:" + aliasNames[0] : ""], null);
        selB.value = pick([fromUrl("b"), "alias:challenger", aliasNames[1] ? "alias:" + aliasNames[1] : "",
          versions[0] ? "version:" + versions[0].version : ""], selA.value);
        const note = h("span", { class: "muted champion-note" });
        const btn = h("button", { class: "primary champion-compare", type: "button" }, "Compare runs");
        const runsOf = () => [byValue(selA.value), byValue(selB.value)].map((o) => (o.version ? o.version.run_id : null));
        const check = () => {
          const [a, b] = runsOf();
          let msg = "";
          if (!a || !b) msg = "A version without a source run cannot be compared.";
          else if (a === b) msg = "Both come from the same run.";
          note.textContent = msg;
          btn.disabled = !a || !b;
        };
        const changed = () => {
          MLT.setParams({ a: toUrl(selA.value), b: toUrl(selB.value) });
          check();
        };
        selA.addEventListener("change", changed);
        selB.addEventListener("change", changed);
        btn.addEventListener("click", () => {
          const [a, b] = runsOf();
          if (!a || !b) return;
          MLT.navigate("/compare?runs=" + encodeURIComponent(a === b ? a : a + "," + b).replace(/%2C/g, ","));
        });
        check();
        return h("div", { class: "champion" }, h("h2", null, "Champion against challenger"),
          h("div", { class: "champion-row" }, selA, h("span", { class: "muted" }, "against"), selB, btn, note));
      }

      function versionsTable(versions) {
        if (!versions.length) return h("p", { class: "muted" }, "No versions.");
        return h("table", { class: "plain versions-table" },
          h("thead", null, h("tr", null, ["Version", "Stage", "Aliases", "Status", "Created", "Source run", "Tags", "Description"]
            .map((x) => h("th", null, x)))),
          h("tbody", null, versions.map((v) => h("tr", { dataset: { version: String(v.version) } },
            h("td", { class: "num" }, "v" + v.version),
            h("td", null, v.current_stage && v.current_stage !== "None"
              ? h("span", { class: "stage stage-" + v.current_stage }, v.current_stage) : h("span", { class: "muted" }, "None")),
            h("td", null, (v.aliases || []).slice().sort().map((a) => h("span", { class: "alias-chip", dataset: { alias: a } }, "@" + a))),
            h("td", { class: "version-status" }, v.status || ""),
            h("td", { class: "muted" }, MLT.fmtTime(v.creation_timestamp)),
            h("td", null, v.run_id ? MLT.link("/runs/" + encodeURIComponent(v.run_id), { class: "version-run mono" }, v.run_id.slice(0, 12))
              : h("span", { class: "muted mono", title: v.source }, v.source || "")),
            h("td", null, tagChips(v.tags)),
            h("td", { class: "version-desc" }, v.description ? MLT.markdown(v.description) : "")))));
      }

      MLT.api("models/" + encodeURIComponent(name)).then((r) => {
        if (stopped) return;
        const model = r.model || {};
        const versions = (r.versions || []).slice().sort((a, b) => Number(b.version) - Number(a.version));
        MLT.clear(page);
        page.appendChild(h("div", { class: "crumbs muted" }, MLT.link("/models", null, "Models"), " / "));
        page.appendChild(h("h1", null, model.name || name));
        page.appendChild(h("div", { class: "model-meta muted" },
          versions.length + (versions.length === 1 ? " version" : " versions"),
          " · created " + MLT.fmtTime(model.creation_timestamp),
          " · updated " + MLT.fmtTime(model.last_updated_timestamp)));
        const aliases = aliasChips(model.aliases);
        const tags = tagChips(model.tags);
        page.appendChild(h("div", { class: "model-top" },
          h("div", { class: "model-description" }, h("h2", null, "Description"),
            model.description ? MLT.markdown(model.description) : h("p", { class: "muted" }, "No description.")),
          h("div", { class: "model-side" },
            h("h2", null, "Aliases"), aliases.length ? h("div", { class: "model-aliases" }, aliases) : h("p", { class: "muted" }, "No aliases."),
            h("h2", null, "Tags"), tags.length ? h("div", { class: "model-tags" }, tags) : h("p", { class: "muted" }, "No tags."))));
        const champ = championControl(model, versions);
        if (champ) page.appendChild(champ);
        page.appendChild(h("h2", null, "Versions"));
        page.appendChild(versionsTable(versions));
        // The source runs' names, once known.
        const ids = Array.from(new Set(versions.map((v) => v.run_id).filter(Boolean)));
        if (ids.length) {
          MLT.api("runs", { run_ids: ids.join(","), columns: "tags.mlflow.runName" }).then((rr) => {
            if (stopped) return;
            const names = new Map((rr.runs || []).map((x) => [x.run_id, x.run_name]));
            page.querySelectorAll("a.version-run").forEach((a) => {
              const id = a.getAttribute("href").split("/").pop();
              if (names.get(id)) {
                a.textContent = names.get(id);
                a.title = id;
                a.classList.remove("mono");
              }
            });
          }).catch(() => {});
        }
      }).catch((e) => {
        MLT.clear(page);
        page.appendChild(h("div", { class: "crumbs muted" }, MLT.link("/models", null, "Models"), " / "));
        page.appendChild(h("h1", null, name));
        MLT.showError(page, e);
      });
      return () => {
        stopped = true;
      };
    },
  };
})();
