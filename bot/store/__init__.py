"""The bot's state, on SQLAlchemy at `DATABASE_URL` — the only package that
touches the bot's database. One module per table family, composed into one
`Store` (see `core` for the concurrency rules every module follows):

* `inbox`        — the durable inbox and the seen ids (claim once)
* `drafts`       — drafts and their compare-and-set transitions
* `tokens`       — encrypted user tokens
* `caldav`       — CalDAV accounts minted per device (password encrypted like tokens)
* `oauth_states` — OAuth `state` values
* `prefs`        — a person's preferences
* `links`        — Exchange bindings, watched calendars, meetings Yue booked
* `cache`        — the shared key → JSON cache, housekeeping of expired rows
* `retention`    — pruning finished drafts (the scheduler's housekeeping job runs it)
* `jobs`         — scheduled jobs (reminders, digests), leased to one worker at a time
* `tables`       — the tables and the records the store hands out
"""
from __future__ import annotations

from bot.store.cache import CacheStore
from bot.store.caldav import CaldavStore
from bot.store.core import pg_driver_url
from bot.store.drafts import DraftStore, idempotency_key, stable_uuid
from bot.store.inbox import InboxStore
from bot.store.jobs import JobStore
from bot.store.links import ExchangeLink, LinksStore, Meeting
from bot.store.oauth_states import OAuthStateStore
from bot.store.prefs import PrefsStore
from bot.store.retention import RetentionStore
from bot.store.tables import DRAFT_STATUSES, CaldavAccount, Draft, InboxItem, Job, Prefs, UserToken
from bot.store.tokens import TokenStore, derive_fernet_key

__all__ = [
    "Store", "Draft", "InboxItem", "UserToken", "Prefs", "DRAFT_STATUSES", "CaldavAccount", "Job",
    "ExchangeLink", "Meeting", "idempotency_key", "stable_uuid", "derive_fernet_key", "pg_driver_url",
]


class Store(InboxStore, DraftStore, CaldavStore, TokenStore, OAuthStateStore, PrefsStore, CacheStore, JobStore,
            RetentionStore, LinksStore):
    """The bot's database. Construct with `Store(settings)` or
    `Store(url, secret_key, var_dir)`, call `create_all()` once at start-up."""
