"""Demo data of the leave app (``manage.py seed_demo``): a vice head's approved absence next week, with its delegation
open, and research trips of several leaders this year. Idempotent: run twice, it adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haimen_gov.org.models import User

from . import actions
from .models import Absence, AbsenceKind, ResearchTrip

DESTINATION = "江苏省南京市"

# (leader, days before today the trip started, days, places, topic, findings, 轻车简从)
TRIPS = [
    (
        "head",
        40,
        2,
        "三厂街道、常乐镇",
        "乡村振兴和农村人居环境整治",
        "部分村道路养护经费不足，已交区交通局研究。",
        "随行 2 人，1 辆车，未安排陪同",
    ),
    ("head", 12, 1, "海门港新区", "重点项目建设进度", "两个项目用地手续滞后。", "随行 1 人，未通知当地"),
    (
        "exec_vice",
        30,
        3,
        "区政务服务中心、各区镇便民服务中心",
        "营商环境和“一件事”改革",
        "企业开办平均用时 0.5 天。",
        "轻车简从，不打招呼",
    ),
    ("vice1", 20, 2, "三厂街道", "老旧小区改造", "加装电梯意愿调查未覆盖全部楼栋。", "随行 2 人"),
    ("vice2", 8, 1, "区教体局、海门中学", "“双减”落实情况", "课后服务师资紧张。", "不打招呼，直奔现场"),
]


def seed_leave() -> None:
    users = {
        u.username: u for u in User.objects.filter(username__in=["head", "exec_vice", "vice1", "vice2", "director"])
    }
    if len(users) < 5:
        return
    today = timezone.localdate()
    _seed_absence(users, today)
    for username, ago, days, places, topic, findings, frugality in TRIPS:
        if ResearchTrip.objects.filter(leader=users[username], topic=topic).exists():
            continue
        # This year's trips, whatever the day the demo is seeded (early January included).
        start = max(today - dt.timedelta(days=ago), dt.date(today.year, 1, 1))
        actions.research_trip_create(
            actor=users["director"],
            leader=users[username],
            start=start,
            end=min(start + dt.timedelta(days=days - 1), today),
            places=places,
            topic=topic,
            findings=findings,
            frugality=frugality,
        )


def _seed_absence(users: dict[str, User], today: dt.date) -> None:
    vice = users["vice1"]
    if Absence.objects.filter(leader=vice, destination=DESTINATION, end__gte=today).exists():
        return
    post = vice.posts.filter(kind="vice_head").first()
    if post is None:
        return
    monday = today + dt.timedelta(days=7 - today.weekday())
    absence = actions.absence_create(
        actor=vice,
        leader_post=post,
        category=AbsenceKind.STUDY,
        start=monday,
        end=monday + dt.timedelta(days=2),
        destination=DESTINATION,
        reason="参加省委党校县处级干部专题培训班",
        contact="13900000001",
        acting=users["vice2"],
    )
    absence = actions.absence_approve(absence.pk, actor=users["head"], comment="同意。")
    actions.absence_record(absence.pk, actor=users["director"], comment="已于当日电话报区委办公室备案。")
