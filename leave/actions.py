"""Actions of the leave app. Transitions go through the workflow engine (locks, checks, history); what is specific
here: who may report for whom, the 补报 mark, the delegation an approval opens and a cancellation or a shortening
ends (第六条, 第四十四条), and the research log (第四十六条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from haimen_gov.org.models import Delegation, Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import post_of_kind, who_acts_for
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions.engine import lock_item
from haimen_gov.workflow.actions.history import history_append
from haimen_gov.workflow.actions.notifications import deliver_emails_on_commit, notify
from haimen_gov.workflow.actions.permissions import is_submitter
from haimen_gov.workflow.flows import flow_for
from haimen_gov.workflow.models import Item, NotificationKind

from .models import (
    APPROVED_STATES,
    AWAY_STATES,
    GOVERNMENT_LEADER_KINDS,
    HEAD_DELEGATE_KINDS,
    HEAD_KINDS,
    REPORTING_KINDS,
    VISIT_CHAIN_OF_KIND,
    VISIT_LIVE_STATES,
    WRITING_KINDS,
    Absence,
    AbsenceKind,
    AbsenceState,
    ExceptionRequest,
    ResearchTrip,
    Visit,
    VisitPlanEntry,
    days_spanned,
)
from .selectors import is_office, warnings_for

EDITABLE = (AbsenceState.DRAFT, AbsenceState.RETURNED)
# Bounds at the edge: a report is for the coming year at most, a 补报 for the last 30 days at most, one absence for
# at most a year (脱产学习 may be long).
MAX_AHEAD_DAYS = 366
MAX_LATE_DAYS = 30
MAX_LENGTH_DAYS = 366


def _share(item: Item, user: User) -> None:
    """Let ``user`` see ``item`` (the leader an absence or an invitation is about, when someone else filed it)."""
    if item.submitter_id != user.pk:
        assign_perm("workflow.view_item", user, item.item_ptr)  # type: ignore[attr-defined]


def _share_with_office(item: Item) -> None:
    """第四十四条: a report to the district government passes through its office, which keeps the 去向 board: everyone
    working in the office may open it from there (their director sees every item anyway)."""
    staff = User.objects.filter(posts__unit__kind=UnitKind.GOV_OFFICE, is_active=True).distinct()
    assign_perm("workflow.view_item", staff, item.item_ptr)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------- 外出请示报备


def _overlapping(post_id: int, start: dt.date, end: dt.date, *, but: int | None) -> bool:
    """Whether the post already has a report standing (or awaiting the head) for any of these days."""
    qs = Absence.objects.filter(leader_post_id=post_id, state__in=AWAY_STATES, start__lte=end, end__gte=start)
    if but is not None:
        qs = qs.exclude(pk=but)
    return qs.exists()


def _check_absence(
    *,
    actor: User,
    leader_post: Post,
    start: dt.date,
    end: dt.date,
    acting: User | None,
    today: dt.date,
    amending: int | None = None,
) -> None:
    errors: dict[str, str] = {}
    if leader_post.kind not in REPORTING_KINDS and leader_post.kind not in HEAD_KINDS:
        errors["leader_post"] = "只有副区长、区政府办公室主任和各单位主要负责同志需要报备外出（第四十四条）。"
    elif leader_post.holder_id is None:
        errors["leader_post"] = "该职务目前无人任职。"
    elif leader_post.holder_id != actor.pk and not is_office(actor):
        errors["leader_post"] = "只能报告本人外出；代领导报告须由区政府办公室办理。"
    if end < start:
        errors["end"] = "返回日期不能早于离开日期。"
    elif days_spanned(start, end) > MAX_LENGTH_DAYS:
        errors["end"] = f"一次外出不能超过 {MAX_LENGTH_DAYS} 天。"
    if start > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        errors["start"] = "离开日期不能晚于一年以后。"
    elif end < today:
        errors["end"] = "外出已经结束，无需报告。"
    elif start < today - dt.timedelta(days=MAX_LATE_DAYS):
        errors["start"] = f"补报只能补报 {MAX_LATE_DAYS} 天以内离开的外出。"
    # One report per absence: two would open two delegations of the same post for the same days.
    if "end" not in errors and "start" not in errors and _overlapping(leader_post.pk, start, end, but=amending):
        errors["start"] = "该领导在这段时间已有外出报告；如需变更，请取消原报告或提前返回后重新报告。"
    if acting is not None:
        if acting.pk == leader_post.holder_id:
            errors["acting"] = "代行工作的人不能是外出领导本人。"
        elif not acting.is_active or not Post.objects.filter(holder=acting).exists():
            errors["acting"] = "代行工作的人须是在职的领导干部。"
        elif not leader_post.delegable:
            errors["acting"] = "该职务不得委托他人代行。"
        elif (
            leader_post.kind in HEAD_KINDS
            and not Post.objects.filter(holder=acting, kind__in=HEAD_DELEGATE_KINDS).exists()
        ):
            # 第六条: 可委托负责常务工作的副区长或其他副区长主持区政府工作.
            errors["acting"] = "区长外出期间只能委托常务副区长或其他副区长主持区政府工作（第六条）。"
    if errors:
        raise ValidationError(errors)


def _title(leader: User, category: str, destination: str, start: dt.date, end: dt.date) -> str:
    return f"{leader.display_name}{AbsenceKind(category).label}：{destination}（{start:%m月%d日}—{end:%m月%d日}）"[:200]


def absence_create(
    *,
    actor: User,
    leader_post: Post,
    category: str,
    start: dt.date,
    end: dt.date,
    destination: str,
    reason: str,
    contact: str,
    acting: User | None,
    submit: bool = True,
    ip: str | None = None,
) -> Absence:
    """外出请示报备 (第四十四条): the leader, or the office for them, reports an absence; submitted unless ``submit`` is
    False."""
    for_head = leader_post.kind in HEAD_KINDS
    if for_head and acting is None:
        # 第六条: while the head is away the executive vice head presides unless the head names another vice head.
        exec_vice = post_of_kind(PostKind.EXEC_VICE_HEAD)
        acting = exec_vice.holder if exec_vice is not None else None
    _check_absence(
        actor=actor, leader_post=leader_post, start=start, end=end, acting=acting, today=timezone.localdate()
    )
    leader = leader_post.holder
    assert leader is not None  # _check_absence refused a vacant post
    with transaction.atomic():
        absence = engine.item_create(
            Absence,
            actor=actor,
            title=_title(leader, category, destination, start, end),
            unit=leader_post.unit,
            leader_post=leader_post,
            leader=leader,
            category=category,
            start=start,
            end=end,
            destination=destination,
            reason=reason,
            contact=contact,
            acting=acting,
            for_head=for_head,
        )
        _share(absence, leader)
        _share_with_office(absence)
        if submit:
            absence = absence_submit(absence.pk, actor=actor, ip=ip)
        return absence


def absence_update(
    pk: int,
    *,
    actor: User,
    category: str,
    start: dt.date,
    end: dt.date,
    destination: str,
    reason: str,
    contact: str,
    acting: User | None,
) -> Absence:
    """Amend a draft or a returned report (its applicant only)."""
    with transaction.atomic():
        absence = Absence.objects.select_for_update().select_related("leader_post").get(pk=pk)
        if actor.pk not in (absence.submitter_id, absence.leader_id):
            raise engine.Forbidden("只有报告人可以修改。")
        if absence.state not in EDITABLE:
            raise engine.Conflict("报告已在审批中，不能修改。")
        _check_absence(
            actor=absence.submitter,
            leader_post=absence.leader_post,
            start=start,
            end=end,
            acting=acting,
            today=timezone.localdate(),
            amending=absence.pk,
        )
        absence.category, absence.start, absence.end = category, start, end
        absence.destination, absence.reason, absence.contact, absence.acting = destination, reason, contact, acting
        absence.title = _title(absence.leader, category, destination, start, end)
        absence.save()
        return absence


def absence_submitted(absence: Absence) -> None:
    """Runs in the submission's transaction (the flow's hook on entering 待区长批准), however it was submitted."""
    if _overlapping(absence.leader_post_id, absence.start, absence.end, but=absence.pk):
        # A draft written before another report of the same days was submitted.
        raise ValidationError({"start": "该领导在这段时间已有外出报告，不能重复报告。"})
    # 第四十四条: 应当事先向区政府书面报告 — filed after the day of departure, it is a 补报.
    absence.late = timezone.localdate() > absence.start
    absence.save(update_fields=["late"])


def absence_submit(pk: int, *, actor: User, ip: str | None = None) -> Absence:
    return engine.item_fire(Absence, pk, verb="submit", actor=actor, ip=ip)


def absence_approve(
    pk: int, *, actor: User, comment: str = "", ip: str | None = None, expected_state: str | None = None
) -> Absence:
    return engine.item_fire(
        Absence, pk, verb="approve", actor=actor, comment=comment, ip=ip, expected_state=expected_state
    )


def absence_record(
    pk: int, *, actor: User, comment: str = "", data: dict[str, Any] | None = None, ip: str | None = None
) -> Absence:
    """报区委办备案: the office records how and when it reported the absence to the district party committee. For the
    head's absence at 待市政府批准: the office records the city's approval (``data``: the ExternalDecisionForm's
    fields — who approved, when, how, the document number)."""
    return engine.item_fire(Absence, pk, verb="record", actor=actor, comment=comment, data=data, ip=ip)


def absence_send(pk: int, *, actor: User, comment: str, ip: str | None = None) -> Absence:
    """第四十四条, the head's absence: the office has asked the city government office and reported to the district
    party committee office (the comment says how and when)."""
    return engine.item_fire(Absence, pk, verb="send", actor=actor, comment=comment, ip=ip)


def absence_report_city(pk: int, *, actor: User, comment: str, ip: str | None = None) -> Absence:
    """第四十四条: 经市政府主要领导批准后，再按要求向市委报备 — the office records the report to the city committee."""
    return engine.item_fire(Absence, pk, verb="report", actor=actor, comment=comment, ip=ip)


def absence_return(pk: int, *, actor: User, comment: str, ip: str | None = None) -> Absence:
    return engine.item_fire(Absence, pk, verb="return", actor=actor, comment=comment, ip=ip)


def absence_reject(pk: int, *, actor: User, comment: str, ip: str | None = None) -> Absence:
    return engine.item_fire(Absence, pk, verb="reject", actor=actor, comment=comment, ip=ip)


def absence_withdraw(pk: int, *, actor: User, ip: str | None = None) -> Absence:
    return engine.item_fire(Absence, pk, verb="withdraw", actor=actor, ip=ip)


def absence_cancel(pk: int, *, actor: User, comment: str, ip: str | None = None) -> Absence:
    """Call an approved absence off; the flow's hook on entering 已取消 ends its delegation (:func:`absence_ended`)."""
    return engine.item_fire(Absence, pk, verb="cancel", actor=actor, comment=comment, ip=ip)


def _tell(absence: Absence, delegation: Delegation, title: str, body: str) -> None:
    """The delegate and the delegator (the leader) are told of a delegation opened, shortened or ended."""
    users = [u for u in (absence.leader, delegation.delegate) if u is not None]
    notify(users, kind=NotificationKind.RESULT, item=absence, title=title, body=body)


def absence_approved(absence: Absence) -> None:
    """Runs in the approval's transaction (the flow's hook on entering 待报区委办备案): open the delegation of the
    leader's post for the absence's dates to the person named (第六条), tell them both, and warn the office."""
    if absence.acting is not None and absence.delegation_id is None:
        delegation = Delegation.objects.create(
            post=absence.leader_post,
            delegate=absence.acting,
            start=absence.start,
            end=absence.end,
            reason=f"{absence.get_category_display()}：{absence.destination}（外出报备 {absence.pk}）"[:200],
        )
        absence.delegation = delegation
        absence.save(update_fields=["delegation"])
        _share(absence, delegation.delegate)  # the notice below leads them to the report
        _tell(
            absence,
            delegation,
            f"【委托】{absence.leader_post.title}{absence.leader.display_name}外出期间由{delegation.delegate.display_name}代行",
            f"{absence.start:%Y年%m月%d日}至{absence.end:%Y年%m月%d日}，{delegation.delegate.display_name}"
            f"受{absence.leader_post.title}委托办理其待办事项。",
        )
    found = warnings_for([absence])[absence.pk]
    director = post_of_kind(PostKind.OFFICE_DIRECTOR)
    person = who_acts_for(director) if director is not None else None
    if found and person is not None:
        notify(
            [person],
            kind=NotificationKind.RESULT,
            item=absence,
            title=f"【外出提醒】{absence.title}",
            body="\n".join(found.messages),
        )


def absence_ended(absence: Absence) -> None:
    """Runs in the cancellation's transaction: the delegation the approval opened ends now."""
    delegation = absence.delegation
    if delegation is None or delegation.revoked_at is not None:
        return
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at"])
    _tell(
        absence,
        delegation,
        f"【委托结束】{absence.leader_post.title}{absence.leader.display_name}的外出已取消",
        f"{delegation.delegate.display_name}受{absence.leader_post.title}委托代行工作自即日起结束。",
    )


def absence_shorten(pk: int, *, actor: User, end: dt.date, reason: str, ip: str | None = None) -> Absence:
    """The leader comes back early: the absence, and the delegation it opened, end on ``end``."""
    reason = (reason or "").strip()
    with transaction.atomic():
        absence = lock_item(Absence, pk)
        if not is_submitter(absence, actor):
            raise engine.Forbidden("只有报告人或外出领导本人可以修改返回日期。")
        if absence.state not in APPROVED_STATES:
            raise engine.Conflict("只有已批准的外出可以提前结束。")
        errors: dict[str, str] = {}
        if not reason:
            errors["reason"] = "请说明提前返回的原因。"
        elif len(reason) > 200:
            errors["reason"] = "原因不能超过 200 字。"
        if end >= absence.end:
            errors["end"] = "新的返回日期须早于原返回日期；延长外出请重新报告。"
        elif end < absence.start:
            errors["end"] = "新的返回日期不能早于离开日期；不再外出请取消外出。"
        if errors:
            raise ValidationError(errors)
        old = absence.end
        absence.end = end
        absence.title = _title(absence.leader, absence.category, absence.destination, absence.start, end)
        absence.save(update_fields=["end", "title", "updated_at"])
        flow = flow_for(absence)
        history_append(
            absence,
            flow=flow,
            actor=actor,
            verb="shorten",
            verb_label="提前返回",
            comment=f"返回日期由{old:%Y-%m-%d}改为{end:%Y-%m-%d}。{reason}",
            ip=ip,
        )
        delegation = absence.delegation
        if delegation is not None and delegation.revoked_at is None:
            delegation.end = end
            delegation.save(update_fields=["end"])
            _tell(
                absence,
                delegation,
                f"【委托变更】{absence.leader_post.title}{absence.leader.display_name}提前返回",
                f"{delegation.delegate.display_name}受{absence.leader_post.title}委托代行工作改至"
                f"{end:%Y年%m月%d日}结束。",
            )
        deliver_emails_on_commit()
        return absence


# ----------------------------------------------------------------------------------------- 第三十四条 exceptions


class Exempt(engine.WorkflowError):
    """第三十四条: the leader holds a post in the inviting unit — no exception is needed, nothing is filed."""


def _check_exception(
    *, actor: User, unit: Unit, leader_post: Post, category: str, event_date: dt.date | None, today: dt.date
) -> None:
    from haimen_gov.org.routing import units_of

    errors: dict[str, str] = {}
    if unit.pk not in {u.pk for u in units_of(actor)}:
        errors["unit"] = "只能以本人任职的单位提出邀请。"
    if leader_post.kind not in GOVERNMENT_LEADER_KINDS or leader_post.holder_id is None:
        errors["leader_post"] = "请选择在任的区政府领导。"
    if category not in WRITING_KINDS and event_date is None:
        errors["event_date"] = "请填写活动日期。"
    if event_date is not None and not (today - dt.timedelta(days=30) <= event_date <= today + dt.timedelta(days=366)):
        errors["event_date"] = "活动日期须在近 30 天至一年以内。"
    if errors:
        raise ValidationError(errors)
    # 第三十四条: 不在部门或区镇（街道）兼职的区政府领导同志 … — a leader holding a post in the unit is not bound.
    if Post.objects.filter(unit=unit, holder_id=leader_post.holder_id).exists():
        raise Exempt(f"{leader_post.holder}在{unit.name}兼职，按第三十四条不受此限，无需报批。")


def exception_create(
    *,
    actor: User,
    unit: Unit,
    leader_post: Post,
    category: str,
    event: str,
    event_date: dt.date | None,
    place: str,
    reason: str,
    submit: bool = True,
    ip: str | None = None,
) -> ExceptionRequest:
    """第三十四条: a unit asks for a leader at its event (or for a writing); the head decides."""
    _check_exception(
        actor=actor,
        unit=unit,
        leader_post=leader_post,
        category=category,
        event_date=event_date,
        today=timezone.localdate(),
    )
    leader = leader_post.holder
    assert leader is not None
    with transaction.atomic():
        request = engine.item_create(
            ExceptionRequest,
            actor=actor,
            title=f"{unit.short_name or unit.name}邀请{leader.display_name}：{event}"[:200],
            unit=unit,
            leader_post=leader_post,
            leader=leader,
            category=category,
            event=event,
            event_date=event_date,
            place=place,
            reason=reason,
        )
        _share(request, leader)
        if submit:
            request = engine.item_fire(ExceptionRequest, request.pk, verb="submit", actor=actor, ip=ip)
        return request


# ------------------------------------------------------------------------------------------------ 基层调研

TRIP_FIELDS = ("start", "end", "places", "topic", "findings", "frugality")


def may_log_research_for(actor: User, leader: User) -> bool:
    """A leader logs their own trips; the office logs anyone's."""
    return actor.pk == leader.pk or is_office(actor)


def _check_trip(*, actor: User, leader: User, start: dt.date, end: dt.date, today: dt.date) -> None:
    from .selectors import research_leaders

    if not may_log_research_for(actor, leader):
        raise engine.Forbidden("只能登记本人的调研；代领导登记须由区政府办公室办理。")
    errors: dict[str, str] = {}
    if not research_leaders().filter(pk=leader.pk).exists():
        errors["leader"] = "只有区政府领导同志登记基层调研（第四十六条）。"
    if end < start:
        errors["end"] = "结束日期不能早于开始日期。"
    elif days_spanned(start, end) > 31:
        errors["end"] = "一次调研不能超过 31 天，请分次登记。"
    if end > today:
        errors["end"] = "只能登记已经开展的调研。"
    if start < dt.date(today.year - 1, 1, 1):
        errors["start"] = "只能登记今年和去年的调研。"
    if errors:
        raise ValidationError(errors)


def research_trip_create(
    *,
    actor: User,
    leader: User,
    start: dt.date,
    end: dt.date,
    places: str,
    topic: str,
    findings: str = "",
    frugality: str = "",
) -> ResearchTrip:
    _check_trip(actor=actor, leader=leader, start=start, end=end, today=timezone.localdate())
    with transaction.atomic():
        trip = ResearchTrip(
            leader=leader,
            start=start,
            end=end,
            places=places,
            topic=topic,
            findings=findings,
            frugality=frugality,
            created_by=actor,
        )
        trip.full_clean()
        trip.save()
        return trip


def research_trip_update(
    pk: int,
    *,
    actor: User,
    start: dt.date,
    end: dt.date,
    places: str,
    topic: str,
    findings: str = "",
    frugality: str = "",
) -> ResearchTrip:
    with transaction.atomic():
        trip = ResearchTrip.objects.select_for_update().select_related("leader").get(pk=pk)
        _check_trip(actor=actor, leader=trip.leader, start=start, end=end, today=timezone.localdate())
        trip.start, trip.end, trip.places, trip.topic = start, end, places, topic
        trip.findings, trip.frugality, trip.updated_by = findings, frugality, actor
        trip.full_clean()
        trip.save()
        return trip


# ------------------------------------------------------------------------------------------------- 出访 (第三十五条)

# Bounds at the edge: a visit is planned for this year or the next; one lasts at most 30 days (longer stays abroad
# are training, not 出访); the plan's window is matched with a month's slack either side.
VISIT_MAX_DAYS = 30
PLAN_SLACK_DAYS = 31


def acts_for_head(actor: User) -> bool:
    """The head, in person or by delegation (第六条): approves the year's visit plan."""
    from haimen_gov.org.routing import acting_posts

    return any(kind == PostKind.DISTRICT_HEAD for _pk, kind in acting_posts(actor))


def _check_plan_entry(
    *, actor: User, traveller_post: Post, year: int, approx_start: dt.date, approx_end: dt.date, today: dt.date
) -> None:
    errors: dict[str, str] = {}
    if not is_office(actor):
        raise engine.Forbidden("出访计划由区政府办公室汇总填报（第三十五条）。")
    if traveller_post.kind not in VISIT_CHAIN_OF_KIND or traveller_post.holder_id is None:
        errors["traveller_post"] = "请选择在任的区政府领导或单位主要负责同志。"
    if year not in (today.year, today.year + 1):
        errors["year"] = "只能编制今年或明年的出访计划。"
    if approx_end < approx_start:
        errors["approx_end"] = "预计结束时间不能早于开始时间。"
    elif approx_start.year != year or approx_end.year != year:
        errors["approx_start"] = "预计出访时间须在计划年度内。"
    if errors:
        raise ValidationError(errors)


def visit_plan_add(
    *,
    actor: User,
    year: int,
    traveller_post: Post,
    countries: str,
    purpose: str,
    approx_start: dt.date,
    approx_end: dt.date,
) -> VisitPlanEntry:
    """计划管理 (第三十五条): the office lists a planned visit in the year's plan (pending the head's approval)."""
    _check_plan_entry(
        actor=actor,
        traveller_post=traveller_post,
        year=year,
        approx_start=approx_start,
        approx_end=approx_end,
        today=timezone.localdate(),
    )
    entry = VisitPlanEntry(
        year=year,
        traveller_post=traveller_post,
        countries=countries,
        purpose=purpose,
        approx_start=approx_start,
        approx_end=approx_end,
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    return entry


def visit_plan_remove(pk: int, *, actor: User) -> None:
    """An entry not yet approved can be taken out of the plan by the office."""
    with transaction.atomic():
        entry = VisitPlanEntry.objects.select_for_update().filter(pk=pk).first()
        if entry is None:
            raise engine.Conflict("该计划已不存在，请刷新后查看。")
        if not is_office(actor):
            raise engine.Forbidden("出访计划由区政府办公室汇总填报（第三十五条）。")
        if entry.approved_at is not None:
            raise engine.Conflict("计划已经批准，不能删除。")
        entry.delete()


def visit_plan_approve(year: int, *, actor: User) -> int:
    """The head (or whoever acts for the head) approves the year's pending plan entries; returns how many."""
    if not acts_for_head(actor):
        raise engine.Forbidden("年度出访计划由区长批准（第三十五条）。")
    with transaction.atomic():
        # The conditional update is the lock: two approvals at once approve each entry once.
        return VisitPlanEntry.objects.filter(year=year, approved_at__isnull=True).update(
            approved_by=actor, approved_at=timezone.now()
        )


def _check_visit(
    *,
    actor: User,
    traveller_post: Post,
    start: dt.date,
    end: dt.date,
    plan_entry: VisitPlanEntry | None,
    out_of_plan_reason: str,
    today: dt.date,
    amending: int | None = None,
) -> None:
    errors: dict[str, str] = {}
    if traveller_post.kind not in VISIT_CHAIN_OF_KIND:
        errors["traveller_post"] = "出访审批适用于区政府领导和各单位主要负责同志（第三十五条）。"
    elif traveller_post.holder_id is None:
        errors["traveller_post"] = "该职务目前无人任职。"
    elif traveller_post.holder_id != actor.pk and not is_office(actor):
        errors["traveller_post"] = "只能报批本人出访；代为报批须由区政府办公室办理。"
    if end < start:
        errors["end"] = "返回日期不能早于出发日期。"
    elif days_spanned(start, end) > VISIT_MAX_DAYS:
        errors["end"] = f"一次出访不能超过 {VISIT_MAX_DAYS} 天。"
    if start < today:
        # 第三十五条: 出访须事先审批 — there is no 补报 of a visit abroad.
        errors["start"] = "出访须事先报批，出发日期不能早于今天。"
    elif start > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        errors["start"] = "出发日期不能晚于一年以后。"
    if plan_entry is not None:
        # 第三十五条: 因公出访实行计划管理 — the entry must be the traveller's, approved, and for about these dates.
        if plan_entry.traveller_post_id != traveller_post.pk:
            errors["plan_entry"] = "所选计划不是该出访人的计划。"
        elif plan_entry.approved_at is None:
            errors["plan_entry"] = "所选计划尚未经区长批准，请按计划外出访报批并说明理由。"
        elif not (
            plan_entry.approx_start - dt.timedelta(days=PLAN_SLACK_DAYS)
            <= start
            <= plan_entry.approx_end + dt.timedelta(days=PLAN_SLACK_DAYS)
        ):
            errors["plan_entry"] = "出访时间与计划相差一个月以上，请按计划外出访报批并说明理由。"
        elif (
            Visit.objects.filter(plan_entry=plan_entry, state__in=VISIT_LIVE_STATES).exclude(pk=amending or 0).exists()
        ):
            errors["plan_entry"] = "该计划已有出访在报批或已批准。"
    elif not out_of_plan_reason.strip():
        errors["out_of_plan_reason"] = "未列入年度出访计划的，须说明计划外出访的理由（第三十五条）。"
    if errors:
        raise ValidationError(errors)


def visit_create(
    *,
    actor: User,
    traveller_post: Post,
    countries: str,
    purpose: str,
    members: str,
    start: dt.date,
    end: dt.date,
    plan_entry: VisitPlanEntry | None,
    out_of_plan_reason: str = "",
    submit: bool = True,
    ip: str | None = None,
) -> Visit:
    """出访报批 (第三十五条): the traveller, or the office for them, files a visit; the chain follows the post."""
    if plan_entry is not None:
        # As the database has it now (approved since the caller loaded it, or not).
        plan_entry = VisitPlanEntry.objects.get(pk=plan_entry.pk)
    _check_visit(
        actor=actor,
        traveller_post=traveller_post,
        start=start,
        end=end,
        plan_entry=plan_entry,
        out_of_plan_reason=out_of_plan_reason,
        today=timezone.localdate(),
    )
    traveller = traveller_post.holder
    assert traveller is not None
    with transaction.atomic():
        visit = engine.item_create(
            Visit,
            actor=actor,
            title=f"{traveller.display_name}出访{countries}（{start:%m月%d日}—{end:%m月%d日}）"[:200],
            unit=traveller_post.unit,
            traveller_post=traveller_post,
            traveller=traveller,
            chain=VISIT_CHAIN_OF_KIND[PostKind(traveller_post.kind)],
            countries=countries,
            purpose=purpose,
            members=members,
            start=start,
            end=end,
            plan_entry=plan_entry,
            out_of_plan=plan_entry is None,
            out_of_plan_reason="" if plan_entry is not None else out_of_plan_reason.strip(),
        )
        _share(visit, traveller)
        _share_with_office(visit)
        if submit:
            visit = visit_fire(visit.pk, verb="submit", actor=actor, ip=ip)
        return visit


def visit_fire(
    pk: int,
    *,
    verb: str,
    actor: User,
    comment: str = "",
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> Visit:
    """Every step of a visit's chain goes through the engine (the order of 第三十五条 is the state machine's)."""
    return engine.item_fire(Visit, pk, verb=verb, actor=actor, comment=comment, data=data, ip=ip)


def visit_submitted(visit: Visit) -> None:
    """Runs in the submission's transaction: the plan entry may have been taken since the draft was written."""
    if visit.plan_entry_id is not None:
        taken = Visit.objects.filter(plan_entry_id=visit.plan_entry_id, state__in=VISIT_LIVE_STATES)
        if taken.exclude(pk=visit.pk).exists():
            raise ValidationError({"plan_entry": "该计划已有出访在报批或已批准。"})
