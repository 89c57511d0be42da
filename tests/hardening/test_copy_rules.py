"""Issue 9, item 3: who may 传阅 an item, to whom, and what recipients may do (read and 阅示, never pass it on).

The memo is 区发改委's, drafted and submitted by its clerk; it waits on 办公室主任 OR 分管副主任 deputy1 (或签), then
on 司法局 justice AND the director (会签).
"""

from __future__ import annotations

import pytest

from haimen_gov.workflow import actions
from haimen_gov.workflow.models import CarbonCopy, HistoryEntry
from tests.workflow.helpers import delegate, fire, history, memo_at, submitted_memo
from tests.workflow_app.models import Memo, MemoState

pytestmark = pytest.mark.django_db


def copy(memo: Memo, actor, *users, note: str = ""):  # type: ignore[no-untyped-def]
    return actions.item_copy(Memo, memo.pk, actor=actor, users=list(users), note=note)


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize(
    "key",
    [
        "dept1_clerk",  # the applicant
        "director",  # the office's director (and here a task holder)
        "deputy1",  # holds a task of the current step
        "deputy2",  # an office deputy director with nothing to do with the item
    ],
)
def test_the_applicant_task_holders_and_the_office_leaders_may_copy(org, key):
    memo = submitted_memo(org)

    copies = copy(memo, getattr(org, key), org.vice2)

    assert [c.user for c in copies] == [org.vice2]
    assert history(memo)[-1].verb == "copy"
    assert history(memo)[-1].actor == getattr(org, key)


def test_someone_who_acted_may_copy_after_their_task_is_done(org):
    memo = memo_at(org, MemoState.EXEC_SIGN)  # justice approved in the 会签 step

    assert copy(memo, org.justice, org.vice2)


def test_someone_who_holds_a_task_of_a_later_step_may_copy(org):
    memo = memo_at(org, MemoState.JOINT_REVIEW)

    assert copy(memo, org.justice, org.vice2)


def test_a_delegate_of_a_task_holder_may_copy(org):
    memo = memo_at(org, MemoState.JOINT_REVIEW)
    delegate(org.posts.justice, org.finance)

    assert copy(memo, org.finance, org.vice2)


# --------------------------------------------------------------------------- who may not


@pytest.mark.parametrize("key", ["vice2", "dept2_clerk", "finance", "outsider"])
def test_people_outside_the_item_may_not_copy(org, key):
    memo = submitted_memo(org)

    with pytest.raises(actions.Forbidden):
        copy(memo, getattr(org, key), org.vice1)

    assert not CarbonCopy.objects.filter(item_id=memo.pk).exists()


def test_a_recipient_does_not_pass_it_on(org):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)

    with pytest.raises(actions.Forbidden):
        copy(memo, org.vice2, org.finance)


def test_a_recipient_who_commented_still_does_not_pass_it_on(org):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)
    actions.copy_comment(Memo, memo.pk, actor=org.vice2, comment="已阅，同意办公室意见。")

    with pytest.raises(actions.Forbidden):
        copy(memo, org.vice2, org.finance)


def test_a_delegation_that_ended_gives_no_right_to_copy(org):
    import datetime as dt

    from django.utils import timezone

    memo = memo_at(org, MemoState.JOINT_REVIEW)
    delegate(org.posts.justice, org.finance, start=timezone.localdate() - dt.timedelta(days=10), days=2)

    with pytest.raises(actions.Forbidden):
        copy(memo, org.finance, org.vice2)


# --------------------------------------------------------------------------- to whom


def test_only_people_who_hold_a_post_receive_a_copy(org):
    memo = submitted_memo(org)

    with pytest.raises(actions.WorkflowError, match="在职人员"):
        copy(memo, org.director, org.vice2, org.outsider)

    assert not CarbonCopy.objects.filter(item_id=memo.pk).exists()


def test_every_share_is_in_the_history_with_its_recipients_and_note(org):
    memo = submitted_memo(org)

    copy(memo, org.director, org.vice2, org.finance, note="请阅知")
    copy(memo, org.dept1_clerk, org.head)

    shares = [h for h in history(memo) if h.verb == "copy"]
    assert [(h.actor, h.comment) for h in shares] == [
        (org.director, f"传阅：{org.vice2.display_name}、{org.finance.display_name}。请阅知"),
        (org.dept1_clerk, f"传阅：{org.head.display_name}"),
    ]


# --------------------------------------------------------------------------- 阅示


def test_a_recipient_comments_and_the_comment_is_in_the_history(org):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)

    actions.copy_comment(Memo, memo.pk, actor=org.vice2, comment="已阅。")

    entry = HistoryEntry.objects.filter(item_id=memo.pk).order_by("-id").first()
    assert entry is not None
    assert (entry.verb, entry.verb_label, entry.actor, entry.comment) == ("copy_comment", "阅示", org.vice2, "已阅。")
    assert CarbonCopy.objects.get(item_id=memo.pk, user=org.vice2).read_at is not None


@pytest.mark.parametrize("key", ["director", "finance", "dept1_clerk"])
def test_only_recipients_comment(org, key):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)

    with pytest.raises(actions.Forbidden):
        actions.copy_comment(Memo, memo.pk, actor=getattr(org, key), comment="已阅。")


def test_a_comment_is_required_and_bounded(org):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)

    with pytest.raises(actions.CommentRequired):
        actions.copy_comment(Memo, memo.pk, actor=org.vice2, comment="  ")
    with pytest.raises(actions.WorkflowError, match="不能超过"):
        actions.copy_comment(Memo, memo.pk, actor=org.vice2, comment="阅" * 2001)


# --------------------------------------------------------------------------- the page


def test_the_item_page_offers_copying_to_participants_and_commenting_to_recipients(org, client_for):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)

    director_page = client_for(org.director).get(f"/items/{memo.pk}/").content.decode()
    recipient_page = client_for(org.vice2).get(f"/items/{memo.pk}/").content.decode()

    assert f"/items/{memo.pk}/copy/" in director_page
    assert f"/items/{memo.pk}/copy-comment/" not in director_page
    assert f"/items/{memo.pk}/copy/" not in recipient_page
    assert f"/items/{memo.pk}/copy-comment/" in recipient_page


def test_a_recipient_posting_the_copy_form_is_refused_with_a_message(org, client_for):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)

    response = client_for(org.vice2).post(f"/items/{memo.pk}/copy/", {"users": [org.finance.pk]})

    assert response.status_code == 303
    assert any("不能再传阅" in str(m) for m in response.wsgi_request._messages)
    assert not CarbonCopy.objects.filter(item_id=memo.pk, user=org.finance).exists()


def test_a_recipient_comments_from_the_page(org, client_for):
    memo = submitted_memo(org)
    copy(memo, org.director, org.vice2)

    response = client_for(org.vice2).post(f"/items/{memo.pk}/copy-comment/", {"comment": "已阅，无意见。"})

    assert response.status_code == 302
    assert history(memo)[-1].comment == "已阅，无意见。"
    assert "已阅，无意见。" in client_for(org.director).get(f"/items/{memo.pk}/").content.decode()


def test_fire_is_not_needed_for_a_recipient_to_see_the_item(org, client_for):
    memo = submitted_memo(org)
    fire(memo, "approve", org.director)
    copy(memo, org.director, org.vice2)

    assert client_for(org.vice2).get(f"/items/{memo.pk}/").status_code == 200
