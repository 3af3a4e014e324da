"""English evidence for the decision layer (intents/decide.py): word lists → evidence names.

The command-word families (intents/en/intent_words.py) give the `cue:` evidence; this
module adds request and colloquial words, question and report words, non-calendar topics,
the v2 intents' own phrases (`want:`), and the action words (intents/actions.py). Text is the prepared,
lower-cased text of intents.en.numbers.prepare.
"""
from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from . import decide as d
from .actions import ActionWords
from .patterns import compile_words
from .en import intent_words


def _C(rx: str):
    return compile_words(rx, re.I)


# (the command verbs — book, schedule, add … — are cues already: these are the polite and modal words)
REQUEST = _C(r"\b(?:put|add|stick|pop|block)\s+(?:it|that|this)\b|"  # an imperative on "it": put it in
             r"\b(?:can|could|would|will)\s+(?:we|you|u)\b|\blet'?s\b|\bplease\b|\bpls\b|\bplz\b|\bgrab\b|"
             r"\b(?:i|we)\s+(?:need|want|would\s+like|'d\s+like)\s+to\b|\bi'?d\s+like\b|"
             r"\bsend\s+(?:an?\s+)?invite\b|\bhow\s+about\b|\bwhat\s+about\b|\bare\s+you\s+free\b|\bwanna\b|\bshall\s+we\b|"
             r"\bworks?\s*(?:for\s+(?:you|u|everyone|all|y'?all|both\s+of\s+you))?\s*\?|\bsounds?\s+good\s*\?|\b(?:ok|okay|cool)\s*\?\s*$")
COLLOQ = _C(r"\bcatch(?:ing)?[\s-]?up\b|\bwalk\s+(?:\w+\s+)?through\b|\bgrab\s+(?:\d+|a|an|some|half)\b|\bsync\s+up\b|"
            r"\b(?:hop|jump)\s+on\s+(?:a\s+)?(?:call|zoom|meet)\b|\btouch\s+base\b|\bgo\s+over\b|\brun\s+through\b|"
            r"\bcircle\s+back\b|\bhuddle\b|\bpair\s+on\b|\bchat\s+about\b|\bquick\s+(?:call|chat|sync)\b|\bcatchup\b|"
            r"\bget\s+together\b|\bmeet\s+up\b|\bsit\s+down\s+with\b|\bw/\s*")
# Activity nouns beyond the command rules' meeting nouns (intent_words._MEETING_NOUN).
ACTIVITY = _C(r"\b(?:planning|hackathon|prep|bug\s+bash|party|dentist|doctor|appointment|crit|dinner|breakfast|brunch|"
              r"sign-?off|training|onboarding|all[\s-]hands|book\s+club|town\s?hall|presentation|meetup|webinar|class|"
              r"lesson|seminar|church|haircut|checkup|check-up|zoom(?!\s+(?:link|url|id|password))|advisory\s+board|board\s+meeting|committee|webex|game\s+night|movie\s+night|potluck|karaoke|trivia|jam|whiteboard(?:ing)?|brainstorm(?:ing)?|conference|happy\s+hour|drinks|sprint|grooming|refinement|retrospective|check-?in|"
              r"walkthrough|pairing|debrief|post-?mortem|deep\s+dive|hangout|celebration|farewell|orientation|"
              r"ceremony|appraisal|1:1s|one-on-ones|office\s+hours|q&a|ama|standups|syncs|calls|meetings|events)\b")
# how, when, is …: a question word, as against a bare question mark ("3:30 today design crit?" proposes)
WH = _C(r"^\s*(?:how|what|when|which|who|where|is|are|am|do|does|did|any|was|were)\b|"
        r"\b(?:what|when|where|which|who|how|whose|why)(?:'?s)?\b|\b(?:anyone|anybody|someone|somebody)\b")
QMARK = _C(r"\?\s*$")
QUESTION = _C(r"\?|^\s*(?:how|what|when|which|who|where|is|are|am|do|does|did|any)\b")
REPORT = _C(r"(?<!when\s)(?<!where\s)(?<!what\s)(?<!which\s)(?<!how\s)\b(?:was|were)\b|"
            r"(?<!what\s)(?<!when\s)(?<!where\s)(?<!how\s)(?<!\w'\s)(?<!^)\b(?:is|are)\s+(?:at|on|tomorrow|today|tonight|moved|over|"
            r"done|off\s+(?!for)|cancell?ed|pointless|useless|boring|fun|great|long)\b|"
            r"^\s*who\s+(?:set|picked|booked|organi[sz]ed|made|sent|created|scheduled|invited|moved|cancell?ed|called)\b|"
            r"\b(?:fun|pointless|useless|boring|awesome|terrible|great|nice|good\s+job|well\s+done|congrats|kudos|"
            r"running\s+(?:\d+\s*min(?:ute)?s?\s+)?late|late\s+(?:to|for)|on\s+my\s+way|omw|be\s+there\s+by|decided|can'?t\s+believe|thx|thanks\s+for|thank\s+you\s+for|"
            r"see\s+you|fyi|btw|ugh|missed|sorry|apologies|broken|broke|since|back[\s-]to[\s-]back|no\s+time\s+to|by\s+eod|by\s+end\s+of|took\s+(?:an?\s+|\d+\s+)?(?:hour|hours|minutes|forever|ages))\b|"
            r"^\s*off\s+to\b|\b(?:recording|slides|deck|notes|doc|document|meeting\s+minutes)\s+(?:of|from|for)\b|"
            r"(?<!time\s)(?<!what\s)(?<!when\s)(?<!where\s)\b(?:had|did|went|lol|haha|brb|ran|got\s+out|just\s+(?:finished|wrapped|ended|got|left|had)|"
            r"back\s+from|back\s+at|recorded|recording\s+is|notes\s+(?:are|from)|minutes\s+(?:are|from)|"
            r"already\s+(?:sent|posted|shared|done|happened)|too\s+many\s+meetings|fewer\s+meetings|"
            r"\b(?:is|are|was|were)\s+(?:such|so|really|very|kinda|pretty|super|totally)\s+(?:a\s+)?\w+|"
            r"\b(?:we|they|he|she|someone|somebody|i)\s+(?:already\s+)?(?:moved|cancell?ed|rescheduled|pushed|postponed|booked|scheduled)\b|"
            r"\bit'?s\s+a\s+(?:bank\s+|public\s+)?holiday\b|\bas\s+usual\b|\bi'?m\s+(?:in|stuck\s+in)\s+(?:meetings|calls|a\s+meeting|back-to-back)\b|\balready\s+(?:have|got|booked|scheduled)\b|\b(?:crashed|froze|died)\b|\b(?:is|are)\s+(?:every|always|usually|normally)\b|\bpray\s+for\s+me\b|\bwish\s+me\s+luck\b|\bsend\s+help\b|"
            r"\b(?:got|been|gets)\s+(?:bumped|moved|cancell?ed|pushed|postponed|rescheduled|changed|dropped|shifted)\b|"
            r"overran|ran\s+(?:long|over|late)|took\s+forever|again\b(?!\s+(?:on|at|next|tomorrow)))\b")
OFFTOPIC = _C(r"\b(?:weather|forecast|rain(?:ing|y)?|snow(?:ing)?|temperature|umbrella|alarms?|wake\s+me|timer|"
              r"music|songs?|playlist|podcast|radio|order\s+(?:food|pizza|a\s+pizza|takeout|coffee)|takeout|"
              r"taxi|uber|lyft|lights?\b|thermostat|stocks?|news|joke|recipe|traffic|volume|"
              r"play\s+(?:some\s+)?(?:music|songs?|jazz|rock)|translate|exchange\s+rate|cab|table\s+for|restaurant|flight|"
              r"hotel|train\s+tickets?|groceries|delivery|package|parcel|"
              r"order\s+(?:\w+\s+)?(?:lunch|dinner|food|pizza|coffee|takeout|breakfast|sushi)|"
              r"send\s+(?:an?\s+)?(?:email|e-mail|text|sms|message)|what\s+time\s+is\s+it|headlines|"
              r"(?:shopping|grocery|groceries|to[\s-]?do)\s+list|grab\s+(?:car|ride|taxi|food)|order\s+(?:a|an|some|my|me|more)\s+(?:grab|uber|lyft|cab|taxi|ride)|"
              r"^\s*(?:call|phone|ring|dial)\s+(?!with\b|w/|about\b|re\b)[a-z]+(?:'s\s+(?:cell|mobile|phone))?\s*$|book\s+a\s+table|table\s+at|in\s+the\s+world|world\s+news|bus|buses|tube|subway|metro|tram|ferry|tv|television|episode|netflix|coffee\s+(?:machine|maker)|vacuum|heater|blinds|curtains|"
              r"(?:turn|switch)\s+(?:on|off)\s+the\s+(?:tv|television|fan|oven|kettle|ac|air\s+con\w*|dishwasher|washer|sprinklers?)|"
              r"(?:call|phone|ring|text|facetime)\s+(?:my\s+)?(?:mom|mum|mother|dad|father|parents|wife|husband|"
              r"kids?|son|daughter|grandma|grandpa|brother|sister|girlfriend|boyfriend))\b")
DATE_FACT = _C(r"\bwhen\s+is\s+(?:christmas|thanksgiving|easter|new\s+year'?s?|labou?r\s+day|memorial\s+day|halloween|"
               r"the\s+holiday|chinese\s+new\s+year|diwali|ramadan)|\bwhat\s+(?:day|date)\s+is\b|"
               r"\bhow\s+many\s+days\s+(?:until|till|to|left)\b|\bwhat'?s\s+the\s+date\b")
# An existing event named by its time (tomorrow's standup, the 3pm sync): a reference.
REFER = _C(r"\b(?:today|tomorrow|tmrw?|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)'s\s+\w+|"
           r"\bthe\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?\s+(?:meeting|sync|call|review|standup|1:1|demo|interview)\b")
# A declarative clause: a subject pronoun followed by a verb other than a wish, a subject noun phrase
# followed by a finite verb, "there's …", or a sentence opening with a past participle ("been in …").
STATEMENT = _C(r"^\s*(?:i|we|they|he|she)\s+(?!need\b|want\b|wanna\b|would\b|'d\b|should\b|must\b|have\s+to\b|"
               r"gotta\b|will\b|'ll\b|can\b|could\b)[a-z']+|"
               r"^\s*(?:the|my|our|this|that|his|her|their|[a-z]+'s)\s+(?:[\w:'-]+\s+){0,5}?"
               r"(?:is|are|was|were|got|gets|has|had|seems|looks|wants|moved|ran|went|starts|runs|[a-z]{3,}ed)\b|"
               r"^\s*(?:there'?s|there\s+(?:is|are)|it'?s|been|just\s+(?:saw|got|had|finished|back))\b")
SELF = _C(r"\b(?:i|i'm|my|me)\b")
# A hedge (seems, looks like, i think) or a third party's event as the subject (their meeting …): reserve.
HEDGE = _C(r"\b(?:seems?|looks\s+like|i\s+think|i\s+guess|probably)\b|^\s*(?:they|their|his|her|he|she)\b")
REMOVE = _C(r"^\s*(?:please\s+)?(?:delete|drop|scrap|remove|nix|kill)\b")
NEXT = _C(r"\bnext\s+(?:meeting|call|event|appointment)\b")
# Reported speech: someone said / told me / heard that …
HEARSAY = _C(r"\b(?:said|says|told\s+(?:me|us)|heard|apparently)\b")
PAST_WORDS = _C(r"\b(?:yesterday|last\s+(?:week|month|year|time|night)|earlier\s+today|ago)\b")

WANT: tuple[tuple[str, re.Pattern], ...] = (
    ("subscribe", _C(r"^(?=.*\bcalendar\b).*?\b(?:un)?sub(?:scribe)?\b(?!.{0,12}\bmy\s+calendar\b)|\b(?:add|remove|follow|unfollow)\s+the\s+(?:\w+\s+){1,4}calendar\b|\b(?:un)?subscribe\b(?!\s+(?:to\s+)?my\s+calendar)(?=.{0,40}\b(?:calendar|feed)\b)|"
                     r"\b(?:follow|unfollow)\s+the\s+.{1,30}\bcalendar\b|\bstop\s+following\b|"
                     r"\b(?:which|what)\s+calendars\s+(?:am|do)\s+i\s+(?:subscribed|subscribe|following|follow)\b")),
    ("exchange", _C(r"\bexchange\b(?!\s+rate)|\bews\b")),
    ("remind", _C(r"\b(?:notify|alert)\s+me\b|\bheads[\s-]?up\s+(?:before|\d|half|an?\b|when)|\b(?:\d+|half\s+an?|an?)\s*-?\s*"
                  r"(?:min(?:ute)?s?|hours?)\s+heads[\s-]?up\b|\bremind(?:er|ers)?\b|\bdon'?t\s+let\s+me\s+forget\b|\b(?:ping|nudge)\s+me\b")),
    ("digest", _C(r"\bsend\s+me\b.{0,25}\b(?:agenda|schedule|calendar|day|daily|summar(?:y|ies)|digest|meetings|events)\b|"
                  r"\b(?:daily|weekly|morning)\s+(?:agenda|schedule|summar(?:y|ies))\b|"
                  r"\b(?:daily|morning|weekly)\s+(?:digest|summary|agenda\s+email|briefing|rundown)\b|\bdigest\b|"
                  r"\b(?:stop|quit|no\s+more|don'?t)\s+(?:sending|send)\b(?:\s+me)?(?:\s+(?:my|the|that|this|daily|every))?")),
    ("rooms", _C(r"\brooms?\b.{0,20}\b(?:free|available|open)\b|\b(?:free|available|empty|open)\s+(?:meeting\s+|"
                 r"conference\s+)?rooms?\b|\ba\s+room\s+for\b|\bis\s+there\s+a\s+room\b|\bany\s+(?:[\w-]+\s+)?rooms?\b|"r"\b(?:find|any|which|what|free|available|empty|list|show)\s+(?:me\s+|us\s+)?(?:a|an|the|some)?\s*"
                 r"(?:free\s+|empty\s+|available\s+|open\s+|meeting\s+|conference\s+|big\s+|small\s+)*rooms?\b|"
                 r"\b(?:need|book|reserve|get)\s+(?:me\s+|us\s+)?(?:a|an)\s+(?:free\s+|empty\s+|meeting\s+|conference\s+|"
                 r"big\s+|small\s+)*rooms?\b|\brooms?\s+(?:are\s+|is\s+)?(?:available|free|open)\b|"
                 r"\bis\s+(?:room\s+)?\w+(?:\s+room)?\s+(?:free|available|taken|booked)\b(?=.*\broom\b)")),
    ("rsvp", _C(r"\b(?:i\s+)?(?:can'?t|cannot|won'?t\s+be\s+able\s+to|unable\s+to|not\s+able\s+to)\s+(?:make|attend|join|come\s+to)\b|"
                r"\b(?:decline|accept|rsvp)\b|\bcount\s+me\s+(?:in|out)\b|\bi'?ll\s+be\s+there\b|\bi'?m\s+(?:in|out)\s+for\b|"
                r"\b(?:maybe|tentative(?:ly)?)\s+(?:for|on|yes)\b|\bi'?ll\s+(?:join|attend|skip)\b|\bskip(?:ping)?\s+the\b|"
                r"\bskip\s+me\b|\bi'?ll\s+be\s+at\s+the\b|\bwon'?t\s+make\s+it\b|\bnot\s+coming\s+to\b|\bcan'?t\s+come\b|"
                r"^\s*(?:yes|no)\s+to\s+the\b")),
    ("share", _C(r"\bwho\s+(?:can|has\s+access\s+to|sees)\s+(?:see\s+|view\s+)?my\s+(?:calendar|schedule)\b|"
                 r"\bwho\s+(?:have\s+i|did\s+i)\s+share|\b(?:stop|quit)\s+sharing\b|\bunshare\b|\brevoke\b|"
                 r"\blet\s+.{0,30}\b(?:edit|see|view|manage)\s+my\s+(?:calendar|schedule)\b|"
                 r"\b(?:remove|take\s+away)\s+.{0,30}\baccess\s+to\s+my\s+calendar\b|\b(?:write|edit|read)\s+access\b|"
                 r"\bmanage\s+my\s+cal(?:endar)?\b|\bsee\s+when\s+i'?m\s+(?:busy|free)\b|\bcalendar\s+shares\b")),
    ("leave", _C(r"\b(?:won'?t|will\s+not|can'?t)\s+be\s+in\b|\bfeeling\s+(?:sick|ill|unwell)\b|\b(?:i'?m|i\s+am)\s+(?:sick|ill)\b|"
                 r"\bcalling\s+in\s+sick\b|\btaking\s+.{0,30}\boff\b|\bout\s+sick\b|\boff\s+for\s+me\b|"
                 r"\b(?:mon|tues|wednes|thurs|fri|satur|sun|to)day\s+off\b|\btomorrow\s+off\b|"
                 r"^\s*(?:i'?m\s+)?out\s+(?:today|tomorrow|tmr|this|next|on|all|from|until|till)\b|\bworking\s+from\s+home\b(?=.*\b(?:sick|ill)\b)|\bdoctor'?s\s+appointment\b(?=.*\bout\b)")),
    ("find_time", _C(r"\bfind\s+(?:me\s+|us\s+)?(?:a|an|one)\s+(?:free|open|spare)\s+(?:hour|slot|half[\s-]hour|\d+\s*min\w*)\b|\bam\s+i\s+(?:free|available)\b|\bfree\b[^.!]*\?|\bgot\s+(?:any\s+)?(?:time|\d+\s*min|a\s+slot)|\banyone\s+free\b|"
                     r"\b(?:any|a)\s+(?:\d+\s*-?\s*min(?:ute)?s?\s+)?slots?\b|\bwhen\s+can\s+(?:i|we)\s+get\s+time\b|"
                     r"\bwhen'?s\s+.{0,25}\bfree\b|\bsomewhere\b[^.!]*\?|\b(?:is|are)\s+.{0,30}\baround\b|\bwhen\s+works\b|\bwhat\s+works\s+for\b|\bany\s+(?:gaps?|openings?)\b|"
                     r"\bdoes\s+.{0,30}\bhave\s+(?:time|a\s+slot|\d+\s*min)|\bwhen\s+(?:can|could)\s+\w+\s+(?:and\s+\w+\s+)?meet\b")),
    ("agenda", _C(r"^\s*(?:my|this\s+week'?s|next\s+week'?s|today'?s|tomorrow'?s)\s+(?:schedule|calendar|agenda|itinerary|plans)\s*(?:\?|$|(?:for|on)\b(?!.*\b(?:add|put|book|block|share|sync)\b))|"
                  r"\bhow\s+(?:busy|packed|full|booked)\b|\bwhat\s+(?:do\s+i\s+have|have\s+i\s+got|'?s\s+(?:on\s+)?(?:my|the)\s+"
                  r"(?:calendar|schedule|agenda|day))\b|\bwhat\s+(?:meetings|events)\b|\bwhat'?s\s+(?:next|up\s+next)\b|"
                  r"\bmy\s+next\s+meeting\b|\bdo\s+i\s+have\s+(?:anything|any|something|a\s+meeting|meetings)\b|"
                  r"\bwhat'?s\s+(?:on|left|up)\b(?!\s+with)|\bwhat'?s\s+my\s+\w+\s+(?:look(?:ing)?\s+)?like\b|\b(?:show|open|pull\s+up)\s+(?:me\s+|up\s+)?(?:this|next|today'?s|tomorrow'?s|the)\s+.{0,12}\b(?:calendar|schedule|agenda)\b|"
                  r"\b(?:how|what)\s+(?:does|do|is)\s+(?!.*\bavailab).{0,25}\blook(?:ing)?\b|\bany(?:thing|\s+(?:more\s+)?(?:meetings?|calls?|events?))\b|"
                  r"\bhow\s+many\s+(?:meetings|calls|events|appointments)\b|\bread\s+(?:me|out|back)\b|"
                  r"\b(?:rundown|run-down|overview|recap)\s+of\s+(?:my|the|today'?s|tomorrow'?s|this|next)\b|\b(?:meetings|events|schedule|agenda|calendar|cal)\s*\?\s*$|"
                  r"\bis\s+there\s+(?:a|an|any)\s+(?:meeting|event|call)s?\b|"
                  r"\b(?:list|show)\s+(?:me\s+)?(?:my\s+|all\s+|the\s+)?(?:events|meetings|appointments)\b|"
                  r"\bwhat'?s\s+happening\b|\bwhat\s+am\s+i\s+(?:doing|up\s+to)\b|\bhow'?s\s+my\s+(?:day|week|morning|afternoon|schedule|calendar)\b|^\s*(?:is|am)\s+(?:i\s+)?(?:today|tomorrow|tmrw|(?:mon|tues|wednes|thurs|fri|satur|sun)day|this\s+\w+|next\s+\w+)\s+(?:busy|packed|full|free|open|clear)\b|\bdo\s+i\s+have\s+(?:any\s+)?plans\b|"
                  r"\bis\s+my\s+(?:calendar|schedule|day|afternoon|morning|evening)\s+(?:clear|free|open|empty)\b|\b(?:tell|give|read)\s+me\s+(?:my|the)\s+(?:schedule|agenda|appointments|meetings|events|calendar|plans)\b|^\s*my\s+day\b|\bmy\s+(?:next|first|1st|last)\s+(?:meeting|call|event)\b|\bshow\s+(?:me\s+)?my\b(?!.*\bshares?\b)")),
    ("caldav", _C(r"\b(?:see|view|show|get|open)\b.{0,30}\b(?:in|on)\s+(?:my\s+)?(?:outlook|ipad|iphone|phone|android|mac|"
                  r"google\s+calendar|apple\s+calendar)\b|\b(?:phone|iphone|android|ipad|mac|macbook|outlook|google\s+calendar|apple\s+calendar)\b.{0,40}"
                  r"\b(?:show|see|display|get|sync|pull)\b.{0,30}\b(?:meetings|events|calendar|schedule)\b|"
                  r"\b(?:see|show|get)\s+(?:my\s+|these\s+|the\s+)?(?:meetings|events|calendar)\s+(?:on|in)\s+my\s+"
                  r"(?:phone|iphone|android|ipad|mac)\b")),
    ("cancel", _C(r"\bclear\s+(?:out\s+)?(?:today|tonight|tomorrow|tmrw|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b|\b(?:take|get|knock)\b.{0,40}\boff\s+(?:my|the)\s+(?:calendar|schedule|agenda)\b|\bget\s+rid\s+of\b|\bis\s+off\b|\bnuke\b|\berase\b|\bwipe\b|\bdrop\s+the\b|\bremove\s+(?:the|my|all|every)\b(?!.{0,40}\bcalendar\b).{0,30}"
                  r"\b(?:meetings?|sync|calls?|events?|appointments?|review|standup|retro|interview|demo|lunch|dinner|1:1|session|kickoff|\d+\s*(?:am|pm)|o'?clock)\b|"
                  r"\b(?:remove|take\s+off|delete|drop|clear)\b.{0,40}\bfrom\s+(?:my|the)\s+(?:calendar|schedule|agenda)\b|\bclear\s+(?:out\s+)?(?:my|the|all)\b.{0,20}\b(?:calendar|schedule|day|afternoon|morning|meetings?|events?|calls?)\b|"
                  r"\bdrop\s+(?:my|the)\b.{0,30}\b(?:meeting|sync|call|event|appointment)\b")),
    ("reschedule", _C(r"\b(?:push|move|shift|bump|pull)\s+(?:the\s+|my\s+|our\s+)?[\w:' -]{1,30}?\s+(?:back\s+|forward\s+)?to\s+"
                      r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)?\b|(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|tmrw|next|later|the\s+\d)|"
                      r"\b(?:change|switch)\s+(?:my|the|our|this|that|\w+'s)\b.{0,40}\b(?:to|till|until)\b|"
                      r"\b(?:be|get)\s+(?:pushed|moved|shifted|bumped|rescheduled|changed|postponed)\b|\bbump\b|\s->\s|→")),
    ("invite", _C(r"\b(?:pull|bring|loop|add)\b\s{2,}.{0,30}\b(?:to|into|in)\b")),  # (with a mention: decide.judge)
    ("search", _C(r"\bwhat\s+time'?s\s+(?:the|my|our)\b|\bwhat\s+time\s+did\s+(?:i|we|you)\s+(?:set|book|schedule|put|make)\b|\b(?:when'?s|when\s+is|what\s+time\s+is|where'?s|where\s+is|which\s+day\s+is|what\s+day\s+is)\s+(?!.*\b(?:free|available|around)\b)"
                  r"(?!my\s+(?:next|first|last)\s+(?:meeting|call|event|appointment)s?\b)"
                  r"(?:the|my|our|\w+\s+(?:club|review|sync|meeting|call|breakfast|lunch|dinner|standup|retro|demo|offsite|party))\b")),
    ("help", _C(r"^\W*help\b|\bhelp\W*$|\bwhat\s+are\s+you\s+for\b|\bhow\s+to\s+use\s+(?:this|you|yue)\b|"
                r"\b(?:list|show)\s+(?:me\s+)?your\s+commands\b|\bhow\s+does\s+(?:this|the|yue)\s*(?:bot)?\s+work\b")),
    ("schedule", _C(r"\b(?:add|put)\b.{0,60}\b(?:to|on|in)\s+(?:my|the)\s+(?:calendar|schedule|agenda)\b|"
                    r"\b(?:add|create|make|set)\s+(?:an?\s+|new\s+)+(?:meeting|event|appointment|call)\b|"
                    r"\badd\s+(?:meeting|event|appointment|lunch|dinner|call)\b|\bnew\s+(?:meeting|event|appointment)\b")),
)
_RSVP_EVENT = _C(r"\b(?:meeting|sync|call|review|standup|stand-up|1:1|demo|session|event|invite|retro|interview|lunch|"
                 r"dinner|party|workshop|offsite|kickoff|it|\d+\s*(?:am|pm))\b|\bthe\s+\w+")

_OFF = _C(r"\b(?:stop|quit|no\s+more|don'?t|unsub|unsubscribe|unfollow|turn\s+off|disable|cancel|pause|off|remove|drop)\b")
_SHARE_LIST = _C(r"\bwho\s+(?:can|has|have|sees|did\s+i|have\s+i)\b|\blist\b.{0,20}\b(?:shares|sharing|access)\b")
_SHARE_REVOKE = _C(r"\b(?:stop|quit|unshare|revoke|remove|take\s+away|no\s+longer|don'?t\s+let)\b")
_EX_UNBIND = _C(r"\b(?:unbind|unlink|disconnect|remove|detach|unpair)\b")
_EX_STATUS = _C(r"\?|\b(?:is|are|status|linked\s+yet|connected\s+yet|still)\b|^\W*(?:exchange)?\W*$")
_RSVP_DECLINE = _C(r"\b(?:can'?t|cannot|won'?t|unable|not\s+able|not\s+coming|decline|out|skip(?:ping)?|no)\b")
_RSVP_MAYBE = _C(r"\b(?:maybe|tentative(?:ly)?|might|not\s+sure)\b")


WORDS: d.Patterns = ((d.REQUEST, REQUEST), (d.COLLOQ, COLLOQ), (d.QUESTION, QUESTION), (d.WH, WH), (d.QMARK, QMARK), (d.REPORT, REPORT),
                     (d.OFFTOPIC, OFFTOPIC), (d.DATE_FACT, DATE_FACT), (d.PAST, PAST_WORDS), (d.REFER, REFER),
                     (d.STATEMENT, STATEMENT), (d.SELF, SELF), (d.HEARSAY, HEARSAY), (d.HEDGE, HEDGE),
                     (d.REMOVE, REMOVE), (d.NEXT, NEXT))


def _keep(name: str, s: str) -> bool:
    return name != "rsvp" or bool(_RSVP_EVENT.search(s) or ACTIVITY.search(s))  # rsvp to what?


def evidence(s: str, has_time: bool, has_people: bool, w: AbstractSet[str]) -> set[str]:
    """The evidence names of prepared English text `s` (`w`: its letter runs)."""
    return d.gather(s, intent_words.cues(s, has_time, has_people, w), WANT, WORDS,
                    intent_words.has_activity(s, w) or bool(ACTIVITY.search(s)), _keep)


ACTIONS = ActionWords(share_list=_SHARE_LIST, share_revoke=_SHARE_REVOKE, off=_OFF, unbind=_EX_UNBIND,
                      status=_EX_STATUS, decline=_RSVP_DECLINE, maybe=_RSVP_MAYBE)
