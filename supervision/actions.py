"""Supervision actions (第三十六—三十九条). Each goes through the workflow engine (locks, checks, history); what is
specific to supervision is who may open an item, no duplicate supervision, and which unit may do what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from haimen_gov.org.models import LEADER_KINDS, Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import acting_post_ids
from haimen_gov.workdays.calendar import add_workdays
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions.notifications import deliver_emails_on_commit
from haimen_gov.workflow.models import EmailStatus, Item, LinkKind, Notification, NotificationKind, Task, TaskStatus

from .models import (
    DESIGNATED_SOURCES,
    Bulletin,
    Designation,
    Feedback,
    Source,
    State,
    SupervisionItem,
    normalise_title,
    scope_terms,
)

ARTICLE_39 = "区政府各工作部门未经区政府指定不得开展政府督查（第三十九条）。"
OFFICE_LEAD_KINDS = (PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR)


@dataclass(frozen=True)
class Opener:
    post: Post
    designations: list[Designation]  # empty for the office


def opener_for(user: User, on: dt.date | None = None) -> Opener | None:
    """第三十九条: who may open a government supervision item, and as which post. The office: its director and deputies,
    and its staff in the group ``SUPERVISION_STAFF_GROUP`` (督查人员); a unit: only while the district designates it
    (a :class:`Designation` current today). Posts acted for by delegation count as the post's own."""
    on = on or timezone.localdate()
    posts = list(Post.objects.filter(pk__in=acting_post_ids(user, on)).select_related("unit").order_by("order", "id"))
    staff = user.groups.filter(name=settings.SUPERVISION_STAFF_GROUP).exists()
    for post in posts:
        if post.unit.kind == UnitKind.GOV_OFFICE and (post.kind in OFFICE_LEAD_KINDS or staff):
            return Opener(post, [])
    for post in posts:
        current = list(Designation.objects.filter(unit_id=post.unit_id, starts_on__lte=on, ends_on__gte=on))
        if current:
            return Opener(post, current)
    return None


def similar_items(title: str, *, exclude_pk: int | None = None, limit: int = 5) -> list[tuple[SupervisionItem, float]]:
    """Open items whose matter reads like ``title`` (shared character pairs, Dice coefficient ≥ 0.5), read in one
    query over the 500 most recent open items."""
    target = _bigrams(normalise_title(title))
    if not target:
        return []
    qs = SupervisionItem.objects.exclude(state__in=[State.CLOSED, State.WITHDRAWN, State.DRAFT])
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    scored = []
    for item in qs.select_related("lead_unit").order_by("-created_at")[:500]:
        other = _bigrams(item.normalised_title)
        score = 2 * len(target & other) / (len(target) + len(other)) if other else 0.0
        if score >= 0.5:
            scored.append((item, score))
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def open_duplicate(title: str, lead_unit: Unit) -> SupervisionItem | None:
    return (
        SupervisionItem.objects.filter(normalised_title=normalise_title(title), lead_unit=lead_unit)
        .exclude(state__in=[State.CLOSED, State.WITHDRAWN])
        .first()
    )


def _duplicate_error(existing: SupervisionItem) -> ValidationError:
    # 第三十九条: 严禁重复督查、多头督查.
    return ValidationError(
        {
            "title": f"该事项已由“{existing.lead_unit}”牵头办理中（{existing.get_absolute_url()}），"
            "严禁重复督查、多头督查（第三十九条）。"
        }
    )


def supervision_item_open(
    *,
    actor: User,
    title: str,
    source: str,
    requirement: str,
    lead_unit: Unit,
    co_units: Iterable[Unit] = (),
    source_reference: str = "",
    leader: Post | None = None,
    due_on: dt.date | None = None,
    due_workdays: int | None = None,
    cadence_days: int = 5,
    designation: Designation | None = None,
    source_item: Item | None = None,
    ip: str | None = None,
) -> SupervisionItem:
    """督查立项 and 交办 (第三十七、三十八、三十九条): open the item and send it to its units for signing."""
    today = timezone.localdate()
    opener = opener_for(actor, today)
    if opener is None:
        raise engine.Forbidden("您无权开展政府督查：" + ARTICLE_39)
    if opener.designations:
        # A designated unit only within the matter and dates it was designated for.
        if designation is None or designation.pk not in {d.pk for d in opener.designations}:
            raise engine.Forbidden("请选择本单位在有效期内的督查指定依据：" + ARTICLE_39)
        # 第三十九条 严禁越权督查: the matter must be within the designation's scope (models.scope_covers).
        if source not in DESIGNATED_SOURCES:
            raise engine.Forbidden(
                "领导交办事项和会议议定事项由区政府办公室督办，被指定单位只能开展专项督查、上级决策部署落实督查"
                "和群众反映问题督查（第三十七、三十九条）。"
            )
        if not designation.covers(source=source, title=title, requirement=requirement):
            raise engine.Forbidden(f"该事项不在指定的督查范围（{designation.scope}）内，严禁越权督查（第三十九条）。")
    else:
        designation = None
    co = [u for u in co_units if u.pk != lead_unit.pk]
    if source not in Source.values:
        raise ValidationError({"source": "来源无效。"})
    if not 1 <= cadence_days <= 60:
        raise ValidationError({"cadence_days": "反馈周期须为 1—60 个工作日。"})
    if due_on is None:
        if not due_workdays or not 1 <= due_workdays <= 250:
            raise ValidationError({"due_on": "请填写办结期限（日期或 1—250 个工作日）。"})
        due_on = add_workdays(today, due_workdays).date
    if due_on < today:
        raise ValidationError({"due_on": "办结期限不能早于今天。"})
    with transaction.atomic():
        existing = open_duplicate(title, lead_unit)
        if existing is not None:
            raise _duplicate_error(existing)
        try:
            with transaction.atomic():
                item = engine.item_create(
                    SupervisionItem,
                    actor=actor,
                    title=title.strip()[:200],
                    unit=opener.post.unit,
                    source=source,
                    source_reference=source_reference.strip()[:200],
                    requirement=requirement.strip(),
                    normalised_title=normalise_title(title),
                    lead_unit=lead_unit,
                    leader=leader,
                    opener_post=opener.post,
                    designation=designation,
                    due_on=due_on,
                    cadence_days=cadence_days,
                )
        except IntegrityError as exc:
            # Two supervisors opening the same matter at once: the partial unique constraint decides.
            existing = open_duplicate(title, lead_unit)
            if existing is None:
                raise
            raise _duplicate_error(existing) from exc
        item.co_units.set(co)
        if source_item is not None:
            # The source is a link shown on both items' pages (来源).
            engine.item_link(source_item, item, kind=LinkKind.SOURCE, actor=actor, ip=ip)
        return engine.item_fire(SupervisionItem, item.pk, verb="submit", actor=actor, ip=ip)


def default_source(source_item: Item) -> str:
    """The kind of supervision a source item starts: a meeting's decision (议定事项, the meetings app) is a
    会议议定事项; a leader's 批示 (the documents app) or anything else a leader handed over is a 领导交办事项."""
    app_label = source_item.kind.app_label if source_item.kind_id else ""
    return Source.MEETING if app_label == "meetings" else Source.LEADER


def supervision_item_open_from_source(source_item: Item, *, actor: User, **fields: Any) -> SupervisionItem:
    """One click from a minutes decision (议定事项) or a leader's 批示: the new item names its source, and the two are
    linked (来源, shown on both pages; ``selectors.light_for_sources`` gives the source's pages the item's light).
    Called by the meetings and documents apps. ``fields`` are those of :func:`supervision_item_open`; by default the
    source's kind (``default_source``), its title as the matter and the requirement, and its number (or title) as the
    reference. Refused like any opening (第三十九条, duplicates, bounds); the actor must be able to see the source."""
    fields.setdefault("source", default_source(source_item))
    fields.setdefault("title", source_item.title[:200])
    fields.setdefault("requirement", source_item.title)
    fields.setdefault("source_reference", (source_item.number or source_item.title)[:200])
    return supervision_item_open(actor=actor, source_item=source_item, **fields)


def _lead_unit_task(item: SupervisionItem, actor: User) -> Task | None:
    return Task.objects.filter(
        item=item,
        status=TaskStatus.OPEN,
        post__unit_id=item.lead_unit_id,
        post_id__in=acting_post_ids(actor),
    ).first()


def transition_apply(item: SupervisionItem, *, actor: User, verb: str, data: dict[str, Any]) -> None:
    """The fields and checks of a transition, inside the engine's lock (from the item page, the API and the actions
    below alike)."""
    if verb == "feedback":
        _record_feedback(
            item,
            actor=actor,
            text=(data.get("text") or "").strip(),
            percent=data.get("percent"),
            files=data.get("files") or (),
        )
        return
    if verb in ("extend", "finish") and _lead_unit_task(item, actor) is None:
        # 第三十八条: the lead unit asks for an extension and applies for closure; co-units report to it.
        raise engine.Forbidden("只有牵头单位可以申请延期或申请办结。")
    if verb == "extend":
        new_due = data.get("extension_due_on")
        if new_due is None or new_due <= item.due_on:
            raise ValidationError({"extension_due_on": "申请延至的日期须晚于原办结期限。"})
        item.extension_due_on = new_due
        item.extension_reason = (data.get("reason") or "")[:300]
    elif verb == "approve" and item.state == State.EXTENSION:
        item.due_on = item.extension_due_on or item.due_on
    elif verb == "finish":
        item.done_on = timezone.localdate()
        item.completion_note = (data.get("note") or "")[:1000]
    elif verb == "close":
        item.verify_method = data.get("verify_method") or ""
        item.verify_note = (data.get("note") or "")[:1000]
        if not item.verify_method:
            raise ValidationError({"verify_method": "请选择回访方式。"})
    elif verb == "send_back":
        item.sent_back_count += 1
        item.done_on = None


def _fire(pk: int, verb: str, *, actor: User, comment: str, ip: str | None, **data: Any) -> SupervisionItem:
    """Fire ``verb`` with its own fields, validated by the flow's form for it inside the engine's lock."""
    return engine.item_fire(
        SupervisionItem, pk, verb=verb, actor=actor, comment=comment, ip=ip, data={**data, "comment": comment}
    )


def supervision_item_sign(pk: int, *, actor: User, comment: str = "", ip: str | None = None) -> SupervisionItem:
    """签收 (第三十八条): each unit signs; the last signature starts the work and its first feedback clock."""
    return _fire(pk, "approve", actor=actor, comment=comment or "已签收", ip=ip)


def supervision_item_feedback(
    pk: int,
    *,
    actor: User,
    text: str,
    percent: int,
    files: Iterable[UploadedFile] = (),
    ip: str | None = None,
) -> Feedback:
    """反馈 (第三十八条): a unit's progress report (text, percentage, attachments); its next falls due
    ``cadence_days`` working days later. A co-unit reports to the lead unit; the lead unit's report takes up the
    co-units' reports since its last one. The files are checked by the flow's form (type by content, size, count)."""
    text = (text or "").strip()
    data = {"comment": text, "percent": percent}
    engine.item_fire(
        SupervisionItem, pk, verb="feedback", actor=actor, comment=text, ip=ip, data=data, files={"files": list(files)}
    )
    return Feedback.objects.filter(item_id=pk, author=actor).latest("created_at", "id")


def _record_feedback(
    item: SupervisionItem, *, actor: User, text: str, percent: Any, files: Iterable[UploadedFile] = ()
) -> None:
    if not text or len(text) > 2000:
        raise ValidationError({"text": "请填写进展情况（不超过 2000 字）。"})
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError({"percent": "完成进度须为 0—100 的整数。"})
    task = (
        Task.objects.filter(item=item, step="feedback", status=TaskStatus.OPEN, post_id__in=acting_post_ids(actor))
        .select_related("post")
        .order_by("id")
        .first()
    )
    if task is None:  # the engine has already checked; kept for a caller outside it
        raise engine.Forbidden("您无权报送该事项的反馈。")
    is_lead = task.post.unit_id == item.lead_unit_id
    feedback = Feedback.objects.create(
        item=item,
        unit_id=task.post.unit_id,
        author=actor,
        text=text,
        percent=percent,
        is_lead=is_lead,
        due_on=task.due_date,
    )
    if files:
        checked = engine.attachments_check(item, files)
        feedback.attachments.set(engine.attachments_store(item, actor=actor, uploads=checked, role="feedback"))
    if is_lead:
        Feedback.objects.filter(item=item, is_lead=False, consolidated_into__isnull=True).update(
            consolidated_into=feedback
        )
        item.progress = percent
        item.save(update_fields=["progress"])


def supervision_item_extend(
    pk: int, *, actor: User, reason: str, extension_due_on: dt.date, ip: str | None = None
) -> SupervisionItem:
    """延期 (第三十八条): the lead unit asks once, with a reason."""
    item = SupervisionItem.objects.only("state", "extension_used").get(pk=pk)
    if item.state == State.IN_PROGRESS and item.extension_used:
        raise engine.Conflict("延期只能申请一次。")
    return _fire(pk, "extend", actor=actor, comment=reason, ip=ip, extension_due_on=extension_due_on)


def supervision_item_decide_extension(
    pk: int, *, actor: User, approve: bool, comment: str = "", ip: str | None = None
) -> SupervisionItem:
    """The office director or the leader in charge grants or refuses the extension."""
    return _fire(pk, "approve" if approve else "reject", actor=actor, comment=comment, ip=ip)


def supervision_item_finish(pk: int, *, actor: User, note: str, ip: str | None = None) -> SupervisionItem:
    """办结申请: the lead unit reports the matter done; the office verifies (回访)."""
    return _fire(pk, "finish", actor=actor, comment=note, ip=ip)


def supervision_item_verify(
    pk: int, *, actor: User, close: bool, method: str = "", note: str, ip: str | None = None
) -> SupervisionItem:
    """回访 → 销号, or sent back with a reason to continue (第三十八条; “四不两直” is among the methods, 第三十九条)."""
    if close:
        return _fire(pk, "close", actor=actor, comment=note, ip=ip, verify_method=method)
    return _fire(pk, "send_back", actor=actor, comment=note, ip=ip)


def designation_create(
    *, actor: User, unit: Unit, scope: str, starts_on: dt.date, ends_on: dt.date, reference: str = ""
) -> Designation:
    """第三十九条: the office records that the district designated ``unit`` for a matter, between two dates."""
    opener = opener_for(actor)
    if opener is None or opener.designations:
        raise engine.Forbidden("只有区政府办公室可以登记督查指定。")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "截止日期不能早于起始日期。"})
    if not scope_terms(scope):
        raise ValidationError({"scope": "请填写督查事项范围（事项关键词，以顿号分隔，如“行政执法、食品安全”）。"})
    return Designation.objects.create(
        unit=unit,
        scope=scope.strip()[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        reference=reference[:100],
        created_by=actor,
    )


# ------------------------------------------------------------------------------------------------ 督查通报


def previous_period(today: dt.date) -> dt.date:
    """The month a bulletin issued on ``today`` reports on: the month just ended (beat issues on the 1st)."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def bulletin_recipients(rows: Iterable[SupervisionItem]) -> list[User]:
    """Who a 督查通报 goes to: the district's leaders (区长, 副区长), the office (its director and deputies, and its
    督查人员), and the heads of the units leading an item in it (第三十八条 督查与考核相结合). One query."""
    unit_ids = {row.lead_unit_id for row in rows}
    leader_posts = Q(posts__kind__in=[*LEADER_KINDS, *OFFICE_LEAD_KINDS])
    unit_heads = Q(posts__kind=PostKind.UNIT_HEAD, posts__unit_id__in=unit_ids)
    staff = Q(groups__name=settings.SUPERVISION_STAFF_GROUP)
    return list(User.objects.filter(leader_posts | unit_heads | staff, is_active=True).distinct().order_by("pk"))


def supervision_bulletin_issue(*, today: dt.date | None = None, period: dt.date | None = None) -> Bulletin | None:
    """督查通报 (第三十八条): issue the bulletin of ``period`` (default: the month just ended) — the PDF of every red
    and amber item as of ``today`` — and notify its recipients (``bulletin_recipients``), once per period. The
    :class:`Bulletin` row is the claim (unique per period) and is written in the transaction of the notices: a rerun
    or a second worker at the same moment waits on the first one's row and then does nothing (returns None). The PDF
    is rendered before the transaction (it takes a second), so the lock is held only for the writes."""
    from haimen_gov.pdf import render_pdf

    from . import selectors

    today = today or timezone.localdate()
    period = (period or previous_period(today)).replace(day=1)
    if Bulletin.objects.filter(period=period).exists():
        return None
    rows = list(selectors.bulletin_items(today)[: selectors.BULLETIN_LIMIT])
    pdf = render_pdf("supervision/bulletin_pdf.html", selectors.bulletin_context(rows, today=today, period=period))
    red = sum(1 for r in rows if getattr(r, "light", 0) == selectors.RED)
    amber = len(rows) - red
    with transaction.atomic():
        try:
            with transaction.atomic():
                bulletin = Bulletin.objects.create(period=period, red=red, amber=amber)
        except IntegrityError:
            return None  # issued by another run meanwhile
        bulletin.pdf.save(f"bulletin-{period:%Y-%m}.pdf", ContentFile(pdf), save=False)
        users = bulletin_recipients(rows)
        by_unit: dict[int, list[str]] = {}
        for row in rows:
            light = "红灯" if row.light == selectors.RED else "黄灯"  # type: ignore[attr-defined]
            by_unit.setdefault(row.lead_unit_id, []).append(f"{light}：{row.title}")
        heads = dict(
            Post.objects.filter(kind=PostKind.UNIT_HEAD, unit_id__in=by_unit, holder__in=users).values_list(
                "holder_id", "unit_id"
            )
        )
        summary = f"红灯（逾期）{red} 件，黄灯（临期或反馈逾期）{amber} 件。"
        Notification.objects.bulk_create(
            [
                Notification(
                    user=user,
                    kind=NotificationKind.RESULT,
                    day=today,
                    title=f"【督查通报】{bulletin.title}已印发：红灯 {red} 件、黄灯 {amber} 件",
                    body=summary
                    + ("\n本单位牵头事项：\n" + "\n".join(by_unit[heads[user.pk]]) if user.pk in heads else ""),
                    url=bulletin.get_absolute_url(),
                    email_status=EmailStatus.PENDING if user.email else EmailStatus.NONE,
                )
                for user in users
            ]
        )
        bulletin.recipients = len(users)
        bulletin.save(update_fields=["pdf", "recipients"])
        deliver_emails_on_commit()
    return bulletin
