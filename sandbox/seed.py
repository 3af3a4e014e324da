"""The seeded tenant, with fixed ids so tests, docs and demos can name them: the app and its bot,
twelve people across time zones, the team group and a private chat per person, and the rooms."""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import logging
from typing import Any

from sqlalchemy.orm import Session

from sandbox import store

log = logging.getLogger("sandbox.seed")

BOT_OPEN_ID = "ou_yue_bot"
BOT_NAME = "Yue (约)"
TEAM_CHAT = "oc_team"

# key, Chinese/display name, English name, time zone, language, job title, city
PEOPLE = [
    ("alice", "王丽", "Alice Wang", "Asia/Shanghai", "zh", "Product Manager", "Shanghai"),
    ("bob", "李博", "Bob Li", "Asia/Shanghai", "zh", "Engineering Lead", "Shanghai"),
    ("carol", "Carol Chen", "Carol Chen", "America/Los_Angeles", "en", "Designer", "San Francisco"),
    ("dave", "周大伟", "Dave Zhou", "Europe/London", "en", "Account Manager", "London"),
    ("erin", "佐藤恵", "Erin Sato", "Asia/Tokyo", "en", "Data Scientist", "Tokyo"),
    ("frank", "Frank Miller", "Frank Miller", "America/New_York", "en", "Sales Director", "New York"),
    ("grace", "陈美玲", "Grace Tan", "Asia/Singapore", "en", "Operations Manager", "Singapore"),
    ("henry", "张浩", "Henry Zhang", "Asia/Shanghai", "zh", "Backend Engineer", "Beijing"),
    ("ivy", "刘静", "Ivy Liu", "Asia/Shanghai", "zh", "HR Business Partner", "Shenzhen"),
    ("jonas", "Jonas Weber", "Jonas Weber", "Europe/Berlin", "en", "Solutions Architect", "Berlin"),
    ("kevin", "黄凯", "Kevin Huang", "Asia/Shanghai", "zh", "Frontend Engineer", "Hangzhou"),
    ("lin", "赵琳", "Lin Zhao", "Asia/Shanghai", "zh", "Finance Analyst", "Shanghai"),
]

BUILDING = ("rl_hq", "HQ Tower 总部大楼")
FLOORS = {"3F": "rl_hq_3f", "5F": "rl_hq_5f", "6F": "rl_hq_6f"}

# id, Chinese name, English name, seats, floor, description
ROOMS = [
    ("omm_everest", "珠峰", "Everest", 12, "3F", "Video conferencing, whiteboard"),
    ("omm_kunlun", "昆仑", "Kunlun", 6, "3F", "Screen"),
    ("omm_taishan", "泰山", "Taishan", 4, "5F", "Quiet room"),
    ("omm_huangshan", "黄山", "Huangshan", 8, "5F", "Video conferencing"),
    ("omm_emei", "峨眉", "Emei", 2, "5F", "Phone booth"),
    ("omm_changbai", "长白", "Changbai", 20, "6F", "Town hall, projector"),
]


def sync_app(s: Session, settings: Any) -> store.App:
    """The app as the developer console would have it configured: credentials and keys from the
    settings, callback URLs at the bot's base URL (refreshed each start: the port may change)."""
    app = s.get(store.App, settings.app_id)
    if app is None:
        app = store.App(app_id=settings.app_id, secret=settings.app_secret, name=BOT_NAME, bot_open_id=BOT_OPEN_ID)
        s.add(app)
    app.secret = settings.app_secret
    app.encrypt_key = settings.encrypt_key or ""
    app.verification_token = settings.verification_token or ""
    app.event_url = f"{settings.base_url}/feishu/events"
    app.card_url = f"{settings.base_url}/feishu/cards"
    return app


def seed_directory(s: Session) -> None:
    s.add(store.User(open_id=BOT_OPEN_ID, union_id="on_yue_bot", user_id="yue_bot", name=BOT_NAME,
                     en_name="Yue", is_bot=True, language="zh", time_zone="Asia/Shanghai"))
    for key, name, en, tz, lang, title, city in PEOPLE:
        s.add(store.User(open_id=f"ou_{key}", union_id=f"on_{key}", user_id=key, name=name, en_name=en,
                         email=f"{key}@example.com", mobile="", time_zone=tz, language=lang,
                         job_title=title, city=city))
    s.flush()
    s.add(store.Chat(chat_id=TEAM_CHAT, chat_type="group", name="Team 团队", owner_open_id="ou_alice",
                     description="Everyone at the demo company, and Yue"))
    s.add(store.ChatMember(chat_id=TEAM_CHAT, open_id=BOT_OPEN_ID))
    for key, *_ in PEOPLE:
        s.add(store.ChatMember(chat_id=TEAM_CHAT, open_id=f"ou_{key}"))
        p2p = f"oc_p2p_{key}"
        s.add(store.Chat(chat_id=p2p, chat_type="p2p", name="", owner_open_id=f"ou_{key}"))
        s.add(store.ChatMember(chat_id=p2p, open_id=f"ou_{key}"))
        s.add(store.ChatMember(chat_id=p2p, open_id=BOT_OPEN_ID))
    s.add(store.RoomLevel(room_level_id=BUILDING[0], name=BUILDING[1], parent_id="0"))
    for floor, level in FLOORS.items():
        s.add(store.RoomLevel(room_level_id=level, name=floor, parent_id=BUILDING[0]))
    for room_id, name, en, seats, floor, desc in ROOMS:
        s.add(store.Room(room_id=room_id, name=name, en_name=en, capacity=seats, building=BUILDING[1],
                         floor=floor, room_level_id=FLOORS[floor], description=desc))
    s.flush()


def seed(s: Session, settings: Any, today: dt.date | None = None) -> bool:
    """Seed once per database. Returns True if it seeded now. `settings.sandbox_empty` leaves out
    the demo calendar week, not the tenant: without people and rooms nothing could be tried."""
    sync_app(s, settings)
    if s.get(store.Meta, "seeded") is not None:
        return False
    today = today or dt.date.today()
    seed_directory(s)
    s.add(store.Meta(key="seeded", value=today.isoformat()))
    if not settings.sandbox_empty:
        # The calendar part is optional for the platform core; find_spec (not a broad except
        # ImportError) so a real import error inside seed_calendar is not silently swallowed.
        if importlib.util.find_spec("sandbox.seed_calendar") is not None:
            importlib.import_module("sandbox.seed_calendar").seed(s, today)
    s.flush()
    log.info("sandbox seeded for %s", today.isoformat())
    return True
