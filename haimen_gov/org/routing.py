"""Who acts for which post on which day. Everything that routes or authorises work asks here.

第六条 / 第四十四条: while a leader is away, a delegation hands the post's authority to another person for a date range.
The holder keeps the authority (a head on a trip may still sign from a phone); the delegate gains it. New tasks and
reminders go to the delegate, since the holder is away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Delegation, Portfolio, PortfolioRole, Post, PostKind, Unit, User


def today() -> dt.date:
    return timezone.localdate()


def active_delegations(on: dt.date | None = None) -> QuerySet[Delegation]:
    day = on or today()
    return Delegation.objects.filter(start__lte=day, end__gte=day, revoked_at__isnull=True)


def who_acts_for(post: Post, on: dt.date | None = None) -> User | None:
    """The person who acts for ``post`` on day ``on``: the delegate of an active delegation, else the holder."""
    if post.delegable:
        delegation = (
            active_delegations(on).filter(post=post).select_related("delegate").order_by("-start", "-id").first()
        )
        if delegation is not None:
            return delegation.delegate
    return post.holder


@dataclass(frozen=True)
class ActingPost:
    post: Post
    delegation: Delegation | None  # None: held in person

    @property
    def by_delegation(self) -> bool:
        return self.delegation is not None

    @property
    def label(self) -> str:
        """How history names the capacity: "区长" or "受区长委托"."""
        return f"受{self.post.title}委托" if self.delegation else self.post.title


def posts_acted_for(user: User, on: dt.date | None = None) -> list[ActingPost]:
    """Every post ``user`` may act for on day ``on``: the posts held, then those delegated to them."""
    if not user.is_authenticated:
        return []
    held = [ActingPost(post, None) for post in Post.objects.filter(holder=user).select_related("unit")]
    delegated = [
        ActingPost(d.post, d)
        for d in active_delegations(on)
        .filter(delegate=user)
        .exclude(post__holder=user)
        .select_related("post", "post__unit")
        .order_by("start", "id")
        if d.post.delegable
    ]
    return held + delegated


def acting_post_ids(user: User, on: dt.date | None = None) -> list[int]:
    """Ids of the posts ``user`` may act for on day ``on``, in one query: for filtering queues in SQL."""
    return [pk for pk, _kind in acting_posts(user, on)]


def acting_posts(user: User, on: dt.date | None = None) -> list[tuple[int, str]]:
    """(id, kind) of the posts ``user`` may act for on day ``on``, in one query."""
    if not user.is_authenticated:
        return []
    day = on or today()
    delegated = Q(
        delegations__delegate=user,
        delegations__start__lte=day,
        delegations__end__gte=day,
        delegations__revoked_at__isnull=True,
    ) & ~Q(kind__in=[PostKind.SEAL_CUSTODIAN])
    return list(Post.objects.filter(Q(holder=user) | delegated).values_list("id", "kind").distinct())


def capacity(user: User, post: Post, on: dt.date | None = None) -> ActingPost | None:
    """In which capacity ``user`` may act for ``post`` on ``on`` (held or delegated), or None if not at all."""
    if not user.is_authenticated:
        return None
    if post.holder_id == user.pk:
        return ActingPost(post, None)
    if not post.delegable:
        return None
    delegation = active_delegations(on).filter(post=post, delegate=user).order_by("-start", "-id").first()
    return ActingPost(post, delegation) if delegation else None


def in_charge(unit: Unit, role: PortfolioRole) -> Post | None:
    """The post in charge (分管) of ``unit`` for ``role``, read now so that a reshuffle takes effect at once."""
    portfolio = Portfolio.objects.filter(unit=unit, role=role).select_related("post", "post__holder").first()
    return portfolio.post if portfolio else None


def post_of_kind(kind: PostKind, unit: Unit | None = None) -> Post | None:
    """The single post of ``kind`` (in ``unit`` when given), e.g. the district head or the office director."""
    qs = Post.objects.filter(kind=kind).select_related("holder", "unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("order", "id").first()


def units_of(user: User) -> list[Unit]:
    """The units where ``user`` holds a post (not by delegation): the units they may apply for."""
    return list(Unit.objects.filter(posts__holder=user).distinct().order_by("order", "id"))
