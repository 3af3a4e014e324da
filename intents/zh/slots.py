"""Room, title and query: what is left of the message once times, people and command words are out.

    "明天下午3点和 开会 讨论预算" → title "讨论预算"
    "取消明天下午的评审"           → query "评审"
"""
from __future__ import annotations

import re

from ..narrow import present
from ..prefilter import fast_compile
from .gates import edge_chars
from .numerals import to_int

# A room: "3楼大会议室", "珠峰会议室", "A301会议室", "在Everest", "Room Everest".
_ROOM_CN = fast_compile(r"((?:\d+|[一二三四五六七八九十]+)\s*(?:楼|层|F|f)\s*)?"
                      r"([A-Za-z0-9\u4e00-\u9fff\-]{0,8}?)(会议室|会客室|培训室|洽谈室|多功能厅|报告厅|小黑屋)")
_ROOM_BEFORE_STOP = "在去到的和订约用于个间把跟与是找定预"
_ROOM_EN = fast_compile(r"(?:在|去|到)\s*((?:[Rr]oom\s+)?[A-Z][A-Za-z0-9\-]+(?:\s+[A-Z][A-Za-z0-9\-]+)?)|"
                      r"\b([Rr]oom\s+[A-Za-z0-9\-]+)")

# A stated place: 地点 5楼-牡丹厅, 会议室：牡丹厅, 在 5楼牡丹厅 (a hall with its floor).
_PLACE = fast_compile(r"(?:(?:会议)?地点|地址|(?:会议室|房间)\s*[:：])\s*[:：是为在]?\s*"
                      r"([A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff\-_#]{1,15})"
                      r"|((?:\d+|[一二三四五六七八九十]+)\s*(?:楼|层|F|f)\s*-?\s*[\u4e00-\u9fffA-Za-z0-9]{1,6}(?:厅|室|间))")
# A room asked for with no name (在会议室开会, 订个会议室): the generic word itself.
_GENERIC_ROOM = ("会议室", "会客室", "培训室", "洽谈室")
# Seats: 6人的会议室, 8个人, 能坐10人, 容纳12人, 10人左右.
_SEATS = fast_compile(r"(?:容纳|能坐|坐得下|可坐|坐)?\s*(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:个人|人|位|名)(?![民事员物名生])")

_SEATS_PREFIX = fast_compile(r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:个人|人|位)\s*的?\s*(?:大|小)?")

# Words that are the request itself, never the subject of the meeting.
_COMMAND = fast_compile(
    r"请帮我|帮我们|帮我|帮忙|麻烦你?|给我|我想|我要|想要|开个会|开一个会|开一下会|开会|拉个会议|拉个会|拉会|建个会|"
    r"约个会|约个时间|约一下|约下|(?<!大)约(?!莫)|安排一个会|安排个会|安排一下|安排|预约|预订|预定|召开|一起|"
    r"大家|全员|所有人|全体|全组|取消掉|取消|找一下|找找|搜索|搜一下|查一下|查找|查查|查询|"
    r"改到|改成|改为|改在|挪到|推迟到|推迟|推到|延后到|延后|延期到|延期|顺延到|提前到|提前|换到|调到|调整到|移到|改期|"
    r"加到|加进|拉进|邀请一下|邀请|也叫上|叫上|加上|加入|参加|也拉上|拉上|加一下|撤了|撤掉|先不开了?|"
    r"添加|新建|记到(?:日程|日历)里?|记一下|记下|在日历上|日历上|"
    r"拒绝|婉拒|接受|去不了|来不了|参加不了|没法参加|不能参加|无法参加|不参加了?|赶不上|不去了|可能去不了|可能去|会去|会到|待定|"
    r"过一下|过下|对齐一下|对齐下|聊两句|聊几句|聊一下|聊下|聊个|碰一下|碰下|碰个头|"
    r"有没有空|有空吗|有空|有时间吗|空闲|都方便|方便吗|什么时候|哪天|请假|休假|"
    r"共享给|分享给|日历|同步到|在哪个?|在哪里|在哪儿|哪个|不开了|不开|所有的?|"
    r"一下|可以吗|行吗|好吗|好不好|谢谢|多谢|辛苦了|大约|大概")
_SPLIT = fast_compile(r"[|\s,，。.!！?？;；:：、~\-—()（）\[\]【】\"'“”]+")
_LEAD = fast_compile(r"(?:和|跟|与|同(?!步)|我们|咱们|我|你|您|他|她|在|于|到|的|个|一个|一场|场|把|给|请|要|想|来|去|再|就|"
                   r"先|都|也|还|以及|及|并|然后|主题是|主题|关于|内容是|议题是|议题|会议主题|聊|那个|这个|那|这|上(?!线|市|课|架)|下(?!午|班|线)|对(?!个?账|齐)|被|"
                   r"开个|开一个|开(?!发|心|始|放|通|源|展|工|票|会))+")
_TRAIL = fast_compile(r"(?:是|吧|呢|啊|哦|吗|了|的|哈|呀|啦|嘛|个|一下|下|和|跟|与|在|去|给|把|时间|的会|之间|间|也|里|先|呗|我)+$")
# Speed only: a run whose first (last) character cannot start (end) a lead (trail) word
# needs no regex call.
_LEAD_FIRST = present(edge_chars(_LEAD), "first characters of _LEAD")
_TRAIL_LAST = present(edge_chars(_TRAIL, last=True), "last characters of _TRAIL")
_COMMAND_FIRST = present(edge_chars(_COMMAND), "first characters of _COMMAND")  # (nor does a text without a command word's first character)
assert _LEAD_FIRST and _TRAIL_LAST and _COMMAND_FIRST, "slots: these words need known edge characters"
_EMPTY = {"会议", "会", "个会", "一个会", "时间", "开", "约", "见", "聊", "事", "事情", "那天", "当天", "见面", "碰", "会议室", "地点", "地址"}


# 和X / 跟X: a person named in the text (evidence for the decision layer).
WITH_PERSON = fast_compile(r"(?:和|跟|与|同(?!步|意|事|时|样))\s*(?!周|星期|礼拜|下|上|明|今|后|昨|前|这|本|每|月|"
                           r"[\d一二三四五六七八九十两])[\u4e00-\u9fffA-Za-z]")
_REMIND = fast_compile(r"(?:请|麻烦)?(?:到时候?|记得)?提醒(?:我|一下|下|大家)?|别让我忘了?|记得叫我|到时候?叫我|到点叫我")
_BEFORE_END = fast_compile(r"(?:开始)?(?:之)?前$")  # 周会开始前提前10分钟: the event is 周会
_LEAD_TIME = fast_compile(r"提前\s*[\d一二三四五六七八九十半两几]*\s*(?:分钟|分|个?小时|天|刻钟)?|"
                          r"[\d一二三四五六七八九十半两几]+\s*(?:分钟|个?小时|刻钟)(?:之)?前")


def reminder(orig: str, folded: str, spans: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    """(title, query) of a reminder: 提醒我明天下午3点交周报 → title 交周报; 明天的评审提前15分钟
    提醒我 → query 评审 (the event the reminder is tied to). The title keeps its verb (去机场,
    给妈妈打电话): it is what to do, not what a meeting is about."""
    cuts = list(spans) + [m.span() for m in _REMIND.finditer(folded)]
    lead = _LEAD_TIME.search(folded)
    if lead is not None:
        end = lead.start()
        q = phrase(orig[:end], folded[:end], cuts)
        return None, _BEFORE_END.sub("", q) or None if q else None
    m = _REMIND.search(folded)
    if m is None:
        return phrase(orig, folded, cuts), None
    after = _task(orig, folded, cuts, m.end(), len(folded))
    return after or _task(orig, folded, cuts, 0, m.start()), None


_TASK_EDGE = " \t,，。.!！?？;；:：、~的了吧哦哈呀啦嘛"


def _task(orig: str, folded: str, cuts: list[tuple[int, int]], a: int, b: int) -> str | None:
    """The text of [a, b) outside `cuts`, its edges trimmed of particles: what to be reminded of."""
    keep = [i for i in range(a, b) if not any(s <= i < e for s, e in cuts)]
    if not keep:
        return None
    text = "".join(orig[i] for i in keep)
    text = " ".join(text.split()).strip(_TASK_EDGE)
    for w in ("我", "一下", "下"):
        if text.startswith(w) and len(text) > len(w) + 1:
            text = text[len(w):]
    text = text.strip(_TASK_EDGE)
    return text if len(text) >= 2 else None


def room_of(text: str, taken: list[tuple[int, int]]) -> tuple[str | None, tuple[int, int] | None]:
    # Each pattern needs one of its literal words; the Chinese one is tried at every position.
    cn = "室" in text or "厅" in text or "屋" in text
    if "地" in text or "楼" in text or "层" in text or "室" in text or "房" in text:
        for m in _PLACE.finditer(text):
            g = 1 if m.group(1) else 2
            name = m.group(g)
            if not any(s <= m.start(g) < e for s, e in taken):
                return name, m.span(g)
    for m in _ROOM_CN.finditer(text) if cn else ():
        name_start = m.start(2)
        # Trim the name back to where a verb or particle ends it: 在珠峰会议室 → 珠峰会议室.
        name = m.group(2)
        cut = max((i for i, ch in enumerate(name) if ch in _ROOM_BEFORE_STOP), default=-1)
        if cut >= 0:
            name_start += cut + 1
        start = m.start(1) if m.group(1) and cut < 0 else name_start
        if any(s <= start < e for s, e in taken):
            start = max(e for s, e in taken if s <= start < e)
        room = text[start:m.end()].strip()
        seats = _SEATS_PREFIX.match(text, start, m.start(3))
        if seats is not None:  # 十二人会议室, 6人的会议室: a size, not a name
            start = seats.end()
            room = text[start:m.end()].strip()
            return room, (start, m.end())
        if room and (start < m.start(3)):
            return room, (start, m.end())
    if cn:
        for word in _GENERIC_ROOM:
            k = text.find(word)
            if k >= 0:
                return word, (k, k + len(word))
    if not ("在" in text or "去" in text or "到" in text or "oom" in text):
        return None, None
    for m in _ROOM_EN.finditer(text):
        g = 1 if m.group(1) else 2
        return m.group(g).strip(), (m.start(g), m.end(g))
    return None, None


# A run of words: what lies between two of these characters.
_RUN = fast_compile("[^" + re.escape(" \t\n,，。.!！?？;；:：、~-—()（）[]【】\"'“”|") + "]+")


# A person named by name before what is done with them (和张三开会, 约王五明天吃饭), and a
# head count (6人): neither is what the meeting is about.
_NAME = fast_compile(r"(?:和|跟|与|约|找)((?!客户|大家|团队|我们|他们|领导|老板)[\u4e00-\u9fff]{2,3}?)(?=一起|开会|开个?会|碰|聊|讨论|"
                     r"吃饭|见面|对一下|对齐|过一下|沟通|商量|约|明天|今天|后天|周|下午|上午|晚上|\d|\s|，|,|$)|"
                     r"(\d+\s*人(?:的)?)")


def phrase(orig: str, folded: str, spans: list[tuple[int, int]]) -> str | None:
    """What the message is about: the text outside `spans`, without command words and
    particles. Rules read the folded text; the words come back as the person wrote them."""
    n = len(folded)
    cuts = []
    for s, e in spans:
        if s < 0:
            s = 0
        if e > n:
            e = n
        if s < e:
            cuts.append((s, e))
    search = _COMMAND.search
    m = None if _COMMAND_FIRST.isdisjoint(folded) else search(folded)
    while m is not None:
        cuts.append(m.span())
        m = search(folded, m.end())
    if "和" in folded or "跟" in folded or "与" in folded or "约" in folded or "找" in folded or "人" in folded:
        cuts += [m.span(1 if m.group(1) else 2) for m in _NAME.finditer(folded)]  # never a title
    cuts.sort()
    cuts.append((n, n))
    out: list[str] = []
    run = _RUN.search
    pos = 0
    for s, e in cuts:
        # the runs of words in the kept stretch [pos, s)
        if s > pos:
            m = run(folded, pos, s)
            while m is not None:
                a, b = m.span()
                out += _words(orig, folded, a, b)
                m = run(folded, b, s) if b < s else None
        if e > pos:
            pos = e
    return _COLLOQ_MEASURE.sub(r"\1", " ".join(out)) or None


# 对个账, 过个方案: the colloquial measure word is no part of the title (对账, 过方案).
_COLLOQ_MEASURE = fast_compile(r"(?<![\u4e00-\u9fff])(对|过|聊|碰|开)个(?=[\u4e00-\u9fff])")


def _words(orig: str, folded: str, a: int, b: int) -> list[str]:
    """The run folded[a:b] without leading and trailing particles, if a word is left."""
    while a < b:
        lm = _LEAD.match(folded, a, b) if folded[a] in _LEAD_FIRST else None
        # (a run holds no newline, so the trail's $ is the run's end)
        tm = _TRAIL.search(folded, a, b) if folded[b - 1] in _TRAIL_LAST else None
        na = lm.end() if lm else a
        nb = tm.start() if tm and tm.start() >= na else b
        if (na, nb) == (a, b):
            break
        a, b = na, nb
    seg = folded[a:b]
    if seg and seg not in _EMPTY and not (len(seg) == 1 and not seg.isascii()):
        return [orig[a:b]]
    return []


def capacity_of(text: str) -> int | None:
    """Seats asked for (6人的会议室, 8个人, 能坐10人); None without a count of people."""
    if "人" not in text and "位" not in text and "名" not in text:
        return None
    m = _SEATS.search(text)
    if m is None:
        return None
    n = to_int(m.group(1))
    return n if n and 1 < n <= 500 else None
