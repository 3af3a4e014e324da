"""Fixtures for contract tests: the sandbox alone on a real loopback HTTP server, lark-oapi
clients pointed at it, and user tokens obtained through the OAuth code flow over HTTP.

    def test_x(sandbox_server, lark_client, lark_user_client, user_token):
        token = user_token("ou_alice")
        opt = lark.RequestOption.builder().user_access_token(token).build()
        lark_user_client.calendar.v4.calendar.primary(req, opt)
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import lark_oapi as lark
import pytest
import requests

import sandbox
from bot.config import Settings
from tests.support.live import LiveServer

APP_ID, APP_SECRET = "cli_sandbox_yue", "sandbox-secret"
REDIRECT = "http://127.0.0.1:9/oauth/callback"     # never fetched: the test reads the Location header


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "sandbox_demo_week: seed the believable demo week of calendar events")


@pytest.fixture
def sandbox_settings(request, tmp_path) -> Settings:
    """A fresh SQLite file per test; the tenant is seeded (people, chats, rooms) but the demo
    calendar week only with @pytest.mark.sandbox_demo_week, so contract tests start from clean calendars."""
    demo = request.node.get_closest_marker("sandbox_demo_week") is not None
    return Settings(sandbox_database_url=f"sqlite:///{tmp_path}/sandbox.db", sandbox_retry_delay=0.05,
                    sandbox_empty=not demo, var_dir=str(tmp_path))


@pytest.fixture
def sandbox_today() -> dt.date:
    return dt.date.today()


@pytest.fixture
def sandbox_server(sandbox_settings, sandbox_today) -> Iterator[LiveServer]:
    """The sandbox on http://127.0.0.1:<port> with a fresh seeded database (srv.url, srv.app);
    the sandbox's state is at srv.app.extensions["sandbox"] (db, settings, delivery, limiter)."""
    with LiveServer(lambda port: sandbox.create_app(sandbox_settings.with_(port=port), sandbox_today)) as srv:
        yield srv
        srv.app.extensions["sandbox"].delivery.wait_idle(5)


@pytest.fixture
def sandbox_state(sandbox_server):
    return sandbox_server.app.extensions["sandbox"]


def _client(url: str, set_token: bool) -> lark.Client:
    return (lark.Client.builder().app_id(APP_ID).app_secret(APP_SECRET).domain(url)
            .oauth_base_url(url).enable_set_token(set_token).log_level(lark.LogLevel.ERROR).build())


@pytest.fixture
def lark_client(sandbox_server) -> lark.Client:
    """The bot's client: tenant token fetched automatically."""
    return _client(sandbox_server.url, False)


@pytest.fixture
def lark_user_client(sandbox_server) -> lark.Client:
    """A client that sends the user token given in RequestOption.user_access_token(...)."""
    return _client(sandbox_server.url, True)


def oauth_code(base_url: str, open_id: str, redirect_uri: str = REDIRECT, state: str = "st") -> str:
    """Open the authorize page, pick `open_id`, consent; return the code from the redirect."""
    params = {"app_id": APP_ID, "redirect_uri": redirect_uri, "state": state}
    page = requests.get(f"{base_url}/open-apis/authen/v1/authorize", params=params, timeout=10)
    assert page.status_code == 200 and open_id in page.text, page.text[:300]
    resp = requests.post(f"{base_url}/open-apis/authen/v1/authorize", data={**params, "open_id": open_id,
                         "decision": "allow"}, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text[:300]
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


@pytest.fixture
def user_token(sandbox_server) -> Callable[[str], str]:
    """user_token("ou_alice") → a user access token (`u-…`) from the OAuth code flow over HTTP."""
    def get(open_id: str) -> str:
        code = oauth_code(sandbox_server.url, open_id)
        resp = requests.post(f"{sandbox_server.url}/oauth/v3/token", timeout=10, json={
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": APP_ID, "client_secret": APP_SECRET})
        assert resp.status_code == 200, resp.text
        return resp.json()["access_token"]
    return get


def user_option(token: str) -> lark.RequestOption:
    return lark.RequestOption.builder().user_access_token(token).build()


@pytest.fixture
def timeline(sandbox_state):
    """The sandbox's timeline stopped: delayed effects (room answers, Exchange statuses, the 3 s
    change window) happen only on timeline.advance(seconds), never on the wall clock."""
    sandbox_state.timeline.set_manual(True)
    return sandbox_state.timeline
