"""``GET /api/v1/workdays/add``: always an answer or a 400 with a Chinese message, never a 500."""

from __future__ import annotations

import re

import pytest

from haimen_gov.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

URL = "/api/v1/workdays/add"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def api(org, api_client_for):
    return api_client_for(org.dept1_clerk)


def test_adds_working_days_across_national_day(api):
    response = api.get(URL, {"start": "2026-09-30", "days": "1"})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-08", "estimated": False}


def test_zero_days_returns_the_start(api):
    response = api.get(URL, {"start": "2026-10-03", "days": "0"})
    assert response.json() == {"date": "2026-10-03", "estimated": False}


def test_says_when_the_answer_is_an_estimate(api):
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()
    response = api.get(URL, {"start": "2026-12-30", "days": "3"})
    assert response.status_code == 200
    assert response.json() == {"date": "2027-01-05", "estimated": True}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-13-01", "days": "1"}, "start", "日期格式错误"),
        ({"start": "30/09/2026", "days": "1"}, "start", "日期格式错误"),
        ({"start": "昨天", "days": "1"}, "start", "日期格式错误"),
        ({"start": "1899-12-31", "days": "1"}, "start", "日期超出支持范围"),
        ({"start": "9999-12-31", "days": "3660"}, "start", "日期超出支持范围"),
        ({"start": "2026-09-30", "days": "-1"}, "days", "天数不能为负数"),
        ({"start": "2026-09-30", "days": "999999"}, "days", "天数不能超过"),
        ({"start": "2026-09-30", "days": "99999999999999999999999"}, "days", "天数不能超过"),
        ({"start": "2026-09-30", "days": "abc"}, "days", "天数应为整数"),
        ({"start": "2026-09-30", "days": "1.5"}, "days", "天数应为整数"),
        ({"start": "2026-09-30", "days": ""}, "days", "天数应为整数"),
        ({"days": "1"}, "start", None),
        ({"start": "2026-09-30"}, "days", None),
    ],
    ids=[
        "month-13",
        "wrong-format",
        "words",
        "before-1900",
        "year-9999",
        "negative",
        "absurd",
        "huge",
        "not-a-number",
        "fraction",
        "empty",
        "missing-start",
        "missing-days",
    ],
)
def test_bad_input_gives_400_with_a_chinese_message(api, query, field, message):
    response = api.get(URL, query)
    assert response.status_code == 400
    errors = response.json()[field]
    assert CJK.search(errors[0]), errors
    if message:
        assert message in errors[0]


def test_the_largest_allowed_span_at_the_end_of_the_range_is_answered(api):
    response = api.get(URL, {"start": "2200-12-31", "days": "3660"})
    assert response.status_code == 200
    assert response.json()["estimated"] is True


def test_anonymous_requests_are_refused(db, api_client_for):
    response = api_client_for(None).get(URL, {"start": "2026-09-30", "days": "1"})
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "未登录或登录已过期。"}


def test_only_get_is_allowed(api):
    response = api.post(URL, {"start": "2026-09-30", "days": "1"})
    assert response.status_code == 405
    assert CJK.search(response.json()["detail"])
