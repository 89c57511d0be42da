"""The API's shared parts: token login, the error format, the OpenAPI schema and its docs page."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ADD_URL = "/api/v1/workdays/add?start=2026-09-30&days=1"


def test_a_token_from_the_right_credentials_authenticates_later_requests(org):
    response = APIClient().post(TOKEN_URL, {"username": "dept1_clerk", "password": org.password}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=org.dept1_clerk).key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(ADD_URL)
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-08", "estimated": False}


def test_asking_twice_gives_the_same_token(org):
    tokens = {
        APIClient().post(TOKEN_URL, {"username": "head", "password": org.password}).json()["token"] for _ in range(2)
    }
    assert len(tokens) == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [("dept1_clerk", "wrong-password"), ("nobody", "wrong-password")],
    ids=["wrong-password", "unknown-user"],
)
def test_wrong_credentials_give_400_in_chinese(org, username, password):
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["用户名或密码错误，或账户已被暂时锁定。"]}
    assert not Token.objects.exists()


def test_missing_fields_give_400_in_chinese(org):
    response = APIClient().post(TOKEN_URL, {"username": "head"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"password"}
    assert "必填" in response.json()["password"][0]


def test_an_inactive_user_gets_no_token(org):
    org.dept1_clerk.is_active = False
    org.dept1_clerk.save()
    response = APIClient().post(TOKEN_URL, {"username": "dept1_clerk", "password": org.password}, format="json")
    assert response.status_code == 400


def test_a_locked_out_account_gets_no_token_even_with_the_right_password(org, settings):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(TOKEN_URL, {"username": "head", "password": "guess"}, format="json")
    response = client.post(TOKEN_URL, {"username": "head", "password": org.password}, format="json")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_a_bad_token_is_refused(org):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get(ADD_URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_session_also_authenticates_the_api(org, client_for):
    response = client_for(org.vice1).get(ADD_URL)
    assert response.status_code == 200
    assert response.json()["date"] == "2026-10-08"


def test_the_schema_describes_the_api(org, client_for):
    response = client_for(org.director).get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/workdays/add" in body
    assert "/api/v1/auth/token/" in body
    assert "海门区人民政府工作平台 API" in body


def test_the_docs_page_renders_from_local_assets(org, client_for):
    response = client_for(org.director).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    # Its settings come as a script file (no inline script under the Content-Security-Policy) naming the schema.
    assert '<script src="/api/docs/?script="></script>' in html
    assert "/api/schema/" in client_for(org.director).get("/api/docs/?script=").content.decode()
    # Government intranets are closed: nothing may be fetched from a CDN.
    assert "cdn.jsdelivr.net" not in html
    assert "unpkg.com" not in html


def test_unknown_api_paths_answer_404_not_a_login_page(org, client_for):
    response = client_for(org.director).get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404


def test_the_schema_and_docs_need_a_login(db):
    from django.test import Client

    anonymous = Client()
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    assert anonymous.get("/api/docs/").status_code in (401, 403)


def test_the_docs_assets_are_served_locally(org, client_for):
    """The swagger UI's JavaScript comes from the sidecar package under /static/, not from the internet."""
    html = client_for(org.director).get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
