/* What a card interaction sends back, as Feishu formats it: callback values, picker values,
   form values (and reset), links, and the confirm dialog of a button. Used by cards.js and
   card_controls.js through Yue.cardActions. */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const { textOf } = Yue.cardText;

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

  window.Yue = window.Yue || {};
  window.Yue.cardActions = { pickerValue, callbackValue, openUrlOf, openUrl, confirmDialog, collectForm, resetForm };
})();
