/* The console's glue: who you act as, their chats, the week on the right, the
   phone-width tabs, toasts. Talks to the server only through Yue.api. */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const { el, $ } = Yue.dom;
  const BOT_IDS = new Set(["ou_yue_bot", "cli_sandbox_yue"]);
  const STORE_PERSON = "yue.console.person";
  const STORE_CHAT = "yue.console.chat.";   // + open_id
  const CAL_REFRESH_MS = 20000;              // also catch events made outside this page

  const state = {
    people: [],          // directory people (not the bot)
    bot: null,           // {open_id, name}
    byId: new Map(),     // open_id (and bot app id) → person
    chats: [],
    me: null,
    monday: null,        // {y, m, d} of the shown week, in me's zone
    compareId: "",
    calTimer: null,
    calGen: 0,
  };

  // ---------- small shared helpers (chat.js and the card scripts use them too) ----------

  function store(key, value) {
    // localStorage can throw (private mode, disabled storage); remembering is a nicety.
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (e) { return null; }
    return null;
  }

  const CJK = /[\u3400-\u9fff]/;

  /** The name to show for a person, in the UI's language. */
  function displayName(p) {
    if (!p) return "";
    if (p.is_bot) return p.name || "Yue";
    if (Yue.i18n.lang === "zh") return (CJK.test(p.name || "") ? p.name : "") || p.en_name || p.name || p.open_id;
    return p.en_name || p.name || p.open_id;
  }

  function nameOf(id) {
    const p = state.byId.get(id);
    return p ? displayName(p) : "";
  }

  function initials(name) {
    const s = String(name || "?").trim();
    if (CJK.test(s)) {
      // Feishu shows the last two characters of a Chinese name.
      const han = s.replace(/[^\u3400-\u9fff]/g, "");
      return han.length > 2 ? han.slice(-2) : han;
    }
    const words = s.split(/\s+/).filter(Boolean);
    return ((words[0] || "?")[0] + (words.length > 1 ? words[1][0] : "")).toUpperCase();
  }

  const PALETTE = ["#3370ff", "#7f3bf5", "#14c0ad", "#ff8800", "#f54a45", "#2ea121", "#d136d1", "#049fd7", "#4954e6", "#dc9b04"];
  function colourOf(id) {
    let h = 0;
    for (const c of String(id)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return PALETTE[h % PALETTE.length];
  }

  Yue.avatar = function (id, name, size, isBot) {
    const bot = isBot || BOT_IDS.has(id);
    const a = el("span", "avatar" + (size ? " " + size : "") + (bot ? " bot" : ""), bot ? "约" : initials(name));
    if (!bot) a.style.background = colourOf(id || name);
    a.setAttribute("aria-hidden", "true");
    return a;
  };

  Yue.toast = function (type, content) {
    const kind = ["success", "error", "warning", "info"].includes(type) ? type : "info";
    const box = $("toasts");
    const n = el("div", "toast toast-" + kind);
    n.setAttribute("role", "status");
    n.appendChild(el("span", "toast-icon", { success: "✓", error: "!", warning: "!", info: "i" }[kind]));
    n.appendChild(el("span", "toast-text", String(content)));
    box.appendChild(n);
    setTimeout(() => { n.classList.add("leaving"); setTimeout(() => n.remove(), 300); }, 3000);
  };

  function tz() { return (state.me && state.me.time_zone) || "Asia/Shanghai"; }

  Yue.formatTime = function (d) {
    const p = Yue.calendar.partsIn(d, tz());
    const now = Yue.calendar.partsIn(new Date(), tz());
    const hm = String(p.h).padStart(2, "0") + ":" + String(p.mi).padStart(2, "0");
    if (p.y === now.y && p.m === now.m && p.d === now.d) return hm;
    return (Yue.i18n.lang === "zh" ? p.m + "月" + p.d + "日 " : p.m + "/" + p.d + " ") + hm;
  };
  Yue.formatDateTime = Yue.formatTime;

  // ---------- directory and people ----------

  function ingestDirectory(dir) {
    const people = (dir && (dir.people || dir.users)) || [];
    state.people = [];
    state.byId.clear();
    people.forEach((p) => {
      if (!p || !p.open_id) return;
      if (p.is_bot || BOT_IDS.has(p.open_id)) { state.bot = Object.assign({ is_bot: true }, p); return; }
      state.people.push(p);
      state.byId.set(p.open_id, p);
    });
    const bot = (dir && dir.bot) || state.bot || { open_id: "ou_yue_bot", name: "Yue (约)" };
    state.bot = Object.assign({ is_bot: true }, bot, { name: bot.name || "Yue (约)" });
    state.byId.set(state.bot.open_id, state.bot);
    if (bot.app_id) state.byId.set(bot.app_id, state.bot);
    BOT_IDS.forEach((id) => state.byId.set(id, state.bot));
  }

  function fillPersonPicker() {
    const sel = $("person-select");
    sel.replaceChildren();
    state.people.forEach((p) => {
      const o = el("option", "", p.en_name && p.name && p.en_name !== p.name ? p.en_name + " · " + p.name : (p.en_name || p.name));
      o.value = p.open_id;
      sel.appendChild(o);
    });
  }

  function fillComparePicker() {
    const sel = $("compare-select");
    sel.replaceChildren();
    const none = el("option", "", state.compareId ? t("compareOff") : t("compareNone"));
    none.value = "";
    sel.appendChild(none);
    state.people.filter((p) => p.open_id !== state.me.open_id).forEach((p) => {
      const o = el("option", "", displayName(p));
      o.value = p.open_id;
      if (p.open_id === state.compareId) o.selected = true;
      sel.appendChild(o);
    });
  }

  /** Mention tokens the sandbox resolves: a display name's first word when unique, else the name. */
  function mentionToken(p, all) {
    const full = p.en_name || p.name || "";
    const first = full.split(/\s+/)[0];
    const clash = all.some((o) => o !== p && ((o.en_name || o.name || "").split(/\s+/)[0] === first));
    if (p.is_bot) return (p.name || "Yue").split(/\s+/)[0];
    if (!clash && first) return first;
    return CJK.test(p.name || "") ? p.name : full.replace(/\s+/g, "");
  }

  function chatMemberIds(chat) {
    const ms = chat && (chat.members || chat.member_ids);
    if (!Array.isArray(ms)) return null;
    return ms.map((m) => (typeof m === "string" ? m : m.open_id || m.member_id || m.id)).filter(Boolean);
  }

  function mentionCandidates(chat) {
    const everyone = state.people.concat([state.bot]);
    const memberIds = chatMemberIds(chat);
    // In a private chat with Yue the people to invite are outside the chat, so
    // everyone is offered; chat members come first.
    const inChat = (p) => (memberIds ? memberIds.includes(p.open_id) : (chat && !isP2p(chat)) || p.is_bot);
    return everyone
      .filter((p) => p.open_id !== state.me.open_id)
      .map((p) => ({
        open_id: p.open_id,
        is_bot: !!p.is_bot,
        label: displayName(p),
        sub: p.is_bot ? "BOT" : (displayName(p) === p.name ? p.en_name : p.name) || "",
        token: mentionToken(p, everyone),
        search: [p.name || "", p.en_name || "", mentionToken(p, everyone)],
        group: inChat(p) ? "in" : "out",
      }))
      .sort((a, b) => (a.group === b.group ? 0 : a.group === "in" ? -1 : 1));
  }

  function chatMembersForCards(chat) {
    const ids = chatMemberIds(chat);
    const list = ids ? ids.map((id) => state.byId.get(id)).filter(Boolean) : state.people;
    return list.filter((p) => !p.is_bot).map((p) => ({ open_id: p.open_id, name: displayName(p) }));
  }

  // ---------- chats ----------

  function isP2p(chat) { return (chat.chat_type || chat.type) === "p2p" || /^oc_p2p_/.test(chat.chat_id); }

  function chatDisplayName(chat) {
    if (isP2p(chat)) return state.bot.name || "Yue (约)";
    return chat.name || chat.chat_id;
  }

  function renderChatList() {
    const ul = $("chat-list");
    ul.replaceChildren();
    const current = Yue.chat.current;
    state.chats.forEach((chat) => {
      const li = el("li", "chat-item" + (current && current.chat_id === chat.chat_id ? " active" : ""));
      li.setAttribute("data-chat-id", chat.chat_id);
      li.tabIndex = 0;
      const p2p = isP2p(chat);
      const av = p2p ? Yue.avatar(state.bot.open_id, "Yue", "", true) : el("span", "avatar group", initials(chat.name || "G"));
      li.appendChild(av);
      const main = el("div", "chat-item-main");
      main.appendChild(el("div", "chat-item-name", chat.displayName));
      const ids = chatMemberIds(chat);
      main.appendChild(el("div", "chat-item-preview", p2p ? t("p2pSub") : (ids ? t("members", { n: ids.length }) : t("groupName"))));
      li.appendChild(main);
      const go = () => { openChat(chat); setTab("chat"); };
      li.addEventListener("click", go);
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
      ul.appendChild(li);
    });
  }

  function openChat(chat) {
    store(STORE_CHAT + state.me.open_id, chat.chat_id);
    Yue.chat.open(chat);
    $("chat-title").textContent = chat.displayName;
    const p2p = isP2p(chat);
    const ids = chatMemberIds(chat);
    $("chat-sub").textContent = p2p ? t("p2pSub") : (ids ? t("members", { n: ids.length }) : chat.chat_id);
    $("chat-avatar").replaceWith(Object.assign(
      p2p ? Yue.avatar(state.bot.open_id, "Yue", "", true) : el("span", "avatar group", initials(chat.name || "G")),
      { id: "chat-avatar" }));
    renderChatList();
  }

  async function loadChats() {
    const me = state.me;
    let resp;
    try {
      resp = await Yue.api.chats(me.open_id);
    } catch (e) {
      setTimeout(() => { if (state.me === me) loadChats(); }, 2000);
      return;
    }
    if (state.me !== me) return;
    const chats = Array.isArray(resp) ? resp : (resp && (resp.chats || resp.items)) || [];
    // The private chat with Yue first: that is where a newcomer starts.
    state.chats = chats.map((c) => Object.assign({}, c, { displayName: chatDisplayName(c) }))
      .sort((a, b) => (isP2p(a) ? -1 : 0) - (isP2p(b) ? -1 : 0));
    const remembered = store(STORE_CHAT + me.open_id);
    const chat = state.chats.find((c) => c.chat_id === remembered) || state.chats[0];
    if (chat) openChat(chat);
    else { Yue.chat.open(null); renderChatList(); }
  }

  // ---------- the acting person ----------

  function selectPerson(openId) {
    const me = state.byId.get(openId) || state.people[0];
    if (!me) return;
    state.me = me;
    store(STORE_PERSON, me.open_id);
    // The sandbox's sign-in page (Connect calendar) pre-selects whoever the console acts as.
    document.cookie = "yue_sandbox_as=" + encodeURIComponent(me.open_id) + "; path=/; SameSite=Lax";
    $("person-select").value = me.open_id;
    Yue.i18n.setLang(me.language || "zh");
    $("me-avatar").replaceWith(Object.assign(Yue.avatar(me.open_id, displayName(me)), { id: "me-avatar" }));
    if (state.compareId === me.open_id) state.compareId = "";
    fillComparePicker();
    state.monday = Yue.calendar.mondayOf(new Date(), tz());
    $("composer-input").value = "";
    loadChats();
    loadCalendar();
  }

  // ---------- the week ----------

  function renderLegend() {
    const box = $("cal-legend");
    box.replaceChildren();
    [["meeting", "kindMeeting"], ["recurring", "kindRecurring"], ["leave", "kindLeave"], ["room", "kindRoom"]].forEach(([k, label]) => {
      const s = el("span");
      s.appendChild(el("span", "sw k-" + k));
      s.appendChild(document.createTextNode(t(label)));
      box.appendChild(s);
    });
    if (state.compareId) {
      const other = state.byId.get(state.compareId);
      const a = el("span", "who", "▮ " + displayName(state.me));
      const b = el("span", "who", "▧ " + displayName(other));
      box.append(a, b);
    }
  }

  async function loadCalendar() {
    const me = state.me;
    if (!me) return;
    const gen = ++state.calGen;
    clearTimeout(state.calTimer);
    $("cal-range").textContent = Yue.calendar.rangeLabel(state.monday);
    renderLegend();
    const { from, to } = Yue.calendar.weekBounds(state.monday, tz());
    const fromIso = Yue.calendar.isoIn(from, tz());
    const toIso = Yue.calendar.isoIn(to, tz());
    const who = [{ person: me, other: false }];
    if (state.compareId && state.byId.get(state.compareId)) who.push({ person: state.byId.get(state.compareId), other: true });
    try {
      const answers = await Promise.all(who.map((w) => Yue.api.agenda(w.person.open_id, fromIso, toIso)));
      if (gen !== state.calGen) return;
      const people = who.map((w, i) => {
        const a = answers[i];
        const occ = Array.isArray(a) ? a : (a && (a.occurrences || a.items || a.events)) || [];
        return { open_id: w.person.open_id, name: displayName(w.person), occurrences: occ, other: w.other };
      });
      Yue.calendar.render($("cal-body"), { tz: tz(), monday: state.monday, now: new Date(), people });
      $("cal-body").setAttribute("data-loaded", String(gen));
    } catch (e) {
      if (gen !== state.calGen) return;
      if (!e.network) {
        // Still draw the empty week, so the panel keeps its shape; say what failed above it.
        const box = $("cal-body");
        Yue.calendar.render(box, { tz: tz(), monday: state.monday, now: new Date(), people: [] });
        box.prepend(el("div", "cal-error", t("calFailed") + " " + e.message));
      }
    }
    if (gen === state.calGen) state.calTimer = setTimeout(loadCalendar, CAL_REFRESH_MS);
  }

  let calDebounce = null;
  function calendarSoon() {
    // Bot activity often comes in a burst (card + patch); one reload is enough. A second
    // reload a little later catches an event the bot writes just after it answers.
    clearTimeout(calDebounce);
    calDebounce = setTimeout(() => { loadCalendar(); setTimeout(loadCalendar, 1500); }, 250);
  }

  function shiftWeek(n) {
    state.monday = n === 0 ? Yue.calendar.mondayOf(new Date(), tz()) : Yue.calendar.addDays(state.monday, 7 * n);
    loadCalendar();
  }

  /** "Open in Calendar" on a card: the week holding `ms` in the right-hand panel (a tab on a phone). */
  Yue.showCalendarAt = function (ms) {
    state.monday = Yue.calendar.mondayOf(new Date(ms), tz());
    if ($("app").getAttribute("data-tab") !== "cal" && window.matchMedia("(max-width: 860px)").matches) setTab("cal");
    else loadCalendar();
  };

  // ---------- phone-width tabs ----------

  function setTab(tab) {
    $("app").setAttribute("data-tab", tab);
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.getAttribute("data-tab") === tab));
    if (tab === "cal") loadCalendar();
  }

  // ---------- start ----------

  async function boot() {
    let dir = null;
    while (!dir) {
      try {
        dir = await Yue.api.directory();
      } catch (e) {
        // The banner is showing; try again shortly (the server may be starting).
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    ingestDirectory(dir);
    fillPersonPicker();
    Yue.chat.setHooks({
      me: () => state.me && state.me.open_id,
      nameOf,
      isBot: (id) => BOT_IDS.has(id) || (state.bot && id === state.bot.open_id),
      members: chatMembersForCards,
      mentionCandidates,
      tzOffset: () => Yue.calendar.offsetString(Yue.calendar.offsetMinutes(new Date(), tz()), false),
      onBotActivity: calendarSoon,
    });
    Yue.composer.bind();
    $("person-select").addEventListener("change", (e) => selectPerson(e.target.value));
    $("compare-select").addEventListener("change", (e) => { state.compareId = e.target.value; fillComparePicker(); loadCalendar(); });
    $("week-prev").addEventListener("click", () => shiftWeek(-1));
    $("week-next").addEventListener("click", () => shiftWeek(1));
    $("week-today").addEventListener("click", () => shiftWeek(0));
    document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => setTab(b.getAttribute("data-tab"))));
    setTab("chat");
    const params = new URLSearchParams(window.location.search);
    selectPerson(params.get("as") || store(STORE_PERSON) || "ou_alice");
  }

  Yue.i18n.setLang("zh");
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
