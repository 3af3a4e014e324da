/* Renders Feishu interactive cards (card JSON 2.0, plus the 1.0 shapes still seen
   in the wild) into DOM that looks like the Feishu client.

   Every element is rendered inside a guard: an element the console does not know,
   or one whose JSON is malformed, becomes a grey "[unsupported: tag]" placeholder
   and the rest of the card still renders.

   Interaction: render(card, ctx) where ctx = {
     nameOf(openId) → display name, me → acting open_id, members → [{open_id, name}],
     tzOffset → "+0800" (the acting person's, for picker values as Feishu sends them),
     act(payload, card element) → Promise   (payload = what /sandbox/api/card_actions takes
                                             minus message_id/operator_id)
   } */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);

  // ---------- small helpers ----------

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

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

  // ---------- values for callbacks, as Feishu formats them ----------

  function pickerValue(tag, raw, ctx) {
    if (!raw) return "";
    const off = (ctx && ctx.tzOffset) || "+0800";
    if (tag === "picker_datetime") return raw.replace("T", " ").slice(0, 16) + " " + off;
    return raw + " " + off;   // date_picker "2024-05-01 +0800", picker_time "15:00 +0800"
  }

  function callbackValue(behaviors, legacyValue) {
    if (Array.isArray(behaviors)) {
      const cb = behaviors.find((b) => b && b.type === "callback");
      if (cb) return cb.value === undefined ? {} : cb.value;
    }
    return legacyValue;   // card 1.0: the element's own `value`
  }

  function openUrlOf(behaviors, elem) {
    if (Array.isArray(behaviors)) {
      const ou = behaviors.find((b) => b && b.type === "open_url");
      if (ou) return ou.default_url || ou.pc_url || ou.url || "";
    }
    if (elem && elem.url) return elem.url;
    if (elem && elem.multi_url) return elem.multi_url.url || elem.multi_url.pc_url || "";
    return "";
  }

  function openUrl(url) {
    // "Open in Calendar": Feishu's app link has nowhere to go in the sandbox; the console's own
    // week view shows the event instead.
    const link = /^https:\/\/applink\.feishu\.cn\/client\/calendar\/event\/detail\?(.*)$/i.exec(url || "");
    if (link && window.Yue.showCalendarAt) {
      const start = Number(new URLSearchParams(link[1]).get("startTime"));
      if (start > 0) { window.Yue.showCalendarAt(start * 1000); return; }
    }
    if (url && /^(https?:|mailto:|lark:|feishu:)/i.test(url)) window.open(url, "_blank", "noopener");
  }

  // ---------- the modal used by button `confirm` ----------

  function confirmDialog(conf) {
    return new Promise((resolve) => {
      const modal = document.getElementById("modal");
      if (!modal) { resolve(true); return; }
      document.getElementById("modal-title").textContent = textOf(conf.title) || t("confirm");
      document.getElementById("modal-text").textContent = textOf(conf.text);
      const ok = document.getElementById("modal-ok");
      const cancel = document.getElementById("modal-cancel");
      ok.textContent = t("confirm");
      cancel.textContent = t("cancel");
      const done = (v) => { modal.hidden = true; ok.onclick = cancel.onclick = modal.onclick = null; resolve(v); };
      ok.onclick = () => done(true);
      cancel.onclick = () => done(false);
      modal.onclick = (e) => { if (e.target === modal) done(false); };
      modal.hidden = false;
      ok.focus();
    });
  }

  // ---------- form handling ----------

  /** Values of every named field inside a form element, as Feishu's form_value. */
  function collectForm(formEl, ctx) {
    const values = {};
    let missing = false;
    formEl.querySelectorAll("[data-field]").forEach((f) => {
      const name = f.getAttribute("data-field");
      const tag = f.getAttribute("data-tag");
      let v;
      if (tag === "multi_select_static" || tag === "multi_select_person") {
        v = Array.from(f.selectedOptions || []).map((o) => o.value).filter(Boolean);
      } else if (tag === "checker") {
        v = f.checked;
      } else if (tag === "date_picker" || tag === "picker_time" || tag === "picker_datetime") {
        v = pickerValue(tag, f.value, ctx);
      } else {
        v = f.value;
      }
      const empty = v === "" || (Array.isArray(v) && v.length === 0);
      f.classList.toggle("invalid", f.hasAttribute("data-required") && empty);
      if (f.hasAttribute("data-required") && empty) missing = true;
      if (!empty || tag === "checker") values[name] = v;
    });
    return { values, missing };
  }

  function resetForm(formEl) {
    formEl.querySelectorAll("[data-field]").forEach((f) => {
      if (f.type === "checkbox") f.checked = f.defaultChecked;
      else if (f.tagName === "SELECT") Array.from(f.options).forEach((o) => { o.selected = o.defaultSelected; });
      else f.value = f.defaultValue;
      f.classList.remove("invalid");
    });
  }

  // ---------- elements ----------

  const R = {};   // tag → (elem, ctx, scope) → Node; scope.form is the enclosing form element, if any

  function renderElement(elem, ctx, scope) {
    const tag = elem && typeof elem === "object" ? elem.tag : undefined;
    const fn = tag && Object.prototype.hasOwnProperty.call(R, tag) ? R[tag] : null;
    if (!fn) return placeholder(tag);
    try {
      const node = fn(elem, ctx, scope || {});
      if (node && elem.element_id && node.setAttribute) node.setAttribute("data-element-id", elem.element_id);
      return node || placeholder(tag);
    } catch (e) {
      // A malformed element must not take the card (or the page) down with it.
      return placeholder(tag);
    }
  }

  function renderElements(list, ctx, scope, into) {
    (Array.isArray(list) ? list : []).forEach((e) => into.appendChild(renderElement(e, ctx, scope)));
    return into;
  }

  R.markdown = (e, ctx) => {
    const n = mdNode(e.content != null ? e.content : textOf(e.text), ctx);
    applyTextStyle(n, e);
    return n;
  };
  R.lark_md = R.markdown;
  R.plain_text = (e, ctx) => textNode(e, ctx);

  R.div = (e, ctx) => {
    const wrap = el("div", "c-div");
    if (e.text) wrap.appendChild(textNode(e.text, ctx));
    if (Array.isArray(e.fields) && e.fields.length) {
      const grid = el("div", "c-div-fields");
      e.fields.forEach((f) => {
        const cell = textNode(f.text, ctx);
        if (!f.is_short) cell.classList.add("full");
        grid.appendChild(cell);
      });
      wrap.appendChild(grid);
    }
    if (e.extra) {
      const row = el("div", "c-columns");
      const main = el("div", "c-col");
      while (wrap.firstChild) main.appendChild(wrap.firstChild);
      const extra = el("div", "c-col w-auto v-center");
      extra.appendChild(renderElement(e.extra, ctx, {}));
      row.append(main, extra);
      wrap.appendChild(row);
    }
    return wrap;
  };

  R.hr = () => el("hr", "c-hr");
  R.divider = R.hr;

  R.note = (e, ctx) => {
    const n = el("div", "c-note");
    (e.elements || []).forEach((x) => {
      if (x && (x.tag === "img" || x.tag === "image")) n.appendChild(el("span", "", "🖼"));
      else n.appendChild(textNode(x, ctx));
    });
    return n;
  };

  R.img = (e) => {
    // Images live on Feishu's CDN (img_key); the console works offline, so show a frame.
    const n = el("div", "c-img", "[" + t("image") + (e.alt ? ": " + textOf(e.alt) : "") + "]");
    return n;
  };
  R.image = R.img;

  R.person = (e, ctx) => {
    const id = e.user_id || e.open_id || "";
    const n = el("span", "c-person");
    const name = (ctx.nameOf && ctx.nameOf(id)) || id;
    n.appendChild(Yue.avatar ? Yue.avatar(id, name, "sm") : el("span"));
    n.appendChild(el("span", "", name));
    return n;
  };
  R.person_list = (e, ctx) => {
    const n = el("div", "c-columns wrap");
    (e.persons || []).forEach((p) => n.appendChild(R.person({ user_id: p.id || p.user_id }, ctx)));
    return n;
  };

  R.column_set = (e, ctx, scope) => {
    const row = el("div", "c-columns");
    const mode = e.flex_mode || "none";
    if (mode === "flow") row.classList.add("wrap");
    if (mode === "bisect" || mode === "trisect" || mode === "stretch") row.classList.add("flex-" + mode);
    if (e.background_style && e.background_style !== "default") row.classList.add("bg-grey");
    if (e.horizontal_spacing) row.style.gap = spacing(e.horizontal_spacing);
    if (e.horizontal_align === "center") row.style.justifyContent = "center";
    if (e.horizontal_align === "right") row.style.justifyContent = "flex-end";
    (e.columns || []).forEach((c) => row.appendChild(renderElement(Object.assign({ tag: "column" }, c), ctx, scope)));
    return row;
  };

  function spacing(v) {
    const named = { small: "4px", medium: "8px", large: "12px", "extra_large": "16px", default: "8px" };
    if (named[v]) return named[v];
    return /^\d+px$/.test(String(v)) ? v : "8px";
  }

  R.column = (e, ctx, scope) => {
    const col = el("div", "c-col");
    const w = e.width || "auto";
    if (w === "weighted") col.style.flex = (Number(e.weight) || 1) + " 1 0";
    else if (/^\d+px$/.test(w)) col.style.flex = "0 0 " + w;
    else col.classList.add("w-auto");
    if (e.vertical_align === "center") col.classList.add("v-center");
    if (e.vertical_align === "bottom") col.classList.add("v-bottom");
    if (e.background_style && e.background_style !== "default") col.classList.add("bg-grey");
    if (e.vertical_spacing) col.style.gap = spacing(e.vertical_spacing);
    return renderElements(e.elements, ctx, scope, col);
  };

  // Card 1.0: buttons and selects side by side in an `action` block.
  R.action = (e, ctx, scope) => {
    const row = el("div", "c-columns wrap");
    (e.actions || []).forEach((a) => row.appendChild(renderElement(a, ctx, scope)));
    return row;
  };

  R.button = (e, ctx, scope) => {
    const type = e.type || "default";
    const b = el("button", "c-btn c-btn-" + type);
    b.type = "button";
    if (e.size) b.classList.add("size-" + e.size);
    if (e.width === "fill") b.classList.add("w-fill");
    b.textContent = textOf(e.text) || textOf(e.name) || "";
    if (e.name) b.setAttribute("data-name", e.name);
    if (e.disabled) {
      b.disabled = true;
      b.classList.add("disabled");
      if (e.disabled_tips) b.title = textOf(e.disabled_tips);
      return b;
    }
    if (e.hover_tips) b.title = textOf(e.hover_tips);
    b.addEventListener("click", async () => {
      if (b.disabled) return;
      const formAction = e.form_action_type || e.action_type;
      if (scope.form && (formAction === "reset" || formAction === "form_reset")) {
        resetForm(scope.form);
        return;
      }
      const url = openUrlOf(e.behaviors, e);
      let formValue;
      if (scope.form && (formAction === "submit" || formAction === "form_submit")) {
        const { values, missing } = collectForm(scope.form, ctx);
        if (missing) { Yue.toast && Yue.toast("warning", t("required")); return; }
        formValue = values;
      }
      if (e.confirm && !(await confirmDialog(e.confirm))) return;
      if (url) openUrl(url);
      const value = callbackValue(e.behaviors, e.value);
      if (value === undefined && formValue === undefined) return;   // a pure link button
      const payload = { tag: "button", value: value === undefined ? {} : value };
      if (e.name) payload.name = e.name;
      if (formValue !== undefined) payload.form_value = formValue;
      ctx.act(payload, b);
    });
    return b;
  };

  function labelled(e, control, ctx) {
    if (!e.label) return control;
    const f = el("div", "c-field" + (e.label_position === "left" ? " inline" : ""));
    const l = el("label", "c-field-label", textOf(e.label));
    if (e.required) l.appendChild(el("span", "req", "*"));
    f.append(l, control);
    return f;
  }

  function fieldAttrs(node, e) {
    node.setAttribute("data-tag", e.tag);
    if (e.name) node.setAttribute("data-field", e.name);
    if (e.required) node.setAttribute("data-required", "");
    if (e.disabled) node.disabled = true;
    if (e.width && /^\d+px$/.test(e.width)) node.style.width = e.width;
    if (e.width === "fill") node.style.width = "100%";
  }

  R.input = (e, ctx, scope) => {
    const multi = e.input_type === "multiline_text";
    const i = el(multi ? "textarea" : "input", "c-input" + (multi ? " c-input-multi" : ""));
    if (!multi) i.type = e.input_type === "password" ? "password" : "text";
    if (multi && e.rows) i.rows = Number(e.rows) || 3;
    i.placeholder = textOf(e.placeholder);
    if (e.default_value != null) { i.value = String(e.default_value); i.defaultValue = String(e.default_value); }
    if (e.max_length) i.maxLength = Number(e.max_length) || 1000;
    fieldAttrs(i, e);
    if (!scope.form) {
      // Outside a form, Enter submits the input on its own (Feishu's input callback).
      i.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
          ev.preventDefault();
          const value = callbackValue(e.behaviors, e.value);
          ctx.act({ tag: "input", name: e.name, value: value === undefined ? {} : value, input_value: i.value }, i);
        }
      });
    }
    return labelled(e, i, ctx);
  };

  function optionsOf(e, ctx, person) {
    if (person) {
      const ids = (e.options || []).map((o) => o.value).filter(Boolean);
      const people = ids.length ? ids.map((id) => ({ value: id, text: (ctx.nameOf && ctx.nameOf(id)) || id }))
                                : (ctx.members || []).map((m) => ({ value: m.open_id, text: m.name }));
      return people;
    }
    return (e.options || []).map((o) => ({ value: o.value, text: textOf(o.text) || o.value }));
  }

  function makeSelect(e, ctx, scope, { multi, person }) {
    const s = el("select", "c-select");
    if (multi) s.multiple = true;
    const opts = optionsOf(e, ctx, person);
    const initial = multi ? (e.selected_values || e.initial_options || []) : [e.initial_option];
    if (!multi) {
      const ph = el("option", "", textOf(e.placeholder) || t("selectPlaceholder"));
      ph.value = "";
      ph.disabled = true;
      s.appendChild(ph);
    } else {
      s.size = Math.min(Math.max(opts.length, 2), 5);
    }
    let any = false;
    opts.forEach((o) => {
      const opt = el("option", "", o.text);
      opt.value = o.value;
      if (initial.indexOf(o.value) >= 0) { opt.selected = true; opt.defaultSelected = true; any = true; }
      s.appendChild(opt);
    });
    if (!multi && !any) { s.selectedIndex = 0; s.options[0].defaultSelected = true; s.classList.add("placeholder"); }
    fieldAttrs(s, e);
    s.addEventListener("change", () => {
      s.classList.toggle("placeholder", !multi && !s.value);
      if (scope.form || multi) return;   // inside a form, values go with the submit
      const value = callbackValue(e.behaviors, e.value);
      ctx.act({ tag: e.tag, name: e.name, value: value === undefined ? {} : value, option: s.value }, s);
    });
    return labelled(e, s, ctx);
  }

  R.select_static = (e, ctx, scope) => makeSelect(e, ctx, scope, { multi: false, person: false });
  R.multi_select_static = (e, ctx, scope) => makeSelect(e, ctx, scope, { multi: true, person: false });
  R.select_person = (e, ctx, scope) => makeSelect(e, ctx, scope, { multi: false, person: true });
  R.multi_select_person = (e, ctx, scope) => makeSelect(e, ctx, scope, { multi: true, person: true });

  function makePicker(e, ctx, scope, inputType, initial) {
    const i = el("input", "c-picker");
    i.type = inputType;
    if (initial) { i.value = initial; i.defaultValue = initial; }
    i.title = textOf(e.placeholder) || (inputType === "time" ? t("timePlaceholder") : t("datePlaceholder"));
    fieldAttrs(i, e);
    i.addEventListener("change", () => {
      if (scope.form || !i.value) return;
      const value = callbackValue(e.behaviors, e.value);
      ctx.act({ tag: e.tag, name: e.name, value: value === undefined ? {} : value, option: pickerValue(e.tag, i.value, ctx) }, i);
    });
    return labelled(e, i, ctx);
  }

  R.date_picker = (e, ctx, scope) => makePicker(e, ctx, scope, "date", (e.initial_date || "").slice(0, 10));
  R.picker_time = (e, ctx, scope) => makePicker(e, ctx, scope, "time", (e.initial_time || "").slice(0, 5));
  R.picker_datetime = (e, ctx, scope) =>
    makePicker(e, ctx, scope, "datetime-local", (e.initial_datetime || "").slice(0, 16).replace(" ", "T"));

  R.checker = (e, ctx, scope) => {
    const wrap = el("label", "c-checker");
    const box = el("input");
    box.type = "checkbox";
    box.checked = !!e.checked;
    box.defaultChecked = !!e.checked;
    fieldAttrs(box, e);
    wrap.append(box, textNode(e.text, ctx));
    wrap.classList.toggle("checked", box.checked);
    box.addEventListener("change", () => {
      wrap.classList.toggle("checked", box.checked);
      if (scope.form) return;
      const value = callbackValue(e.behaviors, e.value);
      ctx.act({ tag: "checker", name: e.name, value: value === undefined ? {} : value, checked: box.checked }, box);
    });
    return wrap;
  };

  R.form = (e, ctx) => {
    const f = el("form", "c-form");
    f.noValidate = true;
    if (e.name) f.setAttribute("data-form", e.name);
    // Enter in a text input must not submit a real HTML form (that would reload the page).
    f.addEventListener("submit", (ev) => ev.preventDefault());
    return renderElements(e.elements, ctx, { form: f }, f);
  };

  R.collapsible_panel = (e, ctx, scope) => {
    const d = el("details", "c-panel");
    if (e.expanded) d.open = true;
    const sum = el("summary");
    sum.textContent = textOf(e.header && e.header.title) || "…";
    const body = el("div", "c-panel-body");
    d.append(sum, renderElements(e.elements, ctx, scope, body));
    return d;
  };

  R.interactive_container = (e, ctx, scope) => {
    const c = el("div", "c-container");
    if (e.has_border) c.classList.add("bordered");
    if (e.background_style && e.background_style !== "default") c.style.background = "#f5f6f7";
    renderElements(e.elements, ctx, scope, c);
    const value = callbackValue(e.behaviors, undefined);
    const url = openUrlOf(e.behaviors);
    if ((value !== undefined || url) && !e.disabled) {
      c.classList.add("clickable");
      c.addEventListener("click", (ev) => {
        if (ev.target.closest("button, select, input, textarea, a")) return;
        if (url) openUrl(url);
        if (value !== undefined) ctx.act({ tag: "interactive_container", value }, c);
      });
    }
    return c;
  };

  R.overflow = (e, ctx) => {
    const wrap = el("span", "c-overflow");
    const b = el("button", "c-btn c-btn-default size-small", "···");
    b.type = "button";
    const menu = el("div", "c-overflow-menu");
    menu.hidden = true;
    (e.options || []).forEach((o) => {
      const item = el("button", "", textOf(o.text));
      item.type = "button";
      item.addEventListener("click", () => {
        menu.hidden = true;
        const url = o.url || (o.multi_url && o.multi_url.url);
        if (url) { openUrl(url); return; }
        const value = callbackValue(e.behaviors, e.value);
        ctx.act({ tag: "overflow", value: value === undefined ? {} : value, option: o.value }, b);
      });
      menu.appendChild(item);
    });
    b.addEventListener("click", () => { menu.hidden = !menu.hidden; });
    wrap.append(b, menu);
    return wrap;
  };

  // ---------- the card ----------

  function bodyElements(card) {
    if (card.body && Array.isArray(card.body.elements)) return card.body.elements;
    if (Array.isArray(card.elements)) return card.elements;
    const i18n = card.i18n_elements || (card.body && card.body.i18n_elements);
    if (i18n && typeof i18n === "object") {
      return i18n[Yue.i18n.lang === "zh" ? "zh_cn" : "en_us"] || i18n.zh_cn || i18n.en_us || Object.values(i18n)[0] || [];
    }
    return [];
  }

  function renderHeader(h, ctx) {
    const tpl = /^[a-z]+$/.test(h.template || "") ? h.template : "default";
    const head = el("div", "card-header tpl-" + tpl);
    const title = el("div", "card-title", textOf(h.title));
    head.appendChild(title);
    if (h.subtitle && textOf(h.subtitle)) head.appendChild(el("div", "card-subtitle", textOf(h.subtitle)));
    if (Array.isArray(h.text_tag_list) && h.text_tag_list.length) {
      const tags = el("div", "card-tags");
      h.text_tag_list.forEach((tg) => tags.appendChild(el("span", "c-tag " + (tg.color || ""), textOf(tg.text))));
      head.appendChild(tags);
    }
    return head;
  }

  /** The card as a DOM node; never throws. */
  function render(card, ctx) {
    const root = el("div", "card");
    try {
      if (typeof card === "string") card = JSON.parse(card);
      if (!card || typeof card !== "object") throw new Error("not a card");
      const cfg = card.config || {};
      if (cfg.width_mode === "fill" || cfg.wide_screen_mode) root.classList.add("fill");
      if (cfg.width_mode === "compact") root.style.maxWidth = "400px";
      const header = card.header || (card.i18n_header && (card.i18n_header[Yue.i18n.lang === "zh" ? "zh_cn" : "en_us"] || Object.values(card.i18n_header)[0]));
      if (header && (header.title || header.subtitle)) root.appendChild(renderHeader(header, ctx));
      const body = el("div", "card-body");
      if (card.body && card.body.padding && /^[\d\spx]+$/.test(card.body.padding)) body.style.padding = card.body.padding;
      if (card.type === "template") body.appendChild(placeholder("template card"));
      renderElements(bodyElements(card), ctx, {}, body);
      root.appendChild(body);
    } catch (e) {
      root.appendChild(placeholder("card"));
    }
    return root;
  }

  window.Yue = window.Yue || {};
  window.Yue.cards = { render, markdownHtml, inlineMd };
})();
