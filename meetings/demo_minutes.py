"""Demo minutes (``manage.py seed_demo``): last month's 区长办公会议 with signed, numbered minutes (区长办公会议纪要
〔year〕第n期) and three 议定事项, the first turned into a supervision item by the office. Idempotent: keyed on the
meeting. Needs the demo organisation, ``seed_meetings`` and ``seed_supervision`` (its 督查人员 group)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from haimen_gov.org.models import Post, PostKind, Unit, User
from haimen_gov.workflow import actions as engine

from . import actions_minutes as actions
from .demo import HEAD_OFFICE_TITLE
from .models import Meeting, MeetingState
from .models_minutes import Minutes, MinutesState

DECISIONS = [
    (
        "会议同意海门港新区疏港公路二期工程按计划于年内开工建设，由区交通运输局牵头，区发改委、区住建局配合，"
        "抓紧完成施工图审查和招标工作。",
        "dept4",
        ["dept1", "dept3"],
        45,
    ),
    (
        "会议原则同意2027年度老旧小区改造计划，由区住建局牵头细化项目清单，区财政局做好资金保障。",
        "dept3",
        ["finance"],
        60,
    ),
    (
        "会议要求区教体局会同区卫健委于下月底前完成全区中小学食堂安全专项检查，结果报区政府办公室。",
        "dept2",
        ["dept6"],
        40,
    ),
]


@transaction.atomic
def seed_minutes() -> Minutes | None:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["office_clerk", "justice", "director", "exec_vice", "head"])
    }
    meeting = (
        Meeting.objects.filter(title__startswith=HEAD_OFFICE_TITLE.split("（")[0], state=MeetingState.HELD)
        .order_by("-date")
        .first()
    )
    if meeting is None:
        return None
    existing = Minutes.objects.filter(meeting=meeting).exclude(state=MinutesState.WITHDRAWN).first()
    if existing is not None:
        return existing
    clerk = users["office_clerk"]
    minutes = actions.minutes_create(actor=clerk, meeting=meeting)
    actions.minutes_update(
        minutes.pk,
        actor=clerk,
        summary=(
            f"{meeting.date:%Y年%-m月%-d日}下午，区长陈志明在{meeting.place}主持召开区长办公会议，专题研究港新区"
            "交通建设、老旧小区改造和校园食品安全等工作。现将会议议定事项纪要如下："
        ),
        distribution="区政府领导，区发改委、区住建局、区交通运输局、区教体局、区卫健委、区财政局。",
    )
    units = {u.code: u for u in Unit.objects.all()}
    for text, lead, co, days in DECISIONS:
        actions.decision_add(
            minutes.pk,
            actor=clerk,
            text=text,
            lead_unit=units[lead],
            co_units=[units[c] for c in co],
            deadline=meeting.date + dt.timedelta(days=days),
        )
    actions.minutes_submit(minutes.pk, actor=clerk)
    engine.item_fire(Minutes, minutes.pk, verb="approve", actor=users["justice"], comment="经审核，内容合法。")
    engine.item_fire(Minutes, minutes.pk, verb="approve", actor=users["director"], comment="同意。")
    engine.item_fire(Minutes, minutes.pk, verb="approve", actor=users["exec_vice"], comment="同意，报区长签发。")
    engine.item_fire(Minutes, minutes.pk, verb="sign", actor=users["head"], comment="同意印发。")
    first = minutes.decisions.order_by("order").first()
    if first is not None:
        actions.decision_to_supervision(first.pk, actor=users["director"], cadence_days=5)
    return Minutes.objects.get(pk=minutes.pk)


DISTRICT_ON_DECISION_TITLE = "全区中小学食堂安全专项检查工作部署会"


def seed_district_on_decision(minutes: Minutes | None) -> None:
    """第二十一条: a district-wide meeting requested on the signed minutes' third 议定事项 (the canteen inspection),
    waiting on the office's check; the minutes' decision row and the request's page link each other. Idempotent."""
    from .actions import district_meeting_create
    from .demo import _weekday_on_or_after
    from .models import DistrictBasis, DistrictMeeting, MeetingMode

    if minutes is None or minutes.state != MinutesState.SIGNED:
        return
    if DistrictMeeting.objects.filter(title=DISTRICT_ON_DECISION_TITLE).exists():
        return
    decision = minutes.decisions.order_by("order").last()
    vice = Post.objects.filter(kind=PostKind.VICE_HEAD).order_by("order", "id").first()
    clerk = User.objects.filter(username="office_clerk").first()
    if decision is None or vice is None or clerk is None:
        return
    district_meeting_create(
        actor=clerk,
        title=DISTRICT_ON_DECISION_TITLE,
        date=_weekday_on_or_after(timezone.localdate() + dt.timedelta(days=10)),
        start_time=dt.time(14, 30),
        end_time=dt.time(16, 0),
        place="区政府视频会议室（各学校设分会场）",
        mode=MeetingMode.VIDEO,
        scale=180,
        convener=vice,
        basis=DistrictBasis.DECISION,
        decision=decision,
    )
