"""A CalDAV server over the sandbox's calendar tables, so a real phone or desktop calendar can
sync the demo company's calendars with the credentials generate_caldav_conf hands out.

Why not Radicale: its storage plugin API (`BaseCollection`) assumes it owns items as vobject
files with its own locking, hrefs and history cache, and its auth/rights/config are process-
global; bending it over the sandbox's tables (series rows, exceptions, attendance, ACLs,
materialised occurrences) would have meant re-implementing most of that API anyway, plus
mounting a second WSGI app. The protocol surface real clients use is small, so it is served
here directly, with `icalendar` for every byte of iCalendar, `defusedxml` to parse request XML
and ElementTree to write multistatus answers.

Modules: auth (HTTP Basic against the issued credentials), davxml (XML in and out), ics (series
↔ VCALENDAR), collections (what a login sees, ETags, ctag, sync snapshots), writes (PUT/DELETE
as sandbox row changes), props (WebDAV properties), routes (the HTTP methods).

Not supported, on purpose: scheduling (iTIP inbox/outbox: invitations go through Yue), VTODO,
RDATE, RANGE=THISANDFUTURE, the `expand` element of calendar-data (clients expand), MKCALENDAR
and PROPPATCH (calendars and their names live in Feishu). Attendees in a PUT are not invited.
"""
