/* The conversation panel: messages of the open chat (polled live, cards patched in
   place, card actions sent). The composer below them is composer.js. */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const POLL_MS = 1000;

  const S = {
    chat: null,          // the open chat object
    gen: 0,              // bumped on every chat switch; stale poll answers are dropped
    cursor: null,        // the server's cursor for ?since=
    byId: new Map(),     // message_id → {node, sig}
    timer: null,
    loaded: false,       // first page drawn (later bot messages count as activity)
    hooks: {},           // {onBotActivity(), me(), nameOf(id), people(), isBot(id)}
    awaiting: null,      // the message just sent: its reply is scrolled into view
  };

  const { el, $ } = Yue.dom;

  function parseJson(v) {
    if (typeof v !== "string") return v;
    try { return JSON.parse(v); } catch (e) { return { text: v }; }
  }

  // ---------- message normalisation (the server's shape → what we draw) ----------

  function idOf(v) {
    if (!v) return "";
    if (typeof v === "string") return v;
    return v.open_id || v.id || v.user_id || v.union_id || "";
  }

  function norm(m) {
    const sender = m.sender || {};
    const senderId = m.sender_open_id || idOf(sender.id) || idOf(sender.sender_id) || m.sender_id || "";
    const isBot = !!(sender.is_bot || sender.sender_type === "app" || m.sender_type === "app" ||
                     (S.hooks.isBot && S.hooks.isBot(senderId)));
    // The console API adds the parsed card; otherwise the content is Feishu's JSON string.
    const rawContent = m.msg_type === "interactive" && m.card ? m.card
      : (m.content !== undefined ? m.content : (m.body && m.body.content));
    return {
      id: m.message_id,
      senderId,
      senderName: (S.hooks.nameOf && S.hooks.nameOf(senderId)) || m.sender_name || sender.name || senderId,
      isBot,
      type: m.msg_type || "text",
      content: parseJson(rawContent),
      mentions: Array.isArray(m.mention_list) ? m.mention_list : (Array.isArray(m.mentions) ? m.mentions : []),
      created: Number(m.create_ms || m.create_time || m.created_ms || 0),
      updated: Number(m.update_ms || m.update_time || m.updated_ms || 0),
      edited: !!(m.updated === true || m.is_updated),
      parentId: m.parent_id || m.root_id || "",
    };
  }

  function listOf(resp) {
    if (Array.isArray(resp)) return { items: resp, cursor: null };
    const r = resp || {};
    const items = r.messages || r.items || [];
    const cursor = r.cursor != null ? r.cursor : (r.next_cursor != null ? r.next_cursor : (r.since != null ? r.since : null));
    return { items: Array.isArray(items) ? items : [], cursor };
  }

  // ---------- drawing ----------

  function timeLabel(ms) {
    if (!ms) return "";
    const d = new Date(ms < 1e12 ? ms * 1000 : ms);
    return Yue.formatTime ? Yue.formatTime(d) : d.toLocaleTimeString();
  }

  /** Text content with @_user_N placeholders (and <at> tags) turned into highlighted mentions. */
  function textNode(msg) {
    const me = S.hooks.me && S.hooks.me();
    const wrap = el("div", "bubble");
    const text = msg.content && msg.content.text != null ? String(msg.content.text) : JSON.stringify(msg.content);
    const byKey = {};
    msg.mentions.forEach((mm) => { if (mm && mm.key) byKey[mm.key] = mm; });
    const re = /(@_user_\d+|@_all|<at\s+(?:user_id|id|open_id)\s*=\s*["']?([^"'\s>]+)["']?\s*>([^<]*)<\/at>)/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) wrap.appendChild(document.createTextNode(text.slice(last, m.index)));
      let id = "", name = "";
      if (m[2] !== undefined) {
        id = m[2];
        name = (S.hooks.nameOf && S.hooks.nameOf(id)) || m[3] || id;
      } else if (m[1] === "@_all") {
        name = Yue.i18n.lang === "zh" ? "所有人" : "all";
      } else {
        const mm = byKey[m[1]];
        id = mm ? idOf(mm.id) || mm.open_id || "" : "";
        // The directory's name in the UI's language first (Dave, not 周大伟, for an English reader).
        name = mm ? ((S.hooks.nameOf && S.hooks.nameOf(id)) || mm.name || id) : m[1];
      }
      const span = el("span", "mention" + (id && id === me ? " me" : ""), "@" + name);
      if (id) span.setAttribute("data-open-id", id);
      wrap.appendChild(span);
      last = re.lastIndex;
    }
    if (last < text.length) wrap.appendChild(document.createTextNode(text.slice(last)));
    return wrap;
  }

  function contentNode(msg) {
    if (msg.type === "interactive") {
      const card = msg.content && msg.content.type === "raw" && msg.content.data ? msg.content.data : msg.content;
      return Yue.cards.render(card, cardCtx(msg.id));
    }
    if (msg.type === "text") return textNode(msg);
    if (msg.type === "post") {
      // Rich text: flatten to its text runs.
      const post = msg.content && (msg.content.zh_cn || msg.content.en_us || msg.content);
      const lines = (post && Array.isArray(post.content) ? post.content : []).map((line) =>
        (Array.isArray(line) ? line : []).map((r) => r.text || (r.user_name ? "@" + r.user_name : "")).join(""));
      return textNode({ content: { text: [post && post.title].concat(lines).filter(Boolean).join("\n") }, mentions: [] });
    }
    return el("div", "c-unsupported", "[" + t("unsupported") + ": " + msg.type + "]");
  }

  function messageNode(msg) {
    const me = S.hooks.me && S.hooks.me();
    const row = el("div", "msg" + (msg.senderId === me ? " mine" : ""));
    row.setAttribute("data-message-id", msg.id || "");
    row.setAttribute("data-msg-type", msg.type);
    row.appendChild(Yue.avatar(msg.senderId, msg.senderName, "", msg.isBot));
    const body = el("div", "msg-body");
    const meta = el("div", "msg-meta");
    meta.appendChild(el("span", "name", msg.senderName));
    if (msg.isBot) meta.appendChild(el("span", "tag-bot", "BOT"));
    meta.appendChild(el("span", "time", timeLabel(msg.created)));
    body.appendChild(meta);
    const content = el("div", "msg-content");
    content.appendChild(contentNode(msg));
    body.appendChild(content);
    row.appendChild(body);
    return row;
  }

  function signature(msg) { return msg.type + "|" + JSON.stringify(msg.content) + "|" + msg.updated; }

  function nearBottom(box) { return box.scrollHeight - box.scrollTop - box.clientHeight < 80; }

  function scrollToBottom() { const box = $("messages"); box.scrollTop = box.scrollHeight; }

  /** Bring the bot's reply into view: all of it when it fits, else its top (a tall card is read
      from its title down, not from its buttons up). */
  function revealReply(node) {
    const box = $("messages");
    const top = node.offsetTop - box.offsetTop - 8;
    box.scrollTop = node.offsetHeight + 16 > box.clientHeight ? top : box.scrollHeight;
  }

  /** Add new messages, re-draw changed ones in place. Returns true if the bot did something. */
  function apply(items) {
    const box = $("messages");
    const stick = nearBottom(box);
    let botActivity = false;
    let sentNode = null;    // the message just sent, and the bot's reply to it, when they arrive
    let replyNode = null;
    items.forEach((raw) => {
      if (!raw || !raw.message_id) return;
      const msg = norm(raw);   // a recalled message arrives as "This message was recalled" text
      const sig = signature(msg);
      const old = S.byId.get(msg.id);
      if (old) {
        if (old.sig === sig) return;
        const fresh = messageNode(msg);
        old.node.replaceWith(fresh);
        S.byId.set(msg.id, { node: fresh, sig, msg });
        if (msg.isBot) botActivity = true;
        return;
      }
      const node = messageNode(msg);
      // Keep chronological order even if the server pages out of order.
      const after = Array.from(S.byId.values()).filter((x) => x.msg.created > msg.created && msg.created);
      if (after.length) {
        const first = after.reduce((a, b) => (a.msg.created <= b.msg.created ? a : b));
        box.insertBefore(node, first.node);
      } else {
        box.appendChild(node);
      }
      S.byId.set(msg.id, { node, sig, msg });
      if (msg.isBot) botActivity = true;
      if (S.awaiting && msg.id === S.awaiting) sentNode = node;
      if (S.awaiting && msg.isBot && msg.parentId === S.awaiting) replyNode = node;
    });
    const empty = box.querySelector(".empty");
    if (S.byId.size && empty) empty.remove();
    if (!S.byId.size && !empty) box.appendChild(el("div", "empty", t("noMessages")));
    if (replyNode) {
      S.awaiting = null;
      revealReply(replyNode);
    } else if (stick || sentNode) {
      scrollToBottom();
    }
    return botActivity;
  }

  // ---------- live updates ----------

  async function poll(gen) {
    if (gen !== S.gen || !S.chat) return;
    try {
      const resp = await Yue.api.messages(S.chat.chat_id, S.cursor);
      if (gen !== S.gen) return;
      const { items, cursor } = listOf(resp);
      if (cursor != null) S.cursor = cursor;
      const botActivity = apply(items);
      if (!S.loaded) {
        S.loaded = true;
        scrollToBottom();
      } else if (botActivity && S.hooks.onBotActivity) {
        S.hooks.onBotActivity();
      }
    } catch (e) {
      // Offline: the banner is up (api.js); keep polling so we recover by ourselves.
    }
    if (gen === S.gen) S.timer = setTimeout(() => poll(gen), POLL_MS);
  }

  function open(chat) {
    S.gen++;
    clearTimeout(S.timer);
    S.chat = chat;
    S.cursor = null;
    S.byId.clear();
    S.loaded = false;
    const box = $("messages");
    box.replaceChildren();
    if (!chat) return;
    $("composer-input").placeholder = t("placeholder", { chat: chat.displayName || chat.name || chat.chat_id });
    poll(S.gen);
  }

  function refreshNow() {
    // A poll right away (after sending), without starting a second loop.
    clearTimeout(S.timer);
    poll(S.gen);
  }

  // ---------- card actions ----------

  function cardCtx(messageId) {
    const me = S.hooks.me && S.hooks.me();
    return {
      me,
      nameOf: S.hooks.nameOf,
      members: S.hooks.members ? S.hooks.members(S.chat) : [],
      tzOffset: S.hooks.tzOffset ? S.hooks.tzOffset() : "+0800",
      formatDateTime: Yue.formatDateTime,
      act: (payload, sourceEl) => act(messageId, payload, sourceEl),
    };
  }

  async function act(messageId, payload, sourceEl) {
    const entry = S.byId.get(messageId);
    const cardEl = sourceEl && sourceEl.closest ? sourceEl.closest(".card") : null;
    if (cardEl && cardEl.classList.contains("busy")) return;   // one action at a time per card
    if (cardEl) cardEl.classList.add("busy");
    let spinner = null;
    if (sourceEl && sourceEl.tagName === "BUTTON") {
      spinner = el("span", "spinner");
      sourceEl.prepend(spinner);
    }
    const req = Object.assign({ message_id: messageId, operator_id: S.hooks.me() }, payload);
    try {
      const res = (await Yue.api.cardAction(req)) || {};
      const toast = res.toast;
      if (toast) {
        const content = toast.content || (toast.i18n && (toast.i18n[Yue.i18n.lang === "zh" ? "zh_cn" : "en_us"] || Object.values(toast.i18n)[0]));
        if (content) Yue.toast(toast.type || "info", content);
      }
      let card = res.card;
      if (card && card.type === "raw" && card.data) card = card.data;
      const current = S.byId.get(messageId);
      if (card && typeof card === "object" && current) {
        const msg = Object.assign({}, current.msg, { content: card });
        const fresh = messageNode(msg);
        current.node.replaceWith(fresh);
        // The signature stays the server's form so the next poll does not redraw for nothing
        // unless the stored card really differs.
        S.byId.set(messageId, { node: fresh, sig: signature(Object.assign({}, msg, { updated: current.msg.updated })), msg });
      }
      if (S.hooks.onBotActivity) S.hooks.onBotActivity();
    } catch (e) {
      Yue.toast("error", t("actionFailed", { err: e.message }));
    } finally {
      if (cardEl && cardEl.isConnected) cardEl.classList.remove("busy");
      if (spinner && spinner.isConnected) spinner.remove();
      if (entry) refreshNow();
    }
  }

  window.Yue = window.Yue || {};
  window.Yue.chat = {
    open, refreshNow,
    setHooks(h) { S.hooks = h; },
    get hooks() { return S.hooks; },
    get current() { return S.chat; },
    /** The message just sent (composer.js): its reply is scrolled into view when it arrives. */
    awaitReplyTo(messageId) { S.awaiting = messageId; },
  };
})();
