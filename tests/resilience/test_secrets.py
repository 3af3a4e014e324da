"""Issue 7: user tokens are encrypted at rest, and no token, secret or encrypt key
reaches the logs — checked over a whole OAuth connect + agenda flow at DEBUG level."""
from __future__ import annotations

import logging
import pathlib
from urllib.parse import parse_qsl, urlsplit

import requests

from app import create_app
from tests.support.live import LiveServer
from tests.support.yue import Chatter, card_text, settings_for, url_buttons


def consent(authorize_url: str, open_id: str) -> requests.Response:
    """Pick the person on the sandbox's authorize page and allow; follow to the bot."""
    parts = urlsplit(authorize_url)
    params = dict(parse_qsl(parts.query))
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return requests.post(base, data={**params, "app_id": params.get("client_id", ""), "open_id": open_id,
                                     "decision": "allow"}, timeout=20)


def test_tokens_encrypted_at_rest_and_no_secret_in_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    s = settings_for(tmp_path, YUE_SECRET_KEY="")          # the key is generated into var/
    with LiveServer(lambda port: create_app(s.with_(port=port))) as srv:
        chat = Chatter(srv.url, timeout=30)
        reply = chat.ask("oc_p2p_alice", "ou_alice", "我今天有什么安排")
        urls = url_buttons(reply["card"])
        assert urls, f"expected a connect card, got {card_text(reply['card'])[:300]}"
        done = consent(urls[0], "ou_alice")
        assert done.status_code == 200, done.text[:300]
        callback = dict(parse_qsl(urlsplit(done.history[-1].headers["Location"]).query))
        assert callback.get("code") and callback.get("state")
        answers = chat.wait_reply(reply["parent_id"] or reply["message_id"], "oc_p2p_alice", count=2)
        assert len(answers) >= 2     # the original request is answered after consent
        bot = srv.app.extensions["yue_bot"]
        tok = bot.store.get_user_token("ou_alice")
        assert tok is not None and len(tok.access_token) > 10
        tenant = requests.post(f"{srv.url}/open-apis/auth/v3/tenant_access_token/internal",
                               json={"app_id": s.app_id, "app_secret": s.app_secret}, timeout=10).json()
        secrets = {"access token": tok.access_token, "refresh token": tok.refresh_token,
                   "tenant token": tenant["tenant_access_token"], "app secret": s.app_secret,
                   "encrypt key": s.encrypt_key, "verification token": s.verification_token}
        key_file = pathlib.Path(s.var_dir) / "secret.key"
        assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
        secrets["store key"] = key_file.read_text().strip()
        db_bytes = pathlib.Path(str(tmp_path / "yue.db")).read_bytes()
        for wal in tmp_path.glob("yue.db-wal"):
            db_bytes += wal.read_bytes()
    assert tok.access_token.encode() not in db_bytes
    assert s.verification_token.encode() not in db_bytes       # the inbox keeps events without it
    for private, mode in ((tmp_path / "yue.db", "0o600"), (tmp_path / "sandbox.db", "0o600"),
                          (pathlib.Path(s.var_dir), "0o700")):
        assert oct(private.stat().st_mode & 0o777) == mode, private
    assert tok.refresh_token.encode() not in db_bytes
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert len(caplog.records) > 20, "the flow should have logged something"
    for name, value in secrets.items():
        assert value not in logged, f"the {name} appears in the logs"
    # The server's access log (werkzeug) names the callback without its one-time code and
    # state; the test's own HTTP client (urllib3, at DEBUG) is not the server's log.
    served = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("urllib3"))
    assert "/oauth/callback?code=[redacted]&state=[redacted]" in served
    for name in ("code", "state"):
        assert callback[name] not in served, f"the OAuth {name} appears in the logs"
