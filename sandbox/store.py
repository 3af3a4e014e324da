"""The sandbox platform's tables: the tenant (app, people, chats, messages, rooms) and the
credentials it has issued. Calendar v4 tables live in calendar_models.py on the same Base.

Times are stored as Unix seconds (floats) for token expiry and Unix milliseconds (ints) for
messages, because those are the units Feishu puts on the wire and converting once here keeps
route code free of clock arithmetic.
"""
from __future__ import annotations

import hashlib
import hmac
import time

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.db import Base

# One tenant per sandbox; Feishu shows tenant_key as an opaque hex string in every push.
TENANT_KEY = "736588c9260f175d"

TENANT_TOKEN_TTL = 7200          # seconds, what Feishu returns in `expire`
TOKEN_WINDOW = 5400              # a new token every 90 min, so the current one always has >= 30 min left
USER_TOKEN_TTL = 7200
REFRESH_TOKEN_TTL = 30 * 86400
OAUTH_CODE_TTL = 300


def now_ms() -> int:
    return int(time.time() * 1000)


class App(Base):
    __tablename__ = "sb_apps"
    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(128), default="")
    bot_open_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    encrypt_key: Mapped[str] = mapped_column(String(128), default="")
    verification_token: Mapped[str] = mapped_column(String(128), default="")
    event_url: Mapped[str | None] = mapped_column(String(512), nullable=True)
    card_url: Mapped[str | None] = mapped_column(String(512), nullable=True)


class IssuedToken(Base):
    """Tenant/app tokens handed out. Validation recomputes the HMAC (see `app_token_for`), so a
    fresh database still honours the token a long-lived SDK cache holds; this table is the record."""
    __tablename__ = "sb_issued_tokens"
    token: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))            # tenant | app
    app_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_apps.app_id"))
    issued_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float)


class User(Base):
    __tablename__ = "sb_users"
    open_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    union_id: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    en_name: Mapped[str] = mapped_column(String(128), default="")
    email: Mapped[str] = mapped_column(String(256), default="")
    mobile: Mapped[str] = mapped_column(String(32), default="")
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    language: Mapped[str] = mapped_column(String(8), default="zh")       # zh | en | ja
    job_title: Mapped[str] = mapped_column(String(128), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)    # False = resigned (195100)

    @property
    def display_name(self) -> str:
        return self.en_name or self.name


class UserToken(Base):
    __tablename__ = "sb_user_tokens"
    access_token: Mapped[str] = mapped_column(String(128), primary_key=True)
    refresh_token: Mapped[str] = mapped_column(String(128), unique=True)
    app_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_apps.app_id"))
    open_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_users.open_id"))
    scope: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[float] = mapped_column(Float)
    refresh_expires_at: Mapped[float] = mapped_column(Float)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)   # set when refreshed: refresh tokens are single-use


class OAuthCode(Base):
    __tablename__ = "sb_oauth_codes"
    code: Mapped[str] = mapped_column(String(128), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_apps.app_id"))
    open_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_users.open_id"))
    redirect_uri: Mapped[str] = mapped_column(String(1024), default="")
    scope: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[float] = mapped_column(Float)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class Chat(Base):
    __tablename__ = "sb_chats"
    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_type: Mapped[str] = mapped_column(String(16))        # group | p2p
    name: Mapped[str] = mapped_column(String(256), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    owner_open_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class ChatMember(Base):
    __tablename__ = "sb_chat_members"
    chat_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_chats.chat_id"), primary_key=True)
    open_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_users.open_id"), primary_key=True)
    joined_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class Message(Base):
    __tablename__ = "sb_messages"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # polling cursor
    message_id: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    chat_id: Mapped[str] = mapped_column(String(64), ForeignKey("sb_chats.chat_id"), index=True)
    sender_id: Mapped[str] = mapped_column(String(64))          # open_id for users, app_id for the bot
    sender_type: Mapped[str] = mapped_column(String(16))        # user | app
    msg_type: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)                  # the JSON string exactly as Feishu stores it
    mentions: Mapped[str] = mapped_column(Text, default="[]")   # JSON array of {key, open_id, name}
    parent_id: Mapped[str] = mapped_column(String(64), default="")
    root_id: Mapped[str] = mapped_column(String(64), default="")
    thread_id: Mapped[str] = mapped_column(String(64), default="")
    uuid: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Room(Base):
    __tablename__ = "sb_rooms"
    room_id: Mapped[str] = mapped_column(String(64), primary_key=True)     # omm_…
    name: Mapped[str] = mapped_column(String(128))
    en_name: Mapped[str] = mapped_column(String(128), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    building: Mapped[str] = mapped_column(String(128), default="")
    floor: Mapped[str] = mapped_column(String(32), default="")
    room_level_id: Mapped[str] = mapped_column(String(64), default="")     # the floor's level id
    description: Mapped[str] = mapped_column(Text, default="")
    is_disabled: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def display_name(self) -> str:
        return f"{self.en_name} {self.name}".strip() if self.en_name and self.en_name != self.name else self.name


class RoomLevel(Base):
    """Buildings and floors, as vc v1 room_level exposes them (a tree: building → floor)."""
    __tablename__ = "sb_room_levels"
    room_level_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    parent_id: Mapped[str] = mapped_column(String(64), default="0")     # "0" = tenant root


class Meta(Base):
    """Small key/value facts about the sandbox itself (seed date, schema marks)."""
    __tablename__ = "sb_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


# --- token arithmetic -------------------------------------------------------------------------

def app_token_for(app: App, kind: str, window: int) -> str:
    """Deterministic token for (app, kind, 90-minute window): a restart, or a brand-new database
    for the same app, recognises the token a process-wide SDK cache still holds."""
    mac = hmac.new(app.secret.encode(), f"{kind}:{app.app_id}:{window}".encode(), hashlib.sha256)
    return ("t-" if kind == "tenant" else "a-") + mac.hexdigest()[:40]


def issue_app_token(s: Session, app: App, kind: str, now: float | None = None) -> tuple[str, int]:
    """The token the app gets now and its remaining lifetime in seconds."""
    now = time.time() if now is None else now
    window = int(now // TOKEN_WINDOW)
    token = app_token_for(app, kind, window)
    expires = window * TOKEN_WINDOW + TENANT_TOKEN_TTL
    if s.get(IssuedToken, token) is None:
        _record_token(s, dict(token=token, kind=kind, app_id=app.app_id, issued_at=now, expires_at=expires))
    return token, int(expires - now)


def _record_token(s: Session, row: dict) -> None:
    """Record an issued token; concurrent first requests in one window issue the same token,
    so a duplicate is not an error (check-then-insert alone would fail the losers with a 500)."""
    dialect = s.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        ins = sqlite_insert if dialect == "sqlite" else pg_insert
        s.execute(ins(IssuedToken).values(**row).on_conflict_do_nothing())
    else:
        s.add(IssuedToken(**row))


def check_app_token(s: Session, token: str, now: float | None = None) -> tuple[App, str] | None:
    """(app, kind) for a valid tenant/app token, else None. Tokens of the current and previous
    window are valid (each lives 7200 s and windows are 5400 s long)."""
    now = time.time() if now is None else now
    window = int(now // TOKEN_WINDOW)
    kind = "tenant" if token.startswith("t-") else "app" if token.startswith("a-") else None
    if kind is None:
        return None
    for app in s.scalars(select(App)):
        for w in (window, window - 1):
            if hmac.compare_digest(app_token_for(app, kind, w), token) and w * TOKEN_WINDOW + TENANT_TOKEN_TTL > now:
                return app, kind
    return None
