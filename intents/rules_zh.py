"""Chinese evidence for the decision layer (intents/decide.py): word lists → evidence names.

The command-word families (intents/zh/intent_words.py) give the `cue:` evidence; this
module adds what v2 weighs besides: request and colloquial words, question and report
words, non-calendar topics, the v2 intents' own phrases (`want:`), and each intent's action.
"""
from __future__ import annotations

import re

from . import decide as d
from .zh import intent_words

_C = re.compile

REQUEST = _C(r"帮我|帮忙|麻烦|请你|请帮|(?<!大)约(?!莫)|安排|给我|能不能|可不可以|可以.{0,12}吗|看下|看一下|一起|咱们|"
             r"我们.{0,6}(?:开|聊|碰|过|对)|来个|搞个|整个|弄个|添加|新建|创建|加个|记一下|记下|建个|设置.{0,8}(?:会|日程)")
COLLOQ = _C(r"过一下|过下|过一遍|对齐一下|对齐下|对齐|对一下|对下|聊两句|聊几句|聊一下|聊下|聊聊|碰一下|碰下|碰个头|碰碰|"
            r"对个账|唠唠|唠一下|串一下|拉齐|sync一下|sync下|同步一下|同步下|讨论一下|讨论下|商量一下|商量下|见个面|吃个饭|喝个咖啡")
QUESTION = _C(r"[?？]|吗|么|呢$|怎么|什么|啥|哪|谁|几点|多少|是否|有没有|是不是")
REPORT = _C(r"刚才|刚刚|已经|录屏|录像|录好|纪要|开得|开完|结束了|拖堂|拖了|太长|太久|昨天的会|上次的会|少开|会太多|太多会|"
            r"好累|累死|又.{0,8}了|开过了|发群里|发到群|睡过头|迟到了|没赶上|错过了|回来了|到了$|吃完")
OFFTOPIC = _C(r"天气|气温|下雨|下雪|刮风|雾霾|闹钟|叫醒|定时器|计时器|倒计时|音乐|歌曲|听歌|放首歌|播放|外卖|点餐|点个餐|"
              r"打车|叫车|股票|股价|新闻|笑话|菜谱|路况|开灯|关灯|空调|快递|汇率|翻译")

# The v2 intents' own phrases; each outranks a generic cue (评审 in 明天的评审我去不了).
WANT: tuple[tuple[str, re.Pattern], ...] = (
    ("subscribe", _C(r"(?:取消订阅|退订|订阅|关注)(?!我的日历)(?:一下)?.{0,14}日历|(?:取消|退)订(?:阅)?.{0,12}(?:日历|频道)|"
                     r"订阅.{0,2}[「“\"《].{1,20}[」”\"》]")),
    ("exchange", _C(r"exchange|ews账号|邮箱日历.{0,4}(?:绑定|关联)", re.I)),
    ("remind", _C(r"提醒|别让我忘|记得叫我|到时候叫我|到点叫我")),
    ("digest", _C(r"把(?:我的?|今天的?|明天的?|每天的?)?(?:日程|安排|行程|会议).{0,6}发(?:给|到)?我|"
                  r"(?:发|推)(?:给)?我.{0,6}(?:日程|安排|行程)|每(?:天|日|个工作日|周).{0,10}(?:发|推送).{0,4}(?:日程|安排|行程|我)|"
                  r"(?:不用|别|不要|停止|取消|关掉|关闭).{0,4}(?:每天|每日|每周)?.{0,2}(?:发|推送)(?:了|日程)?|日程(?:日报|摘要|简报)|"
                  r"每日(?:日程|摘要|简报)")),
    ("rooms", _C(r"(?<!在)(?:有哪些|哪些|哪个|哪间|有没有|还有|找个?|找一间|查一下|看看|订个?|预订|预定|列出).{0,8}(?:会议室|会客室|培训室)|"
                 r"(?:会议室|会客室).{0,8}(?:空|可用|有哪些|还有|占用|被占)")),
    ("rsvp", _C(r"(?:我|本人)?(?:去不了|来不了|参加不了|没法参加|没法去|不能参加|不能去|无法参加|不参加了?|赶不上|不去了|"
                r"可以参加|会参加|参加$|能参加|会去|我去$|准时到|一定到|待定|不确定能不能)")),
    ("share", _C(r"谁能看(?:到)?我的日历|哪些人能看|共享给了谁|谁有(?:我的)?日历权限|(?:取消|停止|不再)(?:和.{0,10})?(?:共享|分享)|"
                 r"收回.{0,10}(?:权限|日历)|不让.{0,10}看我的日历|让.{0,12}(?:编辑|改)我的日历")),
    ("leave", _C(r"不舒服|生病了|病了|发烧|看病|去医院|来不了公司|不来公司|不去公司|明天不来|今天不来|请一?天假")),
    ("find_time", _C(r"哪段|哪个时间段|能凑|凑.{0,4}(?:小时|分钟|时间)|(?:哪天|几点|什么时候)(?:大家)?(?:都)?(?:方便|有空|合适)|"
                     r"有空档|空档|时间段")),
    ("agenda", _C(r"(?:我|今天|明天|后天|这周|下周).{0,6}(?:都)?有(?:哪些|什么|几个|啥)(?:会|安排|日程)|忙吗|满不满|排满")),
    ("caldav", _C(r"(?:手机|安卓|苹果|iphone|ipad|mac|电脑).{0,10}(?:看到|显示|同步|看).{0,6}(?:会议|日程|日历)", re.I)),
)
_RSVP_EVENT = _C(r"会|评审|复盘|分享|培训|面试|聚餐|团建|讲座|活动|sync|review|meeting|\d点|点的", re.I)
_NOT_RSVP = _C(r"公司|办公室|上班")

_DEVICE = _C(r"手机|安卓|苹果|iphone|ipad|android|outlook|电脑|mac|系统日历", re.I)
_OFF = _C(r"不用|别|不要|停止|取消|关掉|关闭|退订|不再|停掉|停了")
_SHARE_LIST = _C(r"谁能看|哪些人能看|共享给了谁|谁有.{0,6}权限|都(?:共享|分享)给了")
_SHARE_REVOKE = _C(r"取消|停止|不再|收回|撤销|不让|移除")
_EX_UNBIND = _C(r"解绑|解除|取消绑定|断开|移除")
_EX_STATUS = _C(r"绑定了吗|绑好了吗|连上了吗|状态|是否|有没有绑|绑了没|吗|[?？]")
_RSVP_DECLINE = _C(r"去不了|来不了|参加不了|没法|不能|无法|不参加|赶不上|不去")
_RSVP_MAYBE = _C(r"待定|不确定|可能|也许")


def evidence(text: str, chars: set[str] | None = None) -> set[str]:
    """The evidence names of folded Chinese text `text` (time and people come from the caller)."""
    ev: set[str] = set()
    cues = intent_words.cues_of(text, chars)
    if cues:
        ev.add("cue:" + cues[0])
        ev.update("also:" + c for c in cues[1:])
    for name, rx in WANT:
        if rx.search(text):
            if name == "subscribe" and _DEVICE.search(text):
                continue  # 在手机上订阅日历: CalDAV
            if name == "rsvp" and (not _RSVP_EVENT.search(text) or _NOT_RSVP.search(text)):
                continue
            ev.add("want:" + name)
    if intent_words.ACTIVITY.search(text):
        ev.add(d.ACTIVITY)
    for name, rx in ((d.REQUEST, REQUEST), (d.COLLOQ, COLLOQ), (d.QUESTION, QUESTION), (d.REPORT, REPORT),
                     (d.OFFTOPIC, OFFTOPIC)):
        if rx.search(text):
            ev.add(name)
    return ev


def action(intent: str, text: str) -> str | None:
    """The verb of an intent that has several (contract v2 `action`)."""
    if intent == "share":
        if _SHARE_LIST.search(text):
            return "list"
        return "revoke" if _SHARE_REVOKE.search(text) else "grant"
    if intent in ("digest", "subscribe"):
        return "off" if _OFF.search(text) else "on"
    if intent == "exchange":
        if _EX_UNBIND.search(text):
            return "unbind"
        return "status" if _EX_STATUS.search(text) else "bind"
    if intent == "rsvp":
        if _RSVP_MAYBE.search(text):
            return "tentative"
        return "decline" if _RSVP_DECLINE.search(text) else "accept"
    return None
