// MLT.markdown(text) -> Element: a small Markdown renderer that builds DOM elements (never HTML).
// Headings, paragraphs, emphasis, strong, inline code, fenced and indented code blocks, lists
// (nested by indentation), blockquotes, horizontal rules, links and tables. Raw HTML in the
// text stays text; links go only to http:, https:, mailto: or same-origin paths.
"use strict";
(function () {
  const MLT = (window.MLT = window.MLT || {});
  const h = (...a) => MLT.h(...a);

  // The href a Markdown link may have, or null (then the link is shown dead, as text).
  MLT.markdownHref = function (url) {
    const u = String(url).trim();
    if (/^(https?:|mailto:)/i.test(u)) {
      // No control characters or spaces a browser would strip to form another scheme.
      if (/[\u0000-\u0020\u007f]/.test(u)) return null;
      return u;
    }
    if (u.startsWith("/") && !u.startsWith("//") && !u.startsWith("/\\")) return u;
    if (u.startsWith("#")) return u;
    return null;
  };

  // ---- inline -----------------------------------------------------------------------------
  function inline(text) {
    const out = [];
    let buf = "";
    const flush = () => {
      if (buf) out.push(document.createTextNode(buf));
      buf = "";
    };
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === "\\" && i + 1 < text.length && /[\\`*_{}\[\]()#+\-.!|<>~]/.test(text[i + 1])) {
        buf += text[i + 1];
        i += 2;
        continue;
      }
      if (c === "`") {
        let n = 1;
        while (text[i + n] === "`") n++;
        const fence = "`".repeat(n);
        const end = text.indexOf(fence, i + n);
        if (end > 0) {
          flush();
          out.push(h("code", null, text.slice(i + n, end).replace(/^ (.*) $/, "$1")));
          i = end + n;
          continue;
        }
        buf += fence;
        i += n;
        continue;
      }
      if (c === "*" || c === "_") {
        const dbl = text[i + 1] === c;
        const mark = dbl ? c + c : c;
        // _ inside a word (snake_case) is not emphasis.
        const wordBefore = c === "_" && i > 0 && /\w/.test(text[i - 1]);
        const after = text[i + mark.length];
        if (!wordBefore && after && after !== " ") {
          const end = closing(text, i + mark.length, mark);
          if (end > 0) {
            flush();
            out.push(h(dbl ? "strong" : "em", null, inline(text.slice(i + mark.length, end))));
            i = end + mark.length;
            continue;
          }
        }
        buf += mark;
        i += mark.length;
        continue;
      }
      if (c === "~" && text[i + 1] === "~") {
        const end = text.indexOf("~~", i + 2);
        if (end > i + 2) {
          flush();
          out.push(h("del", null, inline(text.slice(i + 2, end))));
          i = end + 2;
          continue;
        }
      }
      if (c === "[" || (c === "!" && text[i + 1] === "[")) {
        const img = c === "!";
        const m = matchLink(text, img ? i + 1 : i);
        if (m) {
          flush();
          out.push(link(m.label, m.url, img));
          i = m.end;
          continue;
        }
      }
      if (c === "<") {
        // Autolinks: "<" + an http(s) or mailto address + ">"; any other "<" is just text (raw HTML is not rendered).
        const m = /^<((?:https?:|mailto:)[^\s<>]+)>/i.exec(text.slice(i));
        if (m) {
          flush();
          out.push(link(m[1], m[1], false, true));
          i += m[0].length;
          continue;
        }
      }
      if (c === "h" && /^https?:\/\/[^\s<>]+/.test(text.slice(i)) && (i === 0 || /[\s(]/.test(text[i - 1]))) {
        let url = /^https?:\/\/[^\s<>]+/.exec(text.slice(i))[0];
        url = url.replace(/[.,;:!?)\]]+$/, "");
        flush();
        out.push(link(url, url, false, true));
        i += url.length;
        continue;
      }
      buf += c;
      i++;
    }
    flush();
    return out;
  }

  // Where the emphasis opened with mark (at from) closes: not after a space, not part of a
  // longer run of the same character, and for _ not inside a word; -1 when it does not.
  function closing(text, from, mark) {
    const c = mark[0];
    for (let j = text.indexOf(mark, from); j > 0; j = text.indexOf(mark, j + 1)) {
      if (j === from) continue;
      if (text[j - 1] === " " || text[j - 1] === "\\") continue;
      if (mark.length === 1 && (text[j + 1] === c || text[j - 1] === c)) continue;
      if (c === "_" && /\w/.test(text[j + mark.length] || "")) continue;
      return j;
    }
    return -1;
  }

  // [label](url "title") starting at text[i] === "[": {label, url, end} or null.
  function matchLink(text, i) {
    let depth = 0;
    let j = i;
    for (; j < text.length; j++) {
      if (text[j] === "\\") {
        j++;
        continue;
      }
      if (text[j] === "[") depth++;
      else if (text[j] === "]") {
        depth--;
        if (depth === 0) break;
      }
    }
    if (j >= text.length || text[j + 1] !== "(") return null;
    let k = j + 2;
    let paren = 1;
    for (; k < text.length; k++) {
      if (text[k] === "(") paren++;
      else if (text[k] === ")") {
        paren--;
        if (paren === 0) break;
      }
    }
    if (k >= text.length) return null;
    let url = text.slice(j + 2, k).trim();
    const t = /^(\S+)\s+["'].*["']$/.exec(url);
    if (t) url = t[1];
    if (url.startsWith("<") && url.endsWith(">")) url = url.slice(1, -1);
    return { label: text.slice(i + 1, j), url, end: k + 1 };
  }

  // plain: the label is shown as it is (an autolink's URL), not parsed again.
  function link(label, url, img, plain) {
    const body = plain ? label : inline(label);
    const href = MLT.markdownHref(url);
    if (img) {
      // Images only from the server (a same-origin path): nothing is fetched from elsewhere.
      if (href && href.startsWith("/")) return h("img", { src: href, alt: label });
      return h("span", { class: "md-dead", title: url }, label || url);
    }
    if (!href) return h("span", { class: "md-dead", title: "link not followed: " + url }, body);
    const a = h("a", { rel: "noopener noreferrer" }, body);
    // Set directly: MLT.h's href filter keeps same-origin paths only, and Markdown may link out.
    a.setAttribute("href", href);
    if (!href.startsWith("/") && !href.startsWith("#")) a.setAttribute("target", "_blank");
    return a;
  }

  // ---- blocks -----------------------------------------------------------------------------
  const reFence = /^ {0,3}(```+|~~~+)\s*([^`\s]*)/;
  const reHeading = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
  const reHr = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
  const reQuote = /^ {0,3}> ?/;
  const reItem = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
  const reTableSep = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

  function blank(l) {
    return /^\s*$/.test(l);
  }

  function blocks(lines) {
    const out = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (blank(line)) {
        i++;
        continue;
      }
      let m;
      if ((m = reFence.exec(line))) {
        const fence = m[1];
        const body = [];
        i++;
        while (i < lines.length && !lines[i].trim().startsWith(fence)) body.push(lines[i++]);
        i++;
        const code = h("code", m[2] ? { class: "language-" + m[2] } : null, body.join("\n"));
        out.push(h("pre", { class: "md-code" }, code));
        continue;
      }
      if ((m = reHeading.exec(line))) {
        out.push(h("h" + m[1].length, null, inline(m[2] || "")));
        i++;
        continue;
      }
      if (reHr.test(line)) {
        out.push(h("hr"));
        i++;
        continue;
      }
      if (/^( {4}|\t)/.test(line)) {
        const body = [];
        while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || blank(lines[i]))) {
          body.push(lines[i].replace(/^( {4}|\t)/, ""));
          i++;
        }
        while (body.length && blank(body[body.length - 1])) body.pop();
        out.push(h("pre", { class: "md-code" }, h("code", null, body.join("\n"))));
        continue;
      }
      if (reQuote.test(line)) {
        const body = [];
        while (i < lines.length && !blank(lines[i])) {
          body.push(lines[i].replace(reQuote, ""));
          i++;
        }
        out.push(h("blockquote", null, blocks(body)));
        continue;
      }
      if (reItem.test(line)) {
        const r = list(lines, i);
        out.push(r.el);
        i = r.next;
        continue;
      }
      if (line.includes("|") && i + 1 < lines.length && reTableSep.test(lines[i + 1]) && lines[i + 1].includes("-")) {
        const r = table(lines, i);
        out.push(r.el);
        i = r.next;
        continue;
      }
      // A paragraph: lines up to a blank line or the start of another block.
      const para = [];
      while (i < lines.length && !blank(lines[i])) {
        const l = lines[i];
        if (para.length && (reFence.test(l) || reHeading.test(l) || reQuote.test(l) || reHr.test(l) ||
            /^ {0,3}([-*+]|1[.)])\s+/.test(l))) break;
        para.push(l.trim());
        i++;
      }
      const p = h("p");
      para.forEach((l, k) => {
        if (k > 0) p.appendChild(document.createTextNode(" "));
        const hard = / {2,}$/.test(lines[i - para.length + k]);
        inline(l).forEach((n) => p.appendChild(n));
        if (hard && k < para.length - 1) p.appendChild(h("br"));
      });
      out.push(p);
    }
    return out;
  }

  function list(lines, start) {
    const first = reItem.exec(lines[start]);
    const indent = first[1].length;
    const ordered = /\d/.test(first[2]);
    const attrs = {};
    if (ordered && parseInt(first[2], 10) !== 1) attrs.start = parseInt(first[2], 10);
    const el = h(ordered ? "ol" : "ul", attrs);
    let i = start;
    while (i < lines.length) {
      const m = reItem.exec(lines[i]);
      if (!m || m[1].length !== indent || /\d/.test(m[2]) !== ordered) break;
      // The item's own lines: its text, continuation lines and nested blocks (more indented).
      const body = [m[3]];
      const inner = m[1].length + m[2].length + 1;
      i++;
      let loose = false;
      while (i < lines.length) {
        const l = lines[i];
        if (blank(l)) {
          // A blank line continues the item only when an indented line follows.
          if (i + 1 < lines.length && /^\s+/.test(lines[i + 1]) &&
              lines[i + 1].search(/\S/) > indent) {
            body.push("");
            loose = true;
            i++;
            continue;
          }
          break;
        }
        const mi = reItem.exec(l);
        if (mi && mi[1].length <= indent) break;
        const lead = l.search(/\S/);
        body.push(lead >= inner ? l.slice(inner) : lead > indent ? l.slice(lead) : l.trim());
        i++;
      }
      const li = h("li");
      const kids = blocks(body);
      if (!loose && kids.length && kids[0].tagName === "P") {
        // A tight item: its text without the paragraph's margins.
        while (kids[0].firstChild) li.appendChild(kids[0].firstChild);
        kids.slice(1).forEach((k) => li.appendChild(k));
      } else {
        kids.forEach((k) => li.appendChild(k));
      }
      el.appendChild(li);
      while (i < lines.length && blank(lines[i]) && i + 1 < lines.length && reItem.test(lines[i + 1]) &&
          reItem.exec(lines[i + 1])[1].length === indent) i++;
    }
    return { el, next: i };
  }

  function cells(line) {
    let s = line.trim();
    if (s.startsWith("|")) s = s.slice(1);
    if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
    const out = [];
    let cur = "";
    for (let i = 0; i < s.length; i++) {
      if (s[i] === "\\" && s[i + 1] === "|") {
        cur += "|";
        i++;
      } else if (s[i] === "|") {
        out.push(cur.trim());
        cur = "";
      } else cur += s[i];
    }
    out.push(cur.trim());
    return out;
  }

  function table(lines, start) {
    const head = cells(lines[start]);
    const align = cells(lines[start + 1]).map((c) =>
      c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : c.startsWith(":") ? "left" : null);
    const st = (k) => (align[k] ? { textAlign: align[k] } : null);
    const thead = h("thead", null, h("tr", null, head.map((c, k) => h("th", { style: st(k) }, inline(c)))));
    const tbody = h("tbody");
    let i = start + 2;
    while (i < lines.length && !blank(lines[i]) && lines[i].includes("|")) {
      const row = cells(lines[i]);
      tbody.appendChild(h("tr", null, head.map((_, k) => h("td", { style: st(k) }, inline(row[k] || "")))));
      i++;
    }
    return { el: h("table", { class: "plain md-table" }, thead, tbody), next: i };
  }

  MLT.markdown = function (text) {
    const lines = String(text || "").replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n");
    return h("div", { class: "markdown" }, blocks(lines));
  };
})();
