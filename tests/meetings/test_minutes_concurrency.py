"""纪要期号 under concurrency (第十九条): 20 sets of minutes signed (签发) at the same moment — real PostgreSQL, 20
connections, 20 threads — take the numbers 1…20 of the year, each once, with no gap; and the same minutes signed
twice at once is signed once, the other told so (409)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions import notifications
from haimen_gov.workflow.models import IssuedNumber, NumberCounter
from meetings.models import MeetingKind
from meetings.models_minutes import Minutes, MinutesState

from .minutes_helpers import draft, fire, held, submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


def _at_head_sign(org: Any, n: int) -> list[Minutes]:
    start = timezone.localdate() - dt.timedelta(days=60)
    result = []
    for i in range(n):
        minutes = submit(org, draft(org, held(org, MeetingKind.EXECUTIVE, day=start + dt.timedelta(days=i))))
        fire(minutes, "approve", org.justice)
        fire(minutes, "approve", org.director)
        fire(minutes, "approve", org.exec_vice)
        result.append(minutes)
    return result


def _race(calls: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("none", None)] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                results[index] = ("ok", calls[index]())
            except engine.WorkflowError as exc:
                results[index] = (type(exc).__name__, exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_signed_at_once_take_numbers_one_to_twenty(org):
    assert connection.vendor == "postgresql"
    batch = _at_head_sign(org, 20)
    results = _race([partial(fire, m, "sign", org.head) for m in batch])
    assert [r[0] for r in results] == ["ok"] * 20, results
    numbers = list(Minutes.objects.filter(pk__in=[m.pk for m in batch]).values_list("issue_no", flat=True))
    assert sorted(n or 0 for n in numbers) == list(range(1, 21))
    year = timezone.localdate().year
    assert NumberCounter.objects.get(series__code="minutes-executive", year=year).last == 20
    texts = set(IssuedNumber.objects.filter(series__code="minutes-executive").values_list("text", flat=True))
    assert texts == {f"常务会议纪要〔{year}〕第{n}期" for n in range(1, 21)}
    assert all(m.state == MinutesState.SIGNED for m in Minutes.objects.filter(pk__in=[m.pk for m in batch]))


def test_the_same_minutes_signed_twice_at_once_is_signed_once(org):
    today = timezone.localdate()
    # The head and the exec vice head acting for the head press 签发 together.
    Delegation.objects.create(post=org.posts.head, delegate=org.exec_vice, start=today, end=today, reason="出差")
    (minutes,) = _at_head_sign(org, 1)
    results = _race([lambda: fire(minutes, "sign", org.head).pk, lambda: fire(minutes, "sign", org.exec_vice).pk])
    assert sorted(r[0] for r in results) == ["Conflict", "ok"], results
    assert IssuedNumber.objects.filter(item_id=minutes.pk).count() == 1
