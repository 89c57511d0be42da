"""The engine's approval patterns (SPEC §7), driven through the test-only Memo workflow: sequential steps, 会签, 或签,
a conditional step, return and resubmit, withdraw, reject, 加签, 抄送/传阅 and 流程干预 (改派)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from haimen_gov.org.routing import acting_post_ids
from haimen_gov.workflow import actions, selectors
from haimen_gov.workflow.actions import CommentRequired, Conflict, Forbidden, WorkflowError
from haimen_gov.workflow.models import CarbonCopy, Decision, Notification, NotificationKind, TaskStatus
from tests.workflow_app.models import Memo, MemoState

from .helpers import (
    create_memo,
    fire,
    history,
    inbox_item_ids,
    memo_at,
    open_post_ids,
    open_tasks,
    post_ids,
    reload,
    submitted_memo,
    tasks_of,
    verbs,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- create, submit, sequential steps


def test_a_new_memo_is_a_draft_with_a_creation_record(org):
    memo = create_memo(org)

    assert memo.state == MemoState.DRAFT
    assert (memo.stage, memo.stage_label, memo.round) == ("draft", "草稿", 0)
    assert memo.submitter == org.dept1_clerk
    assert open_tasks(memo) == []
    assert verbs(memo) == ["create"]


def test_submitting_opens_the_office_review_for_the_director_and_the_deputy_in_charge(org):
    memo = submitted_memo(org)

    assert memo.state == MemoState.OFFICE_REVIEW
    assert (memo.round, memo.stage_label) == (1, "办公室审核")
    assert memo.submitted_at is not None
    tasks = open_tasks(memo)
    assert {t.post_id for t in tasks} == post_ids(org.posts.director, org.posts.deputy1)
    assert {(t.step, t.group, t.round) for t in tasks} == {("office_review", "any", 1)}
    assert all(t.due_date > memo.submitted_at.date() for t in tasks)
    notified = set(
        Notification.objects.filter(item_id=memo.pk, kind=NotificationKind.NEW_TASK).values_list(
            "user__username", flat=True
        )
    )
    assert notified == {"director", "deputy1"}


def test_a_memo_without_funds_runs_the_whole_chain_step_by_step(org):
    memo = submitted_memo(org)
    expected = [
        (org.director, MemoState.JOINT_REVIEW, post_ids(org.posts.justice, org.posts.director)),
        (org.justice, MemoState.JOINT_REVIEW, post_ids(org.posts.director)),
        (org.director, MemoState.EXEC_SIGN, post_ids(org.posts.exec_vice)),
        (org.exec_vice, MemoState.ISSUED, set()),
    ]
    for actor, state, waiting_on in expected:
        memo = fire(memo, "approve", actor, comment="同意。")
        assert (memo.state, open_post_ids(memo)) == (state, waiting_on), actor.username

    memo = reload(memo)
    assert (memo.stage, memo.stage_label) == ("issued", "已印发")
    assert memo.closed_at is not None
    assert verbs(memo) == ["create", "submit", "approve", "opinion", "approve", "approve"]
    result = Notification.objects.get(item_id=memo.pk, kind=NotificationKind.RESULT)
    assert result.user == org.dept1_clerk
    assert "已印发" in result.title


@pytest.mark.parametrize(
    ("funds", "after_exec_sign", "waiting_on"),
    [(False, MemoState.ISSUED, ()), (True, MemoState.HEAD_SIGN, ("head",))],
    ids=["no-funds-issued", "funds-go-to-the-head"],
)
def test_the_head_signs_only_memos_that_touch_funds(org, funds, after_exec_sign, waiting_on):
    memo = memo_at(org, MemoState.EXEC_SIGN, funds=funds)

    memo = fire(memo, "approve", org.exec_vice)

    assert memo.state == after_exec_sign
    assert open_post_ids(memo) == {getattr(org.posts, key).pk for key in waiting_on}
    if funds:
        memo = fire(memo, "approve", org.head, comment="同意印发。")
        assert memo.state == MemoState.ISSUED


# --------------------------------------------------------------------------- 会签 and 或签


@pytest.mark.parametrize("order", [("justice", "director"), ("director", "justice")], ids=lambda o: "-then-".join(o))
def test_joint_review_moves_on_only_after_the_last_signer_in_any_order(org, order):
    memo = memo_at(org, MemoState.JOINT_REVIEW)
    first, last = (getattr(org, key) for key in order)

    memo = fire(memo, "approve", first, comment="无意见。")
    assert reload(memo).state == MemoState.JOINT_REVIEW
    assert open_post_ids(memo) == {getattr(org.posts, order[1]).pk}
    assert memo.pk not in inbox_item_ids(first)
    assert memo.pk in inbox_item_ids(last)

    memo = fire(memo, "approve", last, comment="同意。")
    assert memo.state == MemoState.EXEC_SIGN
    joint = tasks_of(memo, step="joint_review")
    assert {(t.finished_by.username, t.decision) for t in joint} == {  # type: ignore[union-attr]
        ("justice", Decision.APPROVE),
        ("director", Decision.APPROVE),
    }
    partial, final = history(memo)[-2:]
    assert (partial.actor, partial.verb, partial.verb_label, partial.to_state) == (
        first,
        "opinion",
        "会签同意",
        "joint_review",
    )
    assert (final.actor, final.verb, final.from_state, final.to_state) == (last, "approve", "joint_review", "exec_sign")


def test_a_joint_signer_cannot_answer_twice(org):
    memo = memo_at(org, MemoState.JOINT_REVIEW)
    fire(memo, "approve", org.justice)

    with pytest.raises(Conflict):
        fire(memo, "approve", org.justice)
    assert reload(memo).state == MemoState.JOINT_REVIEW


@pytest.mark.parametrize(("first", "other"), [("director", "deputy1"), ("deputy1", "director")])
def test_or_sign_the_first_answer_completes_the_step_and_withdraws_the_other_task(org, first, other):
    memo = submitted_memo(org)
    assert memo.pk in inbox_item_ids(getattr(org, other))

    memo = fire(memo, "approve", getattr(org, first), comment="同意。")

    assert memo.state == MemoState.JOINT_REVIEW
    office = {t.post_id: t for t in tasks_of(memo, step="office_review")}
    done, cancelled = office[getattr(org.posts, first).pk], office[getattr(org.posts, other).pk]
    assert (done.status, done.decision, done.finished_by) == (TaskStatus.DONE, Decision.APPROVE, getattr(org, first))
    assert (cancelled.status, cancelled.decision) == (TaskStatus.CANCELLED, Decision.SUPERSEDED)
    if other == "deputy1":  # the director has a joint_review task now; the deputy has nothing left
        assert memo.pk not in inbox_item_ids(org.deputy1)
    else:
        assert [t.step for t in selectors.inbox(org.director) if t.item_id == memo.pk] == ["joint_review"]


def test_the_superseded_or_signer_pressing_approve_late_gets_conflict(org):
    memo = submitted_memo(org)
    fire(memo, "approve", org.director)

    with pytest.raises(Conflict):
        fire(memo, "approve", org.deputy1)


def test_an_action_against_a_state_the_user_no_longer_sees_is_a_conflict(org):
    memo = submitted_memo(org)
    fire(memo, "approve", org.deputy1)

    # The director's page still shows the office review: the form sends the state it saw.
    with pytest.raises(Conflict):
        fire(memo, "approve", org.director, expected_state=MemoState.OFFICE_REVIEW)
    assert reload(memo).state == MemoState.JOINT_REVIEW
    assert tasks_of(memo, step="joint_review", status=TaskStatus.DONE) == []


# --------------------------------------------------------------------------- return and resubmit


@pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
def test_returning_needs_a_reason(org, comment):
    memo = submitted_memo(org)

    with pytest.raises(CommentRequired):
        fire(memo, "return", org.director, comment=comment)
    assert reload(memo).state == MemoState.OFFICE_REVIEW
    assert len(open_tasks(memo)) == 2


def test_a_returned_memo_goes_back_to_the_submitter_with_the_reason(org):
    memo = memo_at(org, MemoState.JOINT_REVIEW)

    memo = fire(memo, "return", org.justice, comment="第三条表述不规范，请修改。")

    assert memo.state == MemoState.RETURNED
    # The only open task is the submitter's own (SPEC §8): 修改后重新提交, in their 待办.
    assert [(t.step, t.step_label, t.post_id) for t in open_tasks(memo)] == [
        ("resubmit", "修改后重新提交", org.posts.dept1_clerk.pk)
    ]
    director_task = tasks_of(memo, step="joint_review", post=org.posts.director)[0]
    assert (director_task.status, director_task.decision) == (TaskStatus.CANCELLED, Decision.SUPERSEDED)
    last = history(memo)[-1]
    assert (last.verb, last.actor, last.comment) == ("return", org.justice, "第三条表述不规范，请修改。")
    notice = Notification.objects.get(item_id=memo.pk, kind=NotificationKind.RESULT)
    assert notice.user == org.dept1_clerk
    assert "第三条表述不规范" in notice.body
    assert [t.verb for t in actions.available_transitions(memo, org.dept1_clerk)] == ["submit"]


def test_resubmitting_starts_a_new_round_at_the_office_review(org):
    memo = memo_at(org, MemoState.JOINT_REVIEW)
    memo = fire(memo, "return", org.director, comment="请补充资金来源。")

    memo = fire(memo, "submit", org.dept1_clerk)

    assert (memo.state, memo.round) == (MemoState.OFFICE_REVIEW, 2)
    new = open_tasks(memo)
    assert {t.post_id for t in new} == post_ids(org.posts.director, org.posts.deputy1)
    assert {t.round for t in new} == {2}
    # the first round's tasks stay, closed, as the record: four signers' and the submitter's 修改后重新提交
    assert len(tasks_of(memo, round=1)) == 5
    # Nobody has acted in the new round, so the submitter may withdraw again.
    assert "withdraw" in [t.verb for t in actions.available_transitions(memo, org.dept1_clerk)]


# --------------------------------------------------------------------------- withdraw and reject


def test_the_submitter_may_withdraw_before_anyone_acted(org):
    memo = submitted_memo(org)

    memo = fire(memo, "withdraw", org.dept1_clerk)

    assert memo.state == MemoState.WITHDRAWN
    assert memo.closed_at is not None
    assert {(t.status, t.decision) for t in tasks_of(memo)} == {(TaskStatus.CANCELLED, Decision.WITHDRAWN)}
    assert memo.pk not in inbox_item_ids(org.director)


def test_withdrawing_after_the_first_approval_is_forbidden(org):
    memo = submitted_memo(org)
    fire(memo, "approve", org.deputy1)

    assert "withdraw" not in [t.verb for t in actions.available_transitions(reload(memo), org.dept1_clerk)]
    with pytest.raises(Forbidden):
        fire(memo, "withdraw", org.dept1_clerk)
    assert reload(memo).state == MemoState.JOINT_REVIEW


def test_withdrawing_after_an_opinion_was_given_is_forbidden(org):
    memo = submitted_memo(org)
    actions.item_add_signer(Memo, memo.pk, actor=org.director, post=org.posts.finance, comment="涉及资金")
    fire(memo, "opinion", org.finance, comment="资金可从预备费列支。")

    with pytest.raises(Forbidden):
        fire(memo, "withdraw", org.dept1_clerk)
    assert reload(memo).state == MemoState.OFFICE_REVIEW


@pytest.mark.parametrize("key", ["dept1_head", "director", "outsider"])
def test_only_the_submitter_may_withdraw(org, key):
    memo = submitted_memo(org)

    with pytest.raises(Forbidden):
        fire(memo, "withdraw", getattr(org, key))
    assert reload(memo).state == MemoState.OFFICE_REVIEW


def test_rejecting_needs_a_reason_and_is_final(org):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    with pytest.raises(CommentRequired):
        fire(memo, "reject", org.exec_vice)

    memo = fire(memo, "reject", org.exec_vice, comment="不符合政策规定。")

    assert memo.state == MemoState.REJECTED
    assert memo.closed_at is not None
    assert open_tasks(memo) == []
    assert actions.available_transitions(memo, org.dept1_clerk) == []
    with pytest.raises(Conflict):
        fire(memo, "submit", org.dept1_clerk)


# --------------------------------------------------------------------------- 加签


def add_finance_signer(org, memo):  # type: ignore[no-untyped-def]
    return actions.item_add_signer(Memo, memo.pk, actor=org.director, post=org.posts.finance, comment="涉及资金安排")


def test_an_added_signer_gets_a_task_and_sees_it_in_their_inbox(org):
    memo = submitted_memo(org)

    task = add_finance_signer(org, memo)

    assert (task.post, task.extra, task.status, task.step) == (org.posts.finance, True, "open", "office_review")
    assert memo.pk in inbox_item_ids(org.finance)
    assert [t.verb for t in actions.available_transitions(reload(memo), org.finance)] == ["opinion"]
    assert Notification.objects.filter(user=org.finance, item_id=memo.pk, kind=NotificationKind.NEW_TASK).exists()
    entry = history(memo)[-1]
    assert (entry.verb, entry.actor) == ("add_signer", org.director)
    assert "区财政局局长" in entry.comment


def test_the_step_cannot_be_approved_until_the_added_signer_answers(org):
    memo = submitted_memo(org)
    add_finance_signer(org, memo)

    for signer in (org.director, org.deputy1):  # either 或签 signer
        with pytest.raises(WorkflowError, match="加签"):
            fire(memo, "approve", signer)
    assert reload(memo).state == MemoState.OFFICE_REVIEW

    with pytest.raises(CommentRequired):
        fire(memo, "opinion", org.finance)
    fire(memo, "opinion", org.finance, comment="资金可从预备费列支。")
    memo = fire(memo, "approve", org.director)

    assert memo.state == MemoState.JOINT_REVIEW
    extra = tasks_of(memo, extra=True)[0]
    assert (extra.decision, extra.finished_by, extra.comment) == (Decision.OPINION, org.finance, "资金可从预备费列支。")
    assert [e.verb_label for e in history(memo) if e.verb == "opinion"] == ["加签意见"]


def test_the_added_signer_may_not_decide_the_step(org):
    memo = submitted_memo(org)
    add_finance_signer(org, memo)

    with pytest.raises(Forbidden):
        fire(memo, "approve", org.finance)
    with pytest.raises(Forbidden):
        fire(memo, "return", org.finance, comment="退回")


def test_the_steps_own_signer_cannot_close_their_task_with_a_mere_opinion(org):
    # "opinion" answers a 加签; from the signer of a single-signer step it would close the only task and strand
    # the item with nobody left to decide.
    memo = memo_at(org, MemoState.EXEC_SIGN)

    with pytest.raises(Forbidden):
        fire(memo, "opinion", org.exec_vice, comment="原则同意")

    assert reload(memo).state == MemoState.EXEC_SIGN
    assert open_post_ids(memo) == post_ids(org.posts.exec_vice)


@pytest.mark.parametrize("key", ["deputy2", "dept1_clerk", "outsider", "finance"])
def test_only_a_signer_of_the_current_step_may_add_a_signer(org, key):
    memo = submitted_memo(org)
    if key == "finance":  # an added signer may not add more
        add_finance_signer(org, memo)

    with pytest.raises(Forbidden):
        actions.item_add_signer(Memo, memo.pk, actor=getattr(org, key), post=org.posts.vice2, comment="")
    assert not tasks_of(memo, post=org.posts.vice2)


def test_a_post_already_waited_on_cannot_be_added_again(org):
    memo = submitted_memo(org)

    with pytest.raises(Conflict):
        actions.item_add_signer(Memo, memo.pk, actor=org.director, post=org.posts.deputy1, comment="")


# --------------------------------------------------------------------------- 抄送 / 传阅


def test_copying_creates_a_read_receipt_and_a_notice(org, client_for):
    memo = submitted_memo(org)

    copies = actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.vice2, org.finance], note="请阅知")

    assert {c.user for c in copies} == {org.vice2, org.finance}
    assert all(c.read_at is None and c.sent_by == org.director for c in copies)
    notices = Notification.objects.filter(item_id=memo.pk, kind=NotificationKind.COPY)
    assert {n.user for n in notices} == {org.vice2, org.finance}
    assert history(memo)[-1].verb == "copy"

    copies_page = client_for(org.vice2).get("/copies/").content.decode()
    assert memo.title in copies_page and "未读" in copies_page

    assert client_for(org.vice2).get(f"/items/{memo.pk}/").status_code == 200

    assert CarbonCopy.objects.get(item_id=memo.pk, user=org.vice2).read_at is not None
    assert CarbonCopy.objects.get(item_id=memo.pk, user=org.finance).read_at is None
    copies_page = client_for(org.vice2).get("/copies/").content.decode()
    assert "已阅" in copies_page and "未读" not in copies_page


def test_copying_twice_to_the_same_person_or_to_oneself_adds_nothing(org):
    memo = submitted_memo(org)
    actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.vice2])

    again = actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.vice2, org.director])

    assert again == []
    assert CarbonCopy.objects.filter(item_id=memo.pk).count() == 1
    assert verbs(memo).count("copy") == 1


# --------------------------------------------------------------------------- 流程干预 (改派)


def test_the_office_director_may_reassign_a_stuck_task(org):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    old = open_tasks(memo)[0]

    new = actions.task_reassign(old.pk, actor=org.director, post=org.posts.vice1, reason="常务副区长出国考察")

    old.refresh_from_db()
    assert (old.status, old.decision, old.finished_by, old.comment) == (
        TaskStatus.DONE,
        Decision.REASSIGNED,
        org.director,
        "常务副区长出国考察",
    )
    assert (new.post, new.status, new.step, new.round) == (org.posts.vice1, TaskStatus.OPEN, "exec_sign", 1)
    assert memo.pk in inbox_item_ids(org.vice1)
    assert memo.pk not in inbox_item_ids(org.exec_vice)
    entry = history(memo)[-1]
    assert (entry.verb, entry.actor, entry.acting_label) == ("reassign", org.director, "流程干预")
    assert "常务副区长出国考察" in entry.comment
    # The new assignee can act; the old one no longer can.
    with pytest.raises((Forbidden, Conflict)):
        fire(memo, "approve", org.exec_vice)
    assert fire(memo, "approve", org.vice1).state == MemoState.ISSUED


@pytest.mark.parametrize("key", ["deputy1", "head", "exec_vice", "dept1_clerk", "outsider"])
def test_only_the_office_director_may_reassign(org, key):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    task = open_tasks(memo)[0]

    with pytest.raises(Forbidden):
        actions.task_reassign(task.pk, actor=getattr(org, key), post=org.posts.vice1, reason="调整")

    assert open_post_ids(memo) == post_ids(org.posts.exec_vice)


def test_reassigning_needs_a_reason(org):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    task = open_tasks(memo)[0]

    with pytest.raises(CommentRequired):
        actions.task_reassign(task.pk, actor=org.director, post=org.posts.vice1, reason="  ")
    assert open_post_ids(memo) == post_ids(org.posts.exec_vice)


def test_a_finished_task_cannot_be_reassigned(org):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    done = tasks_of(memo, step="office_review", status=TaskStatus.DONE)[0]

    with pytest.raises(Conflict):
        actions.task_reassign(done.pk, actor=org.director, post=org.posts.vice1, reason="调整")


def test_reassigning_to_a_post_that_already_waits_on_the_step_is_refused(org):
    memo = memo_at(org, MemoState.JOINT_REVIEW)
    justice_task = tasks_of(memo, step="joint_review", post=org.posts.justice)[0]

    with pytest.raises(WorkflowError):
        actions.task_reassign(justice_task.pk, actor=org.director, post=org.posts.director, reason="司法局长出差")

    assert open_post_ids(memo) == post_ids(org.posts.justice, org.posts.director)


def test_the_reassign_page_refuses_anyone_but_the_director(org, client_for):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    task = open_tasks(memo)[0]
    url = f"/tasks/{task.pk}/reassign/"
    form = {"post": org.posts.vice1.pk, "reason": "常务副区长出差"}

    # The head oversees every item (so sees it) but may not intervene.
    assert client_for(org.head).post(url, form).status_code == 403
    assert open_post_ids(memo) == post_ids(org.posts.exec_vice)

    assert client_for(org.director).post(url, form).status_code == 302
    assert open_post_ids(memo) == post_ids(org.posts.vice1)


def test_the_item_pages_one_intervention_form_moves_the_task_chosen_in_it(org, client_for):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    other = memo_at(org, MemoState.EXEC_SIGN)
    task, elsewhere = open_tasks(memo)[0], open_tasks(other)[0]
    url = f"/items/{memo.pk}/reassign/"
    form = {"task": task.pk, "post": org.posts.vice1.pk, "reason": "常务副区长出差"}

    page = client_for(org.director).get(f"/items/{memo.pk}/").content.decode()
    assert f'action="{url}"' in page and f'<option value="{task.pk}">' in page
    assert 'id="intervene"' not in client_for(org.head).get(f"/items/{memo.pk}/").content.decode()

    assert client_for(org.head).post(url, form).status_code == 403
    # Another item's task, or none chosen: nothing moves.
    director = client_for(org.director)
    refused = director.post(url, {**form, "task": elsewhere.pk}, follow=True)
    assert "请选择要改派的待办环节" in refused.content.decode()
    assert director.post(url, {**form, "task": ""}).status_code == 302
    assert open_post_ids(memo) == post_ids(org.posts.exec_vice)
    assert open_post_ids(other) == post_ids(org.posts.exec_vice)

    assert director.post(url, form).status_code == 302
    assert open_post_ids(memo) == post_ids(org.posts.vice1)


def test_a_model_validation_error_in_create_is_raised_before_anything_is_written(org):
    with pytest.raises(ValidationError):
        create_memo(org, title="")
    assert not Memo.objects.exists()


def test_acting_post_ids_of_the_cast_are_what_the_tests_assume(org):
    # Guards the assumptions above: each user of the cast acts for exactly the post named after them.
    for key in ("director", "deputy1", "justice", "exec_vice", "head"):
        assert acting_post_ids(getattr(org, key)) == [getattr(org.posts, key).pk]
