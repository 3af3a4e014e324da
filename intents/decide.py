"""The intent decision: evidence from a message → scores per intent → intent, confidence,
alternatives. One engine for both languages (Duckling's way): the zh and en scanners
(intents/rules_zh.py, intents/rules_en.py) only say which evidence a message holds; the
rules that weigh it are the named records below.

Evidence is a set of names. Language-neutral facts (a time was found, people, an activity
noun, request words, report words, the chat type …) and cues: ``cue:<intent>`` is the
first command-word family that matched (the older keyword rules, still the strongest
single hint), ``also:<intent>`` a later family that matched too, and ``want:<intent>`` a
specific v2 phrase ("remind me", "我去不了", "有哪些会议室") that outranks a generic cue.

Scores add the weights of the rules whose `needs` are all present and whose `unless` are
all absent; `unknown` starts from a prior. Confidence is the softmax share of the best
score beside the others and a "none of these" mass, so nothing firing is `unknown` at
0.73, one command word alone ≈ 0.84, a command word backed by a time and an activity ≈ 0.99,
and two readings of similar weight stay below 0.8 with the runner-up in `alternatives`.
The weights were set by hand against the corpora (tests/corpus/intents*, measured by
bench/intents_quality.py): above 0.8 the intent is right ≥ 97 % of the time.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from .patterns import Words

# Language-neutral evidence.
TIME = "time"                # the message names a time (any of the time fields)
PEOPLE = "people"            # a mention or an e-mail address
WITH = "with"                # someone to meet with: "with X", "w/ @Bob", 和X, 跟 @Bob
ACTIVITY = "activity"        # an activity noun: 评审, 周会, review, sync, lunch, 1:1 …
REQUEST = "request"          # 帮我, 约, 安排, can we, let's, please …
COLLOQ = "colloquial"        # a colloquial meeting verb: 过一下, 碰一下, catch up, grab 30 min …
QUESTION = "question"        # ?, 吗, how/what/when …
WH = "wh"                    # a question word (吗, 什么, how, when …), not just a question mark
QMARK = "qmark"              # the message ends in a question mark
TOPIC = "topic"              # words left besides time, people and command words (a possible title)
REFER = "refer"              # an existing event named by its time: 明天的评审, tomorrow's standup
PAST = "past"                # the time named is over, or past words (昨天, 上周, last week)
DATE_FACT = "date_fact"      # a question about the calendar itself: 春节是哪天, what day is it
REPORT = "report"            # a report, a past event or a complaint: 刚才, 已经, ran long, back from …
STATEMENT = "statement"      # a declarative clause: subject + verb, aspect 了, copula (the X is …, 定在了, 没人来)
HEDGE = "hedge"              # the writer reports with reserve, or about someone else's: 好像, 感觉, 他们的…, seems, their …
REMOVE = "remove"            # a removal verb: 删除, 删了, 撤销, 去掉, delete, drop, scrap
NEXT = "next"                # the next meeting, whichever it is: 下一个会, 接下来的会, my next meeting
HEARSAY = "hearsay"          # reported speech: 客户说…, 听说…, "client said …": the words quoted are not a request
SELF = "self"                # the writer names themself: 我, i, my, me
OFFTOPIC = "offtopic"        # weather, alarm, music, food …: nothing a calendar does
PRIVATE = "private"          # a one-to-one chat with the bot
SLASH = "slash"              # a slash command picked the intent: the rules only shape title and query
# Derived by judge() from the cues, so rules can say "unless another request was named".
WANTED = "wanted"            # some v2 phrase (want:…) matched
OTHER = "other_request"      # a cue or phrase for an intent other than schedule

UNKNOWN_PRIOR = 1.0
# The mass of "none of the rules' intents" in the softmax: nothing firing is no certainty either.
REST_SCORE = 0.0


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    needs: tuple[str, ...]
    intent: str
    weight: float
    unless: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    fired: tuple[str, ...] = ()      # the names of the rules that fired, for explaining a decision
    evidence: frozenset[str] = frozenset()

    def reading(self) -> str | None:
        """The intent the language module shapes title and query for: None (keep both
        readings) for `unknown`, and after a slash command when no cue or activity noun says
        more (so "/book @Bob monday 2pm roadmap" keeps "roadmap" as title and as query)."""
        if self.intent == "unknown":
            return None
        if SLASH in self.evidence and not any(e.startswith(("cue:", "want:")) or e == ACTIVITY for e in self.evidence):
            return None
        return self.intent


# Every intent a cue can name (the parser's INTENTS less unknown).
_CUED = ("schedule", "find_time", "agenda", "search", "invite", "cancel", "reschedule", "leave", "share",
         "caldav", "help", "remind", "digest", "rooms", "rsvp", "subscribe", "exchange")


def _cue_rules() -> list[Rule]:
    out = []
    for it in _CUED:
        out.append(Rule(f"first command-word family → {it}", (f"cue:{it}",), it, 3.0, unless=(WANTED,)))
        out.append(Rule(f"first command-word family beside a v2 phrase → {it}", (f"cue:{it}", WANTED), it, 1.5))
        out.append(Rule(f"another command-word family → {it}", (f"also:{it}",), it, 1.2))
        out.append(Rule(f"specific v2 phrase → {it}", (f"want:{it}",), it, 4.5))
        out.append(Rule(f"the v2 phrase said first → {it}", (f"lead:{it}",), it, 0.6))
    return out


# The generic schedule rules stand down when the message names another request or reports.
_NOT_SCHEDULE = (REPORT, OTHER, PAST, REFER, STATEMENT, HEARSAY, REMOVE)
# What asks for something: without any of these a message names no request of its own.
_ASKS = (REQUEST, COLLOQ, WANTED, OTHER, "cue:schedule")

RULES: tuple[Rule, ...] = tuple(_cue_rules() + [
    # schedule without a command verb: a time and something to meet about
    Rule("<time> + activity noun → schedule", (TIME, ACTIVITY), "schedule", 2.0, unless=_NOT_SCHEDULE + (QUESTION,)),
    Rule("<time> + colloquial verb → schedule", (TIME, COLLOQ), "schedule", 2.5, unless=_NOT_SCHEDULE),
    # "fri 10am pricing review?", "3:30 today design crit?": a proposal, asked without a question word
    Rule("<time> + activity + a bare question mark → schedule", (TIME, ACTIVITY, QMARK), "schedule", 2.0,
         unless=_NOT_SCHEDULE + (WH,)),
    Rule("<time> + topic → schedule", (TIME, TOPIC), "schedule", 0.8, unless=_NOT_SCHEDULE + (QUESTION,)),
    Rule("<time> + with someone → schedule", (TIME, WITH), "schedule", 1.5, unless=_NOT_SCHEDULE + (QUESTION,)),
    Rule("people + colloquial verb → schedule", (PEOPLE, COLLOQ), "schedule", 1.5, unless=_NOT_SCHEDULE),
    Rule("with someone + activity noun → schedule", (WITH, ACTIVITY), "schedule", 1.0, unless=_NOT_SCHEDULE),
    Rule("<time> + people + activity → schedule", (TIME, PEOPLE, ACTIVITY), "schedule", 1.0, unless=_NOT_SCHEDULE),
    Rule("<time> + people + topic → schedule", (TIME, PEOPLE, TOPIC), "schedule", 0.7, unless=_NOT_SCHEDULE),
    Rule("people + activity → schedule", (PEOPLE, ACTIVITY), "schedule", 1.0, unless=_NOT_SCHEDULE + (TIME,)),
    Rule("activity noun alone → schedule", (ACTIVITY,), "schedule", 0.8, unless=_NOT_SCHEDULE),
    Rule("<time> + request words → schedule", (TIME, REQUEST), "schedule", 1.0, unless=_NOT_SCHEDULE + (QUESTION,)),
    Rule("private chat: <time> + activity → schedule", (PRIVATE, TIME, ACTIVITY), "schedule", 1.0,
         unless=_NOT_SCHEDULE),
    Rule("private chat: <time> + topic → schedule", (PRIVATE, TIME, TOPIC), "schedule", 0.8, unless=_NOT_SCHEDULE),
    Rule("private chat: <time> + people → schedule", (PRIVATE, TIME, PEOPLE), "schedule", 0.8, unless=_NOT_SCHEDULE),
    # a question about a named event leans towards looking it up rather than making one
    Rule("an existing event named by its time → search", (REFER,), "search", 1.0, unless=(OTHER,)),
    Rule("question + activity noun → search", (QUESTION, ACTIVITY), "search", 0.8, unless=(REQUEST,)),
    # statements that ask nothing: a declarative clause with no command word or request is a report,
    # whatever nouns it holds ("the weekly meeting moved online", 架构评审定在了周二)
    Rule("a declarative clause, nothing asked → unknown", (STATEMENT,), "unknown", 1.5, unless=_ASKS),
    # "他们的会议改到了下午", 日历好像没同步过来: a command word beside a hedge or a third-person subject, with no
    # request word or v2 phrase, is as likely a report as a command: weigh the report so neither reading is sure
    Rule("a command word inside a hedged or third-person report → may be a report", (HEDGE, OTHER), "unknown", 2.0,
         unless=(REQUEST, COLLOQ, WANTED)),
    # "客户说下周再约", "client said let's meet next week": what someone said is reported, not asked of the bot
    Rule("reported speech → unknown", (HEARSAY,), "unknown", 3.0, unless=("want:remind",)),
    # "@B 周四请假": someone else's leave is news (one's own, 我明天请假, is the leave command)
    Rule("someone else's leave → may be a report", ("want:leave", PEOPLE), "unknown", 5.0, unless=(SELF, REQUEST)),
    # "am i free friday morning", 周五上午我有空吗: my own availability, nobody else's — as much a look at my day
    # (agenda) as a search for a slot (find_time); both are queries, neither reading is sure
    Rule("my own availability, no one else → agenda too", ("want:find_time", SELF), "agenda", 3.5,
         unless=(PEOPLE, WITH, REQUEST, COLLOQ)),
    Rule("my own availability (cue), no one else → agenda too", ("cue:find_time", SELF, QUESTION), "agenda", 2.5,
         unless=(PEOPLE, WITH, REQUEST, COLLOQ, WANTED)),
    # "找个时间和市场部对一下发布计划", "find a slot to go over the plan with marketing": the slot is for a meeting
    # with a purpose (a colloquial meeting verb), so making it is as likely as only finding the time
    Rule("a time to find for a meeting with a purpose → schedule", ("cue:find_time", COLLOQ, WITH), "schedule", 1.2),
    Rule("a time to find (phrase) for a meeting with a purpose → schedule", ("want:find_time", COLLOQ, WITH),
         "schedule", 4.0),
    # "周五我有什么", "what am i doing on monday": a question about my own time, naming no event and no one
    Rule("a question about my own time → agenda", (QUESTION, TIME, SELF), "agenda", 1.5,
         unless=(PEOPLE, WITH, OTHER, "cue:schedule", OFFTOPIC, DATE_FACT, REQUEST, ACTIVITY, STATEMENT)),
    # thin evidence: a time and a noun but no request word. Usually a note-form meeting ("周五三点 团队合影"),
    # sometimes a remark: weight the remark reading so schedule stays above the ask threshold (0.7), below 0.8
    Rule("<time> + activity with nothing asked → may be a remark", (TIME, ACTIVITY), "unknown", 1.2,
         unless=_ASKS + (PEOPLE, WITH) + _NOT_SCHEDULE + (QUESTION,)),
    # statements that ask nothing
    Rule("report / past / complaint words → unknown", (REPORT,), "unknown", 4.0, unless=(REQUEST,)),
    Rule("report words despite a request → unknown", (REPORT, REQUEST), "unknown", 1.5),
    Rule("a question about the calendar itself → unknown", (DATE_FACT,), "unknown", 4.0, unless=(ACTIVITY,)),
    # "周三上午11点 订个大会议室，拉 @A @B": a room for people at a time is a meeting
    Rule("room request + people + <time> → schedule", ("want:rooms", PEOPLE, TIME), "schedule", 5.0),
    # "cancel all my meetings today, i'm sick", 我病了，明天的会全取消: the illness is the reason, cancel the request
    Rule("cancel command + a reason for leave → cancel", ("cue:cancel", "want:leave"), "cancel", 3.5),
    # "remind me to call sam back at 4": the reminder's task may read like a report
    Rule("a reminder whose task reads like a report → remind", ("want:remind", REPORT), "remind", 2.0),
    # "ux review next wed 3-4, invite @A @B": invite words on a meeting being made, not an existing one
    Rule("invite words + <time> + activity, no reference → schedule", ("want:invite", TIME, ACTIVITY), "schedule", 4.0,
         unless=(REFER,)),
    Rule("invite cue + <time> + activity, no reference → schedule", ("cue:invite", TIME, ACTIVITY), "schedule", 2.5,
         unless=(REFER, WANTED)),
    # "明天下午4点开会，要个8人的会议室": the room is for the meeting being made
    Rule("meeting verb + room request → schedule", ("cue:schedule", "want:rooms", ACTIVITY), "schedule", 3.5,
         unless=("want:remind",)),
    Rule("non-calendar topic → unknown", (OFFTOPIC,), "unknown", 6.0, unless=("want:remind", "want:schedule")),
    Rule("a past time, no request → unknown", (PAST,), "unknown", 1.5, unless=(REQUEST,)),
    Rule("looking up a past event → search", (PAST, "cue:search"), "search", 1.5),
    Rule("a past event is not cancelled now → unknown", (PAST, "cue:cancel"), "unknown", 2.0, unless=(REQUEST,)),
    Rule("a bare question with a time and no cue → unknown", (QUESTION, TIME), "unknown", 0.8,
         unless=(REQUEST, OTHER, "cue:schedule")),
    # "18号全天 外出培训", 15号 团队外出团建: a leave word beside an activity noun, nobody's own leave asked for,
    # is as likely an event away from the office as a leave: neither reading is sure
    Rule("a leave word beside an activity, no leave phrase → may be an event", ("cue:leave", ACTIVITY), "unknown", 1.5,
         unless=(WANTED, SELF)),
    # "明天上午空吗", 今天接下来是什么会: asked of the bot about a time, naming no one and no event — the asker's
    # own day, like the first-person rule above, but with less to go on (so the confidence stays lower)
    Rule("a bare question about a time, no one named → agenda", (QUESTION, TIME), "agenda", 1.2,
         unless=(SELF, PEOPLE, WITH, OTHER, "cue:schedule", OFFTOPIC, DATE_FACT, REQUEST, ACTIVITY, STATEMENT, PAST)),
    # 删除明天的设计评审, 团队早餐删了, "drop my 1:1 with @A": a removal verb on an event is a cancel
    Rule("a removal verb on an event → cancel", (REMOVE, ACTIVITY), "cancel", 3.5, unless=("want:remind",)),
    Rule("a removal verb on an event named by its time → cancel", (REMOVE, REFER), "cancel", 2.5,
         unless=("want:remind", ACTIVITY)),
    # "下一个会是什么时候", "what's my next meeting": the calendar decides which event that is — a look at my day
    Rule("the next meeting, whichever it is → agenda", (NEXT,), "agenda", 6.0,
         unless=(PEOPLE, WITH, "want:remind", "cue:remind", "cue:cancel", "want:cancel", "cue:reschedule",
                 "want:reschedule", "want:invite")),
])


def decide(evidence: frozenset[str] | set[str], rules: tuple[Rule, ...] = RULES) -> Decision:
    """Weigh `evidence` with `rules`: the best intent, its confidence and up to two
    alternatives (other real intents, best first; `unknown` is never offered as one)."""
    scores: dict[str, float] = {"unknown": UNKNOWN_PRIOR}
    fired = []
    for r in rules:
        if all(n in evidence for n in r.needs) and not any(u in evidence for u in r.unless):
            scores[r.intent] = scores.get(r.intent, 0.0) + r.weight
            fired.append(r.name)
    top = max(scores.values())
    total = sum(math.exp(s - top) for s in scores.values()) + math.exp(REST_SCORE - top)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0]
    conf = math.exp(best_score - top) / total
    alts = tuple((it, round(math.exp(s - top) / total, 3)) for it, s in ranked[1:] if it != "unknown")[:2]
    return Decision(best, round(conf, 3), alts, tuple(fired), frozenset(evidence))


Patterns = tuple[tuple[str, "re.Pattern | Words"], ...]


def gather(text: str, cues: list[str], want: Patterns, words: Patterns, activity: bool,
           keep=lambda name, text: True) -> set[str]:
    """The evidence of `text`, the same way in every language: the command-word families
    that matched (`cues`, in rule order), the v2 phrases (`want`, each kept if keep(name,
    text)), an activity noun, and the named word lists (`words`: (evidence, pattern))."""
    ev: set[str] = set()
    if cues:
        ev.add("cue:" + cues[0])
        ev.update("also:" + c for c in cues[1:])
    found: dict[str, int] = {}
    for name, rx in want:
        m = rx.search(text)
        if m and keep(name, text):
            found[name] = min(found.get(name, m.start()), m.start())
    if "rooms" in found:
        found.pop("find_time", None)  # "any room free at 3?", 有空的会议室吗: the room must be free
    ev.update("want:" + name for name in found)
    if len(found) > 1:  # two v2 phrases: the one said first is the request ("remind me … my next meeting")
        (at, lead), (next_at, _) = sorted((v, k) for k, v in found.items())[:2]
        if at < next_at:  # two starting together ("remove … from my calendar"): no lead
            ev.add("lead:" + lead)
    if activity:
        ev.add(ACTIVITY)
    for name, rx in words:
        if name not in ev and rx.search(text):
            ev.add(name)
    if REQUEST in ev:
        ev.discard(REFER)  # "帮我建个明天十点的会": the time names the new event
    if HEARSAY in ev:  # "client said let's meet": the request words are the quoted speaker's
        ev.discard(REQUEST)
    if REQUEST in ev or COLLOQ in ev:
        ev.discard(STATEMENT)  # "i have a dentist appointment friday at 3, put it in": the request rules
    return ev


def judge(evidence: set[str], has_time: bool, has_people: bool, hints: frozenset[str] = frozenset(),
          past: bool = False) -> Decision:
    """decide() over a scanner's evidence plus the facts every language shares."""
    if past:
        evidence.add(PAST)
    if has_time:
        evidence.add(TIME)
    if has_people:
        evidence.add(PEOPLE)
    else:
        evidence.discard("want:invite")  # 加上 / "pull into" whom? an invite names someone
        evidence.discard("lead:invite")
    for e in tuple(evidence):
        if e.startswith("want:"):
            evidence.add(WANTED)
        if (e.startswith("want:") or e.startswith("cue:")) and not e.endswith(":schedule"):
            evidence.add(OTHER)
    return decide(evidence | hints)


def is_past(first, now) -> bool:
    """Whether a parsed start (datetime or date) is already over at `now`."""
    if isinstance(first, dt.datetime):
        return first.tzinfo is not None and first < now - dt.timedelta(minutes=1)
    return isinstance(first, dt.date) and first < now.date()
