"""Contract: auth v3 tokens, the tenant/user token split, and the OAuth code flow, through lark-oapi."""
from __future__ import annotations

import json

import lark_oapi as lark
import pytest
import requests
from lark_oapi.api.auth.v3 import InternalAppAccessTokenRequest, InternalAppAccessTokenRequestBody
from lark_oapi.api.auth.v3 import InternalTenantAccessTokenRequest, InternalTenantAccessTokenRequestBody
from lark_oapi.api.authen.v1 import (CreateOidcAccessTokenRequest, CreateOidcAccessTokenRequestBody,
                                     CreateOidcRefreshAccessTokenRequest, CreateOidcRefreshAccessTokenRequestBody,
                                     GetUserInfoRequest)
from lark_oapi.api.contact.v3 import GetUserRequest
from lark_oapi.api.vc.v1 import ListRoomRequest, SearchRoomRequest, SearchRoomRequestBody
from lark_oapi.core.exception import AccessTokenException

from tests.sandbox.conftest import APP_ID, APP_SECRET, REDIRECT, oauth_code, user_option


def _tenant_token(client: lark.Client, secret: str = APP_SECRET, app_id: str = APP_ID):
    body = InternalTenantAccessTokenRequestBody.builder().app_id(app_id).app_secret(secret).build()
    return client.auth.v3.tenant_access_token.internal(InternalTenantAccessTokenRequest.builder().request_body(body).build())


def test_tenant_token_is_flat_and_deterministic(lark_client):
    resp = _tenant_token(lark_client)
    raw = json.loads(resp.raw.content)
    assert resp.raw.status_code == 200 and raw["code"] == 0 and raw["msg"] == "ok"
    assert raw["tenant_access_token"].startswith("t-") and 1800 <= raw["expire"] <= 7200
    assert "data" not in raw
    assert json.loads(_tenant_token(lark_client).raw.content)["tenant_access_token"] == raw["tenant_access_token"]
    assert resp.get_log_id()


def test_tenant_token_errors_are_http_200_with_feishu_codes(lark_client):
    bad_secret = _tenant_token(lark_client, secret="wrong")
    assert bad_secret.raw.status_code == 200 and bad_secret.code == 10014
    unknown = _tenant_token(lark_client, app_id="cli_nobody")
    assert unknown.raw.status_code == 200 and unknown.code == 10003


def test_app_access_token(lark_client):
    body = InternalAppAccessTokenRequestBody.builder().app_id(APP_ID).app_secret(APP_SECRET).build()
    resp = lark_client.auth.v3.app_access_token.internal(InternalAppAccessTokenRequest.builder().request_body(body).build())
    raw = json.loads(resp.raw.content)
    assert raw["code"] == 0 and raw["app_access_token"].startswith("a-") and raw["expire"] > 0


def test_sdk_with_a_wrong_secret_cannot_call_anything(sandbox_server):
    client = lark.Client.builder().app_id("cli_other").app_secret("x").domain(sandbox_server.url).build()
    with pytest.raises(Exception) as e:
        client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_alice").build())
    assert "10003" in str(e.value) or "invalid param" in str(e.value)


def test_gateway_missing_and_invalid_tokens(lark_user_client):
    raw = (lark.BaseRequest.builder().http_method(lark.HttpMethod.GET).uri("/open-apis/contact/v3/users/ou_alice")
           .token_types(set()).build())
    resp = lark_user_client.request(raw)
    assert resp.raw.status_code == 400 and resp.code == 99991661
    assert "log_id" in resp.error and "troubleshooter" in resp.error
    bogus_user = lark_user_client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_alice").build(),
                                                      user_option("u-bogus"))
    assert bogus_user.code == 99991668 and bogus_user.raw.status_code == 400
    opt = lark.RequestOption.builder().tenant_access_token("t-bogus").build()
    bogus_tenant = lark_user_client.contact.v3.user.get(GetUserRequest.builder().user_id("ou_alice").build(), opt)
    assert bogus_tenant.code == 99991663


def test_token_type_split(lark_client, lark_user_client, user_token):
    tenant = json.loads(_tenant_token(lark_client).raw.content)["tenant_access_token"]
    search = SearchRoomRequest.builder().request_body(SearchRoomRequestBody.builder().keyword("Everest").build()).build()
    # rooms.search is USER-only: a tenant token where the user token belongs is refused.
    refused = lark_user_client.vc.v1.room.search(search, user_option(tenant))
    assert refused.code == 99991668 and "user_access_token" in refused.msg
    # rooms.list is TENANT-only: a user token where the tenant token belongs is refused.
    alice = user_token("ou_alice")
    opt = lark.RequestOption.builder().tenant_access_token(alice).build()
    refused = lark_user_client.vc.v1.room.list(ListRoomRequest.builder().build(), opt)
    assert refused.code == 99991663 and "tenant_access_token" in refused.msg
    assert lark_user_client.vc.v1.room.search(search, user_option(alice)).success()


def test_oauth_code_flow_through_authen_v1(sandbox_server, lark_client, lark_user_client):
    code = oauth_code(sandbox_server.url, "ou_carol")
    body = CreateOidcAccessTokenRequestBody.builder().grant_type("authorization_code").code(code).build()
    resp = lark_client.authen.v1.oidc_access_token.create(CreateOidcAccessTokenRequest.builder().request_body(body).build())
    assert resp.success(), resp.msg
    token, refresh = resp.data.access_token, resp.data.refresh_token
    assert token.startswith("u-") and resp.data.expires_in > 0 and resp.data.token_type == "Bearer"
    info = lark_user_client.authen.v1.user_info.get(GetUserInfoRequest.builder().build(), user_option(token))
    assert info.success() and info.data.open_id == "ou_carol" and info.data.en_name == "Carol Chen"
    # a code is single-use
    again = lark_client.authen.v1.oidc_access_token.create(CreateOidcAccessTokenRequest.builder().request_body(body).build())
    assert again.code == 20003 and "code" in again.msg
    rbody = CreateOidcRefreshAccessTokenRequestBody.builder().grant_type("refresh_token").refresh_token(refresh).build()
    req = CreateOidcRefreshAccessTokenRequest.builder().request_body(rbody).build()
    refreshed = lark_client.authen.v1.oidc_refresh_access_token.create(req)
    assert refreshed.success() and refreshed.data.access_token != token
    # refresh tokens rotate: the old one is spent, and the old access token stops working
    assert lark_client.authen.v1.oidc_refresh_access_token.create(req).code == 20064
    old = lark_user_client.authen.v1.user_info.get(GetUserInfoRequest.builder().build(), user_option(token))
    assert old.code == 99991668
    new = lark_user_client.authen.v1.user_info.get(GetUserInfoRequest.builder().build(),
                                                   user_option(refreshed.data.access_token))
    assert new.success() and new.data.open_id == "ou_carol"


def test_oauth_code_flow_through_client_access_token(sandbox_server, lark_client):
    code = oauth_code(sandbox_server.url, "ou_dave")
    tok = lark_client.access_token.retrieve_by_authorization_code(code, redirect_uri=REDIRECT)
    assert tok.access_token.startswith("u-") and tok.refresh_token
    refreshed = lark_client.access_token.refresh(tok.refresh_token)
    assert refreshed.access_token != tok.access_token
    with pytest.raises(AccessTokenException):
        lark_client.access_token.retrieve_by_authorization_code(code, redirect_uri=REDIRECT)
    with pytest.raises(AccessTokenException):
        lark_client.access_token.retrieve_by_authorization_code(oauth_code(sandbox_server.url, "ou_dave"),
                                                                redirect_uri="http://elsewhere.example/cb")


def test_authorize_page_refusals(sandbox_server):
    base = f"{sandbox_server.url}/open-apis/authen/v1/authorize"
    missing = requests.get(base, params={"app_id": APP_ID}, timeout=5)
    assert missing.status_code == 400 and "redirect_uri" in missing.json()["msg"]
    deny = requests.post(base, data={"app_id": APP_ID, "redirect_uri": REDIRECT, "state": "s", "decision": "deny"},
                         allow_redirects=False, timeout=5)
    assert deny.status_code == 302 and "error=access_denied" in deny.headers["Location"]
    nobody = requests.post(base, data={"app_id": APP_ID, "redirect_uri": REDIRECT, "open_id": "ou_ghost"},
                           allow_redirects=False, timeout=5)
    assert nobody.status_code == 400 and "open_id" in nobody.json()["msg"]


def test_unknown_route_and_wrong_verb_are_plain_404(sandbox_server, lark_client):
    resp = requests.get(f"{sandbox_server.url}/open-apis/nothing/here", timeout=5)
    assert resp.status_code == 404 and resp.text == "404 page not found"
    assert resp.headers["Content-Type"].startswith("text/plain")
    wrong_verb = requests.delete(f"{sandbox_server.url}/open-apis/vc/v1/rooms", timeout=5)
    assert wrong_verb.status_code == 404 and wrong_verb.text == "404 page not found"
