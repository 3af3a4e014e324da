"""The OAuth user-token flow (authen v1): the consent link, code exchange, refresh."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import lark_oapi as lark
from lark_oapi.api.authen.v1 import (CreateOidcAccessTokenRequest, CreateOidcAccessTokenRequestBody,
                                     CreateOidcRefreshAccessTokenRequest, CreateOidcRefreshAccessTokenRequestBody,
                                     GetUserInfoRequest)

from bot.feishu.core import FeishuClient
from bot.feishu.errors import FeishuError
from bot.feishu.models import UTC, TokenGrant

OAUTH_SCOPE = "calendar:calendar calendar:calendar:readonly contact:user.base:readonly offline_access"
ACCOUNTS = {lark.FEISHU_DOMAIN: "https://accounts.feishu.cn", lark.LARK_DOMAIN: "https://accounts.larksuite.com"}


class OAuthMixin(FeishuClient):
    """The consent URL, code exchange and token refresh (authen v1)."""

    def authorize_url(self, redirect_uri: str, state: str, scope: str = OAUTH_SCOPE) -> str:
        """Where to send a person to connect their calendar. Feishu's current page is
        accounts.feishu.cn/open-apis/authen/v1/authorize (client_id, response_type=code,
        redirect_uri, state, scope); the sandbox serves the same path on its domain.
        `offline_access` in the scope is what yields a refresh token."""
        base = ACCOUNTS.get(self.domain, self.domain)
        query = urlencode({"client_id": self.app_id, "response_type": "code", "redirect_uri": redirect_uri,
                           "scope": scope, "state": state})
        return f"{base}/open-apis/authen/v1/authorize?{query}"

    def exchange_code(self, code: str) -> TokenGrant:
        """Authorization code → the person's tokens (authen v1 OIDC, app token), then
        their open_id from authen v1 user_info. A code is single-use, so only
        rate-limit refusals are retried."""
        data = self._call("authen.oidc_access_token", lambda c, o: c.authen.v1.oidc_access_token.create(
            CreateOidcAccessTokenRequest.builder().request_body(
                CreateOidcAccessTokenRequestBody.builder().grant_type("authorization_code").code(code).build()
            ).build(), o), idempotent=False)
        return self._user_token(data)

    def refresh_user_token(self, refresh_token: str) -> TokenGrant:
        """A new token pair; the old refresh token stops working (Feishu rotates them),
        so store the new one. Not retried on 5xx for the same reason."""
        data = self._call("authen.oidc_refresh_access_token", lambda c, o: c.authen.v1.oidc_refresh_access_token.create(
            CreateOidcRefreshAccessTokenRequest.builder().request_body(
                CreateOidcRefreshAccessTokenRequestBody.builder().grant_type("refresh_token")
                .refresh_token(refresh_token).build()).build(), o), idempotent=False)
        return self._user_token(data)

    def user_open_id(self, user_token: str) -> str:
        """Whose token this is (authen v1 user_info)."""
        data = self._call("authen.user_info", lambda c, o: c.authen.v1.user_info.get(
            GetUserInfoRequest.builder().build(), o), idempotent=True, user_token=user_token)
        return data.open_id or ""

    def _user_token(self, data: Any) -> TokenGrant:
        now = dt.datetime.now(UTC)
        access = data.access_token or ""
        if not access:
            raise FeishuError(-1, "token answer without access_token", None, "auth", op="authen")
        refresh_in = getattr(data, "refresh_expires_in", None)
        return TokenGrant(
            access_token=access,
            refresh_token=data.refresh_token or "",
            expires_at=now + dt.timedelta(seconds=int(data.expires_in or 0)),
            refresh_expires_at=now + dt.timedelta(seconds=int(refresh_in)) if refresh_in else None,
            open_id=self.user_open_id(access),
            scope=getattr(data, "scope", None) or "",
        )
