"""Settings: the one place that reads the environment.

Everything else receives a `Settings` object. A bad value stops start-up with
one line that names the variable (`ConfigError`), never a traceback.
"""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FEISHU_DOMAIN = "https://open.feishu.cn"
MODES = ("sandbox", "feishu")
# all: acknowledge and process in one process (python app.py); web: only acknowledge (and
# answer card clicks), leaving the inbox to `python -m bot.worker` processes (role worker).
ROLES = ("all", "web", "worker")
# How Feishu's events reach the bot: HTTP callbacks to /feishu/events, or the long connection
# the bot dials out (lark.ws.Client; no public URL needed). See bot/transport/.
TRANSPORTS = ("http", "ws")

# The seeded sandbox app (see sandbox/seed.py): public demo credentials, not secrets.
SANDBOX_APP_ID = "cli_sandbox_yue"
SANDBOX_APP_SECRET = "sandbox-secret"
SANDBOX_ENCRYPT_KEY = "sandbox-encrypt-key"
SANDBOX_VERIFICATION_TOKEN = "sandbox-verification-token"
SANDBOX_TENANT_KEY = "736588c9260f175d"   # the sandbox's one tenant (sandbox/store.py)


N = TypeVar("N", int, float)


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the variable."""


def _number(env: Mapping[str, str], name: str, default: N, lo: N, hi: N, kind: Callable[[str], N],
            what: str) -> N:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    return _number(env, name, default, lo, hi, int, "a whole number")


def _float(env: Mapping[str, str], name: str, default: float, lo: float, hi: float) -> float:
    return _number(env, name, default, lo, hi, float, "a number")


@dataclass(frozen=True)
class Settings:
    mode: str = "sandbox"
    app_id: str = SANDBOX_APP_ID
    app_secret: str = field(default=SANDBOX_APP_SECRET, repr=False)
    encrypt_key: str = field(default=SANDBOX_ENCRYPT_KEY, repr=False)
    verification_token: str = field(default=SANDBOX_VERIFICATION_TOKEN, repr=False)
    feishu_domain: str = FEISHU_DOMAIN
    database_url: str = "sqlite:///var/yue.db"
    sandbox_database_url: str = "sqlite:///var/sandbox.db"
    redis_url: str | None = None        # REDIS_URL: where all instances keep Feishu's rate windows
    secret_key: str | None = field(default=None, repr=False)  # YUE_SECRET_KEY; sandbox generates one under var/
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None      # where Feishu (or the sandbox) reaches this app
    default_tz: str = "Asia/Shanghai"
    workers: int = 8                    # the worker pool for message handling
    role: str = "all"
    transport: str = "http"             # YUE_TRANSPORT
    worker_nice: int = 10               # a worker process yields the CPU to acknowledgements
    sandbox_empty: bool = False         # sandbox without the believable demo week
    sandbox_retry_delay: float = 3.0    # seconds between the sandbox's re-deliveries (Feishu: longer)
    log_level: str = "INFO"
    var_dir: str = "var"
    tenant_key: str | None = None       # FEISHU_TENANT_KEY: events of any other tenant are dropped
    retention_days: int = 30            # inbox items, seen ids, drafts once finished (bot/scheduler/housekeeping.py)
    job_lease_s: float = 60.0           # a scheduler that dies mid-job gives the job up after this

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def platform_url(self) -> str:
        """Where the Open Platform answers: Feishu, or in sandbox mode this very app."""
        return self.base_url if self.mode == "sandbox" else self.feishu_domain

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        g = lambda name, default="": (env.get(name) or default).strip()  # noqa: E731
        app_id, secret = g("FEISHU_APP_ID"), g("FEISHU_APP_SECRET")
        mode = g("YUE_MODE", "feishu" if app_id else "sandbox").lower()
        if mode not in MODES:
            raise ConfigError(f"YUE_MODE must be one of {', '.join(MODES)}, got {mode!r}")
        transport = g("YUE_TRANSPORT", "http").lower()
        if transport not in TRANSPORTS:
            raise ConfigError(f"YUE_TRANSPORT must be one of {', '.join(TRANSPORTS)}, got {transport!r}")
        if mode == "feishu":
            if not app_id:
                raise ConfigError("FEISHU_APP_ID is required when YUE_MODE=feishu")
            if not secret:
                raise ConfigError("FEISHU_APP_SECRET is required when FEISHU_APP_ID is set")
            if transport == "http" and not g("FEISHU_VERIFICATION_TOKEN"):
                # lark-oapi refuses every HTTP event without it (see docs/lark-oapi-notes.md).
                raise ConfigError("FEISHU_VERIFICATION_TOKEN is required in feishu mode "
                                  "(Feishu console → Events and callbacks → Encryption strategy)")
        domain = g("FEISHU_DOMAIN", FEISHU_DOMAIN).rstrip("/")
        if not domain.startswith(("http://", "https://")):
            raise ConfigError(f"FEISHU_DOMAIN must start with http:// or https://, got {domain!r}")
        tz = g("YUE_DEFAULT_TZ", "Asia/Shanghai")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"YUE_DEFAULT_TZ must be an IANA time zone such as Asia/Shanghai, got {tz!r}") from None
        var_dir = g("YUE_VAR_DIR", "var")
        # The SQLite files live in the var dir unless a URL says otherwise (a fresh YUE_VAR_DIR is a fresh start).
        db = g("DATABASE_URL", f"sqlite:///{os.path.join(var_dir, 'yue.db')}")
        for name, url in (("DATABASE_URL", db), ("SANDBOX_DATABASE_URL", g("SANDBOX_DATABASE_URL", "x://"))):
            if "://" not in url:
                raise ConfigError(f"{name} must be a SQLAlchemy URL such as sqlite:///var/yue.db, got {url!r}")
        role = g("YUE_ROLE", "all").lower()
        if role not in ROLES:
            raise ConfigError(f"YUE_ROLE must be one of {', '.join(ROLES)}, got {role!r}")
        level = g("LOG_LEVEL", "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
        empty = g("SANDBOX_EMPTY", "0").lower()
        if empty not in ("0", "1", "true", "false", "yes", "no"):
            raise ConfigError(f"SANDBOX_EMPTY must be 0 or 1, got {empty!r}")
        sandbox = mode == "sandbox"
        return cls(
            mode=mode,
            # The sandbox only knows its seeded app, whatever FEISHU_APP_ID says.
            app_id=SANDBOX_APP_ID if sandbox else app_id,
            app_secret=SANDBOX_APP_SECRET if sandbox else secret,
            encrypt_key=g("FEISHU_ENCRYPT_KEY", SANDBOX_ENCRYPT_KEY if sandbox else ""),
            verification_token=g("FEISHU_VERIFICATION_TOKEN", SANDBOX_VERIFICATION_TOKEN if sandbox else ""),
            feishu_domain=domain,
            database_url=db,
            sandbox_database_url=g("SANDBOX_DATABASE_URL", f"sqlite:///{os.path.join(var_dir, 'sandbox.db')}"),
            redis_url=g("REDIS_URL") or None,
            secret_key=g("YUE_SECRET_KEY") or None,
            host=g("HOST", "127.0.0.1"),
            port=_int(env, "PORT", 8000, 1, 65535),
            public_url=g("YUE_PUBLIC_URL") or None,
            default_tz=tz,
            workers=_int(env, "YUE_WORKERS", 8, 1, 256),
            role=role,
            transport=transport,
            worker_nice=_int(env, "YUE_WORKER_NICE", 10, 0, 19),
            sandbox_empty=empty in ("1", "true", "yes"),
            sandbox_retry_delay=_float(env, "SANDBOX_RETRY_DELAY", 3.0, 0.0, 3600.0),
            log_level=level,
            var_dir=var_dir,
            tenant_key=SANDBOX_TENANT_KEY if sandbox else (g("FEISHU_TENANT_KEY") or None),
            retention_days=_int(env, "YUE_RETENTION_DAYS", 30, 1, 3650),
            job_lease_s=_float(env, "YUE_JOB_LEASE_S", 60.0, 1.0, 3600.0),
        )


def settings_or_exit(prog: str = "yue") -> Settings:
    """Settings from the environment for an entry point, with logging set up; a bad value
    ends the process with one line naming the variable (exit status 2), never a traceback."""
    try:
        settings = Settings.from_env()
    except ConfigError as e:
        print(f"{prog}: configuration error: {e}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return settings


def zone(name: str | None, default: str = Settings.default_tz) -> ZoneInfo:
    """`name` as a zone; None, empty or unknown → `default` (the bot's one default,
    `Settings.default_tz`). Never raises: a zone Feishu or a person gave us that this
    machine does not know must not break an answer."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)
