"""会议纪要 (第十九条): the chains of 常务会议/区长办公会议 and of 专题会议 — who may and may not act at each step,
delegation, the vice heads concerned (none, one, three), the 专题 flags, numbering at 签发 per kind and year, the
议定事项 rows (bounded), and a signed decision turned into a supervision item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import HistoryEntry, ItemLink, LinkKind
from meetings import actions_minutes
from meetings.models import Attendance, MeetingKind
from meetings.models_minutes import Minutes, MinutesDecision, MinutesFlag, MinutesState
from supervision.models import Source, SupervisionItem

from .helpers import fresh, open_posts
from .minutes_helpers import draft, fire, held, on_agenda, submit, third_vice, to_signed

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 9, 21, 10, 0)


# ------------------------------------------------------------------------------------ drafting (the office)


@time_machine.travel(TODAY, tick=False)
def test_only_the_office_drafts_and_only_after_the_meeting(org):
    m = held(org)
    for outsider in (org.dept1_clerk, org.vice1, org.outsider):
        with pytest.raises(engine.Forbidden):
            actions_minutes.minutes_create(actor=outsider, meeting=m)
    # The director and deputies review what the office drafts: they do not draft.
    for reviewer in (org.director, org.deputy1):
        with pytest.raises(engine.Forbidden):
            actions_minutes.minutes_create(actor=reviewer, meeting=m)
    from .helpers import meeting

    upcoming = meeting(org, dt.date(2026, 10, 12))
    with pytest.raises(ValidationError, match="会议召开后"):
        actions_minutes.minutes_create(actor=org.office_clerk, meeting=upcoming)
    with pytest.raises(ValidationError, match="第十九条"):
        actions_minutes.minutes_create(actor=org.office_clerk, meeting=held(org, MeetingKind.PLENARY))
    minutes = actions_minutes.minutes_create(actor=org.office_clerk, meeting=m)
    assert minutes.state == MinutesState.DRAFT and minutes.unit == org.units.office
    with pytest.raises(engine.Conflict, match="已有纪要"):
        actions_minutes.minutes_create(actor=org.office_clerk, meeting=m)
    with pytest.raises(ValidationError, match="议定事项"):
        submit(org, minutes)  # no decision yet


# ------------------------------------------------------------------- 常务会议 / 区长办公会议: the full chain


@time_machine.travel(TODAY, tick=False)
def test_full_chain_who_may_and_may_not_at_each_step(org):
    m = held(org)
    on_agenda(m, org.units.dept1, org.dept1_clerk)  # dept1 → vice1 concerned
    minutes = submit(org, draft(org, m))
    assert minutes.state == MinutesState.REVIEW
    assert {p.pk for p in open_posts(minutes)} == {org.posts.justice.pk, org.posts.director.pk}

    # 审核: the justice head AND the office director, nobody else; one alone does not move it on.
    for wrong in (org.vice1, org.exec_vice, org.head, org.deputy1, org.office_clerk):
        with pytest.raises(engine.Forbidden):
            fire(minutes, "approve", wrong)
    fire(minutes, "approve", org.justice, "合法。")
    assert fresh(minutes).state == MinutesState.REVIEW
    with pytest.raises(engine.Conflict):
        fire(minutes, "approve", org.justice)  # already answered
    fire(minutes, "approve", org.director)
    assert fresh(minutes).state == MinutesState.OPINIONS
    assert [p.pk for p in open_posts(minutes)] == [org.posts.vice1.pk]

    # 相关副区长意见: by opinion only; a vice head not concerned may not.
    with pytest.raises(engine.Forbidden):
        fire(minutes, "approve", org.vice1)
    with pytest.raises(engine.Forbidden):
        fire(minutes, "opinion", org.vice2, "同意。")
    with pytest.raises(engine.CommentRequired):
        fire(minutes, "opinion", org.vice1)
    fire(minutes, "opinion", org.vice1, "同意，建议明确时间节点。")
    assert fresh(minutes).state == MinutesState.EXEC_SIGN

    # 常务副区长签署, then 区长签发 — each only by their own.
    for wrong in (org.head, org.deputy1):
        with pytest.raises(engine.Forbidden):
            fire(minutes, "approve", wrong)
    with pytest.raises(engine.Conflict):
        fire(minutes, "approve", org.director)  # had their step already: told it moved on (409)
    fire(minutes, "approve", org.exec_vice)
    assert fresh(minutes).state == MinutesState.HEAD_SIGN
    for wrong in (org.exec_vice, org.director, org.vice1):
        with pytest.raises((engine.Forbidden, engine.Conflict)):
            fire(minutes, "sign", wrong)
    signed = fire(minutes, "sign", org.head, "同意印发。")
    signed = fresh(signed)
    assert signed.state == MinutesState.SIGNED and signed.closed_at is not None
    assert signed.number == "常务会议纪要〔2026〕第1期"
    assert (signed.issue_year, signed.issue_no, signed.signed_on) == (2026, 1, dt.date(2026, 9, 21))
    # 签发 twice: the second is told someone already did it (409).
    with pytest.raises(engine.Conflict):
        fire(minutes, "sign", org.head)
    steps = list(HistoryEntry.objects.filter(item=minutes).values_list("step_label", flat=True))
    assert "相关副区长意见" in steps and "区长签发" in steps


@time_machine.travel(TODAY, tick=False)
def test_a_reviewer_or_signer_returns_the_minutes_to_the_office_who_edits_and_resubmits(org):
    m = held(org)
    minutes = submit(org, draft(org, m))
    with pytest.raises(engine.Conflict, match="不能修改"):
        actions_minutes.decision_add(minutes.pk, actor=org.office_clerk, text="新增", lead_unit=org.units.dept1)
    fire(minutes, "return", org.director, "请补充时间节点。")
    assert fresh(minutes).state == MinutesState.RETURNED
    with pytest.raises(engine.Forbidden):
        actions_minutes.decision_add(minutes.pk, actor=org.deputy1, text="新增", lead_unit=org.units.dept1)
    actions_minutes.decision_add(minutes.pk, actor=org.office_clerk, text="补充事项。", lead_unit=org.units.dept2)
    assert submit(org, minutes).state == MinutesState.REVIEW


@time_machine.travel(TODAY, tick=False)
def test_no_vice_head_concerned_the_step_is_skipped_and_the_history_says_so(org):
    m = held(org, MeetingKind.HEAD_OFFICE)  # no topics, chaired by the head
    minutes = submit(org, draft(org, m))
    fire(minutes, "approve", org.justice)
    fire(minutes, "approve", org.director)
    assert fresh(minutes).state == MinutesState.EXEC_SIGN
    skip = HistoryEntry.objects.get(item=minutes, verb="skip")
    assert skip.step_label == "相关副区长意见" and "自动跳过" in skip.comment
    assert skip.actor is None and skip.to_state == MinutesState.EXEC_SIGN


@time_machine.travel(TODAY, tick=False)
def test_three_vice_heads_concerned_each_opinion_is_needed_one_missing_holds_the_chain(org):
    vice3, post3, dept3 = third_vice(org)
    m = held(org, MeetingKind.HEAD_OFFICE)
    on_agenda(m, org.units.dept1, org.dept1_clerk)
    on_agenda(m, org.units.dept2, org.dept2_clerk)
    on_agenda(m, dept3, org.office_clerk)
    on_agenda(m, org.units.town1, org.town1_clerk)  # also vice1's: asked once
    minutes = submit(org, draft(org, m))
    fire(minutes, "approve", org.justice)
    fire(minutes, "approve", org.director)
    assert {p.pk for p in open_posts(minutes)} == {org.posts.vice1.pk, org.posts.vice2.pk, post3.pk}
    fire(minutes, "opinion", org.vice1, "同意。")
    fire(minutes, "opinion", vice3, "同意。")
    assert fresh(minutes).state == MinutesState.OPINIONS  # vice2 has not answered
    with pytest.raises(engine.Forbidden):
        fire(minutes, "approve", org.exec_vice)
    fire(minutes, "opinion", org.vice2, "建议增加资金保障条款。")
    assert fresh(minutes).state == MinutesState.EXEC_SIGN
    opinions = HistoryEntry.objects.filter(item=minutes, verb="opinion", step_label="相关副区长意见").order_by(
        "at", "id"
    )
    assert [h.actor for h in opinions] == [org.vice1, vice3, org.vice2]


@time_machine.travel(TODAY, tick=False)
def test_one_vice_head_by_a_leaders_own_topic_and_the_exec_vice_head_is_never_asked(org):
    m = held(org, MeetingKind.HEAD_OFFICE)
    on_agenda(m, org.units.gov, org.vice2, by_leader=True)  # vice2 proposed it
    on_agenda(m, org.units.finance, org.finance)  # finance is the exec vice head's: they sign later anyway
    minutes = submit(org, draft(org, m))
    fire(minutes, "approve", org.justice)
    fire(minutes, "approve", org.director)
    assert [p.pk for p in open_posts(minutes)] == [org.posts.vice2.pk]


@time_machine.travel(TODAY, tick=False)
def test_delegation_a_delegate_acts_for_the_vice_head_and_for_the_head(org):
    m = held(org)
    on_agenda(m, org.units.dept1, org.dept1_clerk)
    minutes = submit(org, draft(org, m))
    fire(minutes, "approve", org.justice)
    fire(minutes, "approve", org.director)
    Delegation.objects.create(
        post=org.posts.vice1, delegate=org.vice2, start=dt.date(2026, 9, 21), end=dt.date(2026, 9, 25), reason="出差"
    )
    fire(minutes, "opinion", org.vice2, "代为提出意见：同意。")
    fire(minutes, "approve", org.exec_vice)
    # The head away: the exec vice head signs 受区长委托; the head, holding the post, still may.
    Delegation.objects.create(
        post=org.posts.head, delegate=org.exec_vice, start=dt.date(2026, 9, 21), end=dt.date(2026, 9, 25), reason="学习"
    )
    with pytest.raises(engine.Forbidden):
        fire(minutes, "sign", org.deputy1)
    fire(minutes, "sign", org.exec_vice)
    assert fresh(minutes).state == MinutesState.SIGNED
    labels = dict(
        HistoryEntry.objects.filter(item=minutes, step_label__in=["相关副区长意见", "区长签发"]).values_list(
            "verb", "acting_label"
        )
    )
    assert labels == {"opinion": "受副区长委托", "sign": "受区长委托"}


# ------------------------------------------------------------------------------------------- 专题会议


def _topical(org, convener=None):  # type: ignore[no-untyped-def]
    return held(org, MeetingKind.TOPICAL, convener=convener or org.posts.vice1, units=[org.units.dept1])


@time_machine.travel(TODAY, tick=False)
def test_topical_minutes_reviewed_by_the_deputy_and_signed_by_the_leader_who_called_it(org):
    minutes = draft(org, _topical(org))
    assert minutes.reviewer == org.posts.deputy1  # in charge of dept1, the unit at the meeting
    minutes = submit(org, minutes)
    assert minutes.state == MinutesState.DEPUTY_REVIEW and open_posts(minutes) == [org.posts.deputy1]
    for wrong in (org.deputy2, org.director, org.vice1):
        with pytest.raises(engine.Forbidden):
            fire(minutes, "approve", wrong)
    fire(minutes, "approve", org.deputy1)
    assert open_posts(minutes) == [org.posts.vice1]
    for wrong in (org.head, org.vice2, org.deputy2):
        with pytest.raises(engine.Forbidden):
            fire(minutes, "sign", wrong)
    fire(minutes, "sign", org.vice1)
    signed = fresh(minutes)
    assert signed.state == MinutesState.SIGNED and signed.number == "专题会议纪要〔2026〕第1期"


@time_machine.travel(TODAY, tick=False)
def test_topical_flagged_minutes_go_to_the_head_too_unless_the_head_called_the_meeting(org):
    minutes = draft(org, _topical(org), flags=[MinutesFlag.FUNDING, MinutesFlag.MAJOR_PROJECT])
    minutes = submit(org, minutes)
    fire(minutes, "approve", org.deputy1)
    fire(minutes, "sign", org.vice1)
    assert fresh(minutes).state == MinutesState.HEAD_APPROVAL and open_posts(minutes) == [org.posts.head]
    with pytest.raises(engine.Conflict):
        fire(minutes, "sign", org.vice1)  # signed already: the head's step now
    with pytest.raises(engine.Forbidden):
        fire(minutes, "sign", org.exec_vice)
    fire(minutes, "sign", org.head)
    assert fresh(minutes).state == MinutesState.SIGNED
    # Called by the head: the head signs once.
    by_head = submit(org, draft(org, _topical(org, convener=org.posts.head), flags=[MinutesFlag.AUDIT]))
    fire(by_head, "approve", org.deputy1)
    fire(by_head, "sign", org.head)
    assert fresh(by_head).state == MinutesState.SIGNED


@time_machine.travel(TODAY, tick=False)
def test_topical_reviewer_must_be_a_deputy_and_flags_are_bounded(org):
    minutes = draft(org, _topical(org))
    fields: dict[str, Any] = {"summary": "概述。", "distribution": "区政府领导。"}
    with pytest.raises(ValidationError, match="副主任"):
        actions_minutes.minutes_update(minutes.pk, actor=org.office_clerk, reviewer=org.posts.director, **fields)
    with pytest.raises(ValidationError, match="涉及事项"):
        actions_minutes.minutes_update(minutes.pk, actor=org.office_clerk, flags=["bogus"], **fields)
    actions_minutes.minutes_update(minutes.pk, actor=org.office_clerk, reviewer=None, **fields)
    with pytest.raises(ValidationError, match="副主任"):
        submit(org, minutes)


# ---------------------------------------------------------------------------------------------- numbering


@time_machine.travel(TODAY, tick=False)
def test_numbers_per_kind_and_year(org):
    first = to_signed(org, held(org, day=dt.date(2026, 9, 1)))
    office = to_signed(org, held(org, MeetingKind.HEAD_OFFICE, day=dt.date(2026, 9, 2)))
    second = to_signed(org, held(org, day=dt.date(2026, 9, 3)))
    assert [fresh(m).number for m in (first, office, second)] == [
        "常务会议纪要〔2026〕第1期",
        "区长办公会议纪要〔2026〕第1期",
        "常务会议纪要〔2026〕第2期",
    ]
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, 0), tick=False):
        assert fresh(to_signed(org, held(org, day=dt.date(2026, 12, 30)))).number == "常务会议纪要〔2027〕第1期"


# --------------------------------------------------------------------------------- 议定事项 rows (bounded)


@time_machine.travel(TODAY, tick=False)
def test_decision_rows_are_bounded_and_renumbered(org):
    m = held(org)
    minutes = draft(org, m, decisions=3)
    add = actions_minutes.decision_add
    with pytest.raises(ValidationError, match="500"):
        add(minutes.pk, actor=org.office_clerk, text="长" * 501, lead_unit=org.units.dept1)
    with pytest.raises(ValidationError, match="议定事项"):
        add(minutes.pk, actor=org.office_clerk, text="   ", lead_unit=org.units.dept1)
    with pytest.raises(ValidationError, match="早于会议日期"):
        add(minutes.pk, actor=org.office_clerk, text="x", lead_unit=org.units.dept1, deadline=m.date - dt.timedelta(1))
    with pytest.raises(ValidationError, match="两年"):
        add(minutes.pk, actor=org.office_clerk, text="x", lead_unit=org.units.dept1, deadline=dt.date(2030, 1, 1))
    with pytest.raises(engine.Forbidden):
        add(minutes.pk, actor=org.dept1_clerk, text="x", lead_unit=org.units.dept1)
    # The lead unit is not its own co-unit.
    row = add(minutes.pk, actor=org.office_clerk, text="x", lead_unit=org.units.dept1, co_units=[org.units.dept1])
    assert list(row.co_units.all()) == []
    middle = MinutesDecision.objects.get(minutes=minutes, order=2)
    actions_minutes.decision_remove(minutes.pk, middle.pk, actor=org.office_clerk)
    assert list(minutes.decisions.values_list("order", flat=True)) == [1, 2, 3]
    with pytest.raises(engine.Conflict):
        actions_minutes.decision_remove(minutes.pk, middle.pk, actor=org.office_clerk)
    for n in range(47):
        add(minutes.pk, actor=org.office_clerk, text=f"事项{n}", lead_unit=org.units.dept2)
    with pytest.raises(ValidationError, match="最多50项"):
        add(minutes.pk, actor=org.office_clerk, text="再一项", lead_unit=org.units.dept2)


@time_machine.travel(TODAY, tick=False)
def test_attendance_lines_come_from_the_meetings_records(org):
    m = held(org)
    seats = {s.post_id: s for s in m.attendees.all()}
    vice2 = seats[org.posts.vice2.pk]
    vice2.status = Attendance.ON_LEAVE
    vice2.save()
    finance = seats[org.posts.finance.pk]
    finance.status, finance.substitute = Attendance.ON_LEAVE, "区财政局副局长 张三"
    finance.save()
    lines = actions_minutes.attendance_lines(m)
    assert "陈志明" in lines.present and org.vice2.display_name not in lines.present
    assert org.justice.display_name in lines.observers and "区人大" not in lines.observers
    assert lines.leave == f"{org.vice2.display_name}、{org.finance.display_name}（区财政局副局长 张三代会）"
    minutes = to_signed(org, m)
    # Kept as signed: a later change of the records does not rewrite signed minutes.
    vice2.status = Attendance.CONFIRMED
    vice2.save()
    assert actions_minutes.minutes_lines(fresh(minutes)).leave == lines.leave


# ------------------------------------------------------------------------- 议定事项 → 督办 (第三十七条)


@time_machine.travel(TODAY, tick=False)
def test_a_signed_decision_becomes_a_supervision_item_once_by_the_office_only(org):
    Group.objects.get_or_create(name="督查人员")
    m = held(org)
    minutes = submit(org, draft(org, m, decisions=2))
    decision = MinutesDecision.objects.get(minutes=minutes, order=1)
    with pytest.raises(engine.Conflict, match="签发后"):
        actions_minutes.decision_to_supervision(decision.pk, actor=org.director)
    fire(minutes, "approve", org.justice)
    fire(minutes, "approve", org.director)
    fire(minutes, "approve", org.exec_vice)
    fire(minutes, "sign", org.head)
    for wrong in (org.dept1_head, org.vice1, org.office_clerk):  # the clerk is no 督查人员
        with pytest.raises(engine.Forbidden):
            actions_minutes.decision_to_supervision(decision.pk, actor=wrong)
    row = actions_minutes.decision_to_supervision(decision.pk, actor=org.director, cadence_days=5)
    item = SupervisionItem.objects.get(minutes_decision=row)
    assert item.source == Source.MEETING and item.lead_unit == org.units.dept1
    assert list(item.co_units.all()) == [org.units.dept2] and item.due_on == decision.deadline
    assert item.source_reference == "常务会议纪要〔2026〕第1期第1项" and item.requirement == decision.text
    assert ItemLink.objects.filter(from_item=minutes.pk, to_item=item.pk, kind=LinkKind.SOURCE).exists()
    assert item.state == "signing"
    with pytest.raises(engine.Conflict, match="已转为督办"):
        actions_minutes.decision_to_supervision(decision.pk, actor=org.director)
    assert SupervisionItem.objects.count() == 1
    # A 督查人员 of the office may too.
    org.office_clerk.groups.add(Group.objects.get(name="督查人员"))
    other = MinutesDecision.objects.get(minutes=minutes, order=2)
    assert actions_minutes.decision_to_supervision(other.pk, actor=org.office_clerk).supervision_item_id
    assert Minutes.objects.get(pk=minutes.pk).has_links
