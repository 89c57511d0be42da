"""Meeting actions. A meeting is the office's record (create, notify, hold, archive, cancel, reschedule); topics,
leave requests, press releases and departments' meetings are workflow items and go through the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haimen_gov.org.models import LEADER_KINDS, Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import acting_post_ids, units_of
from haimen_gov.workflow import actions as engine

from . import composition
from .models import (
    DEPT_MEETING_LIVE,
    OPEN_MEETING_STATES,
    Attendance,
    Attendee,
    AttendeeRole,
    DeptMeeting,
    LeaveRequest,
    LegalityResult,
    Meeting,
    MeetingKind,
    MeetingLog,
    MeetingState,
    PressRelease,
    Topic,
    TopicState,
)

MAX_AHEAD = dt.timedelta(days=730)


# ----------------------------------------------------------------------------------------------------- who may


def office_post_ids(user: User) -> list[int]:
    """The office posts ``user`` acts for today: the office runs meetings (create, notify, hold, archive)."""
    ids = acting_post_ids(user)
    return list(Post.objects.filter(pk__in=ids, unit__kind=UnitKind.GOV_OFFICE).values_list("pk", flat=True))


def _require_office(actor: User) -> None:
    if not office_post_ids(actor):
        raise engine.Forbidden("会议由区政府办公室筹备和管理。")


# --------------------------------------------------------------------------------------------------- meetings


def _log(meeting: Meeting, actor: User, verb: str, label: str, comment: str = "") -> None:
    MeetingLog.objects.create(meeting=meeting, actor=actor, verb=verb, verb_label=label, comment=comment[:500])


def _check_when(day: dt.date, start: dt.time, end: dt.time, *, held: bool) -> None:
    today = timezone.localdate()
    if held and day > today:
        raise ValidationError({"date": "补录的会议日期不能晚于今天。"})
    if not held and day < today:
        raise ValidationError({"date": "会议日期不能早于今天。"})
    if abs(day - today) > MAX_AHEAD:
        raise ValidationError({"date": "会议日期须在两年之内。"})
    if end <= start:
        raise ValidationError({"end_time": "结束时间须晚于开始时间。"})


def meeting_create(
    *,
    actor: User,
    kind: str,
    title: str,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str,
    mode: str,
    convener: Post | None = None,
    vice_posts: Iterable[Post] = (),
    units: Iterable[Unit] = (),
    invited: Iterable[str] = (),
    note: str = "",
    held: bool = False,
) -> Meeting:
    """The office prepares a meeting: its chair and seats are computed from the organisation (第十五—十八条).
    ``held``: 补录 — the office records a meeting already held (e.g. before the portal), chaired and seated as it
    was on its day."""
    _require_office(actor)
    _check_when(date, start_time, end_time, held=held)
    state = MeetingState.HELD if held else MeetingState.PREPARING
    convening = composition.convener_for(kind, convener)
    chair = composition.chair_for(kind, convening, date)
    units = list(units)
    if kind == MeetingKind.TOPICAL and not units:
        raise ValidationError({"units": "专题会议须选择参加单位（第十八条）。"})
    with transaction.atomic():
        meeting = Meeting(
            kind=kind,
            title=title,
            date=date,
            start_time=start_time,
            end_time=end_time,
            place=place,
            mode=mode,
            convener=convening,
            chair=chair.user,
            chair_post=chair.post,
            chair_label=chair.label,
            note=note,
            created_by=actor,
            state=state,
        )
        meeting.full_clean(exclude=["state"])
        meeting.save()
        seats = composition.seats(kind, convener=convening, vice_posts=vice_posts, units=units)
        Attendee.objects.bulk_create(
            [
                Attendee(
                    meeting=meeting,
                    role=seat.role,
                    post=seat.post,
                    user=seat.post.holder,
                    name=f"{seat.post.title} {seat.post.holder.display_name if seat.post.holder else '（空缺）'}",
                    order=n,
                )
                for n, seat in enumerate(seats)
            ]
            + [
                Attendee(meeting=meeting, role=AttendeeRole.INVITED, name=name[:100], order=1000 + n)
                for n, name in enumerate(invited)
            ]
        )
        label = "筹备会议" if state == MeetingState.PREPARING else "补录已召开会议"
        _log(meeting, actor, "create", label, f"{chair.label}主持")
    return meeting


def _locked_meeting(pk: int) -> Meeting:
    meeting = Meeting.objects.select_for_update().filter(pk=pk).first()
    if meeting is None:
        raise engine.Conflict("该会议不存在。")
    return meeting


def _fire_meeting(pk: int, *, actor: User, verb: str, label: str, comment: str = "") -> Meeting:
    from django_fsm import can_proceed

    _require_office(actor)
    with transaction.atomic():
        # The row lock also serialises with the head's 上会 (schedule_apply locks the meeting too).
        meeting = _locked_meeting(pk)
        method = getattr(meeting, verb)
        if not can_proceed(method):
            raise engine.Conflict(f"会议当前为“{meeting.get_state_display()}”，不能{label}。")
        if verb == "hold" and meeting.date > timezone.localdate():
            raise ValidationError("会议尚未到召开日期。")
        if verb == "cancel":
            # The head put these topics on this meeting's agenda: the meeting is moved (改期), not dropped under them.
            scheduled = meeting.topics.filter(state=TopicState.SCHEDULED).count()
            if scheduled:
                raise ValidationError(
                    f"已有{scheduled}个议题经区长确定列入本次会议议程，不能取消；如需调整时间请改期。"
                )
        method()
        meeting.save()
        _log(meeting, actor, verb, label, comment)
    return meeting


def meeting_notify(pk: int, *, actor: User) -> Meeting:
    return _fire_meeting(pk, actor=actor, verb="notify", label="发出会议通知")


def meeting_hold(pk: int, *, actor: User) -> Meeting:
    return _fire_meeting(pk, actor=actor, verb="hold", label="登记会议已召开")


def meeting_archive(pk: int, *, actor: User) -> Meeting:
    return _fire_meeting(pk, actor=actor, verb="archive", label="归档")


def meeting_cancel(pk: int, *, actor: User, reason: str) -> Meeting:
    if not reason.strip():
        raise ValidationError({"reason": "取消会议须说明理由。"})
    return _fire_meeting(pk, actor=actor, verb="cancel", label="取消会议", comment=reason.strip())


def late_topics(meeting: Meeting, day: dt.date, topics: Iterable[Topic] | None = None) -> list[tuple[Topic, dt.date]]:
    """第十六条: the agenda's topics that reached the office after the cut-off of a meeting on ``day`` and hold no
    exception from the head, with that cut-off."""
    last = composition.cutoff(meeting.kind, day)
    if last is None:
        return []
    if topics is None:
        topics = meeting.topics.filter(state=TopicState.SCHEDULED)
    return [
        (t, last)
        for t in topics
        if t.reached_office_on is not None and t.reached_office_on > last and not t.exception_granted
    ]


def meeting_reschedule(
    pk: int, *, actor: User, date: dt.date, start_time: dt.time, end_time: dt.time, reason: str
) -> Meeting:
    """改期: re-checks every agenda topic's cut-off against the new date (第十六条) and the chair's delegation."""
    _require_office(actor)
    if not reason.strip():
        raise ValidationError({"reason": "改期须说明理由。"})
    _check_when(date, start_time, end_time, held=False)
    with transaction.atomic():
        meeting = _locked_meeting(pk)
        if meeting.state not in OPEN_MEETING_STATES:
            raise engine.Conflict(f"会议当前为“{meeting.get_state_display()}”，不能改期。")
        late = late_topics(meeting, date)
        if late:
            names = "；".join(f"“{t.title}”（{t.reached_office_on:%Y年%m月%d日}送达）" for t, _last in late)
            raise ValidationError(
                f"改期后申报截止日为{late[0][1]:%Y年%m月%d日}（第十六条：会前5个工作日），以下议题送达晚于该日且未经区长"
                f"特批：{names}。请另选日期，或先报区长特批。"
            )
        chair = composition.chair_for(meeting.kind, meeting.convener, date)
        before = f"{meeting.date:%Y-%m-%d} {meeting.start_time:%H:%M}"
        meeting.date, meeting.start_time, meeting.end_time = date, start_time, end_time
        meeting.chair, meeting.chair_post, meeting.chair_label = chair.user, chair.post, chair.label
        meeting.full_clean(exclude=["state"])
        meeting.save()
        _log(
            meeting, actor, "reschedule", "改期", f"由{before}改至{date:%Y-%m-%d} {start_time:%H:%M}。{reason.strip()}"
        )
    return meeting


def attendee_confirm(pk: int, *, actor: User) -> Attendee:
    """An attendee confirms they will attend."""
    with transaction.atomic():
        seat = Attendee.objects.select_for_update().select_related("meeting").filter(pk=pk).first()
        if seat is None or not _is_seat_of(seat, actor):
            raise engine.Forbidden("只能确认本人的参会席位。")
        if not seat.meeting.is_open:
            raise engine.Conflict("会议已结束或已取消。")
        if seat.status in (Attendance.LEAVE_ASKED, Attendance.ON_LEAVE):
            raise engine.Conflict("已请假的席位不能确认参会，请先撤回请假。")
        seat.status = Attendance.CONFIRMED
        seat.responded_at = timezone.now()
        seat.save(update_fields=["status", "responded_at"])
    return seat


def _is_seat_of(seat: Attendee, user: User) -> bool:
    """The seat's own person (or whoever holds its post now): attending is personal, a delegate does not confirm or
    ask leave for the person they stand in for."""
    return seat.user_id == user.pk or (
        seat.post_id is not None and Post.objects.filter(pk=seat.post_id, holder=user).exists()
    )


# ----------------------------------------------------------------------------------------- 议题 (第十四、十六条)


def topic_create(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    background: str,
    proposed_decision: str,
    unit_opinion: str,
    units_consulted: str = "",
    funding: str = "",
    is_normative: bool = False,
    submit: bool = True,
    ip: str | None = None,
) -> Topic:
    """第十四条: a unit's clerk drafts a topic (its head confirms it next), or a vice head proposes one."""
    leader_post = Post.objects.filter(holder=actor, kind__in=[PostKind.VICE_HEAD, PostKind.EXEC_VICE_HEAD]).first()
    clerk_post = Post.objects.filter(holder=actor, kind=PostKind.UNIT_CLERK).select_related("unit").first()
    if leader_post is None and clerk_post is None:
        raise engine.Forbidden("议题由单位文书起草、单位负责人确认后申报，或由副区长提出（第十四条）。")
    if not meeting.is_open or meeting.date <= timezone.localdate():
        raise ValidationError({"meeting": "只能向尚未召开的会议申报议题。"})
    unit = leader_post.unit if leader_post is not None else clerk_post.unit  # type: ignore[union-attr]
    with transaction.atomic():
        topic = engine.item_create(
            Topic,
            actor=actor,
            title=title,
            unit=unit,
            meeting=meeting,
            by_leader=leader_post is not None,
            background=background,
            proposed_decision=proposed_decision,
            unit_opinion=unit_opinion,
            units_consulted=units_consulted,
            funding=funding,
            is_normative=is_normative,
        )
        if submit:
            topic = engine.item_fire(Topic, topic.pk, verb="submit", actor=actor, ip=ip)
        return topic


def schedule_apply(topic: Topic, *, meeting: Meeting) -> None:
    """The head puts the topic on ``meeting``'s agenda; runs inside the engine's locked transaction. The meeting's
    row is locked too, so that a 改期 or 取消 in flight is seen (or waits) and the cut-off is checked on its date."""
    meeting = _locked_meeting(meeting.pk)
    if not meeting.is_open or meeting.date < timezone.localdate():
        raise ValidationError({"meeting": "只能列入尚未召开的会议。"})
    # 第十六条: 会议召开前5个工作日向区政府办公室提交 — unless the head granted an exception.
    late = late_topics(meeting, meeting.date, [topic])
    if late:
        last = late[0][1]
        raise ValidationError(
            f"议题应于{last:%Y年%m月%d日}前送达区政府办公室（第十六条：会前5个工作日），实际于"
            f"{topic.reached_office_on:%Y年%m月%d日}送达；如确需上会，请区政府办公室报区长特批。"
        )
    # 第二十八条: a 规范性文件 goes on a 常务会议 agenda only after a passing legality review.
    if meeting.kind == MeetingKind.EXECUTIVE and topic.is_normative and topic.legality_result != LegalityResult.PASS:
        raise ValidationError("规范性文件未经合法性审查或审查未通过，不得提交区政府常务会议（第二十八条）。")
    topic.meeting = meeting
    _seat_topic_unit(meeting, topic)


def _seat_topic_unit(meeting: Meeting, topic: Topic) -> None:
    """第十六条: 议题涉及的部门主要负责同志根据需要列席; 第十七条: 相关副区长 sit at the head's office meeting."""
    from haimen_gov.org.models import PortfolioRole
    from haimen_gov.org.routing import in_charge

    wanted: list[tuple[str, Post]] = []
    if not topic.by_leader:
        head = composition.unit_principal(topic.unit)
        if head is not None:
            wanted.append((AttendeeRole.TOPIC_UNIT, head))
    if meeting.kind == MeetingKind.HEAD_OFFICE:
        vice = in_charge(topic.unit, PortfolioRole.VICE_HEAD)
        if vice is not None:
            wanted.append((AttendeeRole.MEMBER, vice))
    seated = set(meeting.attendees.filter(post__in=[p for _r, p in wanted]).values_list("post_id", flat=True))
    for role, post in wanted:
        if post.pk not in seated:
            holder = post.holder
            Attendee.objects.create(
                meeting=meeting,
                role=role,
                post=post,
                user=holder,
                name=f"{post.title} {holder.display_name if holder else '（空缺）'}",
                order=500,
            )


# ----------------------------------------------------------------------------------------- 请假 (第二十二条)


def leave_request_create(
    *, actor: User, attendee: Attendee, reason: str, substitute: str = "", ip: str | None = None
) -> LeaveRequest:
    """An attendee asks leave from the head or the chair (第二十二条); a unit may send a substitute (代会)."""
    if not _is_seat_of(attendee, actor):
        raise engine.Forbidden("只能为本人的参会席位请假。")
    meeting = attendee.meeting
    if not meeting.is_open:
        raise ValidationError("会议已结束或已取消，不能请假。")
    if substitute.strip() and attendee.post is not None and attendee.post.kind in LEADER_KINDS:
        raise ValidationError({"substitute": "区政府领导请假不安排代会；代会仅适用于单位。"})
    if attendee.status in (Attendance.LEAVE_ASKED, Attendance.ON_LEAVE):
        raise engine.Conflict("该席位已请假。")
    post = attendee.post
    unit = post.unit if post is not None else units_of(actor)[0] if units_of(actor) else None
    if unit is None:
        raise engine.Forbidden("只能为本人的参会席位请假。")
    with transaction.atomic():
        leave = engine.item_create(
            LeaveRequest,
            actor=actor,
            title=f"请假：{meeting.title}（{meeting.date:%Y-%m-%d}）"[:200],
            unit=unit,
            attendee=attendee,
            reason=reason.strip(),
            substitute=substitute.strip(),
        )
        return engine.item_fire(LeaveRequest, leave.pk, verb="submit", actor=actor, ip=ip)


# ----------------------------------------------------------------------------------------- 新闻稿 (第二十条)


def press_release_create(
    *,
    actor: User,
    title: str,
    body: str,
    meeting: Meeting | None = None,
    leader: Post | None = None,
    ip: str | None = None,
) -> PressRelease:
    """第二十条: drafted by the office or a unit; the office director or deputy in charge approves it."""
    units = units_of(actor)
    if not units:
        raise engine.Forbidden("只有在职人员可以起草新闻稿。")
    if leader is not None and leader.kind not in LEADER_KINDS:
        raise ValidationError({"leader": "只能报区长或副区长审定。"})
    with transaction.atomic():
        press = engine.item_create(
            PressRelease, actor=actor, title=title, unit=units[0], body=body, meeting=meeting, leader=leader
        )
        return engine.item_fire(PressRelease, press.pk, verb="submit", actor=actor, ip=ip)


# ------------------------------------------------------------------------ 部门全区性会议 (第二十一条)


def dept_meeting_create(
    *,
    actor: User,
    title: str,
    date: dt.date,
    place: str,
    scale: int,
    invites_towns: bool = False,
    leader_attending: Post | None = None,
    ip: str | None = None,
) -> DeptMeeting:
    """第二十一条: a department's own system-wide meeting, at most one a year; inviting town leaders or a district
    leader attending needs the vice head in charge and then the head."""
    unit = next((u for u in units_of(actor) if u.kind == UnitKind.DEPARTMENT), None)
    if unit is None:
        raise engine.Forbidden("只有工作部门可以申报本系统全区性会议。")
    today = timezone.localdate()
    if date < today or date > today + MAX_AHEAD:
        raise ValidationError({"date": "会议日期须在今天至两年之内。"})
    if leader_attending is not None and leader_attending.kind not in LEADER_KINDS:
        raise ValidationError({"leader_attending": "只能请区长或副区长出席。"})
    first = _first_of_year(unit, date.year)
    if first is not None:
        raise ValidationError(_one_a_year(first))
    try:
        with transaction.atomic():
            meeting = engine.item_create(
                DeptMeeting,
                actor=actor,
                title=title,
                unit=unit,
                dept=unit,
                date=date,
                year=date.year,
                place=place,
                scale=scale,
                invites_towns=invites_towns,
                leader_attending=leader_attending,
            )
            return engine.item_fire(DeptMeeting, meeting.pk, verb="submit", actor=actor, ip=ip)
    except IntegrityError:
        # Two submitted at once: the database's constraint let one through.
        first = _first_of_year(unit, date.year)
        raise ValidationError(_one_a_year(first)) from None


def _first_of_year(unit: Unit, year: int) -> DeptMeeting | None:
    return DeptMeeting.objects.filter(dept=unit, year=year, state__in=DEPT_MEETING_LIVE).order_by("date").first()


def _one_a_year(first: Any) -> str:
    when = f"（{first.date:%Y年%m月%d日}，{first.title}）" if first is not None else ""
    return f"各部门召开本系统全区性会议每年不超过1次（第二十一条），本年度已申报{when}。"
