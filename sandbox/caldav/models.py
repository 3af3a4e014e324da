"""The CalDAV server's own tables (on the sandbox's Base), both small and additive:

- `CalDavObject` maps a client's resource name (`<href>.ics`) and its iCalendar UID to the
  sandbox series it became. Events Yue or the API made need no row: their href is
  `<series_uid>.ics` and their UID the series uid.
- `CalDavSnapshot` remembers, per sync token, the {href: etag} a client was shown, so
  sync-collection (RFC 6578) answers with the exact difference (changed and removed hrefs)
  whatever changed the calendar: CalDAV, the Feishu API, ACLs or attendance.
"""
from __future__ import annotations

import time

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sandbox.db import Base


class CalDavObject(Base):
    __tablename__ = "cal_dav_objects"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    calendar_id: Mapped[str] = mapped_column(String(128))
    href: Mapped[str] = mapped_column(String(255))            # the resource name, without the collection
    series_uid: Mapped[str] = mapped_column(String(64), index=True)
    ical_uid: Mapped[str] = mapped_column(String(255))
    __table_args__ = (Index("ux_cal_dav_objects_href", "calendar_id", "href", unique=True),)


class CalDavSnapshot(Base):
    __tablename__ = "cal_dav_snapshots"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)   # hash of calendar id + listing
    calendar_id: Mapped[str] = mapped_column(String(128))
    listing: Mapped[dict] = mapped_column(JSON, default=dict)           # href -> etag
    created_at: Mapped[int] = mapped_column(BigInteger, default=lambda: int(time.time()))
