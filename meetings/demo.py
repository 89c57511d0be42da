"""Demo meetings (``manage.py seed_demo``): a 常务会议 about three weeks ahead with two topics on their way, and last
month's 区长办公会议, held. Idempotent: meetings are keyed on their title."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from haimen_gov.org.models import Post, PostKind, User
from haimen_gov.workflow import actions as engine

from . import actions
from .models import Meeting, MeetingKind, MeetingMode, Topic

EXECUTIVE_TITLE = "区政府第{n}次常务会议"
HEAD_OFFICE_TITLE = "区长办公会议（{month}月）"


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@transaction.atomic
def seed_meetings() -> list[Meeting]:
    """Needs the demo organisation (``org.demo.seed``)."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["office_clerk", "director", "dept1_clerk", "dept1_head", "dept3_clerk", "vice3"]
        )
    }
    clerk = users["office_clerk"]
    today = timezone.localdate()
    ahead = _weekday_on_or_after(today + dt.timedelta(days=21))
    title = EXECUTIVE_TITLE.format(n=ahead.month + 20)
    executive = Meeting.objects.filter(title=title).first()
    if executive is None:
        executive = actions.meeting_create(
            actor=clerk,
            kind=MeetingKind.EXECUTIVE,
            title=title,
            date=ahead,
            start_time=dt.time(9, 0),
            end_time=dt.time(11, 30),
            place="行政中心1号会议室",
            mode=MeetingMode.HYBRID,
            invited=["区人大常委会副主任 顾建国", "区政协副主席 沈丽华"],
        )
        # Two topics on their way: one waiting for the vice head's pre-study, one at the office.
        first = actions.topic_create(
            actor=users["dept1_clerk"],
            meeting=executive,
            title="关于海门港新区综合交通规划（2026—2035年）的议题",
            background="港新区路网密度偏低，疏港通道不足，需统筹规划。",
            proposed_decision="审议通过规划方案，由区发改委牵头组织实施。",
            units_consulted="区住建局、区交通运输局、区财政局",
            funding="前期经费约300万元，由区财政统筹安排",
            unit_opinion="经委务会研究，建议审议通过。",
        )
        engine.item_fire(Topic, first.pk, verb="approve", actor=users["dept1_head"], comment="同意申报。")
        second = actions.topic_create(
            actor=users["dept3_clerk"],
            meeting=executive,
            title="关于老旧小区改造2027年度计划的议题",
            background="全区尚有2000年前建成小区46个。",
            proposed_decision="同意年度改造计划及资金安排。",
            funding="约1.2亿元",
            unit_opinion="建议同意。",
        )
        engine.item_fire(Topic, second.pk, verb="approve", actor=User.objects.get(username="dept3_head"))
        engine.item_fire(
            Topic, second.pk, verb="approve", actor=users["vice3"], comment="已专题研究，同意提交常务会议审议。"
        )
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=12)
    held_title = HEAD_OFFICE_TITLE.format(month=last_month.month)
    held = Meeting.objects.filter(title=held_title).first()
    if held is None:
        held = actions.meeting_create(
            actor=clerk,
            kind=MeetingKind.HEAD_OFFICE,
            title=held_title,
            date=_weekday_on_or_after(last_month),
            start_time=dt.time(15, 0),
            end_time=dt.time(16, 30),
            place="行政中心3号会议室",
            mode=MeetingMode.ONSITE,
            vice_posts=list(Post.objects.filter(kind=PostKind.VICE_HEAD).order_by("order")[:2]),
            held=True,
        )
    return [executive, held]
