"""CalDAV tests: the whole app (`create_app`, as `python app.py` serves it) on a loopback port,
with the demo week seeded, and CalDAV accounts minted through the real settings API with a
user token from the OAuth code flow. The client side is the `caldav` PyPI package."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Callable, Iterator

import caldav
import pytest
import requests

from tests.flow.conftest import Yue, start_yue, stop_yue
from tests.sandbox.conftest import APP_ID, APP_SECRET, REDIRECT, oauth_code


@dataclass(frozen=True)
class Account:
    server: str
    user: str
    password: str

    def client(self, password: str | None = None, url: str | None = None) -> caldav.DAVClient:
        return caldav.DAVClient(url=url or self.server, username=self.user,
                                password=self.password if password is None else password)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Yue]:
    var = tmp_path_factory.mktemp("caldav")
    srv, settings = start_yue(f"sqlite:///{var}/yue.db", var)
    try:
        yield Yue(srv, settings)
    finally:
        stop_yue(srv)


def user_token(url: str, open_id: str) -> str:
    code = oauth_code(url, open_id)
    resp = requests.post(f"{url}/oauth/v3/token", timeout=10, json={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": APP_ID, "client_secret": APP_SECRET})
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def generate(url: str, token: str, device: str) -> Account:
    r = requests.post(f"{url}/open-apis/calendar/v4/settings/generate_caldav_conf", json={"device_name": device},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200 and r.json()["code"] == 0, r.text
    d = r.json()["data"]
    return Account(d["server_address"], d["user_name"], d["password"])


@pytest.fixture(scope="module")
def account(app: Yue) -> Callable[[str, str], Account]:
    """account("ou_alice", "iPhone") → fresh credentials for that device (replacing older ones)."""
    tokens: dict[str, str] = {}

    def make(open_id: str, device: str = "test") -> Account:
        if open_id not in tokens:
            tokens[open_id] = user_token(app.url, open_id)
        return generate(app.url, tokens[open_id], device)
    make.tokens = tokens
    return make


def week_of(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=7)
