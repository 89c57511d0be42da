"""Demo data of the leave app (``manage.py seed_demo``): a vice head's approved absence next week, with its delegation
open; the head's absence next week approved by the city (recorded) with the executive vice head presiding 受区长委托;
the visit plan with a vice head's visit in it awaiting the party secretary; research trips of several leaders this
year. Idempotent: run twice, it adds nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haimen_gov.org.models import User
from haimen_gov.workflow.models import DecisionMeans

from . import actions
from .models import Absence, AbsenceKind, ResearchTrip, VisitPlanEntry

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
        u.username: u
        for u in User.objects.filter(
            username__in=["head", "exec_vice", "vice1", "vice2", "director", "deputy1", "dept1_head"]
        )
    }
    if len(users) < 7:
        return
    today = timezone.localdate()
    _seed_absence(users, today)
    _seed_head_absence(users, today)
    _seed_visits(users, today)
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


HEAD_DESTINATION = "北京市"


def _seed_head_absence(users: dict[str, User], today: dt.date) -> None:
    """第四十四条: the head's absence next week (Thursday and Friday), asked of the city, approved by its principal
    leader (recorded by the office), reported to the city committee; the executive vice head presides (第六条)."""
    head = users["head"]
    if Absence.objects.filter(leader=head, destination=HEAD_DESTINATION, end__gte=today).exists():
        return
    post = head.posts.filter(kind="district_head").first()
    if post is None:
        return
    thursday = today + dt.timedelta(days=7 - today.weekday() + 3)
    absence = actions.absence_create(
        actor=head,
        leader_post=post,
        category=AbsenceKind.TRIP,
        start=thursday,
        end=thursday + dt.timedelta(days=1),
        destination=HEAD_DESTINATION,
        reason="参加国务院有关部委长三角一体化发展工作座谈会",
        contact="13900000000",
        acting=users["exec_vice"],
    )
    actions.absence_send(absence.pk, actor=users["deputy1"], comment="已书面向市政府办公室请示，同时报区委办公室备案。")
    actions.absence_record(
        absence.pk,
        actor=users["director"],
        data={
            "decided_by": "市长",
            "decided_on": today.isoformat(),
            "means": DecisionMeans.PHONE,
            "reference": "",
            "decision": "同意区长赴京参会，外出期间由常务副区长主持区政府工作",
            "evidence": "市政府办公室秘书一处电话告知",
        },
    )
    actions.absence_report_city(absence.pk, actor=users["director"], comment="已电话报市委办公室备案。")


def _seed_visits(users: dict[str, User], today: dt.date) -> None:
    """第三十五条: the year's visit plan (approved by the head) and a vice head's visit in it, awaiting the party
    secretary; one more entry waiting for the head's approval."""
    if VisitPlanEntry.objects.filter(countries__in=["德国", "新加坡"]).exists():
        return
    start = today + dt.timedelta(days=45)
    year = start.year
    posts = {u: users[u].posts.order_by("order", "id").first() for u in ("vice2", "exec_vice", "dept1_head")}
    if any(p is None for p in posts.values()):
        return
    entry = actions.visit_plan_add(
        actor=users["director"],
        year=year,
        traveller_post=posts["vice2"],  # type: ignore[arg-type]
        countries="德国",
        purpose="考察职业教育和先进制造业，开展招商推介",
        approx_start=start,
        approx_end=min(start + dt.timedelta(days=7), dt.date(year, 12, 31)),
    )
    actions.visit_plan_add(
        actor=users["director"],
        year=year,
        traveller_post=posts["exec_vice"],  # type: ignore[arg-type]
        countries="新加坡",
        purpose="学习营商环境建设经验",
        approx_start=dt.date(year, 12, 1) if start.month < 12 else start,
        approx_end=dt.date(year, 12, 10)
        if start.month < 12
        else min(start + dt.timedelta(days=7), dt.date(year, 12, 31)),
    )
    actions.visit_plan_approve(year, actor=users["head"])
    actions.visit_plan_add(
        actor=users["director"],
        year=year,
        traveller_post=posts["dept1_head"],  # type: ignore[arg-type]
        countries="日本",
        purpose="友好城市经贸交流",
        approx_start=dt.date(year, 12, 1) if start.month < 12 else start,
        approx_end=dt.date(year, 12, 6)
        if start.month < 12
        else min(start + dt.timedelta(days=5), dt.date(year, 12, 31)),
    )
    visit = actions.visit_create(
        actor=users["vice2"],
        traveller_post=posts["vice2"],  # type: ignore[arg-type]
        countries="德国",
        purpose="考察职业教育和先进制造业，开展招商推介",
        members="区教体局、区商务局各 1 人",
        start=start,
        end=start + dt.timedelta(days=6),
        plan_entry=entry,
    )
    actions.visit_fire(visit.pk, verb="approve", actor=users["head"], comment="同意，按计划出访。")
