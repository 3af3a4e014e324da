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

REQUEST = _C(r"帮我|帮忙|麻烦|请你|请帮|安排|给我|能不能|可不可以|可以.{0,12}吗|看下|看一下|一起|咱们|"
             r"我们.{0,6}(?:开|聊|碰|过|对)|来个|搞个|整个|弄个|添加|新建|创建|加个|记一下|记下|建个|设置.{0,8}(?:会|日程)|"
             r"吧$|呗|大家准时|准时参加|记得参加")
COLLOQ = _C(r"过一下|过下|过一遍|对齐一下|对齐下|对齐|对一下|对下|聊两句|聊几句|聊一下|聊下|聊聊|聊个|碰一下|碰下|碰个头|碰碰|"
            r"对个账|唠唠|唠一下|串一下|拉齐|sync一下|sync下|同步一下|同步下|讨论一下|讨论下|商量一下|商量下|见个面|吃个饭|"
            r"喝个咖啡|找.{0,8}聊|一起看看|一起过|一起对")
QUESTION = _C(r"[?？]|吗|么|呢$|怎么|什么|啥|哪|谁|几点|几号|多少|是否|有没有|是不是|不$|没$|来着|为什么|为啥")
# Reports, statuses, past events and complaints: they name a meeting but ask for nothing.
REPORT = _C(r"刚才|刚刚|已经|录屏|录像|录好|纪要|开得|开完|结束了|拖堂|拖了|太长|太久|昨天的会|上次的会|少开|会太多|太多会|"
            r"好累|累死|又.{0,8}了|又是|开过了|发群里|发到群|睡过头|迟到了|没赶上|错过了|回来了|到了$|吃完|"
            r"开了\d|开了[一二三四五六七八九十几两]|开到|(?:我|先)去(?:开会|吃饭|吃|开)|在开会|晚点回|没去|没参加|没通过|通过了|"
            r"(?:好|挺|太|真|很|超|特别|巨)(?:长|短|快|慢|多|少|累|烦|无聊|好|棒|满|挤|密|高|久|难|顺利|成功|有用|浪费)|"
            r"塞满|排满了|满了|好烦|烦死|头疼|饿死|超时|说到哪|怎么.{0,6}了|为什么|为啥|谁约的|谁组织|反馈|结论|"
            r"没人通知|不错|好玩|有意思|恭喜|哈哈|笑死|(?<![帮给请])我.{0,6}去(?:吃|开|参加)|(?:好|挺|太|真|很)(?:困|冷|热|忙)|"
            r"愉快|快乐|终于|[了啦]，|(?:之|以)?前(?:要|得|必须)?(?:做完|完成|交|提交|搞定|弄完|写完)|做完|写完|搞定")
# A statement that an event is at a time ("年会在12月20号"): information, not a request.
INFORM = _C(r"^[^帮请约给把]{1,12}(?:在|是)\s*(?:今|明|后天|下周|这周|本周|周[一二三四五六日天末]|"
            r"[\d一二三四五六七八九十两]+\s*(?:月|号|日|点|:))")
# Questions about the calendar itself (what day, how many days until): no event in them.
DATE_FACT = _C(r"(?:是|还有)(?:哪天|几号|星期几|周几|几天)|星期几|礼拜几|周几[?？]?$|离.{1,8}还有|放几天假")
# An existing event named by its time (明天的评审, 周五那个复盘): a reference, not a new meeting.
REFER = _C(r"(?:今天|明天|后天|明儿|今儿|周[一二三四五六日天]|礼拜[一二三四五六日天]|上午|下午|晚上|早上|中午|点|点半|号|日)"
           r"(?:的|那个|那场)(?:会|评审|复盘|周会|例会|站会|面试|培训|分享|讨论|聚餐|对齐|同步|沟通|汇报|1on1|sync|review)")
PAST_WORDS = _C(r"昨天|前天|上周|上礼拜|上星期|上个月|去年|上次|上回|刚才|刚刚|之前的")
OFFTOPIC = _C(r"天气|气温|下雨|下雪|刮风|雾霾|闹钟|叫醒|定时器|计时器|倒计时|音乐|歌曲|听歌|放首歌|播放|外卖|点餐|点个餐|"
              r"打车|叫车|叫个车|股票|股价|新闻|笑话|菜谱|路况|开灯|关灯|空调|汇率|翻译|订餐|订机票|机票|火车票|高铁|酒店|餐厅|"
              r"快递|工资|放学|几度|外卖")

# The v2 intents' own phrases; each outranks a generic cue (评审 in 明天的评审我去不了).
WANT: tuple[tuple[str, re.Pattern], ...] = (
    ("subscribe", _C(r"(?:取消订阅|退订|订阅|关注)(?!我的日历)(?:一下)?.{0,14}日历|(?:取消|退)订(?:阅)?.{0,12}(?:日历|频道)|"
                     r"订阅.{0,2}[「“\"《].{1,20}[」”\"》]")),
    ("exchange", _C(r"exchange|ews账号|邮箱日历.{0,4}(?:绑定|关联)", re.I)),
    ("remind", _C(r"提醒我|提醒一下|提醒下|提醒大家|(?<!日程)(?<!每日)提醒(?!功能)|别让我忘|记得叫我|到时候?叫我|到点叫我|"
                  r"叫我(?:起来)?(?:去|开|参加|交|打|取|买|带)")),
    ("digest", _C(r"把(?:我的?|今天的?|明天的?|每天的?)?(?:日程|安排|行程|会议).{0,6}(?:发|推)(?:给|到)?我|"
                  r"(?:发|推)(?:给)?我.{0,6}(?:日程|安排|行程)|每(?:天|日|个工作日|周).{0,10}(?:发|推).{0,6}(?:日程|安排|行程|我)|"
                  r"(?:不用|别|不要|停止|取消|关掉|关闭).{0,4}(?:每天|每日|每周)?.{0,2}(?:发(?!布)|推(?:送)?)(?:了|日程)?|"
                  r"日程(?:日报|摘要|简报|推送)|每日(?:日程|摘要|简报)|(?:开启|打开|关闭|关掉).{0,4}(?:每日|每天).{0,4}(?:日程|提醒|推送)")),
    ("rooms", _C(r"(?<!在)(?:有哪些|有啥|哪些|哪个|哪间|有没有|还有|找个?|找一间|查一下|看看|订个?|预订|预定|列出|要一?间|有空的?|空的)"
                 r".{0,8}(?:会议室|会客室|培训室)|(?:会议室|会客室).{0,8}(?:空|可用|有哪些|还有|占用|被占|列表|吗|[?？])|"
                 r"\d+\s*人(?:间|的?会议室|的?房间)")),
    ("rsvp", _C(r"(?:我|本人)?(?:去不了|来不了|参加不了|没法参加|没法去|不能参加|不能去|无法参加|不参加了?|赶不上|不去了|"
                r"可以参加|会参加|参加$|能参加|会去|我去$|可能去|我会到|会到$|准时到|一定到|待定|不确定能不能)|"
                r"(?:接受|拒绝|婉拒).{0,10}邀请")),
    ("share", _C(r"谁能看(?:到)?我的日历|哪些人能看|共享给了谁|谁有(?:我的)?日历权限|(?:取消|停止|不再)(?:和.{0,10})?(?:共享|分享)|"
                 r"收回.{0,10}(?:权限|日历)|不让.{0,10}看我的日历|让.{0,12}(?:编辑|改|看到?|查看)我的(?:日历|日程|忙闲)|"
                 r"(?:编辑|查看|只读|管理)权限|忙闲(?:状态)?.{0,4}(?:共享|给|看)|看我的忙闲|帮我管日程|(?:分享|共享)给谁")),
    ("leave", _C(r"不舒服|生病了|病了|发烧|看病|去医院|来不了公司|不来公司|不去公司|明天不来|今天不来|请.{0,3}假|"
                 r"都不在|不在公司|休息.{0,2}天|休一?天|调休")),
    ("find_time", _C(r"哪段|哪个时间段|能凑|凑.{0,4}(?:小时|分钟|时间)|(?:哪天|几点|什么时候|哪会儿?)(?:大家)?(?:都)?(?:方便|有空|合适|空)|"
                     r"有空档|空档|时间段|有没有时间|得空|都闲|都空|空着|找(?!.{0,8}聊).{0,12}(?:空|一个?小时|半小时|\d+分钟)|有时间不")),
    ("agenda", _C(r"(?:我|今天|明天|后天|这周|下周|本周|周末|周[一二三四五六日天]|上午|下午|晚上).{0,6}(?:都)?有(?:哪些|什么|几个|啥)"
                  r"(?:会|安排|日程|活动|事|行程)|忙吗|满不满|排满|"
                  r"(?:看看|看下|看一下|给我看|发我看).{0,8}(?:日历|日程|安排)|(?:日历|日程|安排)(?:给我|发我)?看看|"
                  r"会多不多|几个会|会有几个|^(?:今天|明天|后天|明儿|这周|本周|下周)的?(?:日历|日程|安排)[?？]?$")),
    ("caldav", _C(r"(?:手机|安卓|苹果|iphone|ipad|mac|电脑).{0,10}(?:看到|显示|同步|看|订阅).{0,6}(?:会议|日程|日历|会)", re.I)),
    ("cancel", _C(r"清空|清掉|全删|(?:会|日程|评审|复盘|例会|周会|站会|聚餐|面试|培训)(?:给)?(?:删掉|删了|撤了|撤掉|取消掉|去掉|不开|取消吧)")),
    ("invite", _C(r"加一下|加上|拉上|叫上|也拉|拉进来|加进来|也加上")),  # (with a mention: see evidence())
    ("search", _C(r"找下|搜下|查下|是几点|是几号|几点来着|来着|定在(?:什么时候|哪天|几点)|(?:什么时候|几点)开")),
    ("help", _C(r"你能干啥|你都?会(?:些)?(?:什么|啥)|能做(?:什么|啥)|怎么用|怎么使用|使用方法|用法")),
    ("schedule", _C(r"新建日程|新建.{0,4}(?:会议|日程|事件)|(?:记到|加到|放到|写到)(?:日程|日历)|添加.{0,6}(?:日程|会议|事件)")),
)
_RSVP_EVENT = _C(r"会|评审|复盘|分享|培训|面试|聚餐|团建|讲座|活动|sync|review|meeting|\d点|点的", re.I)
_NOT_RSVP = _C(r"公司|办公室|上班")

_DEVICE = _C(r"手机|安卓|苹果|iphone|ipad|android|outlook|电脑|mac|系统日历", re.I)
_OFF = _C(r"不用|别|不要|停止|取消|关掉|关闭|退订|不再|停掉|停了")
_SHARE_LIST = _C(r"谁能看|哪些人能看|共享给了谁|谁有.{0,6}权限|都(?:共享|分享)给了")
_SHARE_REVOKE = _C(r"取消|停止|不再|收回|撤销|不让|移除")
_EX_UNBIND = _C(r"解绑|解除|取消.{0,12}绑定|断开|移除")
_EX_STATUS = _C(r"绑定了吗|绑好了吗|连上了吗|状态|是否|有没有绑|绑了没|吗|[?？]|^\W*(?:exchange)?\W*$", re.I)
_RSVP_DECLINE = _C(r"拒绝|婉拒|去不了|来不了|参加不了|没法|不能|无法|不参加|赶不上|不去")
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
            if name == "invite" and " " not in text:
                continue  # 加上 whom? a mention leaves a blank where it was
            if name == "subscribe" and _DEVICE.search(text):
                continue  # 在手机上订阅日历: CalDAV
            if name == "rsvp" and (not _RSVP_EVENT.search(text) or _NOT_RSVP.search(text)):
                continue
            ev.add("want:" + name)
    if "want:rooms" in ev:
        ev.discard("want:find_time")  # 有空的会议室吗: the room is what must be free
    if intent_words.ACTIVITY.search(text):
        ev.add(d.ACTIVITY)
    for name, rx in ((d.REQUEST, REQUEST), (d.COLLOQ, COLLOQ), (d.QUESTION, QUESTION), (d.REPORT, REPORT),
                     (d.OFFTOPIC, OFFTOPIC), (d.REPORT, INFORM), (d.PAST, PAST_WORDS), (d.DATE_FACT, DATE_FACT),
                     (d.REFER, REFER)):
        if rx.search(text):
            ev.add(name)
    if d.REQUEST in ev:
        ev.discard(d.REFER)  # "帮我建个明天十点的会": the time names the new event
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
