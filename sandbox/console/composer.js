/* The composer: the message box (Enter sends, Shift+Enter is a new line) and its @-mention
   picker. It writes in the chat chat.js has open (Yue.chat). */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const { el, $ } = Yue.dom;

  // ---------- @-mentions ----------

  // index: the highlighted option, or -1 for none. With one highlighted, Enter picks it; with
  // none (the picker closed, or open over a mention already complete), Enter sends.
  const M = { open: false, items: [], index: 0, start: -1 };

  function mentionQuery(input) {
    const upto = input.value.slice(0, input.selectionStart);
    const m = /(^|\s)@([^\s@]*)$/.exec(upto);
    return m ? { start: upto.length - m[2].length - 1, q: m[2].toLowerCase() } : null;
  }

  function candidates(q) {
    const hooks = Yue.chat.hooks;
    const people = hooks.mentionCandidates ? hooks.mentionCandidates(Yue.chat.current) : [];
    return people.filter((p) => !q || p.search.some((s) => s.toLowerCase().includes(q)));
  }

  /** Whether "@q" already names someone whole, as the server reads mentions ("@Bob", "@李博"). */
  function names(people, q) {
    return q !== "" && people.some((p) => p.search.some((s) => s.toLowerCase() === q));
  }

  function drawPopup() {
    const pop = $("mention-popup");
    pop.replaceChildren();
    let group = null;
    M.items.forEach((p, i) => {
      if (p.group !== group) {
        group = p.group;
        pop.appendChild(el("div", "mention-group", group === "in" ? t("inChat") : t("others")));
      }
      const row = el("div", "mention-option" + (i === M.index ? " active" : ""));
      row.setAttribute("role", "option");
      row.setAttribute("data-open-id", p.open_id);
      row.appendChild(Yue.avatar(p.open_id, p.label, "sm", p.is_bot));
      row.appendChild(el("span", "", p.label));
      if (p.sub) row.appendChild(el("span", "sub", p.sub));
      // mousedown, not click: the textarea must keep its focus and caret.
      row.addEventListener("mousedown", (ev) => { ev.preventDefault(); insertMention(p); });
      pop.appendChild(row);
    });
    pop.hidden = M.items.length === 0;
    M.open = !pop.hidden;
    const active = pop.querySelector(".mention-option.active");
    if (active) active.scrollIntoView({ block: "nearest" });
  }

  function closePopup() { M.open = false; M.items = []; $("mention-popup").hidden = true; }

  function updatePopup() {
    const input = $("composer-input");
    const mq = mentionQuery(input);
    if (!mq) { closePopup(); return; }
    M.start = mq.start;
    const found = candidates(mq.q);
    M.items = found.slice(0, 30);
    // A complete mention (typed out, or the caret back right after one just picked) highlights
    // nothing: the picker still lists who else matches, but Enter sends the message as it is.
    M.index = names(found, mq.q) ? -1 : 0;
    drawPopup();
  }

  function insertMention(p) {
    const input = $("composer-input");
    const caret = input.selectionStart;
    const before = input.value.slice(0, M.start);
    const after = input.value.slice(caret);
    const insert = "@" + p.token + " ";
    input.value = before + insert + after;
    const pos = before.length + insert.length;
    input.setSelectionRange(pos, pos);
    input.focus();
    closePopup();
  }

  async function send() {
    const input = $("composer-input");
    const text = input.value.trim();
    const chat = Yue.chat.current;
    if (!text || !chat) return;
    const btn = $("send-btn");
    btn.disabled = true;
    try {
      const sent = await Yue.api.send(chat.chat_id, Yue.chat.hooks.me(), text);
      // Follow the conversation: when the reply to this message arrives, scroll to it.
      Yue.chat.awaitReplyTo((sent && sent.message_id) || null);
      input.value = "";
      closePopup();   // setting the value fires no input event, so the picker would stay up
      autosize();
      Yue.chat.refreshNow();
    } catch (e) {
      Yue.toast("error", t("sendFailed", { err: e.message }));
    } finally {
      btn.disabled = false;
      input.focus();
    }
  }

  function autosize() {
    const input = $("composer-input");
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 160) + "px";
  }

  function bind() {
    const input = $("composer-input");
    input.addEventListener("input", () => { autosize(); updatePopup(); });
    input.addEventListener("click", updatePopup);
    input.addEventListener("blur", () => setTimeout(closePopup, 150));
    input.addEventListener("keydown", (ev) => {
      if (ev.isComposing || ev.keyCode === 229) return;   // an IME is composing (Chinese input)
      if (M.open) {
        const n = M.items.length;
        if (ev.key === "ArrowDown") { ev.preventDefault(); M.index = (M.index + 1) % n; drawPopup(); return; }
        if (ev.key === "ArrowUp") { ev.preventDefault(); M.index = (M.index <= 0 ? n : M.index) - 1; drawPopup(); return; }
        if ((ev.key === "Enter" || ev.key === "Tab") && M.index >= 0) { ev.preventDefault(); insertMention(M.items[M.index]); return; }
        if (ev.key === "Escape") { ev.preventDefault(); closePopup(); return; }
      }
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); send(); }
    });
    $("send-btn").addEventListener("click", send);
  }

  window.Yue = window.Yue || {};
  window.Yue.composer = { bind };
})();
