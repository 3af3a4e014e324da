"""The console's composer (composer.js): Enter with the @-mention picker open and an option
highlighted picks it; Enter otherwise sends, also right after a trailing @mention."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_console import type_message


def mine(page: Page):
    return page.locator(".msg.mine .bubble")


def expect_sent(page: Page, count: int, text: str, mentioned: str) -> None:
    """The composer emptied, the picker closed, and the `count`th message of mine is `text` with a
    highlighted mention of `mentioned`."""
    expect(page.locator("#composer-input")).to_have_value("")
    expect(page.locator("#mention-popup")).to_be_hidden()
    expect(mine(page)).to_have_count(count)
    expect(mine(page).last).to_contain_text(text)
    expect(mine(page).last.locator(f'.mention[data-open-id="{mentioned}"]')).to_be_visible()


def test_enter_after_a_trailing_mention_sends(sandbox_only, open_page):
    page, errors = open_page(sandbox_only.url + "/?as=ou_alice")
    box = page.locator("#composer-input")
    popup = page.locator("#mention-popup")
    expect(mine(page)).to_have_count(0)

    # Bob picked from the picker (Enter), then the space after him erased: the caret is right after
    # "@Bob", the picker shows again over a mention that is already complete; Enter sends.
    type_message(page, "明天下午3点和 @Bo")
    expect(popup.locator(".mention-option.active")).to_have_attribute("data-open-id", "ou_bob")
    page.keyboard.press("Enter")
    expect(box).to_have_value("明天下午3点和 @Bob ")
    page.keyboard.press("Backspace")
    expect(popup.locator('.mention-option[data-open-id="ou_bob"]')).to_be_visible()
    page.keyboard.press("Enter")
    expect_sent(page, 1, "明天下午3点和", "ou_bob")

    # "@Bob" typed out in full: the picker lists him with nothing highlighted, and Enter sends.
    type_message(page, "明天下午4点和 @Bob")
    expect(popup.locator('.mention-option[data-open-id="ou_bob"]')).to_be_visible()
    expect(popup.locator(".mention-option.active")).to_have_count(0)
    page.keyboard.press("Enter")
    expect_sent(page, 2, "明天下午4点和", "ou_bob")

    # Bob chosen with the mouse, then Enter: sends.
    type_message(page, "明天下午5点和 @Bo")
    popup.locator('.mention-option[data-open-id="ou_bob"]').click()
    expect(box).to_have_value("明天下午5点和 @Bob ")
    page.keyboard.press("Enter")
    expect_sent(page, 3, "明天下午5点和", "ou_bob")

    # Over a complete mention the arrow keys still highlight, and Enter then picks (not sends).
    type_message(page, "明天下午6点和 @Bob")
    page.keyboard.press("ArrowDown")
    expect(popup.locator(".mention-option.active")).to_have_attribute("data-open-id", "ou_bob")
    page.keyboard.press("Enter")
    expect(box).to_have_value("明天下午6点和 @Bob ")
    expect(popup).to_be_hidden()
    expect(mine(page)).to_have_count(3)
    page.keyboard.press("Enter")
    expect_sent(page, 4, "明天下午6点和", "ou_bob")
    assert errors == []
