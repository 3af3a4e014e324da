/* Text in cards: text objects ({tag, content, i18n_content} or bare strings), Feishu's named
   colours, and its card markdown dialect, rendered to escaped HTML. Used by cards.js and
   card_controls.js through Yue.cardText. */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const el = Yue.dom.el;

  // ---------- small helpers ----------

  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00a0" };
  function unentity(s) {
    return String(s).replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|lt|gt|amp|quot|apos|nbsp);/gi, (m, e) => {
      if (e[0] !== "#") return ENTITIES[e.toLowerCase()];
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    });
  }

  /** Text of a text object: {tag, content, i18n_content} or a bare string. */
  function textOf(obj) {
    if (obj == null) return "";
    if (typeof obj === "string") return obj;
    if (obj.i18n_content && typeof obj.i18n_content === "object") {
      const pick = obj.i18n_content[Yue.i18n.lang === "zh" ? "zh_cn" : "en_us"];
      if (pick) return String(pick);
    }
    if (obj.i18n && typeof obj.i18n === "object") {
      const pick = obj.i18n[Yue.i18n.lang === "zh" ? "zh_cn" : "en_us"];
      if (pick) return String(pick);
    }
    return obj.content != null ? String(obj.content) : (obj.text != null ? textOf(obj.text) : "");
  }

  function placeholder(tag) {
    return el("div", "c-unsupported", "[" + t("unsupported") + ": " + (tag || "?") + "]");
  }

  function applyTextStyle(node, obj) {
    if (!obj || typeof obj !== "object") return;
    if (obj.text_size) node.classList.add("size-" + obj.text_size);
    if (obj.text_align) node.classList.add("align-" + obj.text_align);
    if (obj.text_color && /^[a-z\-_0-9]+$/i.test(obj.text_color)) node.style.color = colorOf(obj.text_color);
  }

  // Feishu's named colours for <font color=…> and text_color.
  const COLORS = {
    red: "#f54a45", green: "#2ea121", blue: "#3370ff", grey: "#8f959e", gray: "#8f959e", orange: "#ff8800",
    yellow: "#dc9b04", purple: "#7f3bf5", violet: "#d136d1", indigo: "#4954e6", wathet: "#049fd7",
    turquoise: "#14c0ad", carmine: "#f01d94", default: "#1f2329",
  };
  function colorOf(name) {
    return COLORS[String(name).toLowerCase()] || (/^#[0-9a-f]{3,8}$/i.test(name) ? name : "inherit");
  }

  // ---------- markdown (Feishu's card dialect) ----------

  /** Inline markdown → HTML. Input is raw text; everything not recognised is escaped. */
  function inlineMd(src, ctx) {
    const tokens = [];
    const keep = (html) => "\u0000" + (tokens.push(html) - 1) + "\u0000";
    let s = String(src);

    // Feishu's inline tags, before escaping so they survive.
    s = s.replace(/<at\s+(?:id|user_id|open_id|email)\s*=\s*["']?([^"'\s>]+)["']?\s*>([^<]*)<\/at>/gi, (m, id, inner) => {
      if (id === "all") return keep('<span class="c-at">@' + esc(Yue.i18n.lang === "zh" ? "所有人" : "all") + "</span>");
      const name = (ctx && ctx.nameOf && ctx.nameOf(id)) || inner || id;
      const me = ctx && ctx.me === id ? " me" : "";
      return keep('<span class="c-at' + me + '" data-open-id="' + esc(id) + '">@' + esc(name) + "</span>");
    });
    s = s.replace(/<font\s+color\s*=\s*["']?([#\w-]+)["']?\s*>/gi, (m, c) => keep('<span style="color:' + esc(colorOf(c)) + '">'));
    s = s.replace(/<\/font>/gi, () => keep("</span>"));
    s = s.replace(/<text_tag\s+color\s*=\s*["']?(\w+)["']?\s*>([^<]*)<\/text_tag>/gi,
      (m, c, inner) => keep('<span class="c-tag ' + esc(c) + '">' + esc(inner) + "</span>"));
    s = s.replace(/<local_datetime\s+([^>]*?)\/?>(?:<\/local_datetime>)?/gi, (m, attrs) => {
      const ms = /millisecond\s*=\s*["']?(\d+)/i.exec(attrs);
      const when = ms ? new Date(Number(ms[1])) : new Date();
      return keep(esc(ctx && ctx.formatDateTime ? ctx.formatDateTime(when) : when.toLocaleString()));
    });
    s = s.replace(/<br\s*\/?>/gi, () => keep("<br>"));
    // Numeric entities (&#91; …) are the characters themselves, as literal text: never markup.
    s = s.replace(/&#(\d{1,6});/g, (m, n) => keep(esc(String.fromCodePoint(Math.min(Number(n), 0x10ffff)))));
    // Inline code: its content is literal.
    s = s.replace(/`([^`\n]+)`/g, (m, code) => keep("<code>" + esc(code) + "</code>"));
    // Links: only schemes that cannot run script.
    s = s.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (m, label, url) => {
      if (!/^(https?:|mailto:|lark:|feishu:)/i.test(url)) return keep(esc(label));
      return keep('<a href="' + esc(url) + '" target="_blank" rel="noopener noreferrer">') + label + keep("</a>");
    });

    // Feishu shows "&#60;" in card markdown as "<" (it is how "<" is written without making a tag):
    // decode entities to their characters, then escape everything once.
    s = esc(unentity(s));
    s = s.replace(/\*\*([^*\n]+?)\*\*/g, "<strong>$1</strong>");
    s = s.replace(/__([^_\n]+?)__/g, "<strong>$1</strong>");
    s = s.replace(/(^|[^*])\*([^*\n]+?)\*(?!\*)/g, "$1<em>$2</em>");
    s = s.replace(/~~([^~\n]+?)~~/g, "<del>$1</del>");
    // Bare URLs become links, as Feishu does (not inside an already-made link token).
    s = s.replace(/(^|[\s(])(https?:\/\/[^\s<\u0000]+)/g,
      (m, pre, url) => pre + '<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + url + "</a>");
    // eslint-disable-next-line no-control-regex
    return s.replace(/\u0000(\d+)\u0000/g, (m, i) => tokens[Number(i)]);
  }

  /** Block markdown: lists, headings, quotes, rules; single newlines are line breaks. */
  function markdownHtml(src, ctx) {
    const lines = String(src == null ? "" : src).replace(/\r\n?/g, "\n").split("\n");
    const out = [];
    let list = null;        // "ul" | "ol"
    let para = [];
    const flushPara = () => { if (para.length) { out.push("<p>" + para.join("<br>") + "</p>"); para = []; } };
    const closeList = () => { if (list) { out.push("</" + list + ">"); list = null; } };
    for (const line of lines) {
      let m;
      if ((m = /^\s*[-*+]\s+(.*)$/.exec(line)) && !/^\s*[-*_]{3,}\s*$/.test(line)) {
        flushPara();
        if (list !== "ul") { closeList(); out.push("<ul>"); list = "ul"; }
        out.push("<li>" + inlineMd(m[1], ctx) + "</li>");
      } else if ((m = /^\s*\d+[.)]\s+(.*)$/.exec(line))) {
        flushPara();
        if (list !== "ol") { closeList(); out.push("<ol>"); list = "ol"; }
        out.push("<li>" + inlineMd(m[1], ctx) + "</li>");
      } else if ((m = /^(#{1,4})\s+(.*)$/.exec(line))) {
        flushPara(); closeList();
        out.push("<h" + m[1].length + ">" + inlineMd(m[2], ctx) + "</h" + m[1].length + ">");
      } else if ((m = /^>\s?(.*)$/.exec(line))) {
        flushPara(); closeList();
        out.push("<blockquote>" + inlineMd(m[1], ctx) + "</blockquote>");
      } else if (/^\s*([-*_])\1{2,}\s*$/.test(line)) {
        flushPara(); closeList();
        out.push('<hr class="c-hr">');
      } else if (line.trim() === "") {
        closeList();
        if (para.length) para.push("");
      } else {
        closeList();
        para.push(inlineMd(line, ctx));
      }
    }
    closeList();
    // Trailing empty lines from blank separators.
    while (para.length && para[para.length - 1] === "") para.pop();
    flushPara();
    return out.join("");
  }

  function mdNode(content, ctx, cls) {
    const d = el("div", "c-md" + (cls ? " " + cls : ""));
    d.innerHTML = markdownHtml(content, ctx);
    return d;
  }

  /** A text object as a node: lark_md is markdown, plain_text is text. */
  function textNode(obj, ctx, cls) {
    const isMd = obj && typeof obj === "object" && (obj.tag === "lark_md" || obj.tag === "markdown");
    const n = isMd ? mdNode(textOf(obj), ctx, cls) : el("div", "c-md" + (cls ? " " + cls : ""), textOf(obj));
    if (!isMd) n.style.whiteSpace = "pre-wrap";
    applyTextStyle(n, obj);
    return n;
  }

  window.Yue = window.Yue || {};
  window.Yue.cardText = { esc, textOf, placeholder, applyTextStyle, inlineMd, markdownHtml, mdNode, textNode };
})();
