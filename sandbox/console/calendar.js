/* The week grid: Monday–Sunday columns, 00:00–24:00 rows, an all-day row for leave
   and all-day events, drawn in the acting person's time zone (not the browser's:
   Carol in Los Angeles sees her own wall-clock times wherever the console runs). */
(function () {
  "use strict";

  const t = (k, v) => Yue.i18n.t(k, v);
  const FIRST_HOUR = 0;
  const LAST_HOUR = 24;
  const SCROLL_TO_HOUR = 7;   // a new week opens at the working day; the night is a scroll away
  const DAY_MS = 86400000;

  // ---------- time zone arithmetic with Intl only ----------

  const fmtCache = new Map();
  function formatter(tz) {
    if (!fmtCache.has(tz)) {
      let f;
      try {
        f = new Intl.DateTimeFormat("en-US", {
          timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
          hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short",
        });
      } catch (e) {
        // An unknown zone name falls back to UTC rather than breaking the page.
        f = formatter("UTC");
      }
      fmtCache.set(tz, f);
    }
    return fmtCache.get(tz);
  }

  /** Wall-clock parts of an instant in a zone; wd is 0 = Monday … 6 = Sunday. */
  function partsIn(date, tz) {
    const p = {};
    formatter(tz).formatToParts(date).forEach((x) => { p[x.type] = x.value; });
    const wd = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.weekday);
    return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute, s: +p.second, wd };
  }

  /** Minutes the zone is ahead of UTC at that instant. */
  function offsetMinutes(date, tz) {
    const p = partsIn(date, tz);
    const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
    return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  }

  /** The instant when the zone's wall clock shows y-m-d h:mi (DST gaps resolve forward). */
  function zonedToDate(y, m, d, h, mi, tz) {
    const guess = Date.UTC(y, m - 1, d, h || 0, mi || 0);
    let off = offsetMinutes(new Date(guess), tz);
    let when = guess - off * 60000;
    const off2 = offsetMinutes(new Date(when), tz);
    if (off2 !== off) when = guess - off2 * 60000;
    return new Date(when);
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function offsetString(mins, colon) {
    const sign = mins < 0 ? "-" : "+";
    const a = Math.abs(mins);
    return sign + pad(Math.floor(a / 60)) + (colon ? ":" : "") + pad(a % 60);
  }

  /** "2024-05-06T00:00:00+08:00": the agenda endpoint wants bounds with an offset. */
  function isoIn(date, tz) {
    const p = partsIn(date, tz);
    return p.y + "-" + pad(p.m) + "-" + pad(p.d) + "T" + pad(p.h) + ":" + pad(p.mi) + ":" + pad(p.s) +
      offsetString(offsetMinutes(date, tz), true);
  }

  /** Calendar-date arithmetic on {y, m, d} without touching any zone. */
  function addDays(day, n) {
    const u = new Date(Date.UTC(day.y, day.m - 1, day.d) + n * DAY_MS);
    return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate() };
  }
  function dayKey(day) { return day.y + "-" + pad(day.m) + "-" + pad(day.d); }

  /** The Monday of the week holding `date`, in tz. */
  function mondayOf(date, tz) {
    const p = partsIn(date, tz);
    return addDays({ y: p.y, m: p.m, d: p.d }, -p.wd);
  }

  function weekBounds(monday, tz) {
    const end = addDays(monday, 7);
    return {
      from: zonedToDate(monday.y, monday.m, monday.d, 0, 0, tz),
      to: zonedToDate(end.y, end.m, end.d, 0, 0, tz),
    };
  }

  // ---------- occurrences ----------

  const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

  /** A start/end as the server sends it → {date: Date} or {day: {y,m,d}} (all-day). */
  function parseWhen(v) {
    if (v == null) return null;
    if (typeof v === "object") {
      if (v.date && !v.timestamp && !v.date_time) return parseWhen(String(v.date));
      if (v.timestamp != null) return parseWhen(Number(v.timestamp));
      if (v.date_time) return parseWhen(v.date_time);
      return null;
    }
    if (typeof v === "number" || /^\d+$/.test(String(v))) {
      const n = Number(v);
      return { date: new Date(n < 1e12 ? n * 1000 : n) };
    }
    const s = String(v);
    const m = DATE_ONLY.exec(s);
    if (m) return { day: { y: +m[1], m: +m[2], d: +m[3] } };
    const d = new Date(s);
    return isNaN(d.getTime()) ? null : { date: d };
  }

  function kindOf(o) {
    const k = String(o.kind || "").toLowerCase();
    if (k === "timeoff" || k === "leave") return "leave";
    if (o.recurring || o.recurrence || o.recurring_event_id) return "recurring";
    if (k === "room" || (Array.isArray(o.rooms) && o.rooms.length)) return "room";
    return "meeting";
  }

  function roomNames(o) {
    return (Array.isArray(o.rooms) ? o.rooms : []).map((r) =>
      typeof r === "string" ? r : (r.display_name || r.name || r.en_name || r.room_id || "")).filter(Boolean);
  }

  /** Turn the server's occurrences into drawable items for the given week. */
  function layoutItems(occurrences, tz, monday, owner) {
    const days = Array.from({ length: 7 }, (_, i) => dayKey(addDays(monday, i)));
    const allDay = [];   // {col, span, item}
    const timed = [];    // {col, startMin, endMin, item}
    (occurrences || []).forEach((o) => {
      const s = parseWhen(o.start != null ? o.start : o.start_time);
      const e = parseWhen(o.end != null ? o.end : o.end_time);
      if (!s) return;
      const item = {
        title: o.summary || o.title || (kindOf(o) === "leave" ? t("kindLeave") : t("busy")),
        kind: kindOf(o), rooms: roomNames(o), owner, raw: o, with: o._with || [],
      };
      let startDay, endDayExcl, timedRange = null;
      if (s.day || o.all_day) {
        startDay = s.day || (() => { const p = partsIn(s.date, tz); return { y: p.y, m: p.m, d: p.d }; })();
        const ed = e ? (e.day || (() => { const p = partsIn(e.date, tz); return { y: p.y, m: p.m, d: p.d }; })()) : null;
        // All-day ends are exclusive (Feishu sends the next day); a same-day end means one day.
        endDayExcl = ed && dayKey(ed) > dayKey(startDay) ? ed : addDays(startDay, 1);
      } else {
        const sp = partsIn(s.date, tz);
        const end = e && e.date ? e.date : new Date(s.date.getTime() + 30 * 60000);
        const ep = partsIn(end, tz);
        const hours = (end - s.date) / 3600000;
        if (item.kind === "leave" && hours >= 20) {
          // A day or more of leave reads best in the all-day row.
          startDay = { y: sp.y, m: sp.m, d: sp.d };
          endDayExcl = addDays({ y: ep.y, m: ep.m, d: ep.d }, ep.h || ep.mi ? 1 : 0);
        } else {
          timedRange = { s: s.date, e: end };
        }
        item.timeLabel = pad(sp.h) + ":" + pad(sp.mi) + "–" + pad(ep.h) + ":" + pad(ep.mi);
      }
      if (timedRange) {
        // Split across midnights so an overnight block shows on both days.
        for (let i = 0; i < 7; i++) {
          const day = addDays(monday, i);
          const d0 = zonedToDate(day.y, day.m, day.d, 0, 0, tz).getTime();
          const nd = addDays(day, 1);
          const d1 = zonedToDate(nd.y, nd.m, nd.d, 0, 0, tz).getTime();
          const a = Math.max(timedRange.s.getTime(), d0);
          const b = Math.min(timedRange.e.getTime(), d1);
          if (b <= a && !(a === b && timedRange.s.getTime() === timedRange.e.getTime() && a >= d0 && a < d1)) continue;
          const ap = partsIn(new Date(a), tz);
          const startMin = ap.h * 60 + ap.mi;
          const endMin = b >= d1 ? 24 * 60 : (() => { const bp = partsIn(new Date(b), tz); return bp.h * 60 + bp.mi; })();
          timed.push({ col: i, startMin, endMin: Math.max(endMin, startMin + 15), item });
        }
      } else {
        const first = days.indexOf(dayKey(startDay));
        const sKey = dayKey(startDay), eKey = dayKey(endDayExcl);
        let col = first, span = 0;
        days.forEach((k, i) => {
          if (k >= sKey && k < eKey) { if (col < 0 || i < col) col = i; span++; }
        });
        if (span > 0) allDay.push({ col, span, item });
      }
    });
    return { allDay, timed };
  }

  /** Side-by-side lanes for blocks that overlap within a day. */
  function assignLanes(blocks) {
    blocks.sort((a, b) => a.startMin - b.startMin || b.endMin - a.endMin);
    let cluster = [], clusterEnd = -1;
    const flush = () => {
      const lanes = [];
      cluster.forEach((bk) => {
        let lane = lanes.findIndex((end) => end <= bk.startMin);
        if (lane < 0) { lane = lanes.length; lanes.push(0); }
        lanes[lane] = bk.endMin;
        bk.lane = lane;
      });
      cluster.forEach((bk) => { bk.lanes = lanes.length; });
      cluster = [];
    };
    blocks.forEach((bk) => {
      if (bk.startMin >= clusterEnd && cluster.length) flush();
      cluster.push(bk);
      clusterEnd = Math.max(clusterEnd, bk.endMin);
    });
    if (cluster.length) flush();
  }

  // ---------- drawing ----------

  const el = Yue.dom.el;

  function itemKey(it, extra) { return [it.owner && it.owner.open_id, it.title, it.timeLabel || "", extra].join("|"); }

  let previousKeys = null;   // the blocks drawn last time, to flash the new ones
  let previousView = "";

  /**
   * Draw the week into `container`.
   * opts = {tz, monday, now: Date, people: [{open_id, name, occurrences, other: bool}]}
   */
  function render(container, opts) {
    const { tz, monday, people } = opts;
    const hourPx = window.matchMedia && window.matchMedia("(max-width: 860px)").matches ? 40 : 44;
    const view = tz + dayKey(monday) + people.map((p) => p.open_id).join(",");
    const keys = new Set();
    const flashNew = previousKeys !== null && previousView === view;

    const grid = el("div", "cal-grid");
    grid.style.setProperty("--hour", hourPx + "px");
    const todayKey = dayKey((() => { const p = partsIn(opts.now, tz); return { y: p.y, m: p.m, d: p.d }; })());
    const wd = t("weekdays");

    // Row 1: day headers.
    grid.appendChild(el("div", "cal-corner"));
    for (let i = 0; i < 7; i++) {
      const day = addDays(monday, i);
      const h = el("div", "cal-dayhead" + (dayKey(day) === todayKey ? " today" : ""));
      h.appendChild(document.createTextNode(wd[i]));
      h.appendChild(el("span", "dnum", String(day.d)));
      grid.appendChild(h);
    }

    // Row 2: all-day / leave.
    grid.appendChild(el("div", "cal-allday-label", t("allDay")));
    const allDayCells = [];
    for (let i = 0; i < 7; i++) {
      const c = el("div", "cal-allday");
      allDayCells.push(c);
      grid.appendChild(c);
    }

    // Row 3: hour gutter + day columns.
    const gutter = el("div", "cal-hours");
    for (let h = FIRST_HOUR; h < LAST_HOUR; h++) gutter.appendChild(el("div", "cal-hour-label", h === FIRST_HOUR ? "" : pad(h) + ":00"));
    grid.appendChild(gutter);
    const cols = [];
    for (let i = 0; i < 7; i++) {
      const c = el("div", "cal-daycol" + (dayKey(addDays(monday, i)) === todayKey ? " today" : ""));
      c.style.height = (LAST_HOUR - FIRST_HOUR) * hourPx + "px";
      c.setAttribute("data-day", dayKey(addDays(monday, i)));
      cols.push(c);
      grid.appendChild(c);
    }

    // When comparing, an event both people attend is drawn once (as the acting person's),
    // with both names in its tooltip, instead of twice side by side.
    const sameKey = (o) => (o.event_id || "") + "|" + (o.summary || "") + "|" + o.start + "|" + o.end;
    const seen = new Map();
    const perDay = Array.from({ length: 7 }, () => []);
    people.forEach((person) => {
      const mine = [];
      (person.occurrences || []).forEach((o) => {
        const k = sameKey(o);
        if (seen.has(k)) { seen.get(k).push(person.name); return; }
        const names = [person.name];
        seen.set(k, names);
        mine.push(Object.assign({}, o, { _with: names }));
      });
      const { allDay, timed } = layoutItems(mine, tz, monday, person);
      allDay.forEach(({ col, span, item }) => {
        for (let i = col; i < col + span && i < 7; i++) {
          const b = el("div", "ev ev-allday k-" + item.kind + (person.other ? " other" : ""), item.title);
          b.title = item.with.join(", ") + " · " + item.title;
          b.setAttribute("data-summary", item.title);
          b.setAttribute("data-owner", person.open_id);
          const key = itemKey(item, "allday" + i);
          keys.add(key);
          if (flashNew && !previousKeys.has(key)) b.classList.add("fresh");
          allDayCells[i].appendChild(b);
        }
      });
      timed.forEach((bk) => perDay[bk.col].push(bk));
    });

    perDay.forEach((blocks, i) => {
      assignLanes(blocks);
      blocks.forEach((bk) => {
        const top = Math.max(bk.startMin - FIRST_HOUR * 60, 0);
        const bottom = Math.min(bk.endMin - FIRST_HOUR * 60, (LAST_HOUR - FIRST_HOUR) * 60);
        if (bottom <= 0 || top >= (LAST_HOUR - FIRST_HOUR) * 60) return;   // outside the week
        const it = bk.item;
        const b = el("div", "ev k-" + it.kind + (it.owner.other ? " other" : ""));
        b.style.top = (top / 60) * hourPx + "px";
        b.style.height = Math.max(((bottom - top) / 60) * hourPx - 2, 16) + "px";
        if (it.with.length > 1) b.classList.add("shared");
        // Under ~45 minutes there is room for one line: the title, with the time in the tooltip.
        if (bottom - top < 45) b.classList.add("short");
        b.style.left = "calc(" + (100 * bk.lane / bk.lanes) + "% + 1px)";
        b.style.width = "calc(" + (100 / bk.lanes) + "% - 3px)";
        b.appendChild(el("div", "ev-title", it.title));
        b.appendChild(el("div", "ev-time", it.timeLabel));
        if (it.rooms.length) b.appendChild(el("div", "ev-time", it.rooms.join(", ")));
        b.title = it.with.join(", ") + " · " + it.title + "\n" + it.timeLabel +
          (it.rooms.length ? "\n" + it.rooms.join(", ") : "");
        b.setAttribute("data-summary", it.title);
        b.setAttribute("data-owner", it.owner.open_id);
        const key = itemKey(it, i);
        keys.add(key);
        if (flashNew && !previousKeys.has(key)) b.classList.add("fresh");
        cols[i].appendChild(b);
      });
    });

    // The red "now" line, today only.
    const np = partsIn(opts.now, tz);
    const nowIdx = cols.findIndex((c) => c.getAttribute("data-day") === todayKey);
    const nowMin = np.h * 60 + np.mi - FIRST_HOUR * 60;
    if (nowIdx >= 0 && nowMin >= 0 && nowMin <= (LAST_HOUR - FIRST_HOUR) * 60) {
      const line = el("div", "cal-now");
      line.style.top = (nowMin / 60) * hourPx + "px";
      cols[nowIdx].appendChild(line);
    }

    const scrollTop = container.scrollTop;
    container.replaceChildren(grid, el("div", "cal-tz", t("tz", { tz })));
    // The same week redrawn keeps its scroll; a new one opens at the morning.
    container.scrollTop = previousView === view ? scrollTop : (SCROLL_TO_HOUR - FIRST_HOUR) * hourPx;
    previousKeys = keys;
    previousView = view;
  }

  /** "May 6 – 12, 2024" / "2024年5月6日 – 12日" for the header. */
  function rangeLabel(monday) {
    const sun = addDays(monday, 6);
    if (Yue.i18n.lang === "zh") {
      return monday.y + "年" + monday.m + "月" + monday.d + "日 – " + (sun.m !== monday.m ? sun.m + "月" : "") + sun.d + "日";
    }
    const mon = (d) => new Date(Date.UTC(d.y, d.m - 1, d.d)).toLocaleString("en-US", { month: "short", timeZone: "UTC" });
    return mon(monday) + " " + monday.d + " – " + (sun.m !== monday.m ? mon(sun) + " " : "") + sun.d + ", " + sun.y;
  }

  window.Yue = window.Yue || {};
  window.Yue.calendar = {
    render, rangeLabel, mondayOf, weekBounds, addDays, isoIn, partsIn, offsetMinutes, offsetString, dayKey,
  };
})();
