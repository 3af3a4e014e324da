"""sandbox/ws/frames.py: the long connection's protobuf frames, read back with lark-oapi's own
generated class (what the SDK parses) and the acks it writes."""
from __future__ import annotations

import base64
import json

import pytest
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from sandbox.ws import frames


def decode(raw: bytes) -> tuple[Frame, dict]:
    f = Frame()
    f.ParseFromString(raw)
    return f, {h.key: h.value for h in f.headers}


@pytest.mark.parametrize("size, limit, parts", [(10, 10, 1), (11, 10, 2), (30, 10, 3), (1, 100, 1)])
def test_data_frames_split_at_the_limit_and_number_the_parts(size, limit, parts):
    payload = bytes(range(size))
    out = [decode(r) for r in frames.data_frames(7, "event", "m1", "t1", payload, limit, seq_id=3)]
    assert len(out) == parts
    assert [h["seq"] for _, h in out] == [str(i) for i in range(parts)]
    assert {(h["sum"], h["message_id"], h["type"], h["trace_id"]) for _, h in out} == {
        (str(parts), "m1", "event", "t1")}
    assert all(f.method == frames.DATA and f.service == 7 and f.SeqID == 3 for f, _ in out)
    assert b"".join(f.payload for f, _ in out) == payload and all(f.payload for f, _ in out)


def test_pong_carries_the_client_config():
    f, h = decode(frames.pong(4, {"PingInterval": 9}))
    assert (f.method, h["type"], json.loads(f.payload)) == (frames.CONTROL, "pong", {"PingInterval": 9})


def test_parse_reads_an_ack_as_the_sdk_writes_it():
    f, _ = decode(frames.data_frames(1, "event", "m9", "t", b"{}", 100)[0])
    h = f.headers.add()
    h.key, h.value = "biz_rt", "12"
    f.payload = json.dumps({"code": 200, "data": base64.b64encode(b'{"toast": 1}').decode()}).encode()
    ack = frames.parse(f.SerializeToString())
    assert (ack.method, ack.message_id, ack.code, ack.result, ack.biz_rt_ms) == (
        frames.DATA, "m9", 200, b'{"toast": 1}', 12)


@pytest.mark.parametrize("raw", ["text", b"\xff\xfe not protobuf", b"\x08"])
def test_parse_refuses_what_is_not_a_frame(raw):
    with pytest.raises(frames.BadFrame):
        frames.parse(raw)


def test_parse_refuses_an_ack_that_is_not_json():
    f, _ = decode(frames.data_frames(1, "event", "m", "t", b"x", 10)[0])
    f.payload = b"not json"
    with pytest.raises(frames.BadFrame):
        frames.parse(f.SerializeToString())
