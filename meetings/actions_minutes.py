"""会议纪要 actions (第十九条): draft the minutes of a held meeting, edit them and their 议定事项 while they are the
drafter's, and, once signed, turn a decision into a supervision item. The chain itself (review, opinions, signing,
numbering) goes through the engine: ``engine.item_fire(Minutes, pk, verb=…)``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haimen_gov.org.models import PortfolioRole, Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import acting_post_ids, in_charge
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow import selectors as workflow_selectors
from haimen_gov.workflow.actions.engine import lock_item

from .models import Attendance, Attendee, AttendeeRole, Meeting, MeetingKind, MeetingState
from .models_minutes import (
    DEFAULT_DISTRIBUTION,
    EDITABLE_STATES,
    MAX_CO_UNITS,
    MAX_DECISIONS,
    MINUTES_KINDS,
    Minutes,
    MinutesDecision,
    MinutesFlag,
    MinutesState,
)

# 第十九条: the office drafts; its director (and, for a 专题会议, the deputy director) reviews what it drafted, so a
# reviewer does not draft: the engine would refuse them their own review.
DRAFTER_EXCLUDED = (PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR)
MAX_DEADLINE_AHEAD = dt.timedelta(days=730)
SUPERVISION_DEFAULT_WORKDAYS = 20


def _drafter_post(actor: User) -> Post | None:
    ids = acting_post_ids(actor)
    return (
        Post.objects.filter(pk__in=ids, unit__kind=UnitKind.GOV_OFFICE, holder=actor)
        .exclude(kind__in=DRAFTER_EXCLUDED)
        .select_related("unit")
        .order_by("order", "id")
        .first()
    )


def office_deputies() -> list[Post]:
    return list(
        Post.objects.filter(kind=PostKind.OFFICE_DEPUTY_DIRECTOR, unit__kind=UnitKind.GOV_OFFICE)
        .select_related("holder")
        .order_by("order", "id")
    )


def default_reviewer(meeting: Meeting) -> Post | None:
    """专题会议: the office deputy director seated at the meeting, else the one in charge of its first unit."""
    seat = (
        meeting.attendees.filter(post__kind=PostKind.OFFICE_DEPUTY_DIRECTOR)
        .select_related("post")
        .order_by("order", "id")
        .first()
    )
    if seat is not None:
        return seat.post
    unit_seat = meeting.attendees.filter(role=AttendeeRole.MEMBER, post__unit__kind=UnitKind.DEPARTMENT).first()
    if unit_seat is not None and unit_seat.post is not None:
        return in_charge(unit_seat.post.unit, PortfolioRole.OFFICE_DEPUTY)
    return None


def _default_summary(meeting: Meeting) -> str:
    chair = f"{meeting.chair_label}{meeting.chair.display_name}" if meeting.chair_label else meeting.chair.display_name
    return (
        f"{meeting.date:%Y年%-m月%-d日}，{chair}在{meeting.place}主持召开{meeting.get_kind_display()}，"
        "研究有关事项。现将会议议定事项纪要如下："
    )


def minutes_create(*, actor: User, meeting: Meeting, ip: str | None = None) -> Minutes:
    """第十九条: the office drafts the minutes of a meeting held (常务会议、区长办公会议 always; 专题会议 when it
    decided something)."""
    post = _drafter_post(actor)
    if post is None:
        raise engine.Forbidden("会议纪要由区政府办公室起草（办公室主任、副主任负责审核，不起草）。")
    if meeting.kind not in MINUTES_KINDS:
        raise ValidationError("会议纪要适用于区政府常务会议、区长办公会议和专题会议（第十九条）。")
    if meeting.state not in (MeetingState.HELD, MeetingState.ARCHIVED):
        raise ValidationError("会议召开后方可起草纪要。")
    if Minutes.objects.filter(meeting=meeting).exclude(state=MinutesState.WITHDRAWN).exists():
        raise engine.Conflict("该会议已有纪要。")
    try:
        with transaction.atomic():
            return engine.item_create(
                Minutes,
                actor=actor,
                title=f"{meeting.title}纪要"[:200],
                unit=post.unit,
                meeting=meeting,
                summary=_default_summary(meeting),
                distribution=DEFAULT_DISTRIBUTION,
                reviewer=default_reviewer(meeting) if meeting.kind == MeetingKind.TOPICAL else None,
            )
    except IntegrityError as exc:  # two drafts of the same meeting's minutes at once
        raise engine.Conflict("该会议已有纪要。") from exc


def _locked_editable(pk: int, actor: User) -> Minutes:
    minutes = lock_item(Minutes, pk)
    engine.require_amendable(
        minutes,
        actor=actor,
        states=EDITABLE_STATES,
        forbidden="只有起草人可以修改纪要。",
        conflict="纪要已提交审核，不能修改；如需修改请由审核人退回。",
    )
    return minutes


def minutes_update(
    pk: int,
    *,
    actor: User,
    summary: str,
    distribution: str,
    flags: Iterable[str] = (),
    reviewer: Post | None = None,
) -> Minutes:
    """The drafter edits the minutes' text, its 分送 line and, for a 专题会议, its flags and reviewer."""
    flags = list(dict.fromkeys(flags))
    if any(f not in MinutesFlag.values for f in flags):
        raise ValidationError({"flags": "涉及事项无效。"})
    if not summary.strip() or len(summary) > 3000:
        raise ValidationError({"summary": "请填写会议概述（不超过3000字）。"})
    if not distribution.strip() or len(distribution) > 300:
        raise ValidationError({"distribution": "请填写分送范围（不超过300字）。"})
    with transaction.atomic():
        minutes = _locked_editable(pk, actor)
        topical = minutes.meeting.kind == MeetingKind.TOPICAL
        if topical and reviewer is not None and reviewer.kind != PostKind.OFFICE_DEPUTY_DIRECTOR:
            raise ValidationError({"reviewer": "专题会议纪要由区政府办公室副主任审核（第十九条）。"})
        minutes.summary = summary.strip()
        minutes.distribution = distribution.strip()
        minutes.flags = flags if topical else []
        minutes.reviewer = reviewer if topical else None
        minutes.save(update_fields=["summary", "distribution", "flags", "reviewer", "updated_at"])
        return minutes


def _check_decision(minutes: Minutes, text: str, co_units: list[Unit], deadline: dt.date | None) -> str:
    text = (text or "").strip()
    if not text or len(text) > 500:
        raise ValidationError({"text": "请填写议定事项（不超过500字）。"})
    if len(co_units) > MAX_CO_UNITS:
        raise ValidationError({"co_units": f"配合单位最多{MAX_CO_UNITS}个。"})
    if deadline is not None:
        if deadline < minutes.meeting.date:
            raise ValidationError({"deadline": "完成时限不能早于会议日期。"})
        if deadline > minutes.meeting.date + MAX_DEADLINE_AHEAD:
            raise ValidationError({"deadline": "完成时限须在会议后两年之内。"})
    return text


def decision_add(
    pk: int,
    *,
    actor: User,
    text: str,
    lead_unit: Unit,
    co_units: Iterable[Unit] = (),
    deadline: dt.date | None = None,
) -> MinutesDecision:
    """A new 议定事项 row at the end of the minutes' list."""
    co = [u for u in dict.fromkeys(co_units) if u.pk != lead_unit.pk]
    with transaction.atomic():
        minutes = _locked_editable(pk, actor)
        text = _check_decision(minutes, text, co, deadline)
        count = minutes.decisions.count()
        if count >= MAX_DECISIONS:
            raise ValidationError(f"议定事项最多{MAX_DECISIONS}项。")
        last = minutes.decisions.order_by("-order").values_list("order", flat=True).first() or 0
        decision = MinutesDecision.objects.create(
            minutes=minutes, order=last + 1, text=text, lead_unit=lead_unit, deadline=deadline
        )
        decision.co_units.set(co)
        minutes.save(update_fields=["updated_at"])
        return decision


def decision_remove(pk: int, decision_id: int, *, actor: User) -> None:
    """Remove a row; the rows after it move up, so the printed numbers stay 一、二、三…"""
    with transaction.atomic():
        minutes = _locked_editable(pk, actor)
        decision = minutes.decisions.filter(pk=decision_id).first()
        if decision is None:
            raise engine.Conflict("该议定事项不存在或已删除。")
        decision.delete()
        for n, row in enumerate(minutes.decisions.order_by("order", "id"), start=1):
            if row.order != n:
                MinutesDecision.objects.filter(pk=row.pk).update(order=n)
        minutes.save(update_fields=["updated_at"])


def minutes_submit(pk: int, *, actor: User, ip: str | None = None) -> Minutes:
    """提交审核 (the flow's SubmitForm checks the decisions and, for a 专题会议, the reviewer)."""
    return engine.item_fire(Minutes, pk, verb="submit", actor=actor, ip=ip)


# ------------------------------------------------------------------------------------------ 出席 / 列席 / 请假


@dataclass(frozen=True)
class AttendanceLines:
    present: str
    observers: str
    leave: str


def _person(seat: Attendee) -> str:
    if seat.user is not None:
        return seat.user.display_name
    return seat.name


def attendance_lines(meeting: Meeting, seats: Iterable[Attendee] | None = None) -> AttendanceLines:
    """第十九条, 第二十二条: the minutes' 出席 (members present), 列席 (fixed, topic units', invited) and 请假 (leave
    granted, with the substitute sent) lines, from the meeting's attendance records. One query."""
    if seats is None:
        seats = meeting.attendees.select_related("user", "post", "post__unit").order_by("order", "id")
    seats = list(seats)
    present, observers, leave = [], [], []
    for seat in seats:
        if seat.status == Attendance.ON_LEAVE:
            # The granted leave (第二十二条) marks the seat and names the substitute a unit sent.
            leave.append(_person(seat) + (f"（{seat.substitute}代会）" if seat.substitute else ""))
        elif seat.role == AttendeeRole.MEMBER:
            present.append(_person(seat))
        elif seat.role == AttendeeRole.INVITED:
            observers.append(seat.name)
        else:
            # 列席 by post: the person and, for a unit's head, the unit (区财政局 马俊 → 马俊（区财政局）).
            unit = seat.post.unit if seat.post is not None else None
            named = unit is not None and unit.kind != UnitKind.DISTRICT_GOV and unit.short_name
            observers.append(f"{_person(seat)}（{unit.short_name}）" if named and unit else _person(seat))
    return AttendanceLines("、".join(present), "、".join(observers), "、".join(leave))


def minutes_lines(minutes: Minutes) -> AttendanceLines:
    """The lines as signed, or as they read now while the minutes are on their way."""
    if minutes.state == MinutesState.SIGNED:
        return AttendanceLines(minutes.present_line, minutes.observers_line, minutes.leave_line)
    return attendance_lines(minutes.meeting)


# ------------------------------------------------------------------------------ 议定事项 → 督办 (第三十七条)


def decision_to_supervision(
    decision_id: int,
    *,
    actor: User,
    due_on: dt.date | None = None,
    cadence_days: int = 5,
    ip: str | None = None,
) -> MinutesDecision:
    """One click by the office: the signed minutes' decision becomes a supervision item (来源: 会议议定事项), the two
    items linked. Only after 签发; once per decision (a second click is a 409)."""
    from supervision.actions import opener_for, supervision_item_open_from_source

    minutes_id = MinutesDecision.objects.filter(pk=decision_id).values_list("minutes_id", flat=True).first()
    if minutes_id is None:
        raise engine.Conflict("该议定事项不存在。")
    with transaction.atomic():
        minutes = lock_item(Minutes, minutes_id)
        decision = MinutesDecision.objects.select_for_update().select_related("lead_unit").get(pk=decision_id)
        if minutes.state != MinutesState.SIGNED:
            raise engine.Conflict("纪要签发后方可将议定事项转为督办事项。")
        opener = opener_for(actor)
        if opener is None or opener.designations or opener.post.unit.kind != UnitKind.GOV_OFFICE:
            raise engine.Forbidden("议定事项由区政府办公室转为督办事项（第三十七、三十九条）。")
        if not workflow_selectors.visible_items(actor).filter(pk=minutes.pk).exists():
            raise engine.Forbidden("您无权查看该纪要。")
        if decision.supervision_item_id is not None:
            raise engine.Conflict("该议定事项已转为督办事项。")
        today = timezone.localdate()
        due = due_on or decision.deadline
        if due is not None and due < today:
            due = None  # a deadline already past: the default term from today
        text = decision.text
        title = text if len(text) <= 200 else text[:199] + "…"
        item = supervision_item_open_from_source(
            minutes,
            actor=actor,
            title=title,
            requirement=text,
            lead_unit=decision.lead_unit,
            co_units=list(decision.co_units.all()),
            leader=in_charge(decision.lead_unit, PortfolioRole.VICE_HEAD),
            source_reference=f"{minutes.number}第{decision.order}项"[:200],
            due_on=due,
            due_workdays=None if due else SUPERVISION_DEFAULT_WORKDAYS,
            cadence_days=cadence_days,
            ip=ip,
        )
        decision.supervision_item = item
        decision.save(update_fields=["supervision_item"])
        return decision
