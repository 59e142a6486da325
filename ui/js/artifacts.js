// MLT.artifacts.browser(container, runId, initialPath): a run's artifacts as a file tree (folders
// expand on click, read through the `artifacts` endpoint) beside a preview of the selected file:
// text and logs, JSON pretty-printed, CSV as a table, images, an MLmodel with its signature, and
// a download link for everything. The selected path is kept in the URL (?artifact=).
"use strict";
(function () {
  const MLT = (window.MLT = window.MLT || {});
  const h = (...a) => MLT.h(...a);
  const A = (MLT.artifacts = MLT.artifacts || {});

  const TEXT_MAX = 1024 * 1024; // bytes of a text file shown
  const CSV_MAX = 256 * 1024; // bytes of a CSV read for its first rows
  const CSV_ROWS = 200;
  const SNIFF = 8192; // bytes read to tell whether a file of unknown type is text

  const IMAGE = /\.(png|jpe?g|gif|webp|bmp|ico)$/i;
  const TEXT = /\.(txt|log|out|err|md|markdown|rst|py|r|jl|sh|bash|zsh|yaml|yml|toml|ini|cfg|conf|env|sql|tex|js|ts|rs|go|java|c|h|cc|cpp|hpp|cs|rb|pl|lua|scala|kt|swift|ipynb|diff|patch|properties|gitignore|dockerfile|lock|req|requirements)$/i;
  const JSON_RE = /\.(json|jsonl|ndjson|geojson)$/i;
  const CSV_RE = /\.(csv|tsv)$/i;
  // Active content: never shown, only offered for download (the server sends it as an
  // attachment under a sandbox CSP as well).
  const ACTIVE = /\.(html?|xhtml|svgz?|xml|xsl|pdf|js\.map|mht|mhtml)$/i;

  A.kind = function (path) {
    const base = path.split("/").pop();
    if (base === "MLmodel") return "mlmodel";
    if (ACTIVE.test(base)) return "download";
    if (IMAGE.test(base)) return "image";
    if (JSON_RE.test(base)) return /\.(jsonl|ndjson)$/i.test(base) ? "text" : "json";
    if (CSV_RE.test(base)) return "csv";
    if (TEXT.test(base) || /^(requirements|license|readme|dockerfile|makefile)/i.test(base)) return "text";
    return "unknown";
  };

  async function fetchBytes(run, path, max) {
    const resp = await fetch(MLT.artifactUrl(run, path, max ? { max_bytes: max } : null));
    if (!resp.ok) {
      let msg = resp.status + " " + resp.statusText;
      try {
        const body = await resp.json();
        if (body && body.message) msg = body.message;
      } catch (e) {
        /* not JSON */
      }
      throw new Error(msg);
    }
    return new Uint8Array(await resp.arrayBuffer());
  }
  function decode(bytes) {
    return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  }
  function looksText(bytes) {
    let bad = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0) return false;
      if (b < 9 || (b > 13 && b < 32)) bad++;
    }
    if (bad > bytes.length / 100) return false;
    try {
      // Allow a cut multi-byte character at the very end.
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 4)));
      return true;
    } catch (e) {
      return false;
    }
  }
  // A note that the preview is cut, when it is.
  function cutNote(shown, size) {
    if (size === null || size === undefined || shown >= size) return null;
    return h("p", { class: "artifact-cut muted" },
      "Showing the first " + MLT.fmtBytes(shown) + " of " + MLT.fmtBytes(size) + ". Download the file for all of it.");
  }

  // ---- CSV --------------------------------------------------------------------------------
  // Parses delimited text (quotes, doubled quotes, newlines in quotes) into up to maxRows rows.
  A.parseCsv = function (text, sep, maxRows) {
    const rows = [];
    let row = [];
    let cell = "";
    let q = false;
    let i = 0;
    while (i < text.length && rows.length < maxRows) {
      const c = text[i];
      if (q) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i++;
          } else q = false;
        } else cell += c;
      } else if (c === '"' && cell === "") q = true;
      else if (c === sep) {
        row.push(cell);
        cell = "";
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
      } else cell += c;
      i++;
    }
    if (rows.length < maxRows && (cell !== "" || row.length)) {
      row.push(cell);
      rows.push(row);
    }
    return { rows, complete: i >= text.length };
  };

  // ---- MLmodel ----------------------------------------------------------------------------
  // The signature of an MLmodel's YAML: {inputs, outputs, params} each a parsed JSON array (or
  // null). MLflow writes each as a JSON string, single-quoted and folded over lines.
  A.mlmodelSignature = function (yaml) {
    const lines = yaml.replace(/\r\n?/g, "\n").split("\n");
    const start = lines.findIndex((l) => /^signature:\s*$/.test(l));
    if (start < 0) return null;
    const out = {};
    let i = start + 1;
    while (i < lines.length && (/^\s+/.test(lines[i]) || lines[i] === "")) {
      const m = /^(\s+)(inputs|outputs|params):\s*(.*)$/.exec(lines[i]);
      if (!m) {
        i++;
        continue;
      }
      const ind = m[1].length;
      let raw = m[3];
      i++;
      // Continuation lines: more indented than the key.
      while (i < lines.length && lines[i].length - lines[i].trimStart().length > ind && lines[i].trim() !== "") {
        raw += " " + lines[i].trim();
        i++;
      }
      out[m[2]] = yamlScalar(raw.trim());
    }
    for (const k of ["inputs", "outputs", "params"]) {
      if (typeof out[k] === "string") {
        try {
          out[k] = JSON.parse(out[k]);
        } catch (e) {
          out[k] = null;
        }
      } else out[k] = null;
    }
    return out;
  };
  function yamlScalar(s) {
    if (s === "null" || s === "~" || s === "") return null;
    if (s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
    if (s.startsWith('"') && s.endsWith('"')) {
      try {
        return JSON.parse(s);
      } catch (e) {
        return s.slice(1, -1);
      }
    }
    return s;
  }
  function specType(f) {
    if (f.type === "tensor" && f["tensor-spec"]) {
      const t = f["tensor-spec"];
      return "tensor " + (t.dtype || "") + (t.shape ? " [" + t.shape.join(", ") + "]" : "");
    }
    if (f.type === "array" && f.items) return "array<" + (f.items.type || "?") + ">";
    return f.type || "";
  }
  function signatureTable(title, fields, isParams) {
    if (!Array.isArray(fields)) return null;
    const head = ["name", "type", isParams ? "default" : "required"];
    return h("div", { class: "signature-part" },
      h("h4", null, title),
      h("table", { class: "plain signature", dataset: { part: title.toLowerCase() } },
        h("thead", null, h("tr", null, head.map((x) => h("th", null, x)))),
        h("tbody", null, fields.map((f, i) => h("tr", null,
          h("td", { class: "mono" }, f.name !== undefined ? String(f.name) : "—"),
          h("td", { class: "mono" }, specType(f)),
          h("td", null, isParams ? JSON.stringify(f.default === undefined ? null : f.default)
            : f.required === false ? "no" : "yes"))))));
  }

  // ---- previews ---------------------------------------------------------------------------
  // current(): whether this file is still the one selected (a slower answer for a file
  // clicked before must not replace the newer preview).
  async function preview(pane, run, file, current) {
    const path = file.path;
    const size = file.file_size;
    const kind = A.kind(path);
    const dl = h("a", { class: "artifact-download", href: MLT.artifactUrl(run, path, { download: 1 }),
      download: path.split("/").pop() }, "Download");
    MLT.clear(pane);
    pane.appendChild(h("div", { class: "artifact-head" },
      h("span", { class: "mono artifact-path" }, path),
      size !== null && size !== undefined ? h("span", { class: "muted" }, MLT.fmtBytes(size)) : null, dl));
    const body = h("div", { class: "artifact-body", dataset: { kind } });
    pane.appendChild(body);
    if (kind === "image") {
      body.appendChild(h("img", { class: "artifact-image", src: MLT.artifactUrl(run, path), alt: path }));
      return;
    }
    if (kind === "download") {
      body.appendChild(h("p", { class: "muted" },
        "This file type is not previewed here (it could run code). Download it to open it."));
      return;
    }
    body.appendChild(h("p", { class: "muted" }, "Loading…"));
    const max = kind === "csv" ? CSV_MAX : kind === "unknown" ? SNIFF : TEXT_MAX;
    const bytes = await fetchBytes(run, path, max);
    if (!current()) return;
    MLT.clear(body);
    if (kind === "unknown" && !looksText(bytes)) {
      body.dataset.kind = "binary";
      body.appendChild(h("p", { class: "muted" }, "A binary file: download it to open it."));
      return;
    }
    let all = bytes;
    if (kind === "unknown" && size > bytes.length) {
      // Text after all: read as much as a text file's preview.
      all = await fetchBytes(run, path, TEXT_MAX);
      if (!current()) return;
    }
    const text = decode(all);
    const cut = size !== null && size !== undefined ? size > all.length : all.length >= max;
    if (kind === "json" && !cut) {
      try {
        const v = JSON.parse(text);
        body.appendChild(h("pre", { class: "artifact-text artifact-json" }, JSON.stringify(v, null, 2)));
        return;
      } catch (e) {
        body.appendChild(h("p", { class: "muted" }, "Not valid JSON (" + e.message + "): shown as text."));
      }
    }
    if (kind === "csv") {
      const sep = /\.tsv$/i.test(path) ? "\t" : ",";
      let t = text;
      if (cut) t = t.slice(0, t.lastIndexOf("\n") + 1); // drop a cut last line
      const { rows } = A.parseCsv(t, sep, CSV_ROWS + 1);
      const head = rows[0] || [];
      const rest = rows.slice(1, CSV_ROWS + 1);
      body.appendChild(h("div", { class: "artifact-table-wrap" },
        h("table", { class: "plain artifact-csv" },
          h("thead", null, h("tr", null, head.map((c) => h("th", null, c)))),
          h("tbody", null, rest.map((r) => h("tr", null, head.map((_, k) => h("td", null, r[k] === undefined ? "" : r[k]))))))));
      const more = cut || rows.length > CSV_ROWS;
      body.appendChild(h("p", { class: "muted" }, "First " + rest.length + " rows" +
        (more ? " (the file has more: download it for all)" : "") + "."));
      return;
    }
    if (kind === "mlmodel") {
      const sig = A.mlmodelSignature(text);
      if (sig && (sig.inputs || sig.outputs || sig.params)) {
        body.appendChild(h("div", { class: "signature-wrap" }, h("h3", null, "Signature"),
          h("div", { class: "signature-parts" },
            signatureTable("Inputs", sig.inputs), signatureTable("Outputs", sig.outputs),
            signatureTable("Params", sig.params, true))));
      } else {
        body.appendChild(h("p", { class: "muted" }, "This model has no signature."));
      }
      body.appendChild(h("h3", null, "MLmodel"));
    }
    body.appendChild(h("pre", { class: "artifact-text" }, text));
    const note = cutNote(all.length, size);
    if (note) body.appendChild(note);
  }

  // ---- the browser ------------------------------------------------------------------------
  A.browser = function (container, run, initialPath) {
    const tree = h("div", { class: "artifact-tree", role: "tree" });
    const pane = h("div", { class: "artifact-preview" },
      h("p", { class: "muted" }, "Select a file to preview it."));
    const root = h("div", { class: "artifacts" }, tree, pane);
    container.appendChild(root);
    let selected = null;
    let alive = true;
    let shown = 0; // counts the previews started
    const rows = new Map(); // path -> row element

    async function list(path) {
      const r = await MLT.api("artifacts", { run, path: path || undefined });
      const files = (r.files || []).slice();
      files.sort((a, b) => (b.is_dir - a.is_dir) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return files;
    }

    function select(file, push) {
      if (selected) {
        const old = rows.get(selected);
        if (old) old.classList.remove("selected");
      }
      selected = file.path;
      const row = rows.get(file.path);
      if (row) row.classList.add("selected");
      if (push !== false) MLT.setParams({ artifact: file.path });
      const seq = ++shown;
      const current = () => alive && seq === shown;
      preview(pane, run, file, current).catch((e) => {
        if (!current()) return;
        MLT.clear(pane);
        MLT.showError(pane, e);
      });
    }

    // Renders the children of a folder into ul; expands toward `want` (a path to open).
    async function fill(ul, path, depth, want) {
      let files;
      try {
        files = await list(path);
      } catch (e) {
        MLT.showError(ul, e);
        return;
      }
      if (!alive) return;
      MLT.clear(ul);
      if (!files.length && depth === 0) {
        MLT.clear(root).className = "artifacts-empty";
        root.appendChild(h("p", { class: "muted" }, "No artifacts."));
        return;
      }
      for (const f of files) {
        const name = f.path.split("/").pop();
        const li = h("li", { role: "treeitem" });
        const row = h("div", {
          class: "artifact-row " + (f.is_dir ? "dir" : "file"),
          style: { paddingLeft: 6 + depth * 14 + "px" },
          dataset: { path: f.path },
          tabindex: "0",
        },
        h("span", { class: "artifact-icon" }, f.is_dir ? "▸" : ""),
        h("span", { class: "artifact-name" }, name),
        f.is_dir ? null : h("span", { class: "artifact-size muted" }, MLT.fmtBytes(f.file_size)));
        rows.set(f.path, row);
        li.appendChild(row);
        ul.appendChild(li);
        let sub = null;
        const toggle = async () => {
          if (sub) {
            sub.remove();
            sub = null;
            row.classList.remove("open");
            row.firstChild.textContent = "▸";
            return;
          }
          sub = h("ul", { role: "group" });
          li.appendChild(sub);
          row.classList.add("open");
          row.firstChild.textContent = "▾";
          await fill(sub, f.path, depth + 1, want);
        };
        const act = () => (f.is_dir ? toggle() : select(f));
        row.addEventListener("click", act);
        row.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            act();
          }
        });
        if (want && f.is_dir && (want + "/").startsWith(f.path + "/")) await toggle();
        else if (want && !f.is_dir && want === f.path) select(f, false);
      }
    }

    const top = h("ul", { role: "group" });
    tree.appendChild(top);
    fill(top, "", 0, initialPath || null);
    return {
      destroy() {
        alive = false;
        root.remove();
      },
    };
  };
})();
