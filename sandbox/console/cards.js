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
   }

   The card scripts: card_text.js (text objects, markdown), card_actions.js (callback and form
   values, links, the confirm dialog), this file (the element registry, layout elements, the card)
   and card_controls.js (buttons, inputs, selects, pickers, forms), which registers its elements
   here through Yue.cards.elements. */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const el = Yue.dom.el;
  const { textOf, placeholder, applyTextStyle, inlineMd, markdownHtml, mdNode, textNode } = Yue.cardText;
  const { callbackValue, openUrlOf, openUrl } = Yue.cardActions;

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
  window.Yue.cards = { render, markdownHtml, inlineMd, elements: R, renderElement, renderElements };
})();
