"""Reads of the minutes pages: the decisions of a set of minutes with their supervision items' lights, the minutes a
user may see, and the minutes of a meeting. One query per list."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from haimen_gov.org.models import Unit, User
from haimen_gov.workflow import selectors as workflow_selectors

from .models import DistrictMeeting, Meeting
from .models_minutes import Minutes, MinutesDecision, MinutesState


def decisions(minutes: Minutes, today: dt.date | None = None) -> list[MinutesDecision]:
    """The 议定事项 in order, each with its units, its supervision item and that item's light (第三十八条), and the
    全区性会议 requests it founds (第二十一条): three queries however many rows."""
    from supervision.selectors import light_case

    today = today or timezone.localdate()
    return list(
        MinutesDecision.objects.filter(minutes=minutes)
        .select_related("lead_unit", "supervision_item")
        .prefetch_related(
            Prefetch("co_units", queryset=Unit.objects.order_by("order", "id")),
            # 第二十一条: the district-wide meetings this decision founds.
            Prefetch("district_meetings", queryset=DistrictMeeting.objects.order_by("date", "id")),
        )
        .annotate(light=light_case(today, prefix="supervision_item__"))
        .order_by("order", "id")
    )


def minutes_for(user: User) -> QuerySet[Minutes]:
    """纪要台账: the minutes ``user`` may see (the engine's visibility), newest meeting first."""
    visible = cast("QuerySet[Minutes]", workflow_selectors.visible_items(user, Minutes.objects.all()))
    return visible.select_related("meeting", "submitter").order_by("-meeting__date", "-id")


def live_minutes(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes (not a withdrawn draft), for its page."""
    return (
        Minutes.objects.filter(meeting=meeting)
        .exclude(state=MinutesState.WITHDRAWN)
        .only("id", "title", "state", "stage_label", "number", "submitter_id", "kind_id")
        .first()
    )
