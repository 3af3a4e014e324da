/* The interactive elements of a card: buttons, text inputs, selects (static and person),
   date/time pickers, checkers, forms and overflow menus. Each registers itself in cards.js's
   element registry; a change or click calls ctx.act with the payload Feishu would send. */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const el = Yue.dom.el;
  const { textOf, textNode } = Yue.cardText;
  const { pickerValue, callbackValue, openUrlOf, openUrl, confirmDialog, collectForm, resetForm } = Yue.cardActions;
  const { elements: R, renderElements } = Yue.cards;

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
})();
