"""Issue 9, item 10: one error format for the whole API (Chinese JSON, never an HTML page), the token endpoint's
rate limit per address, the database's timeouts and the Content-Security-Policy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from haimen_gov.api import exception_handler
from haimen_gov.workflow import actions

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()  # the token throttle counts in the cache, across tests otherwise


def chinese_json(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    detail = body["detail"]
    assert isinstance(detail, str) and re.search(r"[\u4e00-\u9fff]", detail), body
    assert not re.search(r"[A-Za-z]{4,}", detail), body  # no English left in it
    return body


# --------------------------------------------------------------------------- errors


def test_an_unknown_api_path_is_chinese_json(org, api_client_for):
    chinese_json(api_client_for(org.director).get("/api/v1/no-such-endpoint/"), 404)
    chinese_json(Client().get("/api/v2/"), 404)


def test_a_page_404_is_still_a_page(org, client_for):
    response = client_for(org.director).get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_a_wrong_method_is_chinese_json(org, api_client_for):
    chinese_json(api_client_for(org.director).put("/api/v1/inbox/", {}, format="json"), 405)


def test_malformed_json_is_chinese_json(org):
    response = APIClient().post(TOKEN_URL, data='{"username": ', content_type="application/json")
    chinese_json(response, 400)


def test_an_unsupported_media_type_is_chinese_json(org):
    response = APIClient().post(TOKEN_URL, data="<x/>", content_type="application/xml")
    chinese_json(response, 415)


def test_a_bad_token_is_chinese_json(org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    chinese_json(client.get("/api/v1/inbox/"), 401)


def test_an_unexpected_error_in_an_api_view_is_chinese_json_not_a_page(org, api_client_for, monkeypatch):
    from haimen_gov.workflow import selectors

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "inbox", broken)

    body = chinese_json(api_client_for(org.director).get("/api/v1/inbox/"), 500)
    assert body == {"detail": "服务器内部错误，请稍后再试。"}


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (actions.WorkflowError("尚有加签人未提出意见，暂不能同意。"), 400),
        (actions.CommentRequired("“退回”须填写意见或理由。"), 400),
        (actions.Forbidden("您无权执行此操作。"), 403),
        (actions.Conflict("该事项已被他人处理，请刷新后查看。"), 409),
    ],
)
def test_the_engines_refusals_map_to_their_status_in_one_place(error, status):
    response = exception_handler(error, {"view": None})
    assert response is not None
    assert (response.status_code, response.data) == (status, {"detail": error.message})


def test_the_api_views_have_no_error_handling_of_their_own():
    """One exception handler (haimen_gov.api) serves every API view: none catches the engine's errors itself."""
    root = Path(__file__).resolve().parents[2]
    for path in [*root.glob("*/api.py"), *root.glob("haimen_gov/*/api.py")]:
        source = path.read_text()
        assert "except engine.WorkflowError" not in source, path
        assert "except actions.WorkflowError" not in source, path
        assert "workflow_error_response" not in source, path


# --------------------------------------------------------------------------- the token endpoint's rate limit


def test_token_logins_are_limited_per_address_across_usernames(org, settings):
    settings.API_TOKEN_RATE = "20/min"
    client = APIClient(REMOTE_ADDR="192.0.2.7")
    answers = [
        client.post(TOKEN_URL, {"username": f"user{n}", "password": "guess"}, format="json").status_code
        for n in range(20)
    ]
    assert answers == [400] * 20

    throttled = client.post(TOKEN_URL, {"username": "head", "password": org.password}, format="json")

    body = chinese_json(throttled, 429)
    assert "请求过于频繁" in body["detail"]
    # Another address is not held back.
    other = APIClient(REMOTE_ADDR="192.0.2.8").post(
        TOKEN_URL, {"username": "head", "password": org.password}, format="json"
    )
    assert other.status_code == 200


def test_the_rate_limit_counts_the_address_the_trusted_proxy_names(org, settings):
    settings.API_TOKEN_RATE = "3/min"
    settings.TRUST_X_REAL_IP = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = APIClient(REMOTE_ADDR="127.0.0.1")
    for n in range(3):
        proxy.post(TOKEN_URL, {"username": f"u{n}", "password": "x"}, format="json", HTTP_X_REAL_IP="198.51.100.1")

    assert proxy.post(TOKEN_URL, {"username": "u", "password": "x"}, HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert proxy.post(TOKEN_URL, {"username": "u", "password": "x"}, HTTP_X_REAL_IP="198.51.100.2").status_code == 400


# --------------------------------------------------------------------------- the database's timeouts


def test_every_connection_has_a_statement_and_a_lock_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]
        cursor.execute("SHOW lock_timeout")
        lock = cursor.fetchone()[0]
    assert (statement, lock) == ("30s", "10s")


def test_the_timeouts_come_from_the_environment(monkeypatch):
    import importlib

    import haimen_gov.settings as portal_settings

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/haimen")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_MS", "5000")
    monkeypatch.setenv("DB_LOCK_TIMEOUT_MS", "0")
    try:
        reloaded = importlib.reload(portal_settings)
        options = reloaded.DATABASES["default"]["OPTIONS"]["options"]
    finally:
        monkeypatch.undo()
        importlib.reload(portal_settings)
    assert "-c statement_timeout=5000" in options
    assert "-c lock_timeout=0" in options


# --------------------------------------------------------------------------- Content-Security-Policy


def test_every_page_has_a_strict_content_security_policy(org, client_for):
    client = client_for(org.director)
    for path in ["/", "/inbox/", "/seals/apply/", "/notifications/", "/accounts/login/"]:
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'", path
        assert directives["script-src"] == "'self'", path
        assert directives["style-src"] == "'self'", path
        assert directives["frame-ancestors"] == "'none'", path
        assert "unsafe" not in policy, path
    # Swagger UI and the admin style themselves inline; their scripts are held to 'self' all the same.
    for path in ["/api/docs/", "/admin/"]:
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "style-src 'self' 'unsafe-inline'" in policy


def test_no_page_template_has_inline_script_or_style():
    """The policy refuses inline <script>, <style> and style="" (PDF templates are read by WeasyPrint, not a
    browser, and are exempt)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "pdf" in path.relative_to(TEMPLATES).parts or path.name.endswith("_pdf.html"):
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or "<style" in text or re.search(r"\sstyle=", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path.relative_to(TEMPLATES)} (inline event handler)")
    assert offenders == []


def test_a_body_over_the_upload_limit_is_chinese_json(org, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "head", "password": "x" * 5000})

    response = APIClient().post(TOKEN_URL, data=body, content_type="application/json")

    assert chinese_json(response, 413) == {"detail": "请求内容超过大小限制。"}
