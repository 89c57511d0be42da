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
    seed_history(clerk, today)
    seed_district_meeting(users)
    return [executive, held]


# 第二十三条 figures for the dashboard: this year's meetings so far, and last year's (more of them, longer, fewer by
# video), so the director's panel compares the two. Titles carry the year and month: idempotent, and distinct from the
# meetings above.
HISTORY = (
    # (month, day, kind, minutes, mode) this year; last year the same, 30% longer and onsite
    (1, 13, MeetingKind.EXECUTIVE, 150, MeetingMode.ONSITE),
    (2, 10, MeetingKind.PLENARY, 120, MeetingMode.HYBRID),
    (3, 10, MeetingKind.EXECUTIVE, 120, MeetingMode.HYBRID),
    (3, 24, MeetingKind.HEAD_OFFICE, 90, MeetingMode.ONSITE),
    (4, 14, MeetingKind.EXECUTIVE, 120, MeetingMode.VIDEO),
    (5, 12, MeetingKind.TOPICAL, 60, MeetingMode.VIDEO),
    (6, 9, MeetingKind.EXECUTIVE, 110, MeetingMode.HYBRID),
    (6, 23, MeetingKind.HEAD_OFFICE, 75, MeetingMode.ONSITE),
    (7, 14, MeetingKind.EXECUTIVE, 100, MeetingMode.HYBRID),
    (8, 11, MeetingKind.TOPICAL, 60, MeetingMode.VIDEO),
    (9, 8, MeetingKind.EXECUTIVE, 120, MeetingMode.VIDEO),
    (10, 13, MeetingKind.EXECUTIVE, 100, MeetingMode.HYBRID),
    (10, 27, MeetingKind.HEAD_OFFICE, 60, MeetingMode.VIDEO),
    (11, 10, MeetingKind.EXECUTIVE, 90, MeetingMode.HYBRID),
)


def seed_history(clerk: User, today: dt.date) -> int:
    """Held meetings of this year before today, and of last year (each month's also a 区长办公会议, longer)."""
    from haimen_gov.org.models import Unit, UnitKind

    vice = Post.objects.filter(kind=PostKind.VICE_HEAD).order_by("order", "id").first()
    units = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("order", "id")[:2])
    made = 0
    plan = [(today.year, *row) for row in HISTORY]
    plan += [(today.year - 1, m, d, k, int(minutes * 1.3), MeetingMode.ONSITE) for m, d, k, minutes, _mode in HISTORY]
    plan += [(today.year - 1, m, 20, MeetingKind.HEAD_OFFICE, 120, MeetingMode.ONSITE) for m in range(1, 12, 2)]
    existing = set(Meeting.objects.filter(title__startswith="（补录）").values_list("title", flat=True))
    for year, month, day, kind, minutes, mode in plan:
        date = _weekday_on_or_after(dt.date(year, month, day))
        title = f"（补录）{year}年{month}月{MeetingKind(kind).label}（{date:%d}日）"
        if date >= today or today - date > actions.MAX_AHEAD or title in existing:
            continue
        end = dt.datetime.combine(date, dt.time(9)) + dt.timedelta(minutes=minutes)
        actions.meeting_create(
            actor=clerk,
            kind=kind,
            title=title,
            date=date,
            start_time=dt.time(9, 0),
            end_time=end.time(),
            place="行政中心1号会议室" if mode != MeetingMode.VIDEO else "区政府视频会议室",
            mode=mode,
            convener=vice if kind == MeetingKind.TOPICAL else None,
            units=units if kind == MeetingKind.TOPICAL else (),
            held=True,
        )
        made += 1
    return made


DISTRICT_TITLE = "全区安全生产暨防汛防台工作会议"


def seed_district_meeting(users: dict[str, User]) -> None:
    """A request to hold a district-wide meeting in the government's name (第二十一条), waiting on the vice head in
    charge: called by a vice head, it summons the towns' principal leaders with a recorded reason."""
    from .models import DistrictBasis, DistrictMeeting

    if DistrictMeeting.objects.filter(title=DISTRICT_TITLE).exists():
        return
    today = timezone.localdate()
    vice = Post.objects.filter(kind=PostKind.VICE_HEAD).order_by("order", "id").first()
    if vice is None:
        return
    actions.district_meeting_create(
        actor=users["dept1_clerk"],
        title=DISTRICT_TITLE,
        date=_weekday_on_or_after(today + dt.timedelta(days=14)),
        start_time=dt.time(9, 0),
        end_time=dt.time(10, 30),
        place="区政府视频会议室（各区镇设分会场）",
        mode=MeetingMode.VIDEO,
        scale=260,
        convener=vice,
        basis=DistrictBasis.APPROVAL,
        summons_town_principals=True,
        summons_reason="汛期临近，防汛防台责任须由各区镇（街道）主要负责同志当面领受。",
    )
