"""WebDAV/CalDAV XML: parsing request bodies with defusedxml (the body comes from any client
on the network) and building 207 multistatus answers with ElementTree."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
CS = "http://calendarserver.org/ns/"
ICAL = "http://apple.com/ns/ical/"
for prefix, uri in (("d", DAV), ("cal", CALDAV), ("cs", CS), ("ical", ICAL)):
    ET.register_namespace(prefix, uri)

MAX_BODY = 1024 * 1024


class BadXml(ValueError):
    """A request body that is not well-formed XML, or uses entities (refused outright)."""


def q(ns: str, name: str) -> str:
    """Clark notation, `{DAV:}getetag`, as ElementTree names elements."""
    return f"{{{ns}}}{name}"


def parse(body: bytes) -> ET.Element | None:
    """The document element, None for an empty body."""
    if not body.strip():
        return None
    try:
        return SafeET.fromstring(body)
    except (ET.ParseError, DefusedXmlException) as e:
        raise BadXml(str(e)) from None


@dataclass
class PropRequest:
    """What PROPFIND or a REPORT asks for: named properties, or all of them (allprop / no body)."""
    names: list[str] = field(default_factory=list)
    allprop: bool = False
    propname: bool = False


def prop_request(root: ET.Element | None) -> PropRequest:
    if root is None:
        return PropRequest(allprop=True)
    if root.find(q(DAV, "propname")) is not None:
        return PropRequest(propname=True)
    prop = root.find(q(DAV, "prop"))
    if prop is None:
        return PropRequest(allprop=True)
    return PropRequest(names=[child.tag for child in prop])


def hrefs(root: ET.Element) -> list[str]:
    return [(h.text or "").strip() for h in root.iter(q(DAV, "href")) if (h.text or "").strip()]


class Multistatus:
    """A 207 body: one <response> per resource, found properties under 200 and missing ones under 404."""

    def __init__(self) -> None:
        self.root = ET.Element(q(DAV, "multistatus"))

    def resource(self, href: str, found: dict[str, object], missing: list[str] = (),
                 forbidden: list[str] = ()) -> None:
        resp = ET.SubElement(self.root, q(DAV, "response"))
        ET.SubElement(resp, q(DAV, "href")).text = href
        for status, props in (("200 OK", found), ("404 Not Found", {name: None for name in missing}),
                              ("403 Forbidden", {name: None for name in forbidden})):
            if not props:
                continue
            propstat = ET.SubElement(resp, q(DAV, "propstat"))
            prop = ET.SubElement(propstat, q(DAV, "prop"))
            for name, value in props.items():
                put_value(ET.SubElement(prop, name), value)
            ET.SubElement(propstat, q(DAV, "status")).text = f"HTTP/1.1 {status}"

    def status(self, href: str, status: str) -> None:
        resp = ET.SubElement(self.root, q(DAV, "response"))
        ET.SubElement(resp, q(DAV, "href")).text = href
        ET.SubElement(resp, q(DAV, "status")).text = f"HTTP/1.1 {status}"

    def sync_token(self, token: str) -> None:
        ET.SubElement(self.root, q(DAV, "sync-token")).text = token

    def to_bytes(self) -> bytes:
        return ET.tostring(self.root, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class Href:
    """A property whose value is <href>…</href> (principal URLs, home sets)."""
    url: str


@dataclass(frozen=True)
class Elements:
    """A property whose value is empty child elements (resourcetype, privileges, component sets)."""
    items: tuple[ET.Element, ...]


def put_value(el: ET.Element, value: object) -> None:
    if value is None:
        return
    if isinstance(value, Href):
        ET.SubElement(el, q(DAV, "href")).text = value.url
    elif isinstance(value, Elements):
        el.extend(value.items)
    else:
        el.text = str(value)


def empty(ns: str, tag: str, **attrs: str) -> ET.Element:
    return ET.Element(q(ns, tag), attrs)


def wrapped(outer: tuple[str, str], inner: tuple[str, str]) -> ET.Element:
    """<outer><inner/></outer>, e.g. <privilege><read/></privilege>."""
    el = ET.Element(q(*outer))
    ET.SubElement(el, q(*inner))
    return el


def error(ns: str, name: str) -> bytes:
    """A precondition error body, e.g. <d:error><d:valid-sync-token/></d:error>."""
    root = ET.Element(q(DAV, "error"))
    ET.SubElement(root, q(ns, name))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
