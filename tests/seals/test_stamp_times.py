"""Issue 9, item 1: a backdated registration (stamped_at=0001-01-01T00:00) stored a BC timestamp that could not be
read back, and every ledger reader got a 500. A stamp time before the approval or in the future is refused in
Chinese; the database refuses an absurd one; every page that shows the stamp time answers 200; API times are +08:00."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from haimen_gov.workflow.forms import BoundedDateField, BoundedDateTimeField
from seals import actions
from seals.models import SealRequest, State

from .helpers import advance, apply, fresh

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/seals/requests/"


@pytest.fixture
def stamping(org, seals) -> SealRequest:  # type: ignore[no-untyped-def]
    """A request approved three hours ago, waiting on the custodian."""
    with time_machine.travel(timezone.now() - dt.timedelta(hours=3)):
        return advance(apply(org.dept1_clerk, seals.gov, copies=3), State.STAMPING)


def approved_at(request: SealRequest) -> dt.datetime:
    return request.history.filter(to_state=State.STAMPING).latest("at").at


BAD_TIMES = [
    pytest.param("0001-01-01T00:00", "用印时间不能早于 2000-01-01 00:00。", id="year-one"),
    pytest.param("1999-12-31T23:59", "用印时间不能早于 2000-01-01 00:00。", id="last-century"),
    pytest.param("9999-12-31T23:59", "用印时间不能晚于当前时间。", id="year-9999"),
]


@pytest.mark.parametrize(("value", "message"), BAD_TIMES)
def test_the_page_refuses_an_absurd_stamp_time_in_chinese(org, stamping, client_for, value, message):
    response = client_for(org.custodian).post(
        f"/items/{stamping.pk}/transitions/register/",
        {"stamped_at": value, "stamped_copies": 3, "state": "stamping"},
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert fresh(stamping).state == State.STAMPING
    assert fresh(stamping).stamped_at is None


@pytest.mark.parametrize(("value", "message"), BAD_TIMES)
def test_the_api_refuses_an_absurd_stamp_time_with_400(org, stamping, api_client_for, value, message):
    response = api_client_for(org.custodian).post(
        f"{REQUESTS}{stamping.pk}/transitions/register/", {"stamped_at": value, "stamped_copies": 3}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"stamped_at": [message]}
    assert fresh(stamping).state == State.STAMPING


def test_a_stamp_time_before_the_approval_is_refused(org, stamping, api_client_for):
    approved = timezone.localtime(approved_at(stamping))
    before = approved - dt.timedelta(minutes=30)
    response = api_client_for(org.custodian).post(
        f"{REQUESTS}{stamping.pk}/transitions/register/",
        {"stamped_at": before.isoformat(), "stamped_copies": 3},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"stamped_at": [f"用印时间不能早于申请审批通过的时间（{approved:%Y-%m-%d %H:%M}）。"]}
    # The action goes through the same declaration.
    with pytest.raises(Exception, match="用印时间不能早于申请审批通过的时间"):
        actions.seal_request_register(stamping.pk, actor=org.custodian, stamped_at=before, stamped_copies=3)
    # Between the approval and now is fine.
    after = approved + dt.timedelta(minutes=30)
    request = actions.seal_request_register(stamping.pk, actor=org.custodian, stamped_at=after, stamped_copies=3)
    assert (request.state, request.stamped_at) == (State.ARCHIVED, after)


def test_the_database_refuses_a_bc_stamp_time_written_around_the_portal(org, stamping):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE seals_sealrequest SET stamped_at = '0001-01-01 00:00:00+08:05:43' WHERE item_ptr_id = %s",
            [stamping.pk],
        )


@pytest.mark.parametrize("stored", ["2000-01-01 00:00:00+00", "2099-12-31 15:59:59+00"], ids=["earliest", "latest"])
def test_no_reader_gets_a_500_for_a_row_written_directly_at_the_bounds(
    org, stamping, client_for, api_client_for, stored
):
    actions.seal_request_register(stamping.pk, actor=org.custodian, stamped_copies=3)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE seals_sealrequest SET stamped_at = %s WHERE item_ptr_id = %s", [stored, stamping.pk])
    for user in (org.director, org.dept1_clerk):
        client = client_for(user)
        for url in (
            "/seals/ledger/",
            "/seals/ledger/?state=",
            "/seals/ledger.csv",
            "/seals/ledger.pdf",
            "/seals/mine/",
            f"/items/{stamping.pk}/",
            f"/items/{stamping.pk}/slip.pdf",
            f"/seals/requests/{stamping.pk}/form.pdf",
        ):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            if hasattr(response, "streaming_content"):
                assert stamping.document_title in b"".join(response.streaming_content).decode()
        api = api_client_for(user)
        assert api.get(REQUESTS).status_code == 200
        assert api.get(f"{REQUESTS}{stamping.pk}/").status_code == 200


def test_api_datetimes_carry_the_beijing_offset(org, stamping, api_client_for):
    actions.seal_request_register(stamping.pk, actor=org.custodian, stamped_copies=3)
    data = api_client_for(org.dept1_clerk).get(f"{REQUESTS}{stamping.pk}/").json()
    for value in (data["stamped_at"], data["created_at"], data["submitted_at"], data["history"][0]["at"]):
        assert value.endswith("+08:00"), value
    listed = api_client_for(org.dept1_clerk).get(REQUESTS).json()["results"][0]
    assert listed["stamped_at"].endswith("+08:00")


def test_the_ledgers_date_filters_are_bounded(org, stamping, client_for):
    client = client_for(org.director)
    for query, message in (
        ({"start": "0001-01-01"}, "起始日期不能早于 2000-01-01。"),
        ({"end": "9999-12-31"}, "截止日期不能晚于 2099-12-31。"),
    ):
        for url in ("/seals/ledger/", "/seals/ledger.csv", "/seals/ledger.pdf"):
            assert client.get(url, query).status_code == 200
        assert message in client.get("/seals/ledger/", query).content.decode()


def test_the_bounded_fields():
    now = timezone.now()
    field = BoundedDateTimeField(label="开会时间", past=True)
    assert field.clean(timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")) is not None
    with pytest.raises(Exception, match="开会时间不能晚于当前时间"):
        field.clean((timezone.localtime(now) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    with pytest.raises(Exception, match="开会时间格式错误"):
        field.clean("明天上午")
    later = BoundedDateTimeField(label="截止时间", not_before=now)
    assert later.clean((timezone.localtime(now) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")) is not None
    with pytest.raises(Exception, match="截止时间不能早于"):
        later.clean((timezone.localtime(now) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    day = BoundedDateField(label="日期", past=True)
    assert day.clean("2026-01-05") == dt.date(2026, 1, 5)
    with pytest.raises(Exception, match="日期不能晚于"):
        day.clean((timezone.localdate() + dt.timedelta(days=1)).isoformat())


def test_the_api_datetime_field_is_bounded_alike():
    from rest_framework.exceptions import ValidationError as APIValidationError

    from haimen_gov.workflow.api import BoundedDateTimeSerializerField

    field = BoundedDateTimeSerializerField(label="收文时间", past=True)
    assert field.run_validation("2026-01-05T09:30:00+08:00").year == 2026
    for value, message in (
        ("0001-01-01T00:00", "收文时间格式错误或超出范围。"),
        ("1999-12-31T23:00:00+08:00", "收文时间不能早于 2000-01-01 00:00。"),
        ((timezone.now() + dt.timedelta(days=1)).isoformat(), "收文时间不能晚于当前时间。"),
    ):
        with pytest.raises(APIValidationError) as refused:
            field.run_validation(value)
        assert refused.value.detail == [message]
