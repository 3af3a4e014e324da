"""Which request a Chinese message makes, from its command words (first family that matches)."""
from __future__ import annotations

import re

from ..narrow import present
from ..prefilter import fast_compile
from .gates import required_chars, text_chars

# Order matters: the more specific request first (取消会议 is cancel, not schedule).
_FAMILIES: list[tuple[str, re.Pattern]] = [(name, fast_compile(rx, re.I)) for name, rx in (
    ("caldav", r"caldav|同步到(?:我的)?(?:手机|iphone|苹果|安卓|android|outlook|mac|电脑|系统日历)|"
               r"(?:手机|iphone|苹果|安卓|系统|outlook)(?:自带)?(?:的)?日历.{0,6}(?:同步|订阅|看到|显示)|"
               r"日历.{0,4}同步|订阅(?:我的)?日历"),
    ("share", r"(?:共享|分享|开放|授权)(?:给|我的|一下|下)?.{0,8}日历|日历.{0,8}(?:共享|分享|开放给|授权给)|"
              r"(?:让|给).{0,12}(?:看|查看|编辑)我的日历"),
    ("cancel", r"取消|不开了|别开了|撤掉|删掉.{0,6}(?:会|日程)|删除.{0,6}(?:会|日程)|不用开|会议作废"),
    ("reschedule", r"改到|改成|改为|改在|挪到|挪一下|推迟|推后|延后|延期|顺延|提前到|提前一|提前半|改期|"
                   r"换个时间|换到|调到|调整到|移到|往后挪|往前挪|推到"),
    ("leave", r"请假|休假|年假|病假|事假|婚假|产假|调休|请个假|(?:我|本人).{0,8}不在(?:公司|办公室|岗)?|"
              r"外出|出差|ooo|out of office"),
    ("invite", r"加到|加进|拉进|拉到.{0,8}(?:会|群)|邀请|加上.{0,6}(?:会|议)|也叫上|叫上|把.{0,10}加入"),
    ("find_time", r"有空|有没有空|有时间吗|空闲|都方便|方便的时间|哪天方便|什么时间方便|找个(?:共同)?(?:的)?时间|"
                  r"找时间|(?<!是)什么时候(?!开|是|举行|召开|的)|几点方便|哪天有空|能约吗|free"),
    ("agenda", r"(?:有|有些|有哪些|有什么|有啥)(?:什么|啥)?(?:安排|会议?|日程|事|行程)(?:吗|呢|\?|？|$)|"
               r"有什么安排|有啥安排|什么安排|日程|行程|安排是|几个会|有会吗|忙不忙|我的日历"),
    ("search", r"找一下|找找|搜索|搜一下|搜搜|查一下|查找|查查|查询|在哪(?:个|间)?|是哪天|是什么时候|"
               r"什么时候开|哪天开|几点开"),
    ("schedule", r"开会|开个会|开一个会|(?<!大)约(?!莫)|拉个会|拉会|建个会|建会|拉个?会议|碰一下|碰个头|碰头|聊一下|聊聊|"
                 r"沟通一下|讨论|预订|订(?:个)?会议室|安排(?:一个|个|一场)?会|对一下|过一下|开个.{0,10}会|见面|见一面"),
    ("help", r"帮助|怎么用|使用说明|说明书|你能做什么|你会什么|你可以做什么|功能|help|指令|命令"),
)]
_EVERYONE = fast_compile(r"全员|所有人|大家|全体|全组|全部门|整个团队|全团队|全部成员")
_EVERYONE_NEEDS = present(required_chars(_EVERYONE), "what _EVERYONE needs")
_ROLES = ((fast_compile(r"忙闲|空闲状态|闲忙|只看(?:忙|空)"), "free_busy_reader"),
          (fast_compile(r"编辑|修改|管理|可写|写权限"), "writer"),
          (fast_compile(r"只读|查看|看|读"), "reader"))


# Speed only: a family whose required characters are all absent cannot match. Each family
# is a bit; _BITS[ch] has the bits of the families that need `ch` (families needing
# nothing are always set), and _ORDER[bits] lists those families in order (a table of
# every bit combination, built once).
_NEEDS = [required_chars(rx) for _, rx in _FAMILIES]
_BITS: dict[str, int] = {}
_FREE = 0
for _i, _req in enumerate(_NEEDS):
    if _req is None:
        _FREE |= 1 << _i
    for _ch in _req or ():
        _BITS[_ch] = _BITS.get(_ch, 0) | 1 << _i
_KEYS = frozenset(_BITS)
_ORDER = [tuple((name, rx.search) for i, (name, rx) in enumerate(_FAMILIES) if bits >> i & 1)
          for bits in range(1 << len(_FAMILIES))]


def intent_of(text: str, chars: set[str] | None = None) -> str | None:
    """`chars`: text_chars(text) if the caller has it (the families need it cased too)."""
    if chars is None:
        chars = text_chars(text, cased=True)
    else:
        lo, up = text.lower(), text.upper()
        if not lo == text == up:  # (a text without cased letters adds nothing)
            chars = chars.union(lo, up)
    bits = _FREE
    for ch in chars & _KEYS:
        bits |= _BITS[ch]
    for name, search in _ORDER[bits]:
        if search(text):
            return name
    return None


# Activity nouns: something to meet about (no request by itself; the decision layer weighs it).
ACTIVITY = fast_compile(r"会议|评审|面试|1on1|one on one|复盘|周会|例会|晨会|站会|年会|董事会|读书会|分享会|同步会|评审会|"
                        r"总结会|启动会|培训|聚餐|团建|拜访|彩排|讲座|宣讲|沙龙|技术分享|午饭|吃饭|午餐|晚饭|晚餐|咖啡|"
                        r"周例会|月会|双周会|季度会|对账|排期|汇报|述职|答辩|演示|demo|review|sync|电话会|视频会|"
                        r"开会|的会|个会|面谈|约谈|一对一|1v1|1:1|kickoff|立项|验收|对齐|串讲|宣贯|同步|"
                        r"(?:早|晚|例|周|月|年|夜|晨|站|班|茶|规划|总结|启动|发布|动员|协调|讨论|沟通|推进|对接|表彰|座谈|研讨|"
                        r"部门|项目|团队|全员|季度|年度|月度|务虚|交流|见面|复盘|评审|碰头|产品|技术|周五|周一)会|"
                        r"总结|规划|计划|电话|封闭开发|封版|大会|workshop|meeting|standup|call|interview|lunch|dinner|"
                        r"1on1|brainstorm|面基|约饭|饭局|生日会|团建|体检|看牙|牙医|医生|1对1|走查|路演|演练|面聊|过会|家长会|共创|工作坊|脑暴|头脑风暴|研讨|桌游|聚会|派对|剧本杀|k歌|K歌|委员会|理事会|座谈会|茶话会|酒会|发布会|合照|合影|候选人|启动", re.I)


def cues_of(text: str, chars: set[str] | None = None) -> list[str]:
    """Every family that matches, in order (the first is what `intent_of` returns)."""
    if chars is None:
        chars = text_chars(text, cased=True)
    else:
        lo, up = text.lower(), text.upper()
        if not lo == text == up:
            chars = chars.union(lo, up)
    bits = _FREE
    for ch in chars & _KEYS:
        bits |= _BITS[ch]
    return [name for name, search in _ORDER[bits] if search(text)]


def everyone(text: str, chars: set[str] | None = None) -> bool:
    """`chars`: text_chars(text), to skip the regex when its characters are absent."""
    if chars is not None and chars.isdisjoint(_EVERYONE_NEEDS):
        return False
    return bool(_EVERYONE.search(text))


def role_of(text: str) -> str:
    for rx, role in _ROLES:
        if rx.search(text):
            return role
    return "reader"
