"""委托 from the portal (第六条, 第四十四条): a leader, or the government office on their behalf, hands a post's
authority to another person for a date range, shortens it or revokes it, without the admin. Seal custody is never
delegated (第三十条). The delegator hears of every act done in their name in a daily digest (:func:`delegated_digest`,
run by beat)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from haimen_gov.org.models import Delegation, Post, PostKind, User
from haimen_gov.org.routing import acting_posts

from ..models import EmailStatus, HistoryEntry, Notification, NotificationKind
from .errors import Conflict, Forbidden, WorkflowError
from .notifications import deliver_emails_on_commit, notify

# The office arranges its leaders' absences (第四十四条: 外出报备 goes through the office).
OFFICE_KINDS = (PostKind.OFFICE_DIRECTOR, PostKind.OFFICE_DEPUTY_DIRECTOR)
# Posts whose holders may set up a delegation of their own: the leaders of the government and of its office, and
# the heads of units. Clerks have nothing to delegate; the custodian may not (第三十条).
DELEGATING_KINDS = (
    PostKind.DISTRICT_HEAD,
    PostKind.EXEC_VICE_HEAD,
    PostKind.VICE_HEAD,
    PostKind.OFFICE_DIRECTOR,
    PostKind.OFFICE_DEPUTY_DIRECTOR,
    PostKind.JUSTICE_HEAD,
    PostKind.FINANCE_HEAD,
    PostKind.UNIT_HEAD,
)
MAX_DAYS = 366  # a delegation is for an absence, not a reshuffle (which is done in the admin)


def is_office(user: User, kinds: list[str] | None = None) -> bool:
    kinds = [kind for _pk, kind in acting_posts(user)] if kinds is None else kinds
    return any(kind in OFFICE_KINDS for kind in kinds)


def may_manage(user: User, post: Post, *, office: bool | None = None) -> bool:
    """Whether ``user`` may set up or change the delegations of ``post``: its holder, or the office."""
    if not post.delegable or post.kind not in DELEGATING_KINDS:
        return False
    if post.holder_id == user.pk:
        return True
    return is_office(user) if office is None else office


def _check_dates(start: dt.date, end: dt.date, today: dt.date) -> None:
    if start < today:
        raise WorkflowError("开始日期不能早于今天。")
    if end < start:
        raise WorkflowError("结束日期不能早于开始日期。")
    if (end - start).days >= MAX_DAYS:
        raise WorkflowError(f"委托期限不能超过 {MAX_DAYS} 天；长期调整请在组织机构中改任。")


def delegation_create(
    *, actor: User, post: Post, delegate: User, start: dt.date, end: dt.date, reason: str
) -> Delegation:
    reason = " ".join((reason or "").split())
    if not reason:
        raise WorkflowError("请填写委托事由。")
    if len(reason) > 200:
        raise WorkflowError("委托事由不能超过 200 字。")
    today = timezone.localdate()
    _check_dates(start, end, today)
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("holder").get(pk=post.pk)
        if not post.delegable:
            raise Forbidden("印鉴保管不得委托他人代管（第三十条）。")
        if not may_manage(actor, post):
            raise Forbidden("只能委托本人的职务，或由区政府办公室代为登记。")
        if not delegate.is_active or delegate.pk == post.holder_id:
            raise WorkflowError("不能委托给本人。" if delegate.pk == post.holder_id else "受托人已停用。")
        overlapping = Delegation.objects.filter(post=post, revoked_at__isnull=True, start__lte=end, end__gte=start)
        if overlapping.exists():
            raise Conflict("该职务在这段时间已有委托，请先缩短或撤销原委托。")
        delegation = Delegation(post=post, delegate=delegate, start=start, end=end, reason=reason, created_by=actor)
        try:
            delegation.full_clean()
        except ValidationError as exc:
            raise WorkflowError("；".join(exc.messages)) from exc
        delegation.save()
        notify(
            [delegate, *([post.holder] if post.holder else [])],
            kind=NotificationKind.DELEGATED,
            item=None,
            title=f"【委托】{post.title}委托{delegate.display_name}代为办理",
            body=f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}。事由：{reason}",
            actor=actor,
        )
        deliver_emails_on_commit()
        return delegation


def _locked(delegation_id: int, actor: User) -> Delegation:
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("post", "post__holder", "delegate")
        .filter(pk=delegation_id)
        .first()
    )
    if delegation is None:
        raise Conflict("该委托不存在。")
    if not may_manage(actor, delegation.post):
        raise Forbidden("只能变更本人职务的委托，或由区政府办公室代为变更。")
    if delegation.revoked_at is not None:
        raise Conflict("该委托已撤销。")
    return delegation


def delegation_shorten(delegation_id: int, *, actor: User, end: dt.date) -> Delegation:
    """Ends a delegation earlier (from today on; the days already past stay as they were)."""
    today = timezone.localdate()
    with transaction.atomic():
        delegation = _locked(delegation_id, actor)
        if end >= delegation.end:
            raise WorkflowError("只能提前结束委托；延长请另行委托。")
        if end < today or end < delegation.start:
            raise WorkflowError("结束日期不能早于今天或委托开始日期；要立即终止请撤销。")
        delegation.end = end
        delegation.save(update_fields=["end"])
        notify(
            [delegation.delegate],
            kind=NotificationKind.DELEGATED,
            item=None,
            title=f"【委托变更】{delegation.post.title}的委托改至{end:%Y年%m月%d日}结束",
            actor=actor,
        )
        deliver_emails_on_commit()
        return delegation


def delegation_revoke(delegation_id: int, *, actor: User) -> Delegation:
    with transaction.atomic():
        delegation = _locked(delegation_id, actor)
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        notify(
            [delegation.delegate],
            kind=NotificationKind.DELEGATED,
            item=None,
            title=f"【委托撤销】{delegation.post.title}的委托已撤销",
            actor=actor,
        )
        deliver_emails_on_commit()
        return delegation


def delegated_digest(day: dt.date | None = None) -> int:
    """Tells each holder what was done in their name on ``day`` (default yesterday): one notice per holder and day,
    listing the acts of their delegates (history rows written "受…委托"). Safe to run twice: the notice is unique per
    (holder, day) and inserted with ON CONFLICT DO NOTHING."""
    day = day or timezone.localdate() - dt.timedelta(days=1)
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    until = since + dt.timedelta(days=1)
    rows = (
        HistoryEntry.objects.filter(at__gte=since, at__lt=until, acting_label__startswith="受", post__isnull=False)
        .exclude(post__holder__isnull=True)
        .select_related("item", "post", "post__holder", "actor")
        .order_by("at", "id")
    )
    acts: dict[int, list[HistoryEntry]] = defaultdict(list)
    holders: dict[int, User] = {}
    for row in rows:
        holder = row.post.holder  # type: ignore[union-attr]
        if holder is None or row.actor_id == holder.pk:
            continue
        holders[holder.pk] = holder
        acts[holder.pk].append(row)
    notices = [
        Notification(
            user=holders[pk],
            kind=NotificationKind.DELEGATED,
            day=day,
            title=f"【受托办理】{day:%m月%d日}他人以您的名义办理了 {len(rows_)} 件",
            body="\n".join(
                f"{timezone.localtime(r.at):%H:%M} {r.actor.display_name if r.actor else ''}（{r.acting_label}）"
                f"：{r.item.title} · {r.step_label} · {r.verb_label}"
                for r in rows_
            ),
            count=len(rows_),
            url=reverse("workflow:delegations"),
            email_status=EmailStatus.PENDING if holders[pk].email else EmailStatus.NONE,
        )
        for pk, rows_ in acts.items()
    ]
    created = Notification.objects.bulk_create(notices, ignore_conflicts=True)
    if created:
        deliver_emails_on_commit()
    return len(created)
