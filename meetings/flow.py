"""The meetings chapter's chains (第十四、十六、二十、二十一、二十二条) declared for the workflow engine."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from haimen_gov.org.models import PortfolioRole, Post, PostKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Attachments, Flow, Step, choice_labels, register

from .forms import ExceptionForm, LegalityForm, ScheduleForm
from .models import (
    Attendance,
    DeptMeeting,
    DeptMeetingState,
    DistrictMeeting,
    DistrictMeetingState,
    LeaveRequest,
    LeaveState,
    PressRelease,
    PressState,
    Topic,
    TopicState,
)


def _head(item: Any) -> list[Post | None]:
    return [post_of_kind(PostKind.DISTRICT_HEAD)]


# ------------------------------------------------------------------------------------------ 议题 (第十四、十六条)


def _unit_head(topic: Topic) -> list[Post | None]:
    from .composition import unit_principal

    return [unit_principal(topic.unit)]


def _vice_in_charge(item: Any) -> list[Post | None]:
    return [in_charge(item.unit, PortfolioRole.VICE_HEAD)]


def _justice(topic: Topic) -> list[Post | None]:
    # 第二十八条: the justice bureau reviews the legality of a 规范性文件.
    return [post_of_kind(PostKind.JUSTICE_HEAD)]


def _office(item: Any) -> list[Post | None]:
    # The office director, or the deputy director in charge of the unit (或签).
    return [post_of_kind(PostKind.OFFICE_DIRECTOR), in_charge(item.unit, PortfolioRole.OFFICE_DEPUTY)]


def _topic_path(topic: Topic) -> list[str]:
    path = [] if topic.by_leader else [TopicState.UNIT_CONFIRM, TopicState.VICE_STUDY]
    if topic.own_legality_review:
        path.append(TopicState.LEGALITY)
    return [*path, TopicState.OFFICE_CHECK, TopicState.HEAD_DECISION, TopicState.SCHEDULED]


def _reached_office(topic: Topic) -> None:
    # 第十六条 measures the cut-off on the day the topic reaches the office; a round trip to the head for an exception
    # does not move it.
    if topic.reached_office_on is None:
        topic.reached_office_on = timezone.localdate()
        topic.save(update_fields=["reached_office_on"])


def _returned(topic: Topic) -> None:
    # A returned topic reaches the office anew when it is resubmitted.
    topic.reached_office_on = None
    topic.save(update_fields=["reached_office_on"])


TOPIC_MATERIAL = "material"

TOPIC_FLOW = register(
    Flow(
        key="meetings.topic",
        model=Topic,
        steps={
            TopicState.UNIT_CONFIRM: Step("unit_confirm", "单位负责人确认", _unit_head, due_days=1),
            TopicState.VICE_STUDY: Step(
                "vice_study", "分管副区长专题研究", _vice_in_charge, due_days=2, verbs=("approve", "return")
            ),
            TopicState.LEGALITY: Step("legality", "合法性审查", _justice, due_days=3, verbs=("review",)),
            TopicState.OFFICE_CHECK: Step(
                "office_check",
                "区政府办公室审核",
                _office,
                mode="any",
                due_days=1,
                verbs=("approve", "return", "ask_exception"),
            ),
            TopicState.EXCEPTION: Step("exception", "区长特批逾期上会", _head, due_days=1, verbs=("grant", "deny")),
            TopicState.HEAD_DECISION: Step(
                "head_decision", "区长确定议题", _head, due_days=2, verbs=("schedule", "defer", "reject", "return")
            ),
        },
        closed_states=frozenset({TopicState.SCHEDULED, TopicState.DEFERRED, TopicState.REJECTED, TopicState.WITHDRAWN}),
        state_labels=choice_labels(TopicState.choices),
        path=_topic_path,
        on_enter={TopicState.OFFICE_CHECK: _reached_office, TopicState.RETURNED: _returned},
        detail_template="meetings/_topic_detail.html",
        action_forms={"schedule": ScheduleForm, "grant": ExceptionForm, "review": LegalityForm},
        # 第十六条: the 议题申报表's materials, checked by content as every upload is; added while the sponsor
        # drafts or amends the topic.
        attachments=Attachments(
            roles={TOPIC_MATERIAL: "议题申报材料"},
            upload_role=TOPIC_MATERIAL,
            editable_states=frozenset({TopicState.DRAFT, TopicState.RETURNED}),
        ),
        page_related=("meeting", "document"),
        page_prefetch=("attachments",),
    )
)


# ------------------------------------------------------------------------------------------ 请假 (第二十二条)


def _leave_approvers(leave: LeaveRequest) -> list[Post | None]:
    # 第二十二条: 向区长或会议主持人请假 — either one (或签).
    return [post_of_kind(PostKind.DISTRICT_HEAD), leave.attendee.meeting.chair_post]


def _seat_status(status: str) -> Any:
    def hook(leave: LeaveRequest) -> None:
        seat = leave.attendee
        seat.status = status
        seat.substitute = leave.substitute if status == Attendance.ON_LEAVE else ""
        seat.responded_at = timezone.now()
        seat.save(update_fields=["status", "substitute", "responded_at"])

    return hook


LEAVE_FLOW = register(
    Flow(
        key="meetings.leave",
        model=LeaveRequest,
        steps={LeaveState.APPROVAL: Step("approval", "请假审批", _leave_approvers, mode="any", due_days=1)},
        closed_states=frozenset({LeaveState.APPROVED, LeaveState.REJECTED, LeaveState.WITHDRAWN}),
        state_labels=choice_labels(LeaveState.choices),
        path=lambda leave: [LeaveState.APPROVAL, LeaveState.APPROVED],
        on_enter={
            LeaveState.APPROVAL: _seat_status(Attendance.LEAVE_ASKED),
            LeaveState.APPROVED: _seat_status(Attendance.ON_LEAVE),
            LeaveState.REJECTED: _seat_status(Attendance.PENDING),
            LeaveState.WITHDRAWN: _seat_status(Attendance.PENDING),
        },
        detail_template="meetings/_leave_detail.html",
        page_related=("attendee", "attendee__meeting"),
    )
)


# ------------------------------------------------------------------------------------------ 新闻稿 (第二十条)


def _press_path(press: PressRelease) -> list[str]:
    middle = [PressState.LEADER_REVIEW] if press.leader_id else []
    return [PressState.OFFICE_REVIEW, *middle, PressState.APPROVED]


PRESS_FLOW = register(
    Flow(
        key="meetings.press",
        model=PressRelease,
        steps={
            PressState.OFFICE_REVIEW: Step("office_review", "区政府办公室审定", _office, mode="any", due_days=1),
            PressState.LEADER_REVIEW: Step("leader_review", "区政府领导审定", lambda press: [press.leader], due_days=1),
        },
        closed_states=frozenset({PressState.APPROVED, PressState.REJECTED, PressState.WITHDRAWN}),
        state_labels=choice_labels(PressState.choices),
        path=_press_path,
        detail_template="meetings/_press_detail.html",
        page_related=("meeting", "leader"),
    )
)


# ------------------------------------------------------------------------ 部门本系统全区性会议 (第二十一条)


def _dept_path(meeting: DeptMeeting) -> list[str]:
    if not meeting.needs_approval:
        return [DeptMeetingState.FILED]
    return [DeptMeetingState.VICE_REVIEW, DeptMeetingState.HEAD_APPROVAL, DeptMeetingState.APPROVED]


DEPT_MEETING_FLOW = register(
    Flow(
        key="meetings.dept_meeting",
        model=DeptMeeting,
        steps={
            DeptMeetingState.VICE_REVIEW: Step("vice_review", "分管副区长审核", _vice_in_charge, due_days=2),
            DeptMeetingState.HEAD_APPROVAL: Step("head_approval", "区长批准", _head, due_days=2),
        },
        closed_states=frozenset(
            {DeptMeetingState.APPROVED, DeptMeetingState.FILED, DeptMeetingState.REJECTED, DeptMeetingState.WITHDRAWN}
        ),
        state_labels=choice_labels(DeptMeetingState.choices),
        path=_dept_path,
        detail_template="meetings/_dept_meeting_detail.html",
        page_related=("leader_attending",),
    )
)


# ------------------------------------------------------------------ 以区政府名义召开的全区性会议 (第二十一条)


def _district_path(meeting: DistrictMeeting) -> list[str]:
    if meeting.basis == "decision":
        return [DistrictMeetingState.OFFICE_CHECK, DistrictMeetingState.APPROVED]
    return [DistrictMeetingState.VICE_REVIEW, DistrictMeetingState.HEAD_APPROVAL, DistrictMeetingState.APPROVED]


DISTRICT_MEETING_FLOW = register(
    Flow(
        key="meetings.district_meeting",
        model=DistrictMeeting,
        steps={
            # Founded on a 常务会议/区长办公会议 decision: the office checks the decision it names.
            DistrictMeetingState.OFFICE_CHECK: Step(
                "office_check", "区政府办公室核对会议决定", _office, mode="any", due_days=1
            ),
            # Otherwise: 分管副区长审核同意、报区长批准.
            DistrictMeetingState.VICE_REVIEW: Step("vice_review", "分管副区长审核", _vice_in_charge, due_days=2),
            DistrictMeetingState.HEAD_APPROVAL: Step("head_approval", "区长批准", _head, due_days=2),
        },
        closed_states=frozenset(
            {DistrictMeetingState.APPROVED, DistrictMeetingState.REJECTED, DistrictMeetingState.WITHDRAWN}
        ),
        state_labels=choice_labels(DistrictMeetingState.choices),
        path=_district_path,
        detail_template="meetings/_district_meeting_detail.html",
        page_related=("convener", "decision__minutes__meeting"),
        labels={"unit": "承办单位", "submit": "提交申请"},
    )
)
