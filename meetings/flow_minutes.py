"""会议纪要's chains (第十九条) declared for the workflow engine.

常务会议 and 区长办公会议: the office drafts → the justice head **and** the office director review (会签) → every vice
head concerned gives an opinion (会签 by opinions; none concerned: the engine skips the step and the history says
so) → the executive vice head signs → the head signs (签发, numbered).

专题会议: the office deputy director who attended or convened it reviews → the leader who called it signs; flagged
(机构设置、人员编制、资金安排、政策调整、审计事项、重大项目), the head approves too.
"""

from __future__ import annotations

from django.utils import timezone

from haimen_gov.org.models import PortfolioRole, Post, PostKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Flow, Step, choice_labels, register
from haimen_gov.workflow.numbering import take_number

from .forms_minutes import SubmitForm
from .models import MeetingKind, Topic, TopicState
from .models_minutes import SERIES, Minutes, MinutesState


def _reviewers(minutes: Minutes) -> list[Post | None]:
    # 第十九条: 区司法局和区政府办公室主任审核 — both.
    return [post_of_kind(PostKind.JUSTICE_HEAD), post_of_kind(PostKind.OFFICE_DIRECTOR)]


def concerned_vices(minutes: Minutes) -> list[Post]:
    """第十九条 相关副区长: the vice heads in charge of the units whose topics were on the agenda (or who proposed a
    topic themselves), and the chair when a vice head chaired. The executive vice head and the head sign later in
    the chain, so they are not asked for an opinion here. Read when the step opens: a reshuffle counts."""
    meeting = minutes.meeting
    found: dict[int, Post] = {}
    topics = Topic.objects.filter(meeting=meeting, state=TopicState.SCHEDULED).select_related("unit")
    for topic in topics.order_by("submitted_at", "id"):
        post: Post | None
        if topic.by_leader:
            post = Post.objects.filter(holder_id=topic.submitter_id, kind=PostKind.VICE_HEAD).first()
        else:
            post = in_charge(topic.unit, PortfolioRole.VICE_HEAD)
        if post is not None:
            found.setdefault(post.pk, post)
    if meeting.chair_post.kind == PostKind.VICE_HEAD:
        found.setdefault(meeting.chair_post_id, meeting.chair_post)
    return sorted((p for p in found.values() if p.kind == PostKind.VICE_HEAD), key=lambda p: (p.order, p.pk))


def _exec_vice(minutes: Minutes) -> list[Post | None]:
    return [post_of_kind(PostKind.EXEC_VICE_HEAD)]


def _head(minutes: Minutes) -> list[Post | None]:
    return [post_of_kind(PostKind.DISTRICT_HEAD)]


def _deputy(minutes: Minutes) -> list[Post | None]:
    # 第十九条: 由参会或受委托召集会议的区政府办公室副主任审核.
    return [minutes.reviewer]


def _chairing_leader(minutes: Minutes) -> list[Post | None]:
    # 第十九条: 由主持会议或委托召开会议的区政府领导签发.
    return [minutes.meeting.convener]


def _path(minutes: Minutes) -> list[str]:
    if minutes.meeting.kind != MeetingKind.TOPICAL:
        return [
            MinutesState.REVIEW,
            MinutesState.OPINIONS,
            MinutesState.EXEC_SIGN,
            MinutesState.HEAD_SIGN,
            MinutesState.SIGNED,
        ]
    head = [MinutesState.HEAD_APPROVAL] if minutes.needs_head else []
    return [MinutesState.DEPUTY_REVIEW, MinutesState.LEADER_SIGN, *head, MinutesState.SIGNED]


def _signed(minutes: Minutes) -> None:
    """签发: the 期号 is taken now, in this transaction (a rollback gives it back: no gap), and the attendance lines
    are kept as they read on the day the minutes were signed."""
    from .actions_minutes import attendance_lines

    today = timezone.localdate()
    issued = take_number(SERIES[MeetingKind(minutes.meeting.kind)], year=today.year, item=minutes)
    lines = attendance_lines(minutes.meeting)
    minutes.signed_on = today
    minutes.issue_year, minutes.issue_no = issued.year, issued.n
    minutes.present_line, minutes.observers_line, minutes.leave_line = lines.present, lines.observers, lines.leave
    minutes.save(
        update_fields=[
            "signed_on",
            "issue_year",
            "issue_no",
            "present_line",
            "observers_line",
            "leave_line",
            "number",
        ]
    )


MINUTES_FLOW = register(
    Flow(
        key="meetings.minutes",
        model=Minutes,
        steps={
            MinutesState.REVIEW: Step(
                "review", "司法局、办公室主任审核", _reviewers, mode="all", due_days=2, verbs=("approve", "return")
            ),
            MinutesState.OPINIONS: Step(
                "opinions", "相关副区长意见", concerned_vices, mode="all", due_days=2, verbs=("opinion",)
            ),
            MinutesState.EXEC_SIGN: Step(
                "exec_sign", "常务副区长签署", _exec_vice, due_days=2, verbs=("approve", "return")
            ),
            MinutesState.HEAD_SIGN: Step("head_sign", "区长签发", _head, due_days=2, verbs=("sign", "return")),
            MinutesState.DEPUTY_REVIEW: Step(
                "deputy_review", "办公室副主任审核", _deputy, due_days=2, verbs=("approve", "return")
            ),
            MinutesState.LEADER_SIGN: Step(
                "leader_sign", "主持领导签发", _chairing_leader, due_days=2, verbs=("sign", "return")
            ),
            MinutesState.HEAD_APPROVAL: Step("head_approval", "区长审批", _head, due_days=2, verbs=("sign", "return")),
        },
        closed_states=frozenset({MinutesState.SIGNED, MinutesState.WITHDRAWN}),
        state_labels=choice_labels(MinutesState.choices),
        path=_path,
        on_enter={MinutesState.SIGNED: _signed},
        detail_template="meetings/_minutes_detail.html",
        action_forms={"submit": SubmitForm},
        page_related=("meeting", "meeting__convener", "meeting__chair_post", "reviewer"),
        labels={"unit": "起草单位", "submitter": "起草人", "submit": "提交审核"},
    )
)
