"""An approved absence opens the delegation of the leader's post for exactly its dates (第六条, 第四十四条); cancelling
ends it, shortening shortens it; the delegate and the delegator are told; every act under it reads 受…委托."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from haimen_gov.org.routing import who_acts_for
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import HistoryEntry, Notification
from leave import actions
from leave.models import AbsenceState
from seals.demo import seed_seals
from seals.models import SealKind
from tests.seals.helpers import apply

from .conftest import approved, days, fresh, on, report

pytestmark = pytest.mark.django_db


def test_approval_opens_the_delegation_for_the_absence_dates(org):
    absence = report(org.vice1, acting=org.vice2, start=days(3), end=days(5))
    assert absence.delegation is None  # nothing before the head approves
    assert who_acts_for(org.posts.vice1, days(4)) == org.vice1

    absence = fresh(actions.absence_approve(absence.pk, actor=org.head))
    delegation = absence.delegation
    assert delegation is not None
    assert (delegation.post, delegation.delegate) == (org.posts.vice1, org.vice2)
    assert (delegation.start, delegation.end) == (days(3), days(5))
    assert who_acts_for(org.posts.vice1, days(2)) == org.vice1
    assert who_acts_for(org.posts.vice1, days(3)) == org.vice2
    assert who_acts_for(org.posts.vice1, days(5)) == org.vice2
    assert who_acts_for(org.posts.vice1, days(6)) == org.vice1


def test_the_delegate_and_the_delegator_are_told(org):
    absence = approved(org.vice1, org, acting=org.vice2)
    for user in (org.vice1, org.vice2):
        notice = Notification.objects.filter(user=user, item=absence, title__startswith="【委托】").get()
        assert "周晓红" in notice.title
    assert not Notification.objects.filter(user=org.head, title__startswith="【委托】").exists()


def test_no_delegation_when_nobody_is_named(org):
    absence = fresh(approved(org.dept1_head, org))
    assert absence.delegation is None


def test_the_delegate_acts_for_exactly_those_dates_and_the_trail_says_so(org):
    seals = {s.kind: s for s in seed_seals()}
    absence = approved(org.vice1, org, acting=org.vice2, start=days(3), end=days(5))
    assert absence.state == AbsenceState.FILING
    # A government-seal request: vice1, in charge of dept1, reviews it.
    before = apply(org.dept1_clerk, seals[SealKind.GOVERNMENT])
    after = apply(org.dept1_clerk, seals[SealKind.GOVERNMENT])
    during = apply(org.dept1_clerk, seals[SealKind.GOVERNMENT])

    with on(days(2)), pytest.raises(engine.Forbidden):
        engine.item_fire(type(before), before.pk, verb="approve", actor=org.vice2)
    with on(days(6)), pytest.raises(engine.Forbidden):
        engine.item_fire(type(after), after.pk, verb="approve", actor=org.vice2)
    with on(days(3)):
        engine.item_fire(type(during), during.pk, verb="approve", actor=org.vice2, comment="同意。")
    entry = HistoryEntry.objects.get(item=during, verb="approve")
    assert entry.actor == org.vice2
    assert entry.acting_label == "受副区长委托"
    assert entry.post == org.posts.vice1
    with on(days(5)):
        engine.item_fire(type(after), after.pk, verb="approve", actor=org.vice2)


def test_cancelling_ends_the_delegation_and_tells_both(org):
    absence = approved(org.vice1, org, acting=org.vice2, start=days(3), end=days(5))
    with pytest.raises(engine.CommentRequired):
        actions.absence_cancel(absence.pk, actor=org.vice1, comment="")
    with pytest.raises(engine.Forbidden):
        actions.absence_cancel(absence.pk, actor=org.vice2, comment="我不代了。")
    with pytest.raises(engine.Forbidden):
        actions.absence_cancel(absence.pk, actor=org.director, comment="取消。")

    absence = fresh(actions.absence_cancel(absence.pk, actor=org.vice1, comment="会议延期。"))
    assert absence.state == AbsenceState.CANCELLED
    assert absence.delegation is not None and absence.delegation.revoked_at is not None
    assert who_acts_for(org.posts.vice1, days(4)) == org.vice1
    for user in (org.vice1, org.vice2):
        assert Notification.objects.filter(user=user, item=absence, title__startswith="【委托结束】").exists()
    # The office's recording step is moot once it is cancelled.
    assert not absence.tasks.filter(status="open").exists()


def test_the_office_that_filed_it_may_cancel_it_too(org):
    absence = approved(org.vice1, org, by=org.office_clerk, acting=org.vice2)
    actions.absence_cancel(absence.pk, actor=org.office_clerk, comment="领导行程取消。")
    delegation = fresh(absence).delegation
    assert delegation is not None and delegation.revoked_at is not None


def test_an_absence_already_over_can_no_longer_be_cancelled(org):
    absence = approved(org.vice1, org, acting=org.vice2, start=days(1), end=days(2))
    with on(days(3)), pytest.raises(engine.Conflict):
        actions.absence_cancel(absence.pk, actor=org.vice1, comment="取消。")


def test_shortening_moves_the_end_of_the_delegation(org):
    absence = approved(org.vice1, org, acting=org.vice2, start=days(3), end=days(6))
    absence = fresh(actions.absence_shorten(absence.pk, actor=org.vice1, end=days(4), reason="会议提前结束。"))
    assert absence.end == days(4)
    assert absence.delegation is not None and absence.delegation.end == days(4)
    assert who_acts_for(org.posts.vice1, days(4)) == org.vice2
    assert who_acts_for(org.posts.vice1, days(5)) == org.vice1
    entry = HistoryEntry.objects.get(item=absence, verb="shorten")
    assert entry.verb_label == "提前返回"
    assert "会议提前结束" in entry.comment
    for user in (org.vice1, org.vice2):
        assert Notification.objects.filter(user=user, item=absence, title__startswith="【委托变更】").exists()


@pytest.mark.parametrize(("end", "field"), [(6, "end"), (9, "end"), (2, "end")])
def test_a_shortened_end_lies_inside_the_absence(org, end, field):
    absence = approved(org.vice1, org, acting=org.vice2, start=days(3), end=days(6))
    with pytest.raises(ValidationError) as caught:
        actions.absence_shorten(absence.pk, actor=org.vice1, end=days(end), reason="变更。")
    assert field in caught.value.message_dict


def test_only_the_applicant_shortens_and_only_an_approved_absence(org):
    absence = approved(org.vice1, org, acting=org.vice2, start=days(3), end=days(6))
    with pytest.raises(engine.Forbidden):
        actions.absence_shorten(absence.pk, actor=org.vice2, end=days(4), reason="变更。")
    pending = report(org.vice2, acting=org.vice1, start=days(3), end=days(6))
    with pytest.raises(engine.Conflict):
        actions.absence_shorten(pending.pk, actor=org.vice2, end=days(4), reason="变更。")
