"""Two people acting on the same item at once, against the real database (PostgreSQL): exactly one wins, the other
gets Conflict (409). Each racer runs in its own thread, so on its own connection; a barrier starts them together and
a pause after the row lock makes sure the second really waits on the first."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from haimen_gov.workflow import actions
from haimen_gov.workflow.actions import Conflict, items
from haimen_gov.workflow.models import HistoryEntry, Task, TaskStatus
from tests.workflow_app.models import MemoState

from .helpers import delegate, fire, memo_at, reload, submitted_memo

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("no_email_queue"),
]

LOCK_HOLD_SECONDS = 0.3


@pytest.fixture
def slow_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the item's row lock a little before going on, so that the racers' transactions overlap."""
    real_lock = items.lock_item

    def lock_and_linger(model: Any, pk: int) -> Any:
        item = real_lock(model, pk)
        time.sleep(LOCK_HOLD_SECONDS)
        return item

    monkeypatch.setattr(items, "lock_item", lock_and_linger)  # the lock item_fire takes


def race(*contenders: Callable[[], Any]) -> list[Any]:
    """Run the callables at the same moment, each in a thread with its own database connection; return what each
    returned or raised, in order."""
    barrier = threading.Barrier(len(contenders))
    results: list[Any] = [None] * len(contenders)

    def run(index: int, contender: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = contender()
        except Exception as exc:  # the outcome under test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results


def one_won_one_conflicted(results: list[Any]) -> int:
    """The index of the winner, after checking that the other lost with Conflict."""
    lost = [i for i, r in enumerate(results) if isinstance(r, Exception)]
    assert len(lost) == 1, results
    assert isinstance(results[lost[0]], Conflict), results
    return 1 - lost[0]


def test_director_and_deputy_approving_the_or_step_at_once(org, slow_lock):
    memo = submitted_memo(org)

    results = race(
        lambda: fire(memo, "approve", org.director, expected_state=MemoState.OFFICE_REVIEW),
        lambda: fire(memo, "approve", org.deputy1, expected_state=MemoState.OFFICE_REVIEW),
    )

    winner = (org.director, org.deputy1)[one_won_one_conflicted(results)]
    assert reload(memo).state == MemoState.JOINT_REVIEW
    done = Task.objects.filter(item_id=memo.pk, step="office_review", status=TaskStatus.DONE)
    assert [t.finished_by for t in done] == [winner]
    assert Task.objects.filter(item_id=memo.pk, step="office_review", status=TaskStatus.OPEN).count() == 0
    assert HistoryEntry.objects.filter(item_id=memo.pk, verb="approve").count() == 1


def test_the_head_and_the_delegate_approving_at_once(org, slow_lock):
    memo = memo_at(org, MemoState.HEAD_SIGN)
    delegate(org.posts.head, org.exec_vice)

    results = race(
        lambda: fire(memo, "approve", org.head, comment="同意。"),
        lambda: fire(memo, "approve", org.exec_vice, comment="同意。"),
    )

    winner = (org.head, org.exec_vice)[one_won_one_conflicted(results)]
    assert reload(memo).state == MemoState.ISSUED
    signed = HistoryEntry.objects.filter(item_id=memo.pk, from_state="head_sign")
    assert [(e.actor, e.verb) for e in signed] == [(winner, "approve")]
    assert Task.objects.filter(item_id=memo.pk, step="head_sign").count() == 1


def test_two_joint_signers_at_once_both_count_and_the_memo_moves_on_once(org, slow_lock):
    memo = memo_at(org, MemoState.JOINT_REVIEW)

    results = race(
        lambda: fire(memo, "approve", org.justice),
        lambda: fire(memo, "approve", org.director),
    )

    assert not any(isinstance(r, Exception) for r in results), results
    assert reload(memo).state == MemoState.EXEC_SIGN
    assert Task.objects.filter(item_id=memo.pk, step="exec_sign").count() == 1
    moved = HistoryEntry.objects.filter(item_id=memo.pk, from_state="joint_review", to_state="exec_sign")
    assert moved.count() == 1


def test_the_api_answers_409_to_the_slower_of_two_approvals(org, seals, api_client_for, slow_lock):
    from seals.actions import seal_request_create
    from tests.seals.helpers import pdf_upload

    government_seal, _office_seal = seals
    request = seal_request_create(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        seal=government_seal,
        purpose="报送材料",
        document_title="关于申请专项资金的请示",
        copies=2,
        files=[pdf_upload()],
    )
    fire_as = actions.item_fire
    fire_as(type(request), request.pk, verb="approve", actor=org.vice1)  # review → approval (the head's)
    delegate(org.posts.head, org.exec_vice)
    url = f"/api/v1/seals/requests/{request.pk}/transitions/approve/"

    responses = race(
        lambda: api_client_for(org.head).post(url, {"comment": "同意"}, format="json"),
        lambda: api_client_for(org.exec_vice).post(url, {"comment": "同意"}, format="json"),
    )

    assert sorted(r.status_code for r in responses) == [200, 409], [getattr(r, "data", r) for r in responses]
    assert type(request).objects.get(pk=request.pk).state == "stamping"
