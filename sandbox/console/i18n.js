/* The console's own words, in the acting person's language (zh or en).
   Cards bring their own text from the bot; only the chrome is translated here. */
(function () {
  "use strict";

  const STRINGS = {
    en: {
      sandbox: "Sandbox console",
      actingAs: "Acting as",
      chats: "Chats",
      tryHint: "Try, in your private chat with Yue: “tomorrow 3pm meeting with @Bob about the budget”, or “find a 30 min slot with @Dave tomorrow afternoon”.",
      enterHint: "Enter to send · Shift+Enter for a new line · @ to mention",
      send: "Send",
      placeholder: "Message {chat}",
      today: "Today",
      compareNone: "Compare with…",
      compareOff: "No comparison",
      tabChats: "Chats",
      tabChat: "Messages",
      tabCal: "Calendar",
      allDay: "all day",
      kindMeeting: "Meeting",
      kindRecurring: "Recurring",
      kindLeave: "Leave",
      kindRoom: "Room",
      busy: "Busy",
      noMessages: "No messages yet. Say hello to Yue!",
      members: "{n} members",
      p2pSub: "Private chat with the bot",
      groupName: "Group",
      offline: "Cannot reach the Yue server — retrying…",
      sendFailed: "Message not sent: {err}",
      actionFailed: "The card action failed: {err}",
      calFailed: "Could not load the calendar.",
      confirm: "Confirm",
      cancel: "Cancel",
      required: "Please fill in the required fields",
      selectPlaceholder: "Select",
      datePlaceholder: "Pick a date",
      timePlaceholder: "Pick a time",
      edited: "edited",
      inChat: "In this chat",
      others: "Others",
      you: "you",
      tz: "Times in {tz}",
      unsupported: "unsupported",
      image: "image",
      weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    },
    zh: {
      sandbox: "沙盒控制台",
      actingAs: "当前身份",
      chats: "会话",
      tryHint: "在与 Yue 的单聊中试试：“明天下午3点和 @Bob 开会 讨论预算”，或 “/free @Bob”。",
      enterHint: "Enter 发送 · Shift+Enter 换行 · @ 提及成员",
      send: "发送",
      placeholder: "发送给 {chat}",
      today: "今天",
      compareNone: "对比日程…",
      compareOff: "不对比",
      tabChats: "会话",
      tabChat: "消息",
      tabCal: "日历",
      allDay: "全天",
      kindMeeting: "会议",
      kindRecurring: "重复日程",
      kindLeave: "请假",
      kindRoom: "会议室",
      busy: "忙碌",
      noMessages: "还没有消息，和 Yue 打个招呼吧！",
      members: "{n} 位成员",
      p2pSub: "与机器人的单聊",
      groupName: "群组",
      offline: "无法连接 Yue 服务器，正在重试…",
      sendFailed: "消息发送失败：{err}",
      actionFailed: "卡片操作失败：{err}",
      calFailed: "日历加载失败。",
      confirm: "确定",
      cancel: "取消",
      required: "请填写必填项",
      selectPlaceholder: "请选择",
      datePlaceholder: "选择日期",
      timePlaceholder: "选择时间",
      edited: "已编辑",
      inChat: "本会话成员",
      others: "其他人",
      you: "我",
      tz: "时区：{tz}",
      unsupported: "暂不支持",
      image: "图片",
      weekdays: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    },
  };

  let lang = "zh";

  /** t("members", {n: 3}) → "3 members"; unknown keys fall back to English, then the key. */
  function t(key, vars) {
    const table = STRINGS[lang] || STRINGS.en;
    let s = key in table ? table[key] : (key in STRINGS.en ? STRINGS.en[key] : key);
    if (vars && typeof s === "string") {
      s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    }
    return s;
  }

  function setLang(l) {
    lang = String(l || "").toLowerCase().startsWith("zh") ? "zh" : "en";
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
  }

  window.Yue = window.Yue || {};
  window.Yue.i18n = { t, setLang, get lang() { return lang; } };
})();
