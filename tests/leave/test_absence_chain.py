"""外出请示报备 (第四十四条): the leader (or the office for them) reports → the head approves → the office records the
report to the district party committee. Who may fire each step and who may not, and what must hold first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import HistoryEntry, Task, TaskStatus
from leave import actions
from leave.models import AbsenceState

from .conftest import approved, days, fresh, report

pytestmark = pytest.mark.django_db


def open_posts(absence):  # type: ignore[no-untyped-def]
    return {t.post_id for t in Task.objects.filter(item=absence, status=TaskStatus.OPEN)}


def test_a_vice_heads_report_waits_on_the_head_then_on_the_office(org):
    absence = report(org.vice1, acting=org.vice2)

    assert absence.state == AbsenceState.APPROVAL
    assert absence.late is False
    assert absence.unit == org.units.gov
    assert open_posts(absence) == {org.posts.head.pk}

    absence = actions.absence_approve(absence.pk, actor=org.head, comment="同意。")
    assert absence.state == AbsenceState.FILING
    # 或签: the director or any deputy records it.
    assert open_posts(absence) == {org.posts.director.pk, org.posts.deputy1.pk, org.posts.deputy2.pk}

    absence = actions.absence_record(absence.pk, actor=org.deputy1, comment="11月30日电话报区委办公室备案。")
    assert absence.state == AbsenceState.FILED
    assert absence.closed_at is not None
    assert open_posts(absence) == set()
    entry = HistoryEntry.objects.filter(item=absence, verb="record").get()
    assert entry.actor == org.deputy1
    assert entry.comment == "11月30日电话报区委办公室备案。"
    assert entry.step_label == "报区委办备案"


@pytest.mark.parametrize("who", ["vice1", "vice2", "exec_vice", "director", "office_clerk", "outsider"])
def test_only_the_head_approves(org, who):
    absence = report(org.vice1)
    with pytest.raises(engine.Forbidden):
        actions.absence_approve(absence.pk, actor=org.users[who])
    assert fresh(absence).state == AbsenceState.APPROVAL


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        # The head acted in this round (approved it): the engine answers a late click with 409, not 403.
        ("head", engine.Conflict),
        ("vice1", engine.Forbidden),
        ("office_clerk", engine.Forbidden),
        ("custodian", engine.Forbidden),
        ("dept1_head", engine.Forbidden),
    ],
)
def test_only_the_office_director_or_deputies_record_the_report(org, who, refusal):
    absence = approved(org.vice1, org)
    with pytest.raises(refusal):
        actions.absence_record(absence.pk, actor=org.users[who], comment="已报备。")
    assert fresh(absence).state == AbsenceState.FILING


def test_the_record_says_how_and_when_it_was_reported(org):
    absence = approved(org.vice1, org)
    with pytest.raises(engine.CommentRequired):
        actions.absence_record(absence.pk, actor=org.director, comment="  ")
    actions.absence_record(absence.pk, actor=org.director, comment="书面报区委办公室。")
    with pytest.raises(engine.Conflict):
        actions.absence_record(absence.pk, actor=org.deputy2, comment="我也报了。")


def test_the_head_may_return_or_refuse_with_a_reason(org):
    absence = report(org.dept1_head)
    with pytest.raises(engine.CommentRequired):
        actions.absence_reject(absence.pk, actor=org.head, comment="")
    actions.absence_return(absence.pk, actor=org.head, comment="请写明代行人。")
    assert fresh(absence).state == AbsenceState.RETURNED

    actions.absence_update(
        absence.pk,
        actor=org.dept1_head,
        category="trip",
        start=absence.start,
        end=absence.end,
        destination="上海市",
        reason="招商",
        contact="13800000000",
        acting=org.dept1_clerk,
    )
    absence = actions.absence_submit(absence.pk, actor=org.dept1_head)
    assert absence.state == AbsenceState.APPROVAL
    assert absence.round == 2
    actions.absence_reject(absence.pk, actor=org.head, comment="该时段有重要会议。")
    assert fresh(absence).state == AbsenceState.REJECTED


def test_the_reporter_may_withdraw_before_the_head_acts_not_after(org):
    absence = report(org.vice1)
    with pytest.raises(engine.Forbidden):
        actions.absence_withdraw(absence.pk, actor=org.vice2)
    actions.absence_withdraw(absence.pk, actor=org.vice1)
    assert fresh(absence).state == AbsenceState.WITHDRAWN

    absence = approved(org.vice1, org)
    with pytest.raises(engine.WorkflowError):
        actions.absence_withdraw(absence.pk, actor=org.vice1)


def test_the_office_reports_for_a_leader_who_may_then_see_withdraw_and_cancel_it(org, client_for):
    absence = report(org.vice1, by=org.office_clerk)
    assert absence.submitter == org.office_clerk
    assert absence.leader == org.vice1
    assert client_for(org.vice1).get(f"/items/{absence.pk}/").status_code == 200
    assert client_for(org.vice2).get(f"/items/{absence.pk}/").status_code == 404
    actions.absence_withdraw(absence.pk, actor=org.vice1)
    assert fresh(absence).state == AbsenceState.WITHDRAWN


def test_a_leader_may_not_approve_their_own_report_even_acting_for_the_head(org):
    from tests.factories import DelegationFactory

    DelegationFactory(post=org.posts.head, delegate=org.exec_vice, start=days(0), end=days(10))
    absence = report(org.exec_vice, by=org.office_clerk)
    with pytest.raises(engine.Forbidden, match="本人"):
        actions.absence_approve(absence.pk, actor=org.exec_vice)
    # Another report, not theirs: the delegate approves it for the head.
    other = actions.absence_approve(report(org.vice1).pk, actor=org.exec_vice)
    assert other.state == AbsenceState.FILING
    assert HistoryEntry.objects.get(item=other, verb="approve").acting_label == "受区长委托"


@pytest.mark.parametrize(
    ("leader", "by", "field"),
    [
        ("vice2", "vice1", "leader_post"),  # a leader reports only for themselves
        ("vice1", "dept1_clerk", "leader_post"),  # a unit's clerk is not the office
        ("head", "exec_vice", "leader_post"),  # only the office files for the head
        ("dept1_clerk", "dept1_clerk", "leader_post"),  # clerks do not report absences
    ],
)
def test_who_may_report_for_whom(org, leader, by, field):
    with pytest.raises(ValidationError) as caught:
        report(org.users[leader], by=org.users[by])
    assert field in caught.value.message_dict


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (7, 5, "end"),  # back before leaving
        (400, 402, "start"),  # more than a year ahead
        (-40, 2, "start"),  # a 补报 more than 30 days late
        (-5, -1, "end"),  # already over
        (1, 400, "end"),  # longer than a year
    ],
)
def test_dates_are_bounded(org, start, end, field):
    with pytest.raises(ValidationError) as caught:
        report(org.vice1, start=days(start), end=days(end))
    assert field in caught.value.message_dict


def test_the_acting_person_holds_a_post_and_is_not_the_leader(org):
    with pytest.raises(ValidationError) as caught:
        report(org.vice1, acting=org.outsider)
    assert "acting" in caught.value.message_dict
    with pytest.raises(ValidationError):
        report(org.vice1, acting=org.vice1)


def test_a_report_filed_after_the_departure_day_is_a_late_report(org):
    on_time = report(org.vice1, start=days(0))
    late = report(org.vice2, start=days(-2), end=days(1))
    assert on_time.late is False
    assert late.late is True
    # A draft is judged when it is submitted, not when it was written.
    draft = report(org.dept1_head, start=days(0), submit=False)
    assert draft.late is False


def test_the_title_names_leader_kind_place_and_dates(org):
    absence = report(org.vice1)
    assert absence.title.startswith("李卫东出差：江苏省南京市")
    assert absence.slip_fields()[0] == ("外出领导", "李卫东（副区长）")


def test_one_report_per_absence(org):
    first = report(org.vice1, start=days(3), end=days(5))
    with pytest.raises(ValidationError) as caught:
        report(org.vice1, by=org.office_clerk, start=days(5), end=days(6))
    assert "已有外出报告" in caught.value.message_dict["start"][0]
    # Days after it, or after it is withdrawn, are free again.
    report(org.vice1, start=days(6), end=days(7))
    actions.absence_withdraw(first.pk, actor=org.vice1)
    report(org.vice1, start=days(3), end=days(5))


def test_a_draft_overlapping_a_report_submitted_since_cannot_be_submitted(org):
    draft = report(org.vice1, start=days(3), end=days(5), submit=False)
    report(org.vice1, by=org.office_clerk, start=days(4), end=days(4))
    with pytest.raises(ValidationError):
        actions.absence_submit(draft.pk, actor=org.vice1)
    assert fresh(draft).state == AbsenceState.DRAFT
