"""Who sits at which meeting and who chairs it (第十五—十八条), read from the organisation data at the moment the
office asks: posts, units and delegations, never names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from haimen_gov import workdays
from haimen_gov.org.models import LEADER_KINDS, Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import post_of_kind, who_acts_for

from .models import CUTOFF_WORKDAYS, AttendeeRole, MeetingKind

# 第十五条: 区政府全体会议由区政府全体组成人员组成 — the leaders, the party group, the office director and the
# principal heads of the departments.
UNIT_PRINCIPALS = (PostKind.UNIT_HEAD, PostKind.JUSTICE_HEAD, PostKind.FINANCE_HEAD)
# 第十六条: 区长、副区长、区政府党组成员 are members; 办公室副主任、纪委监委、司法局、财政局 sit in as fixed attendees.
EXECUTIVE_MEMBERS = (*LEADER_KINDS, PostKind.PARTY_GROUP_MEMBER)
EXECUTIVE_FIXED = (
    PostKind.OFFICE_DEPUTY_DIRECTOR,
    PostKind.DISCIPLINE_OFFICER,
    PostKind.JUSTICE_HEAD,
    PostKind.FINANCE_HEAD,
)
# 第十八条: 由区长、副区长召开.
CONVENER_KINDS = LEADER_KINDS
# Kinds the head calls and chairs, and those where the executive vice head may chair on delegation (第十六、十七条).
HEAD_CHAIRED = (MeetingKind.PLENARY, MeetingKind.EXECUTIVE, MeetingKind.HEAD_OFFICE)
DELEGABLE_CHAIR = (MeetingKind.EXECUTIVE, MeetingKind.HEAD_OFFICE)


@dataclass(frozen=True)
class Seat:
    role: str
    post: Post


@dataclass(frozen=True)
class Chair:
    user: User
    post: Post
    label: str  # "区长", or "受区长委托"


def head_post() -> Post:
    post = post_of_kind(PostKind.DISTRICT_HEAD)
    if post is None:
        raise ValidationError("组织机构中没有区长职务，请区政府办公室先在管理后台维护。")
    return post


def convener_for(kind: str, chosen: Post | None) -> Post:
    """第十五—十七条: the head calls the plenary, executive and head's office meetings; 第十八条: a 专题会议 is called
    by the head or a vice head (the office convenes it on their behalf)."""
    if kind in HEAD_CHAIRED:
        return head_post()
    if chosen is None or chosen.kind not in CONVENER_KINDS:
        raise ValidationError({"convener": "专题会议须由区长或副区长召开（第十八条）。"})
    return chosen


def chair_for(kind: str, convener: Post, day: dt.date) -> Chair:
    """The head chairs; for a 常务会议 or 区长办公会议 the executive vice head chairs while the head's delegation to
    them covers the day (第十六、十七条). A delegation to anyone else does not carry the chair."""
    if kind in DELEGABLE_CHAIR and convener.kind == PostKind.DISTRICT_HEAD:
        acting = who_acts_for(convener, day)
        if acting is not None and acting.pk != convener.holder_id:
            exec_post = Post.objects.filter(holder=acting, kind=PostKind.EXEC_VICE_HEAD).first()
            if exec_post is not None:
                return Chair(acting, exec_post, f"受{convener.title}委托")
    if convener.holder is None:
        raise ValidationError(f"{convener.title}目前无人任职，无法确定会议主持人。")
    return Chair(convener.holder, convener, convener.title)


def seats(kind: str, *, convener: Post, vice_posts: Iterable[Post] = (), units: Iterable[Unit] = ()) -> list[Seat]:
    """The members and fixed attendees of a meeting of ``kind``, in protocol order (posts' own order)."""
    fixed: Q | None = None
    if kind == MeetingKind.PLENARY:
        members = Q(kind__in=[*EXECUTIVE_MEMBERS, PostKind.OFFICE_DIRECTOR]) | Q(
            kind__in=UNIT_PRINCIPALS, unit__kind=UnitKind.DEPARTMENT
        )
    elif kind == MeetingKind.EXECUTIVE:
        members = Q(kind__in=EXECUTIVE_MEMBERS)
        fixed = Q(kind__in=EXECUTIVE_FIXED)
    elif kind == MeetingKind.HEAD_OFFICE:
        # 第十七条: 区长、负责常务工作的副区长、相关副区长、区政府办公室主任.
        members = Q(kind__in=[PostKind.DISTRICT_HEAD, PostKind.EXEC_VICE_HEAD, PostKind.OFFICE_DIRECTOR]) | Q(
            pk__in=[p.pk for p in vice_posts if p.kind in LEADER_KINDS]
        )
    else:
        # 第十八条: the convening leader, and the principal heads of the units concerned.
        members = Q(pk=convener.pk) | Q(kind__in=UNIT_PRINCIPALS, unit__in=list(units))
    kinds_in = members if fixed is None else members | fixed
    posts = Post.objects.filter(kinds_in).select_related("holder", "unit").order_by("unit__order", "order", "id")
    result = []
    for post in posts:
        in_fixed = fixed is not None and post.kind in EXECUTIVE_FIXED
        result.append(Seat(AttendeeRole.FIXED if in_fixed else AttendeeRole.MEMBER, post))
    return result


def unit_principal(unit: Unit) -> Post | None:
    """The unit's principal head (主要负责同志): its unit head, the justice or finance bureau's head, or the office
    director for the office."""
    return (
        Post.objects.filter(unit=unit, kind__in=[*UNIT_PRINCIPALS, PostKind.OFFICE_DIRECTOR])
        .select_related("holder")
        .order_by("order", "id")
        .first()
    )


def cutoff(kind: str, day: dt.date) -> dt.date | None:
    """第十六条: the last day a topic may reach the office for a meeting of ``kind`` on ``day`` (None: no cut-off).
    Counted in working days of the calendar, 调休 included."""
    n = CUTOFF_WORKDAYS.get(MeetingKind(kind))
    return None if n is None else workdays.workdays_before(day, n)
