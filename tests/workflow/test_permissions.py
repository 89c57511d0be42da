"""Who may fire each transition and who may not (SPEC §7), and delegation (第六条, 第四十四条; 第三十条 for seals)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haimen_gov.org.models import Delegation
from haimen_gov.org.routing import acting_post_ids, capacity, who_acts_for
from haimen_gov.workflow import actions
from haimen_gov.workflow.actions import Conflict, Forbidden
from haimen_gov.workflow.models import Notification, NotificationKind
from tests.workflow_app.models import Memo, MemoState

from .helpers import create_memo, delegate, fire, history, inbox_item_ids, memo_at, open_tasks, reload, submitted_memo

pytestmark = pytest.mark.django_db

VERBS = ("approve", "return", "reject")

# Each deciding state: who holds its task(s), and people who must be refused there. The refused never had a task in
# the memo's round (someone who had one and is refused now was simply late: that is a 409, tested elsewhere).
STEPS = {
    MemoState.OFFICE_REVIEW: (
        ("director", "deputy1"),
        ("deputy2", "vice1", "head", "dept1_head", "dept1_clerk", "dept2_clerk", "outsider"),
    ),
    MemoState.JOINT_REVIEW: (
        ("justice", "director"),
        ("deputy2", "vice2", "finance", "exec_vice", "dept1_clerk", "dept2_clerk", "outsider"),
    ),
    MemoState.EXEC_SIGN: (
        ("exec_vice",),
        ("head", "vice1", "vice2", "deputy2", "dept1_clerk", "dept2_clerk", "outsider"),
    ),
    MemoState.HEAD_SIGN: (
        ("head",),
        ("vice1", "vice2", "deputy2", "finance", "dept1_clerk", "dept2_clerk", "outsider"),
    ),
}
ALLOWED = [(state, key) for state, (allowed, _refused) in STEPS.items() for key in allowed]
REFUSED = [(state, key) for state, (_allowed, refused) in STEPS.items() for key in refused]
# Where a return or a rejection leads, from any deciding state.
TARGETS = {"return": MemoState.RETURNED, "reject": MemoState.REJECTED}
APPROVED = {
    MemoState.OFFICE_REVIEW: MemoState.JOINT_REVIEW,
    MemoState.JOINT_REVIEW: MemoState.JOINT_REVIEW,  # 会签: one answer of two
    MemoState.EXEC_SIGN: MemoState.HEAD_SIGN,  # memo_at(HEAD_SIGN …) memos touch funds; so do these
    MemoState.HEAD_SIGN: MemoState.ISSUED,
}


def verbs_for(memo, user):  # type: ignore[no-untyped-def]
    return {t.verb for t in actions.available_transitions(reload(memo), user)}


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize(("state", "key"), ALLOWED, ids=[f"{s}-{k}" for s, k in ALLOWED])
def test_the_assignee_may_decide(org, state, key, verb):
    memo = memo_at(org, state, funds=True)
    actor = getattr(org, key)
    assert verb in verbs_for(memo, actor)

    memo = fire(memo, verb, actor, comment="经研究，意见如下。")

    assert memo.state == (APPROVED[state] if verb == "approve" else TARGETS[verb])
    entry = history(memo)[-1]
    assert (entry.actor, entry.comment) == (actor, "经研究，意见如下。")


@pytest.mark.parametrize(("state", "key"), REFUSED, ids=[f"{s}-{k}" for s, k in REFUSED])
def test_anyone_else_is_forbidden(org, state, key):
    memo = memo_at(org, state, funds=True)
    actor = getattr(org, key)
    assert verbs_for(memo, actor).isdisjoint(VERBS)
    before = len(history(memo))

    for verb in VERBS:
        with pytest.raises(Forbidden):
            fire(memo, verb, actor, comment="意见")

    assert reload(memo).state == state
    assert len(history(memo)) == before


@pytest.mark.parametrize("key", ["dept1_head", "director", "dept2_clerk", "outsider"])
def test_only_the_submitter_may_submit(org, key):
    memo = create_memo(org)

    with pytest.raises(Forbidden):
        fire(memo, "submit", getattr(org, key))
    assert reload(memo).state == MemoState.DRAFT
    assert fire(memo, "submit", org.dept1_clerk).state == MemoState.OFFICE_REVIEW


def test_nobody_approves_what_they_submitted_even_when_they_hold_the_task(org):
    # The justice head drafts a memo of his own bureau; the joint review then waits on him too.
    memo = memo_at(org, MemoState.JOINT_REVIEW, by=org.justice, unit=org.units.justice)
    assert {t.post for t in open_tasks(memo)} == {org.posts.justice, org.posts.director}
    assert "approve" not in verbs_for(memo, org.justice)

    with pytest.raises(Forbidden, match="本人"):
        fire(memo, "approve", org.justice)
    assert reload(memo).state == MemoState.JOINT_REVIEW


def test_a_late_signer_who_still_sees_the_current_state_is_refused_not_told_to_refresh(org):
    # exec_vice signed exec_sign; at head_sign, naming the state he sees, he has no task: 403, not "someone else
    # handled it" (409).
    memo = memo_at(org, MemoState.HEAD_SIGN)

    with pytest.raises(Forbidden):
        fire(memo, "approve", org.exec_vice, expected_state=MemoState.HEAD_SIGN)
    # Without the state, having signed earlier in the round reads as a stale page.
    with pytest.raises(Conflict):
        fire(memo, "approve", org.exec_vice)


# --------------------------------------------------------------------------- delegation


def test_the_delegate_acts_for_the_head_and_the_history_says_so(org):
    memo = memo_at(org, MemoState.HEAD_SIGN)
    delegate(org.posts.head, org.exec_vice)
    assert memo.pk in inbox_item_ids(org.exec_vice)
    assert "approve" in verbs_for(memo, org.exec_vice)

    memo = fire(memo, "approve", org.exec_vice, comment="同意印发。", ip="10.20.1.7")

    assert memo.state == MemoState.ISSUED
    entry = history(memo)[-1]
    assert (entry.actor, entry.post, entry.acting_label) == (org.exec_vice, org.posts.head, "受区长委托")
    assert (entry.verb, entry.from_state, entry.to_state, entry.ip) == ("approve", "head_sign", "issued", "10.20.1.7")
    task = memo.tasks.get(step="head_sign")
    assert (task.finished_by, task.acting_label) == (org.exec_vice, "受区长委托")


def test_the_head_keeps_the_authority_while_it_is_delegated(org):
    memo = memo_at(org, MemoState.HEAD_SIGN)
    delegate(org.posts.head, org.exec_vice)

    memo = fire(memo, "approve", org.head)

    assert memo.state == MemoState.ISSUED
    assert history(memo)[-1].acting_label == "区长"


def test_new_tasks_are_announced_to_the_delegate_while_the_head_is_away(org):
    delegate(org.posts.head, org.exec_vice)

    memo = memo_at(org, MemoState.HEAD_SIGN)

    notice = Notification.objects.get(task__step="head_sign", task__item_id=memo.pk, kind=NotificationKind.NEW_TASK)
    assert notice.user == org.exec_vice


@pytest.mark.parametrize(
    ("start", "end", "revoked"),
    [(-10, -1, False), (1, 5, False), (-1, 5, True)],
    ids=["expired", "not-yet-started", "revoked"],
)
def test_a_delegation_out_of_force_gives_no_power(org, start, end, revoked):
    memo = memo_at(org, MemoState.HEAD_SIGN)
    today = timezone.localdate()
    for person in (org.vice2, org.exec_vice):
        Delegation.objects.create(
            post=org.posts.head,
            delegate=person,
            start=today + dt.timedelta(days=start),
            end=today + dt.timedelta(days=end),
            reason="出差",
            revoked_at=timezone.now() if revoked else None,
        )

    for person in (org.vice2, org.exec_vice):
        assert memo.pk not in inbox_item_ids(person)
        assert "approve" not in verbs_for(memo, person)
    with pytest.raises(Forbidden):
        fire(memo, "approve", org.vice2)
    with pytest.raises(Forbidden):
        fire(memo, "approve", org.exec_vice, expected_state=MemoState.HEAD_SIGN)
    assert reload(memo).state == MemoState.HEAD_SIGN


def test_the_seal_custodians_post_cannot_be_delegated(org):
    with pytest.raises(ValidationError):
        delegate(org.posts.custodian, org.office_clerk)
    assert not Delegation.objects.exists()


def test_a_custodian_delegation_slipped_into_the_table_gives_no_power(org):
    # bulk_create skips Delegation.save(): routing itself must still refuse (第三十条).
    today = timezone.localdate()
    Delegation.objects.bulk_create(
        [Delegation(post=org.posts.custodian, delegate=org.office_clerk, start=today, end=today, reason="休假")]
    )
    memo = submitted_memo(org)
    actions.item_add_signer(Memo, memo.pk, actor=org.director, post=org.posts.custodian, comment="请核对印鉴")

    assert who_acts_for(org.posts.custodian) == org.custodian
    assert org.posts.custodian.pk not in acting_post_ids(org.office_clerk)
    assert capacity(org.office_clerk, org.posts.custodian) is None
    assert memo.pk not in inbox_item_ids(org.office_clerk)
    with pytest.raises(Forbidden):
        fire(memo, "opinion", org.office_clerk, comment="印鉴无误")
    fire(memo, "opinion", org.custodian, comment="印鉴无误")
    assert history(memo)[-1].actor == org.custodian
