"""Fixtures for the console's browser tests: Debian's Chromium driven by Playwright (sync API),
the app on a real loopback server, and pages that record every console error and page error.

    def test_x(yue_server, open_page):
        page, errors = open_page(yue_server.url + "/?as=ou_alice")
        ...
        assert errors == []
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from collections.abc import Callable, Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_ROOT = Path(__file__).resolve().parents[2]
# A test run must not change tracked files: screenshots go to build/screenshots (ignored by git)
# unless YUE_UPDATE_SCREENSHOTS=1 asks to refresh the ones the README shows (docs/screenshots).
SCREENSHOTS = _ROOT / ("docs" if os.environ.get("YUE_UPDATE_SCREENSHOTS") == "1" else "build") / "screenshots"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian package `chromium`; .ci/run installs it)",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

import sandbox  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.support.live import LiveServer  # noqa: E402


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _settings(tmp: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp}/yue.db", sandbox_database_url=f"sqlite:///{tmp}/sandbox.db",
                    sandbox_retry_delay=0.05, var_dir=str(tmp), log_level="WARNING")


@pytest.fixture
def sandbox_only(tmp_path) -> Iterator[LiveServer]:
    """The sandbox and its console without the bot: for rendering and input tests."""
    settings = _settings(tmp_path)
    with LiveServer(lambda port: sandbox.create_app(settings.with_(port=port), dt.date.today())) as srv:
        yield srv
        srv.app.extensions["sandbox"].delivery.wait_idle(5)


@pytest.fixture
def yue_server(tmp_path) -> Iterator[LiveServer]:
    """Everything `python app.py` serves in sandbox mode: the bot, the sandbox, the console."""
    from app import create_app
    settings = _settings(tmp_path)
    with LiveServer(lambda port: create_app(settings.with_(port=port))) as srv:
        yield srv
        ext = srv.app.extensions.get("sandbox")
        if ext is not None:
            ext.delivery.wait_idle(5)


@pytest.fixture
def open_page(chromium) -> Iterator[Callable[..., tuple[Page, list[str]]]]:
    """open_page(url, width=1280, height=800) → (page, errors): errors collects console errors
    and uncaught page errors for the test to assert on."""
    contexts = []

    def open_(url: str, width: int = 1280, height: int = 800, timezone_id: str = "Europe/Berlin"):
        # The browser's own zone differs from every person's on purpose: the grid must follow the person.
        ctx = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                   timezone_id=timezone_id)
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(20000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.goto(url)
        page.wait_for_selector("#chat-list .chat-item.active", state="attached")
        return page, errors

    yield open_
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def shot() -> Callable[[Page, str], None]:
    """shot(page, "console-1-proposal") saves <SCREENSHOTS>/console-1-proposal.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str) -> None:
        page.wait_for_timeout(300)     # let the toast/flash animations settle
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    return save
