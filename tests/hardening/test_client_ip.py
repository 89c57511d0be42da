"""Issue 9, item 6: X-Real-IP is believed only from the configured proxies (TRUSTED_PROXIES)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from haimen_gov.middleware import client_ip
from haimen_gov.workflow.models import HistoryEntry
from tests.workflow.helpers import submitted_memo

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def behind_nginx(settings):  # type: ignore[no-untyped-def]
    settings.TRUST_X_REAL_IP = True
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.20.0.0/24"]


def test_wrong_passwords_from_an_untrusted_peer_claiming_20_addresses_lock_the_account(org, settings, behind_nginx):
    client = Client(REMOTE_ADDR="192.0.2.50")
    for n in range(20):
        client.post(LOGIN, {"username": "head", "password": "guess"}, HTTP_X_REAL_IP=f"198.51.100.{n + 1}")

    response = client.post(LOGIN, {"username": "head", "password": org.password}, HTTP_X_REAL_IP="198.51.100.99")

    assert response.status_code == 429
    assert "账户已暂时锁定" in response.content.decode()


def test_the_trusted_proxy_names_the_client_so_one_client_does_not_lock_out_another(org, settings, behind_nginx):
    proxy = Client(REMOTE_ADDR="10.20.0.10")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        proxy.post(LOGIN, {"username": "head", "password": "guess"}, HTTP_X_REAL_IP="198.51.100.1")

    other = proxy.post(LOGIN, {"username": "head", "password": org.password}, HTTP_X_REAL_IP="198.51.100.2")

    assert other.status_code == 302


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("10.20.0.10", "198.51.100.7", "198.51.100.7"),
        ("192.0.2.50", "198.51.100.7", "192.0.2.50"),  # not a proxy: its claim is ignored
        ("10.20.1.10", "198.51.100.7", "10.20.1.10"),  # outside the proxies' network
        ("127.0.0.1", "not-an-address", "127.0.0.1"),  # junk from the proxy is not stored
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_ip(behind_nginx, peer, header, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_REAL_IP=header)
    assert client_ip(request) == expected


def test_without_trust_the_header_is_ignored_even_from_the_proxy(settings):
    settings.TRUST_X_REAL_IP = False
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7")
    assert client_ip(request) == "127.0.0.1"


def test_the_history_records_the_peer_not_its_claim(org, behind_nginx, client_for):
    memo = submitted_memo(org)
    client = client_for(org.director)

    client.post(
        f"/items/{memo.pk}/transitions/approve/",
        {"state": memo.state},
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_REAL_IP="198.51.100.7",
    )

    assert HistoryEntry.objects.filter(item_id=memo.pk, verb="approve").get().ip == "192.0.2.50"
