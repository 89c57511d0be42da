"""Two people press "approve" at the same moment: one succeeds, the other gets 409 — on real PostgreSQL, two
connections, two threads. The engine locks the item row (SELECT … FOR UPDATE); the second waits, then finds the
state moved on."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from haimen_gov.org.models import Delegation
from haimen_gov.workflow.actions import notifications
from haimen_gov.workflow.models import HistoryEntry, Task, TaskStatus
from seals.models import State

from .helpers import advance, apply, fresh, open_posts

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    # These transactions really commit; on_commit would otherwise ask the shared Redis broker to send e-mails.
    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


def race(url: str, users: list, payload: dict) -> list:  # type: ignore[type-arg]
    """POST ``payload`` to ``url`` as each of ``users`` at once, each in a thread with its own connection."""
    barrier = threading.Barrier(len(users))
    results: list = [None] * len(users)

    def run(index: int, user) -> None:  # type: ignore[no-untyped-def]
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=10)
            response = client.post(url, payload, format="json")
            results[index] = (user.username, response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(r is not None for r in results), results
    return results


def test_the_head_and_the_delegate_approve_at_once_one_wins_one_gets_409(org, seals):
    today = timezone.localdate()
    Delegation.objects.create(post=org.posts.head, delegate=org.exec_vice, start=today, end=today, reason="出差")
    request = advance(apply(org.dept1_clerk, seals.gov), State.APPROVAL)
    assert connection.vendor == "postgresql"

    results = race(
        f"/api/v1/seals/requests/{request.pk}/transitions/approve/", [org.head, org.exec_vice], {"comment": "同意。"}
    )

    assert sorted(status for _user, status, _body in results) == [200, 409], results
    winner = next(user for user, status, _body in results if status == 200)
    loser_body = next(body for _user, status, body in results if status == 409)
    assert loser_body["detail"] == "该事项已被他人处理，请刷新后查看。"

    request = fresh(request)
    assert request.state == State.STAMPING
    approvals = HistoryEntry.objects.filter(item=request, verb="approve", from_state=State.APPROVAL)
    assert [entry.actor.get_username() if entry.actor else None for entry in approvals] == [winner]
    assert Task.objects.filter(item=request, step="approval", status=TaskStatus.DONE).count() == 1
    # Exactly one stamping task: the loser did not open a second one.
    assert open_posts(request) == [org.posts.custodian]


def test_the_offsite_step_approved_by_head_and_director_at_once(org, seals):
    request = apply(
        org.dept1_clerk, seals.office, offsite=True, offsite_place="区档案馆", offsite_reason="档案原件不宜带出"
    )
    request = advance(request, State.OFFSITE_APPROVAL)

    results = race(
        f"/api/v1/seals/requests/{request.pk}/transitions/approve/",
        [org.head, org.director],
        {"comment": "同意异地用印。"},
    )

    assert sorted(status for _user, status, _body in results) == [200, 409], results
    request = fresh(request)
    assert request.state == State.STAMPING
    assert HistoryEntry.objects.filter(item=request, from_state=State.OFFSITE_APPROVAL).count() == 1
    assert open_posts(request) == [org.posts.custodian]
