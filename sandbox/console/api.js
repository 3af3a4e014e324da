/* Talking to the sandbox's /sandbox/api. Every call is guarded: a network failure
   shows the "server unreachable" banner (and never an uncaught rejection), an error
   answer becomes an Error whose message is the server's own. */
(function () {
  "use strict";

  const TIMEOUT_MS = 15000;   // card actions wait for the bot (3 s deadline + retries)
  let offline = false;

  function setOffline(flag) {
    if (flag === offline) return;
    offline = flag;
    const banner = document.getElementById("banner");
    if (!banner) return;
    banner.textContent = Yue.i18n.t("offline");
    banner.hidden = !flag;
  }

  /** Unwrap the Feishu envelope {code, msg, data} when the server uses it. */
  function unwrap(body) {
    if (body && typeof body === "object" && !Array.isArray(body) && "code" in body && ("data" in body || "msg" in body)) {
      if (body.code !== 0) {
        const err = new Error(body.msg || ("error " + body.code));
        err.code = body.code;
        throw err;
      }
      return body.data === undefined ? {} : body.data;
    }
    return body;
  }

  async function request(method, path, body) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    let resp;
    try {
      resp = await fetch(path, {
        method,
        headers: body === undefined ? { Accept: "application/json" }
                                    : { "Content-Type": "application/json", Accept: "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        signal: ctl.signal,
      });
    } catch (e) {
      // Network failure or timeout: the server is gone (or restarting).
      setOffline(true);
      const err = new Error(e && e.name === "AbortError" ? "timeout" : "network");
      err.network = true;
      throw err;
    } finally {
      clearTimeout(timer);
    }
    setOffline(false);
    let data = null;
    const text = await resp.text().catch(() => "");
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!resp.ok) {
      const msg = (data && (data.msg || data.error || data.message)) || (resp.status + " " + resp.statusText);
      const err = new Error(typeof msg === "string" ? msg : JSON.stringify(msg));
      err.status = resp.status;
      throw err;
    }
    return unwrap(data);
  }

  const q = encodeURIComponent;

  window.Yue = window.Yue || {};
  window.Yue.api = {
    get offline() { return offline; },
    directory: () => request("GET", "/sandbox/api/directory"),
    chats: (person) => request("GET", "/sandbox/api/chats?person=" + q(person)),
    messages: (chatId, since) =>
      request("GET", "/sandbox/api/chats/" + q(chatId) + "/messages" + (since != null && since !== "" ? "?since=" + q(since) : "")),
    send: (chatId, senderId, text) =>
      request("POST", "/sandbox/api/messages", { chat_id: chatId, sender_id: senderId, text }),
    cardAction: (payload) => request("POST", "/sandbox/api/card_actions", payload),
    agenda: (openId, from, to) =>
      request("GET", "/sandbox/api/people/" + q(openId) + "/agenda?from=" + q(from) + "&to=" + q(to)),
  };
})();
