"""Two people at once: one wins, the other gets a clear refusal (409), never a second row."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from documents import actions
from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions import notifications
from haimen_gov.workflow.models import HistoryEntry, ItemLink
from supervision.models import SupervisionItem

from .test_joint import joint
from .test_supervise import instructed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


def at_once(*calls: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=20)
            call()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_supervisors_open_the_same_instruction_at_once(org, settings):
    doc, entry = instructed(org)
    Group.objects.get_or_create(name=settings.SUPERVISION_STAFF_GROUP)[0].user_set.add(org.office_clerk)
    errors = at_once(
        lambda: actions.incoming_supervise(doc.pk, actor=org.director, entry_id=entry.pk),
        lambda: actions.incoming_supervise(doc.pk, actor=org.office_clerk, entry_id=entry.pk),
    )
    assert len(errors) == 1 and isinstance(errors[0], engine.Conflict), errors
    assert "已立为督查事项" in errors[0].message
    assert SupervisionItem.objects.count() == 1 and ItemLink.objects.count() == 1


def test_a_co_units_head_and_their_delegate_at_once(org):
    doc = joint(org)
    Delegation.objects.create(
        post=org.posts.town1_head, delegate=org.town1_clerk, start=timezone.localdate(), end=timezone.localdate()
    )
    errors = at_once(
        lambda: actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="主任的意见。"),
        lambda: actions.incoming_co_opinion(doc.pk, actor=org.town1_clerk, opinion="受委托的意见。"),
    )
    assert len(errors) == 1 and isinstance(errors[0], engine.Conflict), errors
    assert HistoryEntry.objects.filter(item=doc, verb="opinion").count() == 1
