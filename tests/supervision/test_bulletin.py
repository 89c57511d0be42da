"""The monthly 督查通报 (第三十八条): beat issues last month's bulletin (the PDF of red and amber items) on the 1st and
notifies its recipients, once per period however often it runs — and when two runs meet."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import IntegrityError, connection, transaction

from haimen_gov.workflow.models import Notification
from supervision import actions, tasks
from supervision.models import Bulletin

from .conftest import SHANGHAI, signed_item
from .test_pages import pdf_text

ISSUE_DAY = dt.datetime(2026, 11, 2, 8, 30, tzinfo=SHANGHAI)  # a Monday


def items_with_lights(org) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        signed_item(org, title="关于推进重点项目开工建设的督办", due_on=dt.date(2026, 10, 30))  # red on 11-02
        signed_item(org, title="校园安全隐患排查整治", lead_unit=org.units.dept2, due_on=dt.date(2026, 12, 31))  # amber
    with time_machine.travel(dt.datetime(2026, 10, 28, 9, 0, tzinfo=SHANGHAI), tick=False):
        signed_item(org, title="农村人居环境整治", lead_unit=org.units.town1, due_on=dt.date(2026, 12, 31))  # green


@pytest.mark.django_db
def test_the_task_issues_last_months_bulletin_once_and_notifies_the_right_people(org, staff):
    items_with_lights(org)
    with time_machine.travel(ISSUE_DAY, tick=False):
        sent = tasks.monthly_bulletin()
        again = tasks.monthly_bulletin()
        tasks.monthly_bulletin.apply()  # as a worker runs it
    bulletin = Bulletin.objects.get()
    assert (bulletin.period, bulletin.red, bulletin.amber) == (dt.date(2026, 10, 1), 1, 1)
    notices = Notification.objects.filter(url=bulletin.get_absolute_url())
    assert again == 0 and sent == bulletin.recipients == notices.count()
    told = set(notices.values_list("user__username", flat=True))
    office_and_leaders = {"director", "deputy1", "deputy2", "head", "exec_vice", "vice1", "vice2", staff.username}
    lead_unit_heads = {org.dept1_head.username, org.dept2_head.username}
    assert told == office_and_leaders | lead_unit_heads
    # The town's item is green: its head is not told; nor is anyone outside.
    assert org.town1_head.username not in told and org.outsider.username not in told
    notice = notices.get(user=org.dept2_head)
    assert "督查通报（2026年10月）" in notice.title and "黄灯：校园安全隐患排查整治" in notice.body
    assert notice.url == bulletin.get_absolute_url()
    text = pdf_text(bulletin.pdf.read())
    assert "关于2026年10月重点督办事项办理情况的通报" in text and "关于推进重点项目开工建设的督办" in text
    assert "督查通报〔2026〕10期" in text and "农村人居环境整治" not in text


@pytest.mark.django_db
def test_each_month_is_its_own_period(org):
    items_with_lights(org)
    with time_machine.travel(ISSUE_DAY, tick=False):
        assert actions.supervision_bulletin_issue() is not None
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 30, tzinfo=SHANGHAI), tick=False):
        assert actions.supervision_bulletin_issue() is not None
        assert actions.supervision_bulletin_issue() is None
    assert list(Bulletin.objects.order_by("period").values_list("period", flat=True)) == [
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 1),
    ]


@pytest.mark.django_db
def test_the_database_holds_one_bulletin_per_period(org):
    Bulletin.objects.create(period=dt.date(2026, 10, 1), pdf="x.pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.create(period=dt.date(2026, 10, 1), pdf="y.pdf")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_issue_and_notify_once(org):
    """Two workers past the "not issued yet" check at once (a barrier after it): one inserts the period's row, the
    other waits on it, then finds it and writes nothing."""
    items_with_lights(org)
    barrier = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []
    real_create = Bulletin.objects.create

    def create(**kwargs: Any) -> Bulletin:
        barrier.wait(timeout=60)  # both have rendered the PDF and are about to claim the period
        return real_create(**kwargs)

    def run() -> None:
        try:
            with time_machine.travel(ISSUE_DAY, tick=False):
                results.append(actions.supervision_bulletin_issue())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    Bulletin.objects.create = create  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        del Bulletin.objects.create
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    bulletin = Bulletin.objects.get()
    notices = Notification.objects.filter(url=bulletin.get_absolute_url())
    assert notices.count() == bulletin.recipients > 0
    assert notices.values("user").distinct().count() == bulletin.recipients
    assert not Notification.objects.filter(title__startswith="【督查通报】").exclude(url=bulletin.get_absolute_url())


def test_beat_runs_it_monthly_with_an_expiry_shorter_than_the_month():
    entry: Any = django_settings.CELERY_BEAT_SCHEDULE["supervision-monthly-bulletin"]
    assert entry["task"] == tasks.monthly_bulletin.name
    assert entry["schedule"].day_of_month == {1}
    assert entry["options"]["expires"] < 28 * 24 * 3600


@pytest.mark.django_db
def test_the_issued_pdf_is_for_the_office_and_those_told_only(org, client_for):
    items_with_lights(org)
    with time_machine.travel(ISSUE_DAY, tick=False):
        bulletin = actions.supervision_bulletin_issue()
    assert bulletin is not None
    url = bulletin.get_absolute_url()
    for who in (org.director, org.dept2_head, org.vice1):
        response = client_for(who).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    for who in (org.town1_head, org.outsider, org.dept1_clerk):
        assert client_for(who).get(url).status_code == 404
    assert client_for(org.director).get("/supervision/bulletins/999999.pdf").status_code == 404
    page = client_for(org.director).get("/supervision/bulletins/").content.decode()
    assert "督查通报（2026年10月）" in page and url in page
    assert client_for(org.dept2_head).get("/supervision/bulletins/").status_code == 403
