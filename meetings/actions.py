"""Meeting actions. A meeting is the office's record (create, notify, hold, archive, cancel, reschedule); topics,
leave requests, press releases and departments' meetings are workflow items and go through the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from haimen_gov import workdays
from haimen_gov.org.models import LEADER_KINDS, Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import acting_post_ids, units_of, who_acts_for
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions import notifications as notices
from haimen_gov.workflow.models import LinkKind, NotificationKind, Task, TaskStatus

from . import composition
from .flow import TOPIC_MATERIAL
from .models import (
    DECIDING_KINDS,
    DEPT_MEETING_LIVE,
    OPEN_MEETING_STATES,
    Attendance,
    Attendee,
    AttendeeRole,
    DeptMeeting,
    DistrictBasis,
    DistrictMeeting,
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
from .models_minutes import MinutesDecision, MinutesState

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
        if verb == "notify":
            _notify_attendees(meeting, actor)
    return meeting


def _notify_attendees(meeting: Meeting, actor: User) -> None:
    """发出会议通知: one notice (and e-mail) per person with a seat — a person holding two seats is told once; an
    invitee without an account is notified by the office outside the portal. Runs in the transaction of the
    transition, which happens once (筹备中 → 已通知 under the meeting's row lock), so nobody is told twice."""
    seat_users = (
        meeting.attendees.filter(user__isnull=False, user__is_active=True).values_list("user_id", flat=True).distinct()
    )
    users = list(User.objects.filter(pk__in=seat_users).order_by("pk"))
    body = (
        f"{meeting.get_kind_display()}：{meeting.date:%Y年%m月%d日} {meeting.start_time:%H:%M}—"
        f"{meeting.end_time:%H:%M}，{meeting.place}（{meeting.get_mode_display()}），{meeting.chair_label}"
        f"{meeting.chair.display_name}主持。请确认参会；不能出席的，请向区长或会议主持人请假（第二十二条）。"
    )
    notices.notify(
        users,
        kind=NotificationKind.MEETING,
        item=None,
        title=f"【会议通知】{meeting.title}",
        body=body,
        url=meeting.get_absolute_url(),
    )
    notices.deliver_emails_on_commit()


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
        # 第十六条: the cut-off moved with the date; the sponsors are reminded of the new one.
        meeting.topics.update(cutoff_reminded_on=None)
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


def _check_document(unit: Unit, is_normative: bool, document: Any) -> Any:
    """第二十八条: a 规范性文件 topic names the document, drafted by its own unit in the documents app, whose legality
    review the justice bureau records there. Another unit's document, or one of another category, is refused."""
    from documents.models import Category

    if not is_normative:
        if document is not None:
            raise ValidationError({"document": "只有规范性文件议题需关联公文。"})
        return None
    if document is None:
        raise ValidationError(
            {
                "document": "规范性文件议题须关联本单位在公文管理中起草的规范性文件，"
                "由区司法局在公文流程中进行合法性审查（第二十八条）。"
            }
        )
    if document.category != Category.NORMATIVE or document.unit_id != unit.pk:
        raise ValidationError({"document": "只能关联本单位起草的规范性文件。"})
    return document


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
    document: Any = None,
    files: Iterable[UploadedFile] = (),
    submit: bool = True,
    ip: str | None = None,
) -> Topic:
    """第十四条: a unit's clerk drafts a topic (its head confirms it next), or a vice head proposes one; the
    议题申报表's materials go with it (第十六条), each checked by content."""
    leader_post = Post.objects.filter(holder=actor, kind__in=[PostKind.VICE_HEAD, PostKind.EXEC_VICE_HEAD]).first()
    clerk_post = Post.objects.filter(holder=actor, kind=PostKind.UNIT_CLERK).select_related("unit").first()
    if leader_post is None and clerk_post is None:
        raise engine.Forbidden("议题由单位文书起草、单位负责人确认后申报，或由副区长提出（第十四条）。")
    if not meeting.is_open or meeting.date <= timezone.localdate():
        raise ValidationError({"meeting": "只能向尚未召开的会议申报议题。"})
    unit = leader_post.unit if leader_post is not None else clerk_post.unit  # type: ignore[union-attr]
    document = _check_document(unit, is_normative, document)
    checked = engine.attachments_check(Topic, files)
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
            document=document,
        )
        engine.attachments_store(topic, actor=actor, uploads=checked, role=TOPIC_MATERIAL)
        if submit:
            topic = engine.item_fire(Topic, topic.pk, verb="submit", actor=actor, ip=ip)
        return topic


TOPIC_EDITABLE = frozenset({TopicState.DRAFT, TopicState.RETURNED})


def topic_update(
    pk: int,
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
    document: Any = None,
    files: Iterable[UploadedFile] = (),
    submit: bool = False,
    ip: str | None = None,
) -> Topic:
    """Amend one's own draft or returned topic (its 申报表 and materials), and resubmit it when ``submit``."""
    checked = engine.attachments_check(Topic, files)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().filter(pk=pk).first()
        if topic is None:
            raise engine.Conflict("该议题不存在。")
        engine.require_amendable(
            topic,
            actor=actor,
            states=TOPIC_EDITABLE,
            forbidden="只有申报人可以修改议题。",
            conflict="议题已在办理中，不能修改。",
        )
        if not meeting.is_open or meeting.date <= timezone.localdate():
            raise ValidationError({"meeting": "只能向尚未召开的会议申报议题。"})
        document = _check_document(topic.unit, is_normative, document)
        topic.meeting, topic.title, topic.background = meeting, title, background
        topic.proposed_decision, topic.unit_opinion = proposed_decision, unit_opinion
        topic.units_consulted, topic.funding = units_consulted, funding
        topic.is_normative, topic.document = is_normative, document
        topic.save()
        engine.attachments_store(topic, actor=actor, uploads=checked, role=TOPIC_MATERIAL)
        if submit:
            topic = engine.item_fire(Topic, topic.pk, verb="submit", actor=actor, ip=ip)
        return topic


def legality_passed(topic: Topic) -> bool:
    """第二十八条: whether the topic's 规范性文件 passed the justice bureau's legality review — as the documents app
    records it for the document the topic names; a topic proposed before that (no document) by the review recorded
    on the topic itself."""
    if topic.document_id is not None:
        from documents.selectors import legality_review_passed

        return legality_review_passed(topic.document_id)
    return topic.legality_result == LegalityResult.PASS


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
    if meeting.kind == MeetingKind.EXECUTIVE and topic.is_normative and not legality_passed(topic):
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


# ------------------------------------------------------------------ 第十六条: reminding sponsors of the cut-off

# Working days before the cut-off on which the sponsors of topics not yet at the office are reminded.
REMIND_WORKDAYS_BEFORE = 2
# The topic states before the office: the sponsor (or the chain before the office) still has to act.
BEFORE_OFFICE = (
    TopicState.DRAFT,
    TopicState.UNIT_CONFIRM,
    TopicState.VICE_STUDY,
    TopicState.LEGALITY,
    TopicState.RETURNED,
)


def remind_day(cutoff_day: dt.date) -> dt.date:
    """The working day two working days before the cut-off (calendar working days, 调休 included)."""
    return workdays.workdays_before(cutoff_day, REMIND_WORKDAYS_BEFORE)


def cutoff_reminders(today: dt.date | None = None) -> int:
    """第十六条: remind the sponsors of every topic that has not reached the office two working days before its
    meeting's cut-off — the submitter and whoever holds the topic's open step (the unit head, the vice head).
    A run on any day from the reminder day up to the cut-off itself catches a missed day. Each topic is claimed
    once (``cutoff_reminded_on``, a conditional update): two runs at once, or a rerun, remind nobody twice; a 改期
    clears the claim for the new cut-off. Returns how many topics were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    meetings = Meeting.objects.filter(
        kind__in=[str(k) for k in composition.CUTOFF_WORKDAYS], state__in=OPEN_MEETING_STATES, date__gt=today
    ).select_related("chair")
    for meeting in meetings:
        last = composition.cutoff(meeting.kind, meeting.date)
        if last is None or not remind_day(last) <= today <= last:
            continue
        topic_ids = list(
            meeting.topics.filter(state__in=BEFORE_OFFICE, cutoff_reminded_on__isnull=True).values_list("pk", flat=True)
        )
        for pk in topic_ids:
            with transaction.atomic():
                if not Topic.objects.filter(pk=pk, cutoff_reminded_on__isnull=True).update(cutoff_reminded_on=today):
                    continue  # another run claimed it
                topic = Topic.objects.select_related("submitter").get(pk=pk)
                people = {topic.submitter_id: topic.submitter}
                for task in Task.objects.filter(item_id=pk, status=TaskStatus.OPEN).select_related("post"):
                    acting = who_acts_for(task.post, today)
                    if acting is not None:
                        people.setdefault(acting.pk, acting)
                notices.notify(
                    list(people.values()),
                    kind=NotificationKind.DUE_SOON,
                    item=topic,
                    title=f"【议题申报截止提醒】{topic.title}",
                    body=f"拟提交的{meeting.title}（{meeting.date:%Y年%m月%d日}）议题申报截止日为{last:%Y年%m月%d日}"
                    f"（第十六条：会前5个工作日送达区政府办公室），本议题尚未送达办公室，请抓紧办理。",
                )
                notices.deliver_emails_on_commit()
                reminded += 1
    return reminded


# ------------------------------------------------------------------ 全区性会议 (第二十一条第一款)

DISTRICT_UNIT_KINDS = (UnitKind.GOV_OFFICE, UnitKind.DEPARTMENT, UnitKind.AFFILIATED, UnitKind.VERTICAL)


def district_meeting_create(
    *,
    actor: User,
    title: str,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str,
    mode: str,
    scale: int,
    convener: Post,
    basis: str,
    decision: MinutesDecision | None = None,
    summons_town_principals: bool = False,
    summons_reason: str = "",
    ip: str | None = None,
) -> DistrictMeeting:
    """A unit (or the office) asks to hold a district-wide meeting in the government's name (第二十一条)."""
    unit = next((u for u in units_of(actor) if u.kind in DISTRICT_UNIT_KINDS), None)
    if unit is None:
        raise engine.Forbidden("以区政府名义召开全区性会议，由区政府办公室或承办部门提出申请。")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if date < today or date > today + MAX_AHEAD:
        errors["date"] = "会议日期须在今天至两年之内。"
    if end_time <= start_time:
        errors["end_time"] = "结束时间须晚于开始时间。"
    if convener.kind not in LEADER_KINDS:
        errors["convener"] = "全区性会议须由区长或副区长召开。"
    summons_reason = summons_reason.strip()
    # 第二十一条: 副区长召开的全区性会议，原则上不得要求各区镇（街道）主要负责同志参加 — a recorded reason to proceed.
    if summons_town_principals and convener.kind in (PostKind.VICE_HEAD, PostKind.EXEC_VICE_HEAD):
        if not summons_reason:
            errors["summons_reason"] = (
                "副区长召开的全区性会议，原则上不得要求各区镇（街道）主要负责同志参加（第二十一条）；确需参加的，请填写理由。"
            )
    elif not summons_town_principals:
        summons_reason = ""
    if basis == DistrictBasis.DECISION:
        # 第二十一条: 须经区政府常务会议或区长办公会议讨论决定 — a 议定事项 of those meetings' signed minutes.
        if decision is None:
            errors["decision"] = "请选择区政府常务会议或区长办公会议纪要的议定事项。"
        else:
            decision = (
                MinutesDecision.objects.select_related("minutes", "minutes__meeting").filter(pk=decision.pk).first()
            )
            if decision is None:
                errors["decision"] = "所选议定事项不存在。"
            elif decision.minutes.meeting.kind not in DECIDING_KINDS:
                errors["decision"] = "只能依据区政府常务会议或区长办公会议纪要的议定事项（第二十一条）。"
            elif decision.minutes.state != MinutesState.SIGNED:
                errors["decision"] = "所选议定事项的会议纪要尚未签发，不能作为依据。"
    elif basis == DistrictBasis.APPROVAL:
        decision = None
    else:
        errors["basis"] = "召开依据无效。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = engine.item_create(
            DistrictMeeting,
            actor=actor,
            title=title,
            unit=unit,
            date=date,
            start_time=start_time,
            end_time=end_time,
            place=place,
            mode=mode,
            scale=scale,
            convener=convener,
            basis=basis,
            decision=decision,
            summons_town_principals=summons_town_principals,
            summons_reason=summons_reason,
        )
        if decision is not None:
            # 第二十一条: the minutes show the request their decision founds, the request its minutes. Signed minutes
            # go to every unit (分送), so the applicant cites them without being on their chain.
            engine.item_link(decision.minutes, meeting, kind=LinkKind.SOURCE, actor=actor, ip=ip, source_cited=True)
        return engine.item_fire(
            DistrictMeeting,
            meeting.pk,
            verb="submit",
            actor=actor,
            ip=ip,
            comment=f"确需区镇（街道）主要负责同志参加：{summons_reason}" if summons_reason else "",
        )
