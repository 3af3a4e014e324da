"""The long connection's wire format: lark-oapi's `pbbp2.Frame` protobuf (the same generated
class the SDK parses, so the sandbox cannot drift from it).

A frame is `method` 0 (control: ping/pong) or 1 (data: an event or a callback), headers
(`type`, `message_id`, `sum`, `seq`, `trace_id`; the client adds `biz_rt` to its answer) and
a payload. A data payload larger than the frame limit is split into `sum` frames numbered by
`seq` that share one `message_id`; the client reassembles them. The client answers a data
frame by sending the (last) frame back with `{"code": <http status>, "data": <base64 JSON of
a callback's result>}` as its payload: the ack.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from lark_oapi.ws.pb.pbbp2_pb2 import Frame

CONTROL, DATA = 0, 1


def _frame(method: int, service: int, headers: dict[str, str], payload: bytes = b"", seq_id: int = 0) -> bytes:
    f = Frame()
    f.SeqID, f.LogID, f.service, f.method = seq_id, seq_id, service, method
    for k, v in headers.items():
        h = f.headers.add()
        h.key, h.value = k, v
    if payload:
        f.payload = payload
    return f.SerializeToString()


def data_frames(service: int, message_type: str, message_id: str, trace_id: str, payload: bytes,
                limit: int, seq_id: int = 0) -> list[bytes]:
    """One data frame, or `sum` frames of at most `limit` bytes each when the payload is larger."""
    parts = [payload[i:i + limit] for i in range(0, len(payload), limit)] or [b""]
    return [_frame(DATA, service, {"type": message_type, "message_id": message_id, "sum": str(len(parts)),
                                   "seq": str(n), "trace_id": trace_id}, part, seq_id)
            for n, part in enumerate(parts)]


def pong(service: int, client_config: dict) -> bytes:
    """The answer to a ping; it carries the current client config (the SDK applies it)."""
    return _frame(CONTROL, service, {"type": "pong"}, json.dumps(client_config).encode())


@dataclass(frozen=True)
class Inbound:
    """A frame from the client: a ping, or the ack of a data frame."""
    method: int
    type: str
    message_id: str
    code: int | None = None          # the ack's status (200 handled, 500 the handler failed)
    result: bytes | None = None      # a callback's answer (JSON bytes), decoded from base64
    biz_rt_ms: int | None = None


class BadFrame(ValueError):
    """The client sent bytes that are not a frame the protocol knows."""


def parse(raw: bytes | str) -> Inbound:
    if isinstance(raw, str):
        raise BadFrame("text message on a binary protocol")
    f = Frame()
    try:
        f.ParseFromString(raw)
    except Exception as e:           # the protobuf runtime's DecodeError and friends
        raise BadFrame(f"not a pbbp2 frame: {e}") from None
    headers = {h.key: h.value for h in f.headers}
    if f.method == CONTROL:
        return Inbound(CONTROL, headers.get("type", ""), "")
    code, result = None, None
    if f.payload:
        try:
            ack = json.loads(f.payload)
            code = int(ack.get("code"))
            result = base64.b64decode(ack["data"]) if ack.get("data") else None
        except (ValueError, TypeError, AttributeError) as e:
            raise BadFrame(f"ack payload is not {{code, data}} JSON: {e}") from None
    rt = headers.get("biz_rt")
    return Inbound(DATA, headers.get("type", ""), headers.get("message_id", ""), code, result,
                   int(rt) if rt and rt.isdigit() else None)
