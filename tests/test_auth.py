"""Login, lockout, idle sessions and the home page (who am I, which posts do I act for)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from tests.factories import DelegationFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MONDAY_9AM = dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def is_logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_the_login_page_is_open_and_in_chinese():
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    for text in ("登录", "用户名", "密码", "海门区人民政府工作平台", "南通市海门区人民政府"):
        assert text in html, text


@pytest.mark.parametrize("path", ["/", "/admin/", "/admin/org/delegation/", "/no-such-page/"])
def test_every_other_page_sends_anonymous_visitors_to_the_login_page(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_the_health_check_is_open():
    assert Client().get("/healthz").status_code == 200


def test_a_seeded_user_logs_in_with_the_demo_password(settings):
    call_command("seed_demo", "--force", stdout=StringIO())
    client = Client()
    response = log_in(client, "director", settings.DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    response = client.get("/")
    assert response.status_code == 200
    assert "黄立新" in response.content.decode()
    # The demo's director is the administrator.
    assert client.get("/admin/").status_code == 200


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(org):
    client = Client()
    response = client.post(LOGIN, {"username": "head", "password": org.password, "next": "/admin/org/"})
    assert response["Location"] == "/admin/org/"
    client = Client()
    response = client.post(LOGIN, {"username": "head", "password": org.password, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_in_chinese(org):
    client = Client()
    response = log_in(client, "head", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert not is_logged_in(client)


def test_a_logged_in_user_is_sent_home_from_the_login_page(org, client_for):
    response = client_for(org.head).get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_ends_the_session(org):
    client = Client()
    log_in(client, "head", org.password)
    assert is_logged_in(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not is_logged_in(client)


# Lockout (django-axes): AXES_FAILURE_LIMIT failures for one username from one address lock it.


def test_repeated_failures_lock_the_account_even_against_the_right_password(org, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "head", "guess").status_code == 200
    locked = log_in(client, "head", "guess")
    assert locked.status_code == 429
    assert "账户已暂时锁定" in locked.content.decode()

    response = log_in(client, "head", org.password)
    assert response.status_code == 429
    assert "账户已暂时锁定" in response.content.decode()
    assert not is_logged_in(client)


def test_fewer_failures_than_the_limit_do_not_lock(org, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "head", "guess")
    assert log_in(client, "head", org.password).status_code == 302
    assert is_logged_in(client)


def test_a_lockout_is_per_account(org, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "head", "guess")
    assert log_in(client, "vice1", org.password).status_code == 302
    assert is_logged_in(client)


def test_a_lockout_ends_after_the_cool_off(org, settings):
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, "head", "guess")
        assert log_in(client, "head", org.password).status_code == 429
        traveller.shift(dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
        assert log_in(client, "head", org.password).status_code == 302
        assert is_logged_in(client)


# Idle sessions end after SESSION_COOKIE_AGE; activity pushes the end forward. Sessions are read from Redis, whose
# key expiry runs on the real clock that time_machine cannot move: the time-travel tests use the database backend
# (the same expiry rule), and the Redis key's own expiry is checked below.


@pytest.fixture
def db_sessions(settings):  # type: ignore[no-untyped-def]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def test_the_redis_session_expires_after_the_idle_time(org, settings):
    from django.core.cache import cache
    from django.utils.module_loading import import_string

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client = Client()
    log_in(client, "head", org.password)
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")
    key = cache.make_key(store.cache_key_prefix + client.session.session_key)
    ttl = cache._cache.get_client(key).ttl(key)  # type: ignore[attr-defined]
    assert settings.SESSION_COOKIE_AGE - 60 < ttl <= settings.SESSION_COOKIE_AGE


def test_an_idle_session_expires(org, settings, db_sessions):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        client = Client()
        log_in(client, "head", org.password)
        traveller.shift(idle - dt.timedelta(minutes=1))
        assert is_logged_in(client)
        traveller.shift(idle + dt.timedelta(minutes=1))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_activity_keeps_the_session_alive(org, settings, db_sessions):
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        client = Client()
        log_in(client, "head", org.password)
        # Four requests, each just inside the idle limit: together far longer than one session age.
        for _ in range(4):
            traveller.shift(idle - dt.timedelta(minutes=2))
            assert is_logged_in(client)


def test_the_session_cookie_ends_with_the_browser(org, settings):
    response = log_in(Client(), "head", org.password)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert cookie["httponly"]


# The home page: the user's name, the posts they hold, and those delegated to them.


def test_home_shows_name_and_posts(org, client_for):
    html = client_for(org.dept1_clerk).get("/").content.decode()
    assert "顾佳怡" in html
    assert "区发改委文书" in html
    assert "海门区发展和改革委员会" in html
    assert "委托" not in html


def test_home_shows_a_delegated_post_while_the_delegation_lasts(org, client_for):
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        DelegationFactory(
            post=org.posts.head,
            delegate=org.exec_vice,
            start=dt.date(2026, 6, 1),
            end=dt.date(2026, 6, 5),
            reason="赴省委党校脱产学习",
        )
        client = client_for(org.exec_vice)
        html = client.get("/").content.decode()
        assert "王海涛" in html
        assert "常务副区长" in html
        assert "受区长委托" in html
        assert "6月1日至6月5日" in html
        assert "赴省委党校脱产学习" in html

        # The head still sees their own post, not a delegation.
        head_html = client_for(org.head).get("/").content.decode()
        assert "区长" in head_html
        assert "受区长委托" not in head_html

        traveller.shift(dt.timedelta(days=5))
        html = client_for(org.exec_vice).get("/").content.decode()
        assert "受区长委托" not in html
        assert "常务副区长" in html


def test_home_for_someone_without_a_post(org, client_for):
    html = client_for(org.outsider).get("/").content.decode()
    assert "钱进" in html
    assert "暂无任职信息" in html
