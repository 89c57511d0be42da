"""The engine's second-edition primitives (issue 8, items 3–10; SPEC §8), each proven on the test-only Case flow
(tests/workflow_app): deadlines from the item, reading steps in the item's order, 会签 by opinions (0/1/3 signers),
recurring feedback across the 2026 National Day holidays, recorded external decisions, re-routing of a second unit,
vacant posts and labels per flow. The returned item as the submitter's task and the applicant's withdrawal are
proven on both Case and Memo."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from haimen_gov.org.models import Portfolio, PortfolioRole, Post, User
from haimen_gov.workflow import actions
from haimen_gov.workflow.actions import CommentRequired, Forbidden
from haimen_gov.workflow.forms import ExternalDecisionForm
from haimen_gov.workflow.models import (
    Decision,
    ExternalDecision,
    HistoryEntry,
    Notification,
    NotificationKind,
    Task,
    TaskStatus,
)
from tests.factories import Org
from tests.workflow_app.models import Case, CaseState, MatterType, MemoState, ReadOrder

from .helpers import delegate, fire, history, inbox_item_ids, memo_at, post_ids, submitted_memo, tasks_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_email_queue")]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday before the 2026 National Day holidays: 10-01…10-07 off, Saturday 10-10 worked (调休), official schedule.
BEFORE_HOLIDAYS = dt.datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)


def make_case(
    org: Org,
    *,
    start: str,
    by: User | None = None,
    signers: tuple[Post, ...] = (),
    feedback_units: tuple[Any, ...] = (),
    **fields: Any,
) -> Case:
    """A draft case of 区发改委 (registered by its clerk) whose submission enters ``start``."""
    fields.setdefault("unit", org.units.dept1)
    case = actions.item_create(
        Case, actor=by or org.dept1_clerk, title="关于重点项目推进情况的督办件", start=start, **fields
    )
    case.signers.set(signers)
    case.feedback_units.set(feedback_units)
    return case


def fire_case(case: Case, verb: str, actor: User, comment: str = "", **kwargs: Any) -> Case:
    return actions.item_fire(Case, case.pk, verb=verb, actor=actor, comment=comment, **kwargs)


def submitted_case(org: Org, **kwargs: Any) -> Case:
    case = make_case(org, **kwargs)
    return fire_case(case, "submit", case.submitter)


def open_of(item: Any) -> list[Task]:
    return list(Task.objects.filter(item_id=item.pk, status=TaskStatus.OPEN).select_related("post").order_by("id"))


# --------------------------------------------------------------------------- 3. deadlines from the item


@pytest.mark.parametrize(
    ("matter_type", "due"),
    [
        # 5 working days from Monday 09-28: 09-29, 09-30, 10-08, 10-09 and Saturday 10-10 (调休)
        (MatterType.SIMPLE, dt.date(2026, 10, 10)),
        (MatterType.ORDINARY, dt.date(2026, 10, 13)),
        (MatterType.COMPLEX, dt.date(2026, 11, 13)),
    ],
)
def test_the_handling_deadline_comes_from_the_matter_type(org, matter_type, due):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        case = submitted_case(org, start=CaseState.HANDLING, matter_type=matter_type, partner_unit=org.units.dept2)

    [task] = open_of(case)
    assert (task.step, task.post_id, task.due_date, task.due_estimated) == ("handling", org.posts.vice2.pk, due, False)


def test_an_explicit_date_set_by_the_district_wins_over_the_matter_type(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        case = submitted_case(
            org, start=CaseState.HANDLING, matter_type=MatterType.COMPLEX, due_on=dt.date(2026, 10, 9)
        )

    assert [t.due_date for t in open_of(case)] == [dt.date(2026, 10, 9)]


def test_workflow_due_days_still_overrides_a_steps_own_days(org, settings):
    settings.WORKFLOW_DUE_DAYS = {"tests.case.countersign": 9, "tests.case.handling": 1}
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        countersign = submitted_case(org, start=CaseState.COUNTERSIGN, signers=(org.posts.justice,))
        handling = submitted_case(org, start=CaseState.HANDLING, matter_type=MatterType.SIMPLE)

    # 9 working days from 09-28: 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 … 10-15
    assert [t.due_date for t in open_of(countersign)] == [dt.date(2026, 10, 15)]
    # The item's own deadline is the item's: the setting tunes steps that have none.
    assert [t.due_date for t in open_of(handling)] == [dt.date(2026, 10, 10)]


def test_the_calendar_recounts_the_items_working_days_and_never_moves_a_fixed_date(org, client_for):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        by_days = submitted_case(org, start=CaseState.HANDLING, matter_type=MatterType.SIMPLE)
        fixed = submitted_case(org, start=CaseState.HANDLING, due_on=dt.date(2026, 10, 12))
    assert [(t.due_date, t.due_days) for t in open_of(by_days)] == [(dt.date(2026, 10, 10), 5)]
    assert [(t.due_date, t.due_days) for t in open_of(fixed)] == [(dt.date(2026, 10, 12), None)]

    # The office makes Friday 10-09 a day off too: the five working days now end on Monday 10-12.
    admin = org.director
    admin.is_superuser = admin.is_staff = True
    admin.save()
    response = client_for(admin).post(
        "/admin/workdays/calendarday/add/",
        {"date": "2026-10-09", "kind": "holiday", "name": "国庆节（延长）", "source": "测试"},
    )
    assert response.status_code == 302

    assert [(t.due_date, t.due_days) for t in open_of(by_days)] == [(dt.date(2026, 10, 12), 5)]
    assert [t.due_date for t in open_of(fixed)] == [dt.date(2026, 10, 12)]
    # repair_deadlines counts from the item's days (5), not the step's constant (2).
    Task.objects.filter(item_id=by_days.pk).update(due_date=dt.date(2026, 10, 1), due_days=0)
    call_command("repair_deadlines", stdout=StringIO())
    assert [(t.due_date, t.due_days) for t in open_of(by_days)] == [(dt.date(2026, 10, 12), 5)]
    assert [t.due_date for t in open_of(fixed)] == [dt.date(2026, 10, 12)]


# --------------------------------------------------------------------------- 4. reading steps (呈阅)


@pytest.mark.parametrize(
    ("order", "readers"),
    [(ReadOrder.UP, ("dept1_head", "vice1", "head")), (ReadOrder.DOWN, ("head", "vice1", "dept1_head"))],
)
def test_readers_read_one_after_another_in_the_items_order_in_one_state(org, order, readers):
    case = submitted_case(org, start=CaseState.READING, read_order=order)
    first, second, last = (getattr(org, key) for key in readers)

    assert case.state == CaseState.READING
    assert [t.post.holder for t in open_of(case)] == [first]
    # Not the second reader's turn yet.
    assert [t.verb for t in actions.available_transitions(case, second)] == []
    with pytest.raises(Forbidden):
        fire_case(case, "read", second)
    assert [t.verb for t in actions.available_transitions(case, first)] == ["read"]

    case = fire_case(case, "read", first, comment="请抓紧推进。")  # 已阅 with a 批示
    assert case.state == CaseState.READING
    assert [t.post.holder for t in open_of(case)] == [second]
    assert case.pk not in inbox_item_ids(first)
    assert case.pk in inbox_item_ids(second)

    case = fire_case(case, "read", second)  # 已阅 without one
    assert case.state == CaseState.READING
    assert [t.post.holder for t in open_of(case)] == [last]

    case = fire_case(case, "read", last, comment="同意。")
    assert case.state == CaseState.EXTERNAL
    done = Task.objects.filter(item_id=case.pk, step="reading").order_by("id")
    assert [(t.finished_by, t.decision, t.comment) for t in done] == [
        (first, Decision.READ, "请抓紧推进。"),
        (second, Decision.READ, ""),
        (last, Decision.READ, "同意。"),
    ]
    assert done[0].get_decision_display() == "已阅"
    reads = [(h.actor, h.verb_label, h.from_state, h.to_state) for h in history(case) if h.verb == "read"]
    assert reads == [
        (first, "已阅", "reading", "reading"),
        (second, "已阅", "reading", "reading"),
        (last, "已阅", "reading", "external"),
    ]


def test_a_delegate_reads_for_the_reader_away_and_the_history_says_for_whom(org):
    case = submitted_case(org, start=CaseState.READING, read_order=ReadOrder.DOWN)
    delegate(org.posts.head, org.exec_vice)

    case = fire_case(case, "read", org.exec_vice, comment="阅。")

    [done] = tasks_of(case, status=TaskStatus.DONE)
    assert (done.post_id, done.finished_by, done.acting_label) == (org.posts.head.pk, org.exec_vice, "受区长委托")
    assert [t.post_id for t in open_of(case)] == [org.posts.vice1.pk]


def test_only_the_submitter_concludes_a_supervised_case(org):
    case = submitted_case(org, start=CaseState.FEEDBACK, feedback_units=(org.units.dept2,))
    with pytest.raises(Forbidden):
        fire_case(case, "conclude", org.dept2_head)
    assert Case.objects.get(pk=case.pk).state == CaseState.FEEDBACK


# --------------------------------------------------------------------------- 5. 会签 by opinions


def test_a_countersign_of_nobody_is_skipped_and_the_history_says_so(org):
    case = submitted_case(org, start=CaseState.COUNTERSIGN, signers=())

    assert case.state == CaseState.READING  # the next step per the flow
    assert [t.post.holder for t in open_of(case)] == [org.dept1_head]
    skip = next(h for h in history(case) if h.verb == "skip")
    assert (skip.actor, skip.step_label, skip.from_state, skip.to_state) == (None, "会签", "countersign", "reading")
    assert "无需会签，自动跳过" in skip.comment


def test_the_only_signers_opinion_moves_the_item_on(org):
    case = submitted_case(org, start=CaseState.COUNTERSIGN, signers=(org.posts.justice,))
    assert [t.verb for t in actions.available_transitions(case, org.justice)] == ["approve", "return", "opinion"]

    case = fire_case(case, "opinion", org.justice, comment="无法律障碍。")

    assert case.state == CaseState.READING
    [task] = tasks_of(case, step="countersign")
    assert (task.status, task.decision) == (TaskStatus.DONE, Decision.OPINION)
    last = next(h for h in reversed(history(case)) if h.from_state == "countersign")
    assert (last.verb, last.actor, last.to_state) == ("opinion", org.justice, "reading")


def test_three_signers_the_last_opinion_completes_the_countersign(org):
    signers = (org.posts.justice, org.posts.finance, org.posts.dept2_head)
    case = submitted_case(org, start=CaseState.COUNTERSIGN, signers=signers)
    assert {t.post_id for t in open_of(case)} == post_ids(*signers)

    case = fire_case(case, "opinion", org.justice, comment="无法律障碍。")
    case = fire_case(case, "approve", org.finance, comment="资金已落实。")
    assert case.state == CaseState.COUNTERSIGN
    assert [t.post_id for t in open_of(case)] == [org.posts.dept2_head.pk]  # never stuck with no open task

    case = fire_case(case, "opinion", org.dept2_head, comment="建议分步实施。")

    assert case.state == CaseState.READING
    decisions = {t.post_id: t.decision for t in tasks_of(case, step="countersign")}
    assert decisions == {
        org.posts.justice.pk: Decision.OPINION,
        org.posts.finance.pk: Decision.APPROVE,
        org.posts.dept2_head.pk: Decision.OPINION,
    }


def test_a_signer_without_a_task_may_not_give_an_opinion(org):
    case = submitted_case(org, start=CaseState.COUNTERSIGN, signers=(org.posts.justice,))
    with pytest.raises(Forbidden):
        fire_case(case, "opinion", org.finance, comment="意见")
    with pytest.raises(CommentRequired):
        fire_case(case, "opinion", org.justice, comment=" ")
    assert Case.objects.get(pk=case.pk).state == CaseState.COUNTERSIGN


# --------------------------------------------------------------------------- 6. recurring tasks


def test_a_recurring_report_runs_apply_only_once_allowed_and_its_refusal_records_nothing(org):
    """``apply`` carries a report's own fields (supervision's percentage): it runs inside the lock after the
    report is known to be allowed, and a ValidationError it raises leaves the task open and no history."""
    case = submitted_case(org, start=CaseState.FEEDBACK, feedback_units=(org.units.dept2,))
    seen: list[int] = []

    def refuse(item: Case) -> None:
        seen.append(item.pk)
        raise ValidationError({"percent": "完成进度须在 0—100 之间。"})

    with pytest.raises(Forbidden):
        fire_case(case, "feedback", org.town1_head, comment="越权", apply=refuse)
    assert seen == []
    with pytest.raises(ValidationError):
        fire_case(case, "feedback", org.dept2_head, comment="第一期", apply=refuse)
    assert seen == [case.pk]
    [task] = open_of(case)
    assert task.status == TaskStatus.OPEN and "feedback" not in [h.verb for h in history(case)]
    fire_case(case, "feedback", org.dept2_head, comment="第一期", apply=lambda item: seen.append(-1))
    assert seen == [case.pk, -1] and "feedback" in [h.verb for h in history(case)]


def test_recurring_feedback_reopens_each_units_task_across_the_national_day_holidays(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        case = submitted_case(org, start=CaseState.FEEDBACK, feedback_units=(org.units.dept2, org.units.town1))
    first = {t.post_id: t for t in open_of(case)}
    # Five working days from 09-28 across the holidays: Saturday 10-10, the 调休 workday.
    assert {(pid, t.due_date) for pid, t in first.items()} == {
        (org.posts.dept2_head.pk, dt.date(2026, 10, 10)),
        (org.posts.town1_head.pk, dt.date(2026, 10, 10)),
    }
    assert [t.verb for t in actions.available_transitions(case, org.dept2_head)] == ["feedback"]

    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        case = fire_case(case, "feedback", org.dept2_head, comment="第一期：已完成选址。")

    assert case.state == CaseState.FEEDBACK
    now_open = {t.post_id: t for t in open_of(case)}
    # 区教体局's next report is due five working days after this one, across the holidays: 10-08, 10-09, Saturday
    # 10-10 (调休), 10-12, 10-13.
    assert now_open[org.posts.dept2_head.pk].due_date == dt.date(2026, 10, 13)
    assert now_open[org.posts.dept2_head.pk].pk != first[org.posts.dept2_head.pk].pk
    # 三厂街道's task is untouched by the other unit's report.
    town = now_open[org.posts.town1_head.pk]
    assert (town.pk, town.status, town.due_date) == (first[org.posts.town1_head.pk].pk, "open", dt.date(2026, 10, 10))

    with time_machine.travel(dt.datetime(2026, 10, 14, 10, 0, tzinfo=SHANGHAI), tick=False):
        case = fire_case(case, "feedback", org.town1_head, comment="第一期：正在征地。")  # late
    # A late report: the next one is due five working days from the day it came, 10-15 … 10-21.
    assert {t.post_id: t.due_date for t in open_of(case)} == {
        org.posts.dept2_head.pk: dt.date(2026, 10, 13),
        org.posts.town1_head.pk: dt.date(2026, 10, 21),
    }
    done = tasks_of(case, status=TaskStatus.DONE)
    assert [(t.finished_by, t.decision) for t in done] == [
        (org.dept2_head, Decision.FEEDBACK),
        (org.town1_head, Decision.FEEDBACK),
    ]

    # Leaving the state ends the cadence: every open report is withdrawn.
    case = fire_case(case, "conclude", org.dept1_clerk)
    assert (case.state, open_of(case)) == (CaseState.DONE, [])


def test_only_a_unit_with_an_open_report_may_report_and_never_without_content(org):
    case = submitted_case(org, start=CaseState.FEEDBACK, feedback_units=(org.units.dept2,))
    with pytest.raises(Forbidden):
        fire_case(case, "feedback", org.town1_head, comment="反馈")
    with pytest.raises(CommentRequired):
        fire_case(case, "feedback", org.dept2_head, comment="")
    # Delegation: whoever acts for the unit head today reports for the unit.
    delegate(org.posts.dept2_head, org.dept2_clerk)
    case = fire_case(case, "feedback", org.dept2_clerk, comment="代为反馈。")
    done = tasks_of(case, status=TaskStatus.DONE)[0]
    assert (done.finished_by, done.acting_label) == (org.dept2_clerk, "受区教体局局长委托")
    assert [t.post_id for t in open_of(case)] == [org.posts.dept2_head.pk]


# --------------------------------------------------------------------------- 7. recorded external decisions


def record_data(**data: Any) -> dict[str, Any]:
    values = {
        "decided_by": "市政府常务会议",
        "decided_on": "2026-09-29",
        "means": "document",
        "reference": "通政复〔2026〕12号",
        "decision": "同意实施。",
        "evidence": "批复文件已归档。",
    }
    values.update(data)
    return values


def record_form(case: Case, **data: Any) -> ExternalDecisionForm:
    return ExternalDecisionForm(record_data(**data), item=case)


def test_the_office_records_a_decision_of_the_city_government(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        case = submitted_case(org, start=CaseState.EXTERNAL, partner_unit=org.units.dept2)
    with time_machine.travel(dt.datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI), tick=False):
        form = record_form(case)
        assert form.is_valid(), form.errors
        case = fire_case(case, "record", org.director, comment="已电话告知承办单位。", data=record_data())

    assert case.state == CaseState.HANDLING
    recorded = ExternalDecision.objects.get(item_id=case.pk)
    assert (recorded.body, recorded.decided_on, recorded.recorded_by) == ("市政府", dt.date(2026, 9, 29), org.director)
    entry = history(case)[-1]
    assert (entry.verb, entry.verb_label, entry.actor, entry.step_label) == (
        "record",
        "代市政府登记",
        org.director,
        "报市政府决定",
    )
    assert entry.comment.startswith(
        "市政府（市政府常务会议）于2026年09月29日以文件（通政复〔2026〕12号）决定：同意实施。"
    )
    assert "已电话告知承办单位。" in entry.comment
    [task] = tasks_of(case, step="external")
    assert task.get_decision_display() == "已代为登记"


def test_recording_needs_the_decision_itself_and_a_plausible_date(org):
    case = submitted_case(org, start=CaseState.EXTERNAL)
    with pytest.raises(ValidationError, match="请填写决定人"):
        fire_case(case, "record", org.director)
    with pytest.raises(ValidationError, match="决定日期不能晚于"):
        fire_case(case, "record", org.director, data=record_data(decided_on="2099-01-01"))
    with pytest.raises(ValidationError, match="决定日期不能早于事项创建日期"):
        fire_case(case, "record", org.director, data=record_data(decided_on="2001-01-01"))
    assert not record_form(case, means="document", reference="").is_valid()  # a document has a number
    assert not record_form(case, decision="决" * 501).is_valid()
    assert not record_form(case, means="telepathy").is_valid()
    # Only the step's post records; the submitter cannot.
    good = record_data(decided_on=dt.date.today().isoformat())
    assert record_form(case, decided_on=dt.date.today().isoformat()).is_valid()
    with pytest.raises(Forbidden):
        fire_case(case, "record", org.dept1_clerk, data=good)
    assert (Case.objects.get(pk=case.pk).state, ExternalDecision.objects.count()) == (CaseState.EXTERNAL, 0)


def test_the_item_page_records_the_decision_and_refuses_bad_input_in_chinese(org, client_for):
    case = submitted_case(org, start=CaseState.EXTERNAL)
    client = client_for(org.director)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "决定方式" in page and "登记决定" in page
    url = reverse("workflow:transition", args=[case.pk, "record"])
    data = {
        "state": "external",
        "decided_by": "区委办",
        "decided_on": dt.date.today().isoformat(),
        "means": "phone",
        "reference": "",
        "decision": "同意。",
        "evidence": "",
    }

    bad = client.post(url, {**data, "means": "document"}, follow=True)
    assert "以文件决定的，请填写文号。" in bad.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.EXTERNAL

    client.post(url, data)
    assert Case.objects.get(pk=case.pk).state == CaseState.HANDLING
    page = client.get(case.get_absolute_url()).content.decode()
    assert "代市政府登记" in page


# --------------------------------------------------------------------------- 8. re-routing a second unit


def test_a_reshuffle_of_the_second_unit_reroutes_the_step_it_resolves(org, django_capture_on_commit_callbacks):
    case = submitted_case(
        org, start=CaseState.HANDLING, partner_unit=org.units.dept2, feedback_units=(org.units.town1,)
    )
    [task] = open_of(case)
    assert task.post_id == org.posts.vice2.pk

    with django_capture_on_commit_callbacks(execute=True):
        portfolio = Portfolio.objects.get(unit=org.units.dept2, role=PortfolioRole.VICE_HEAD)
        portfolio.post = org.posts.vice1
        portfolio.save()

    [moved] = open_of(case)
    assert (moved.pk, moved.post_id, moved.due_date) == (task.pk, org.posts.vice1.pk, task.due_date)
    assert case.pk in inbox_item_ids(org.vice1)
    assert case.pk not in inbox_item_ids(org.vice2)
    assert history(case)[-1].verb == "reroute"
    assert fire_case(case, "approve", org.vice1).state == CaseState.FEEDBACK


def test_a_reshuffle_during_a_reading_step_hands_the_current_turn_to_the_new_leader(
    org, django_capture_on_commit_callbacks
):
    case = submitted_case(org, start=CaseState.READING, read_order=ReadOrder.UP)
    case = fire_case(case, "read", org.dept1_head)
    assert [t.post_id for t in open_of(case)] == [org.posts.vice1.pk]

    with django_capture_on_commit_callbacks(execute=True):
        portfolio = Portfolio.objects.get(unit=org.units.dept1, role=PortfolioRole.VICE_HEAD)
        portfolio.post = org.posts.vice2
        portfolio.save()

    # The reader who has read it is not asked again; the district head still waits for their turn.
    assert [t.post_id for t in open_of(case)] == [org.posts.vice2.pk]
    case = fire_case(case, "read", org.vice2)
    assert [t.post_id for t in open_of(case)] == [org.posts.head.pk]


def test_a_reshuffle_onto_a_vacant_post_tells_the_office_director(org, django_capture_on_commit_callbacks):
    case = submitted_case(org, start=CaseState.HANDLING, partner_unit=org.units.dept2)
    Post.objects.filter(pk=org.posts.vice1.pk).update(holder=None)

    with django_capture_on_commit_callbacks(execute=True):
        portfolio = Portfolio.objects.get(unit=org.units.dept2, role=PortfolioRole.VICE_HEAD)
        portfolio.post = org.posts.vice1
        portfolio.save()

    [task] = open_of(case)
    assert task.post_id == org.posts.vice1.pk
    notices = Notification.objects.filter(item_id=case.pk, kind=NotificationKind.VACANT)
    assert [(n.user, n.task_id) for n in notices] == [(org.director, task.pk)]


def test_a_reshuffle_of_an_unrelated_unit_moves_nothing(org):
    case = submitted_case(org, start=CaseState.HANDLING, partner_unit=org.units.dept2)
    assert actions.reroute_open_tasks(org.units.town1.pk) == 0
    assert [t.post_id for t in open_of(case)] == [org.posts.vice2.pk]


# --------------------------------------------------------------------------- 9. vacant posts


def test_a_task_for_a_vacant_post_tells_the_office_director_once(org):
    Post.objects.filter(pk=org.posts.vice2.pk).update(holder=None)

    case = submitted_case(org, start=CaseState.HANDLING, partner_unit=org.units.dept2)

    [task] = open_of(case)
    assert task.post_id == org.posts.vice2.pk
    notices = Notification.objects.filter(item_id=case.pk, kind=NotificationKind.VACANT)
    assert [(n.user, n.task_id) for n in notices] == [(org.director, task.pk)]
    assert "无人任职" in notices[0].body
    assert not Notification.objects.filter(item_id=case.pk, kind=NotificationKind.NEW_TASK).exists()
    # The director re-assigns it (流程干预); the new post's holder hears of it, the director is not told again.
    new = actions.task_reassign(
        task.pk, actor=org.director, post=org.posts.vice1, reason="副区长空缺，暂由李副区长承办。"
    )
    assert (new.post_id, new.due_date) == (org.posts.vice1.pk, task.due_date)  # the item's deadline, still
    assert notices.count() == 1
    assert Notification.objects.filter(item_id=case.pk, kind=NotificationKind.NEW_TASK, user=org.vice1).exists()


def test_a_vacant_post_with_a_delegate_reaches_the_delegate_not_the_director(org):
    Post.objects.filter(pk=org.posts.vice2.pk).update(holder=None)
    delegate(org.posts.vice2, org.vice1)

    case = submitted_case(org, start=CaseState.HANDLING, partner_unit=org.units.dept2)

    assert not Notification.objects.filter(item_id=case.pk, kind=NotificationKind.VACANT).exists()
    assert Notification.objects.filter(item_id=case.pk, kind=NotificationKind.NEW_TASK, user=org.vice1).exists()


# --------------------------------------------------------------------------- 10. labels per flow


def test_the_item_page_speaks_the_flows_own_words(org, client_for):
    case = submitted_case(org, start=CaseState.HANDLING)
    memo = submitted_memo(org)
    client = client_for(org.dept1_clerk)

    case_page = client.get(case.get_absolute_url()).content.decode()
    assert "来文单位" in case_page and "登记人" in case_page
    assert "申请单位" not in case_page and "申请人<" not in case_page
    assert '<div class="fw-semibold">登记' in case_page  # the timeline's first entry

    memo_page = client.get(memo.get_absolute_url()).content.decode()
    assert "申请单位" in memo_page and "申请人" in memo_page and "提交申请" in memo_page
    assert "来文单位" not in memo_page


# --------------------------------------------------------------------------- SPEC §8: return and withdraw


def test_a_returned_memo_is_a_task_in_the_submitters_inbox_closed_by_resubmitting(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        memo = memo_at(org, MemoState.JOINT_REVIEW)
        memo = fire(memo, "return", org.justice, comment="请补充法律依据。")

    [task] = [t for t in tasks_of(memo, status=TaskStatus.OPEN)]
    # Five working days (Flow.resubmit_days) from 09-28: 10-10, the 调休 Saturday.
    assert (task.step_label, task.post_id, task.due_date) == (
        "修改后重新提交",
        org.posts.dept1_clerk.pk,
        dt.date(2026, 10, 10),
    )
    assert memo.pk in inbox_item_ids(org.dept1_clerk)
    # The submitter is told once (the result notice), not twice.
    assert Notification.objects.filter(item_id=memo.pk, user=org.dept1_clerk).count() == 1

    memo = fire(memo, "submit", org.dept1_clerk)

    task.refresh_from_db()
    assert (task.status, task.decision, task.finished_by) == (TaskStatus.DONE, Decision.RESUBMITTED, org.dept1_clerk)
    assert memo.pk not in inbox_item_ids(org.dept1_clerk)


def test_a_returned_case_may_be_withdrawn_which_closes_the_submitters_task(org):
    case = submitted_case(org, start=CaseState.HANDLING)
    case = fire_case(case, "return", org.vice1, comment="请补充材料。")
    assert "withdraw" in [t.verb for t in actions.available_transitions(case, org.dept1_clerk)]

    case = fire_case(case, "withdraw", org.dept1_clerk, comment="项目已取消。")

    assert (case.state, open_of(case)) == (CaseState.WITHDRAWN, [])
    [task] = tasks_of(case, step="resubmit")
    assert (task.status, task.decision) == (TaskStatus.DONE, Decision.WITHDRAWN)


def test_a_withdrawal_is_the_applicants_act_and_the_leaders_task_shows_it_cancelled(org, client_for):
    memo = submitted_memo(org)

    memo = fire(memo, "withdraw", org.dept1_clerk, comment="材料有误，重新起草。")

    entry = HistoryEntry.objects.filter(item_id=memo.pk).latest("id")
    assert (entry.verb, entry.verb_label, entry.actor, entry.acting_label) == (
        "withdraw",
        "撤回",
        org.dept1_clerk,
        "申请人",
    )
    assert (entry.step_label, entry.post, entry.comment) == ("", None, "材料有误，重新起草。")
    leaders = tasks_of(memo, step="office_review")
    assert {(t.status, t.get_decision_display(), t.finished_by) for t in leaders} == {
        (TaskStatus.CANCELLED, "申请人撤回", None)
    }
    page = client_for(org.dept1_clerk).get(memo.get_absolute_url()).content.decode()
    assert "材料有误，重新起草。" in page
    # The timeline shows the leaders' tasks closed by the withdrawal, in grey.
    timeline = page[page.index('id="timeline"') :]
    assert '<li class="withdrawn">' in timeline
    assert '区政府办公室主任：<span class="text-secondary">申请人撤回</span>' in timeline
