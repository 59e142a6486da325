// The MLT namespace: safe element building, the API client, the router, formatting, polling.
// Every view registers itself as MLT.views.NAME = { title, render(root, route) }; render may
// return a function that stops what it started (polling, listeners) when the view is left.
"use strict";
(function () {
  const MLT = (window.MLT = window.MLT || {});
  MLT.views = MLT.views || {};

  // ---- elements ---------------------------------------------------------------------------
  // MLT.h("a", {href: "/x", class: "y", onclick: fn}, "text", child, [more children])
  // Text children become text nodes: a string from the store is never parsed as HTML.
  MLT.h = function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k.startsWith("on") && typeof v === "function") {
          el.addEventListener(k.slice(2), v);
        } else if (k === "class") {
          el.className = v;
        } else if (k === "style" && typeof v === "object") {
          Object.assign(el.style, v);
        } else if (k === "dataset") {
          Object.assign(el.dataset, v);
        } else if (k === "href" || k === "src") {
          el.setAttribute(k, MLT.safeUrl(v));
        } else {
          el.setAttribute(k, v === true ? "" : String(v));
        }
      }
    }
    append(el, children);
    return el;
  };
  function append(el, children) {
    for (const c of children) {
      if (c === undefined || c === null || c === false) continue;
      if (Array.isArray(c)) append(el, c);
      else if (c instanceof Node) el.appendChild(c);
      else el.appendChild(document.createTextNode(String(c)));
    }
  }
  // Only same-origin paths, fragments and data:image URLs; anything else becomes "#".
  MLT.safeUrl = function (u) {
    const s = String(u);
    if (s.startsWith("/") && !s.startsWith("//")) return s;
    if (s.startsWith("#") || s.startsWith("?")) return s;
    if (/^data:image\/(png|jpeg|gif|webp);/.test(s)) return s;
    if (/^blob:/.test(s)) return s;
    return "#";
  };
  MLT.clear = function (el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  };

  // ---- API --------------------------------------------------------------------------------
  // MLT.api("runs", {experiments: "1,2", order_by: ["a", "b"]}) -> the parsed JSON answer.
  // Rejects with an Error carrying .status and .body (MLflow's error shape) on a 4xx/5xx.
  // In a report (MLT.mode === "report") MLT.staticApi answers from the embedded data instead.
  MLT.mode = "server";
  MLT.apiBase = "/mlt-api/v1/";
  MLT.query = function (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v === undefined || v === null || v === "") continue;
      if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
      else q.append(k, String(v));
    }
    const s = q.toString();
    return s ? "?" + s : "";
  };
  MLT.api = async function (path, params) {
    if (MLT.mode === "report") return MLT.staticApi(path, params || {});
    const resp = await fetch(MLT.apiBase + path + MLT.query(params), {
      headers: { Accept: "application/json" },
    });
    let body = null;
    try {
      body = await resp.json();
    } catch (e) {
      body = null;
    }
    if (!resp.ok) {
      const err = new Error((body && body.message) || resp.status + " " + resp.statusText);
      err.status = resp.status;
      err.body = body;
      throw err;
    }
    return body;
  };
  // URL of an artifact's bytes (server mode only).
  MLT.artifactUrl = function (run, path, extra) {
    return MLT.apiBase + "artifact" + MLT.query(Object.assign({ run, path }, extra || {}));
  };

  // ---- router -----------------------------------------------------------------------------
  // A route is {view, parts, params}: /experiments/1,2?filter=x -> {view: "runs", parts:
  // ["1,2"], params: URLSearchParams}. Links with data-nav navigate without reloading.
  MLT.parseRoute = function (pathname, search) {
    const segs = pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const params = new URLSearchParams(search || "");
    let view = "notFound";
    const top = segs[0] || "";
    if (segs.length === 0) view = "experiments";
    else if (top === "experiments" && segs.length === 2) view = "runs";
    else if (top === "experiments" && segs.length === 1) view = "experiments";
    else if (top === "compare" && segs.length === 1) view = "compare";
    else if (top === "runs" && segs.length === 2) view = "run";
    else if (top === "models" && segs.length === 1) view = "models";
    else if (top === "models" && segs.length === 2) view = "model";
    return { view, parts: segs.slice(1), params };
  };
  MLT.route = function () {
    return MLT.parseRoute(location.pathname, location.search);
  };
  let stop = null;
  MLT.render = function () {
    const root = document.getElementById("app");
    if (stop) {
      try {
        stop();
      } catch (e) {
        console.error(e);
      }
      stop = null;
    }
    MLT.clear(root);
    const route = MLT.route();
    const view = MLT.views[route.view] || MLT.views.notFound;
    document.title = "mlt";
    document.querySelectorAll("nav.top a[data-section]").forEach((a) => {
      a.classList.toggle("active", a.dataset.section === section(route.view));
    });
    try {
      const r = view.render(root, route);
      if (typeof r === "function") stop = r;
      else if (r && typeof r.then === "function") {
        r.then((f) => {
          if (typeof f === "function") stop = f;
        }).catch((e) => MLT.showError(root, e));
      }
    } catch (e) {
      MLT.showError(root, e);
    }
  };
  function section(view) {
    return view === "models" || view === "model" ? "models" : "experiments";
  }
  // Goes to url (a same-origin path with query) and renders it.
  MLT.navigate = function (url) {
    history.pushState(null, "", url);
    MLT.render();
  };
  // Writes params into the current URL's query without rendering again (the view already
  // shows them): the view state stays shareable. null or "" removes a key.
  // Applies changes ({key: value, list or null}) to URLSearchParams in place.
  MLT.mergeParams = function (params, changes) {
    for (const [k, v] of Object.entries(changes)) {
      params.delete(k);
      if (v === null || v === undefined || v === "") continue;
      if (Array.isArray(v)) v.forEach((x) => params.append(k, x));
      else params.set(k, String(v));
    }
    return params;
  };
  MLT.setParams = function (changes, push) {
    const params = MLT.mergeParams(new URLSearchParams(location.search), changes);
    const s = params.toString();
    const url = location.pathname + (s ? "?" + s : "");
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  };
  // An in-app link: a plain <a href> that navigates without reloading.
  MLT.link = function (href, attrs, ...children) {
    return MLT.h("a", Object.assign({ href, "data-nav": "" }, attrs || {}), ...children);
  };
  MLT.showError = function (root, e) {
    console.error(e);
    root.appendChild(MLT.h("div", { class: "error", role: "alert" }, String(e.message || e)));
  };
  MLT.views.notFound = {
    render(root) {
      root.appendChild(MLT.h("h1", null, "Not found"));
      root.appendChild(MLT.h("p", null, MLT.link("/", null, "Back to the experiments")));
    },
  };

  // ---- formatting -------------------------------------------------------------------------
  MLT.fmtNumber = function (v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "string") return v; // "NaN", "Infinity", "-Infinity"
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e7)) return v.toExponential(4);
    return String(Number(v.toPrecision(6)));
  };
  MLT.fmtTime = function (ms) {
    if (ms === null || ms === undefined) return "";
    const d = new Date(ms);
    const p = (n) => String(n).padStart(2, "0");
    return (
      d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " +
      p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds())
    );
  };
  MLT.fmtDuration = function (ms) {
    if (ms === null || ms === undefined || ms < 0) return "";
    const s = Math.round(ms / 1000);
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
    return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
  };
  MLT.fmtBytes = function (n) {
    if (n === null || n === undefined) return "";
    const u = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) {
      n /= 1024;
      i++;
    }
    return (i ? n.toFixed(1) : n) + " " + u[i];
  };

  // ---- polling ----------------------------------------------------------------------------
  // Calls fn every ms while the page is visible; returns the function that stops it.
  MLT.poll = function (fn, ms) {
    let timer = null;
    let stopped = false;
    const tick = async () => {
      if (stopped) return;
      if (!document.hidden) {
        try {
          await fn();
        } catch (e) {
          console.error(e);
        }
      }
      if (!stopped) timer = setTimeout(tick, ms);
    };
    timer = setTimeout(tick, ms);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  };

  // ---- start ------------------------------------------------------------------------------
  MLT.start = function () {
    document.addEventListener("click", (ev) => {
      const a = ev.target.closest && ev.target.closest("a[data-nav]");
      if (!a || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      MLT.navigate(a.getAttribute("href"));
    });
    window.addEventListener("popstate", MLT.render);
    MLT.render();
  };
})();
