"""发文字号: taken when issuing, per series and year, consecutive with no gap — also with 20 issues at once on real
PostgreSQL (each in its own thread and connection); a cancelled draft or a refused issue takes none."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from documents import actions
from documents.models import Category, OutgoingDocument, OutState
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions import notifications
from haimen_gov.workflow.models import IssuedNumber, NumberSeries

from .helpers import draft, fresh

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    # These transactions really commit; on_commit would otherwise ask the shared Redis broker to send e-mails.
    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


def to_issue(org, title: str) -> OutgoingDocument:  # type: ignore[no-untyped-def]
    doc = draft(org.office_clerk, Category.OFFICE_NAME, title=title, series_code="haizhengbanfa")
    doc = actions.outgoing_approve(doc.pk, actor=org.deputy1)
    doc = actions.outgoing_sign(doc.pk, actor=org.director)
    assert doc.state == OutState.TO_ISSUE
    return doc


def test_twenty_concurrent_issues_take_twenty_consecutive_numbers(org, office_in_charge):
    docs = [to_issue(org, f"关于第{i}项工作的通知") for i in range(1, 21)]
    barrier = threading.Barrier(len(docs))
    errors: list[BaseException] = []

    def run(doc: OutgoingDocument) -> None:
        try:
            barrier.wait(timeout=20)
            actions.outgoing_issue(doc.pk, actor=org.office_clerk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(doc,)) for doc in docs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    year = timezone.localdate().year
    numbers = sorted(IssuedNumber.objects.filter(series__code="haizhengbanfa", year=year).values_list("n", flat=True))
    assert numbers == list(range(1, 21))
    texts = {fresh(doc).number for doc in docs}
    assert texts == {f"海政办发〔{year}〕{n}号" for n in range(1, 21)}
    assert all(fresh(doc).state == OutState.ISSUED for doc in docs)


def test_a_cancelled_draft_and_a_refused_issue_take_no_number(org, office_in_charge):
    year = timezone.localdate().year
    cancelled = draft(org.office_clerk, Category.OFFICE_NAME, submit=False, series_code="haizhengbanfa")
    engine.item_fire(OutgoingDocument, cancelled.pk, verb="withdraw", actor=org.office_clerk)
    assert fresh(cancelled).state == OutState.CANCELLED
    first = to_issue(org, "关于甲的通知")
    # A refused issue (no series chosen) rolls back and gives nothing away.
    OutgoingDocument.objects.filter(pk=first.pk).update(series=None)
    with pytest.raises(ValidationError):
        actions.outgoing_issue(first.pk, actor=org.office_clerk)
    assert not IssuedNumber.objects.filter(year=year, series__code="haizhengbanfa").exists()
    actions.outgoing_issue(first.pk, actor=org.office_clerk, series=NumberSeries.objects.get(code="haizhengbanfa"))
    second = actions.outgoing_issue(to_issue(org, "关于乙的通知").pk, actor=org.office_clerk)
    assert fresh(first).number == f"海政办发〔{year}〕1号"
    assert fresh(second).number == f"海政办发〔{year}〕2号"
    assert fresh(cancelled).number == ""


def test_the_series_are_seeded_and_editable_data(db):
    codes = set(NumberSeries.objects.values_list("code", flat=True))
    assert {"haizhengfa", "haizhengbanfa", "haizhenggui", "haizhenghan", "haizhengbanhan"} <= codes
    series = NumberSeries.objects.get(code="haizhenghan")
    series.full_clean()
    assert series.format == "海政函〔{year}〕{n}号"
