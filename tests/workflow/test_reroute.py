"""SPEC §1: portfolios (分管) are data, and a reshuffle re-routes every open item. Saving a Portfolio queues
``reroute_open_tasks`` for its unit on commit; open tasks move to whoever the step resolves to now."""

from __future__ import annotations

import pytest

from haimen_gov.org.models import Portfolio, PortfolioRole
from haimen_gov.workflow.models import Notification, NotificationKind
from tests.workflow_app.models import MemoState

from .helpers import fire, inbox_item_ids, memo_at, open_post_ids, open_tasks, post_ids, reload, submitted_memo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_email_queue")]


def hand_over(unit, role, post) -> None:  # type: ignore[no-untyped-def]
    """The office edits the portfolio in the admin: ``post`` is now in charge of ``unit`` for ``role``."""
    portfolio = Portfolio.objects.get(unit=unit, role=role)
    portfolio.post = post
    portfolio.save()


def test_the_or_step_follows_the_deputy_now_in_charge(org, django_capture_on_commit_callbacks):
    memo = submitted_memo(org)
    before = {t.post_id: t for t in open_tasks(memo)}

    with django_capture_on_commit_callbacks(execute=True):
        hand_over(org.units.dept1, PortfolioRole.OFFICE_DEPUTY, org.posts.deputy2)

    assert open_post_ids(memo) == post_ids(org.posts.director, org.posts.deputy2)
    moved = next(t for t in open_tasks(memo) if t.post_id == org.posts.deputy2.pk)
    assert (moved.step, moved.round, moved.due_date) == ("office_review", 1, before[org.posts.deputy1.pk].due_date)
    assert memo.pk in inbox_item_ids(org.deputy2)
    assert memo.pk not in inbox_item_ids(org.deputy1)
    assert Notification.objects.filter(user=org.deputy2, item_id=memo.pk, kind=NotificationKind.NEW_TASK).exists()
    # The new deputy can act on it; the old one cannot.
    assert fire(memo, "approve", org.deputy2).state == MemoState.JOINT_REVIEW


def test_the_single_signer_step_follows_the_vice_head_now_in_charge(org, seals, django_capture_on_commit_callbacks):
    from seals.actions import seal_request_create
    from tests.seals.helpers import pdf_upload

    government_seal, _office_seal = seals
    request = seal_request_create(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        seal=government_seal,
        purpose="报送材料",
        document_title="关于申请专项资金的请示",
        copies=1,
        files=[pdf_upload()],
    )
    assert [t.post for t in request.tasks.filter(status="open")] == [org.posts.vice1]

    with django_capture_on_commit_callbacks(execute=True):
        hand_over(org.units.dept1, PortfolioRole.VICE_HEAD, org.posts.vice2)

    assert [t.post for t in request.tasks.filter(status="open")] == [org.posts.vice2]
    assert request.pk in inbox_item_ids(org.vice2)
    assert request.pk not in inbox_item_ids(org.vice1)
    assert Notification.objects.filter(user=org.vice2, item_id=request.pk, kind=NotificationKind.NEW_TASK).exists()


def test_nothing_moves_before_the_reshuffle_commits(org, django_capture_on_commit_callbacks):
    memo = submitted_memo(org)

    with django_capture_on_commit_callbacks() as callbacks:
        hand_over(org.units.dept1, PortfolioRole.OFFICE_DEPUTY, org.posts.deputy2)
    assert open_post_ids(memo) == post_ids(org.posts.director, org.posts.deputy1)

    for callback in callbacks:
        callback()
    assert open_post_ids(memo) == post_ids(org.posts.director, org.posts.deputy2)


def test_a_reshuffle_of_another_unit_moves_nothing(org, django_capture_on_commit_callbacks):
    memo = submitted_memo(org)  # of dept1; deputy1 is also in charge of town1

    with django_capture_on_commit_callbacks(execute=True):
        hand_over(org.units.town1, PortfolioRole.OFFICE_DEPUTY, org.posts.deputy2)

    assert open_post_ids(memo) == post_ids(org.posts.director, org.posts.deputy1)


def test_steps_that_do_not_depend_on_the_portfolio_are_left_alone(org, django_capture_on_commit_callbacks):
    memo = memo_at(org, MemoState.JOINT_REVIEW)
    fire(memo, "approve", org.justice)

    with django_capture_on_commit_callbacks(execute=True):
        hand_over(org.units.dept1, PortfolioRole.OFFICE_DEPUTY, org.posts.deputy2)

    assert open_post_ids(memo) == post_ids(org.posts.director)
    assert reload(memo).state == MemoState.JOINT_REVIEW


def test_the_move_is_written_into_the_items_history(org, django_capture_on_commit_callbacks):
    memo = submitted_memo(org)

    with django_capture_on_commit_callbacks(execute=True):
        hand_over(org.units.dept1, PortfolioRole.OFFICE_DEPUTY, org.posts.deputy2)

    entry = memo.history.order_by("-at", "-id").first()
    assert entry is not None
    assert (entry.verb, entry.verb_label, entry.actor_id) == ("reroute", "分管调整转办", None)
    assert entry.comment == f"分管领导调整，由{org.posts.deputy1.title}转至{org.posts.deputy2.title}"
    assert entry.from_state == entry.to_state == MemoState.OFFICE_REVIEW


def test_a_step_the_director_reassigned_stays_where_the_director_put_it(org, django_capture_on_commit_callbacks):
    from haimen_gov.workflow.actions import task_reassign

    memo = submitted_memo(org)
    deputy_task = next(t for t in open_tasks(memo) if t.post_id == org.posts.deputy1.pk)
    task_reassign(deputy_task.pk, actor=org.director, post=org.posts.vice2, reason="副主任出差，请副区长审核")
    assert open_post_ids(memo) == post_ids(org.posts.director, org.posts.vice2)

    with django_capture_on_commit_callbacks(execute=True):
        hand_over(org.units.dept1, PortfolioRole.OFFICE_DEPUTY, org.posts.deputy2)

    assert open_post_ids(memo) == post_ids(org.posts.director, org.posts.vice2)
    assert not memo.history.filter(verb="reroute").exists()
