"""HTTP Basic for the CalDAV server: exactly the user name and password that
settings/generate_caldav_conf returned and that are still on record (a device's account
replaced by a newer one, or revoked, no longer opens)."""
from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox import store
from sandbox.calendar_models import CalCaldavConf

REALM = "Yue sandbox CalDAV"


@dataclass(frozen=True)
class DavUser:
    open_id: str
    user_name: str        # the CalDAV login: also the principal's path segment
    time_zone: str


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) from an `Authorization: Basic …` header, None if absent or garbled."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = raw.partition(":")
    return (user, password) if sep else None


def check(s: Session, header: str | None) -> DavUser | None:
    creds = basic_credentials(header)
    if creds is None:
        return None
    user_name, password = creds
    conf = s.scalars(select(CalCaldavConf).where(CalCaldavConf.user_name == user_name)).first()
    # Compare anyway when the name is unknown, so timing does not tell which names exist.
    expected = conf.password if conf is not None else "\0" * 16
    if not hmac.compare_digest(expected.encode(), password.encode()) or conf is None:
        return None
    person = s.get(store.User, conf.user_open_id)
    if person is None or not person.active:
        return None
    return DavUser(open_id=person.open_id, user_name=conf.user_name, time_zone=person.time_zone or "Asia/Shanghai")
