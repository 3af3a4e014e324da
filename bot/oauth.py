"""A person's own calendar needs their user token: get it (refreshing when due), or
send the "connect your calendar" card and answer the original request after consent."""
from __future__ import annotations

import datetime as dt
import html
import logging
import re

from flask import Blueprint, request

from . import cards
from .feishu import FeishuError
from .inbox import kinds

log = logging.getLogger("yue.oauth")

REFRESH_MARGIN = dt.timedelta(minutes=5)
# The callback's one-time `code` and `state` would sit in every access log line of it.
_ONE_TIME_PARAMS = re.compile(r"([?&](?:code|state)=)[^&\s\"']*")


def redact(text: str) -> str:
    return _ONE_TIME_PARAMS.sub(r"\1[redacted]", text)


class RedactOAuthParams(logging.Filter):
    """Removes OAuth `code`/`state` values from access log records: werkzeug's (a tuple of
    arguments) and gunicorn's (a dict of atoms). Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


for _access_log in ("werkzeug", "gunicorn.access"):
    logging.getLogger(_access_log).addFilter(RedactOAuthParams())


def redirect_uri(bot) -> str:
    return f"{bot.settings.base_url}/oauth/callback"


def fresh_token(bot, open_id: str) -> str | None:
    """The person's access token, refreshed when due; None when they must connect again.
    The one way to a user token, for a message and for a card click alike."""
    tok = bot.store.get_user_token(open_id)
    if tok is not None and tok.expires_at - REFRESH_MARGIN > bot.now():
        return tok.access_token
    if tok is not None and tok.refresh_token:
        try:
            new = bot.feishu.refresh_user_token(tok.refresh_token)
            bot.store.save_user_token(open_id, new.access_token, new.refresh_token,
                                      new.expires_at, new.refresh_expires_at)
            return new.access_token
        except FeishuError as e:
            log.info("refresh for %s failed (code=%s): asking to connect again", open_id, e.code)
    return None


def user_token(ctx, reason: str) -> str | None:
    """The sender's access token, or None after sending the connect card."""
    bot = ctx.bot
    token = fresh_token(bot, ctx.sender.open_id)
    if token is not None:
        return token
    state = bot.store.create_oauth_state(ctx.sender.open_id, ctx.chat_id, {"payload": ctx.raw})
    url = bot.feishu.authorize_url(redirect_uri(bot), state)
    card = cards.connect_card(url, ctx.lang, reason=reason)
    if ctx.private:
        mid = ctx.reply(card, key="connect")
    else:  # the link is personal: send it privately, say so in the group
        mid = bot.feishu.send_card(ctx.sender.open_id, card, "open_id", key=f"{ctx.message_id}:connect")
        ctx.reply(cards.status_card("sent_privately", ctx.lang), key="connect-note")
    if mid:
        bot.store.attach_oauth_card(state, mid, ctx.lang)
    return None


def blueprint(bot) -> Blueprint:
    bp = Blueprint("oauth", __name__)

    @bp.get("/oauth/callback")
    def callback():
        code, state = request.args.get("code", ""), request.args.get("state", "")
        taken = bot.store.take_oauth_state(state) if state else None
        if not code or taken is None:
            return _page("This link has expired or was already used. Ask Yue again in the chat. "
                         "链接已失效，请回到聊天中重新发送请求。"), 400
        open_id, _chat_id, resume = taken
        try:
            tok = bot.feishu.exchange_code(code)
        except FeishuError as e:
            log.warning("oauth code exchange failed: code=%s msg=%s log_id=%s", e.code, e.msg, e.log_id)
            return _page("Feishu did not accept the authorization. Please try again. 授权失败，请重试。"), 400
        if tok.open_id and tok.open_id != open_id:
            return _page("You signed in as someone else than the person who asked. "
                         "登录的账号与发起请求的人不一致。"), 403
        bot.store.save_user_token(open_id, tok.access_token, tok.refresh_token, tok.expires_at,
                                  tok.refresh_expires_at)
        resume = resume if isinstance(resume, dict) else {}
        if resume.get("card"):
            try:   # the connect card's button is spent: say so on the card itself
                bot.feishu.update_card(resume["card"], cards.status_card("connected", resume.get("lang") or "zh"))
            except FeishuError as e:
                log.info("connect card not updated: code=%s log_id=%s", e.code, e.log_id)
        payload = resume.get("payload")
        item = resume.get("item")
        if payload:
            bot.resume_message(payload, state)
        elif isinstance(item, dict):          # a click to finish (an RSVP), not a message
            bot.resume_item(item.get("kind", ""), item.get("payload") or {}, state)
        kinds.queue(bot, kinds.WATCH, f"{open_id}:{state}", {"open_id": open_id})
        return _page("Your calendar is connected — go back to the chat. 日历已连接，请回到聊天。")

    return bp


def _page(text: str) -> str:
    return ("<!doctype html><meta charset=utf-8><title>Yue</title>"
            f"<body style='font-family:sans-serif;margin:3em'><h2>Yue (约)</h2><p>{html.escape(text)}</p>")
