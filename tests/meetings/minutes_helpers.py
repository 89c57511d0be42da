"""Builders of the minutes tests: a held meeting with topics on its agenda, minutes walked to a given step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from haimen_gov.org.models import PortfolioRole, PostKind, UnitKind
from haimen_gov.workflow import actions as engine
from meetings import actions_minutes
from meetings.models import Meeting, MeetingKind, Topic, TopicState
from meetings.models_minutes import Minutes
from tests.factories import PortfolioFactory, PostFactory, UnitFactory, UserFactory

from .helpers import meeting


def held(org: Any, kind: str = MeetingKind.EXECUTIVE, day: dt.date | None = None, **extra: Any) -> Meeting:
    """A meeting already held (补录), a week ago unless told otherwise."""
    day = day or timezone.localdate() - dt.timedelta(days=7)
    return meeting(org, day, kind, held=True, **extra)


def on_agenda(meeting_: Meeting, unit: Any, submitter: Any, *, by_leader: bool = False) -> Topic:
    """A topic the head put on ``meeting_``'s agenda. The topic chain has its own tests (test_topics.py); here only
    the scheduled topic matters, so it is written as it ends up."""
    topic = Topic(
        title=f"关于{unit.short_name}工作的议题",
        submitter=submitter,
        unit=unit,
        meeting=meeting_,
        by_leader=by_leader,
        background="背景。",
        proposed_decision="拟决策。",
        unit_opinion="同意。",
        state=TopicState.SCHEDULED,
        stage=TopicState.SCHEDULED,
        stage_label="已列入会议议程",
        submitted_at=timezone.now(),
    )
    topic.save()
    return topic


def third_vice(org: Any) -> tuple[Any, Any, Any]:
    """A third vice head (the cast has two), in charge of a department of their own: (user, post, unit)."""
    user = UserFactory(username="vice3", full_name="吴振华")
    post = PostFactory(kind=PostKind.VICE_HEAD, unit=org.units.gov, title="副区长", holder=user, order=5)
    unit = UnitFactory(code="dept3", name="海门区住房和城乡建设局", short_name="区住建局", kind=UnitKind.DEPARTMENT)
    PortfolioFactory(unit=unit, role=PortfolioRole.VICE_HEAD, post=post)
    return user, post, unit


def draft(org: Any, meeting_: Meeting, *, decisions: int = 1, actor: Any = None, **update: Any) -> Minutes:
    actor = actor or org.office_clerk
    minutes = actions_minutes.minutes_create(actor=actor, meeting=meeting_)
    for n in range(decisions):
        actions_minutes.decision_add(
            minutes.pk,
            actor=actor,
            text=f"第{n + 1}项：由区发改委牵头推进港区综合交通规划实施。",
            lead_unit=org.units.dept1,
            co_units=[org.units.dept2],
            deadline=meeting_.date + dt.timedelta(days=60),
        )
    if update:
        fields = {
            "summary": minutes.summary,
            "distribution": minutes.distribution,
            "reviewer": minutes.reviewer,
            **update,
        }
        actions_minutes.minutes_update(minutes.pk, actor=actor, **fields)
    return minutes


def fire(minutes: Minutes, verb: str, actor: Any, comment: str = "") -> Minutes:
    return engine.item_fire(Minutes, minutes.pk, verb=verb, actor=actor, comment=comment)


def submit(org: Any, minutes: Minutes, actor: Any = None) -> Minutes:
    return actions_minutes.minutes_submit(minutes.pk, actor=actor or org.office_clerk)


def to_signed(org: Any, meeting_: Meeting) -> Minutes:
    """常务会议/区长办公会议 minutes (no vice head concerned unless the agenda says so) walked to 签发."""
    minutes = submit(org, draft(org, meeting_))
    fire(minutes, "approve", org.justice)
    fire(minutes, "approve", org.director)
    from meetings.models_minutes import MinutesState
    from tests.meetings.helpers import fresh, open_posts

    if fresh(minutes).state == MinutesState.OPINIONS:
        for post in open_posts(minutes):
            fire(minutes, "opinion", post.holder, "同意。")
    fire(minutes, "approve", org.exec_vice)
    return fire(minutes, "sign", org.head)
