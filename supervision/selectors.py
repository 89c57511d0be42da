"""Reads for the supervision lists: each list is one query, its lights computed in SQL (第三十八条)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from haimen_gov.org.models import Unit, User
from haimen_gov.prepared import PreparedValues
from haimen_gov.workdays.calendar import add_workdays
from haimen_gov.workflow.flows import choice_labels
from haimen_gov.workflow.models import Decision, Item, ItemLink, LinkKind, Task, TaskStatus
from haimen_gov.workflow.paging import keys_first

from .models import OPEN_STATES, Source, State, SupervisionItem

# Light ranks: the worse, the higher (lists sort by it, a unit's light is the worst of its items').
NONE, GREEN, AMBER, RED = 0, 1, 2, 3
LIGHTS = {NONE: ("", "已结束"), GREEN: ("green", "绿灯"), AMBER: ("amber", "黄灯"), RED: ("red", "红灯")}
LIGHT_CODES = {"green": GREEN, "amber": AMBER, "red": RED}


def amber_from(today: dt.date) -> dt.date:
    """A deadline on or before this day is within ``SUPERVISION_AMBER_DAYS`` working days: amber."""
    return add_workdays(today, settings.SUPERVISION_AMBER_DAYS).date


def light_case(today: dt.date, prefix: str = "") -> Case:
    """green on track; amber when a feedback is late or the deadline is within N working days; red when overdue.
    ``prefix``: the path to the item from the queried model (``"supervisionitem__"`` from Unit …)."""
    return _light_case(today, amber_from(today), prefix)


# Building the expression costs about as much Python as compiling it, and every supervision list builds it: it is
# built once per day (and amber date: the calendar may change during the day) and path, and shared. A queryset
# copies an expression when it resolves it and never changes the one it was given (issue 16).
@functools.lru_cache(maxsize=16)
def _light_case(today: dt.date, amber: dt.date, prefix: str) -> Case:
    # A unit's feedback is late: the item is among those with an overdue open feedback task. Asked once for the whole
    # list (PostgreSQL hashes the answer, read off the index of open feedback tasks, migration 0004) rather than once
    # per item (an EXISTS probing the task table 1,700 times on a board of 2,000 items: ~2 ms a query, issue 16).
    late_feedback = Q(
        **{
            f"{prefix}pk__in": Task.objects.filter(step="feedback", status=TaskStatus.OPEN, due_date__lt=today).values(
                "item_id"
            )
        }
    )
    return Case(
        When(~Q(**{f"{prefix}state__in": OPEN_STATES}), then=Value(NONE)),
        When(**{f"{prefix}due_on__lt": today}, then=Value(RED)),
        When(Q(**{f"{prefix}due_on__lte": amber}) | late_feedback, then=Value(AMBER)),
        default=Value(GREEN),
        output_field=IntegerField(),
    )


@functools.cache
def _next_feedback() -> Subquery:
    """The nearest due date of the item's open feedback tasks (shared, as ``_light_case``)."""
    return Subquery(
        Task.objects.filter(item_id=OuterRef("pk"), step="feedback", status=TaskStatus.OPEN)
        .order_by("due_date")
        .values("due_date")[:1]
    )


def with_lights(
    qs: QuerySet[SupervisionItem], today: dt.date | None = None, amber: dt.date | None = None
) -> QuerySet[SupervisionItem]:
    """``qs`` with each item's light and its next feedback's due date. ``amber``: ``amber_from(today)``, when the
    caller has it (a prepared statement's parameter)."""
    today = today or timezone.localdate()
    return qs.annotate(light=_light_case(today, amber or amber_from(today), ""), next_feedback_on=_next_feedback())


def week_end(today: dt.date) -> dt.date:
    """The Sunday of ``today``'s week: "due this week" is from today to then."""
    return today + dt.timedelta(days=6 - today.weekday())


def items(
    *,
    light: str = "",
    source: str = "",
    unit: Unit | None = None,
    lead_unit_ids: frozenset[int] | None = None,
    due_this_week: bool = False,
    include_closed: bool = False,
    today: dt.date | None = None,
    amber: dt.date | None = None,
) -> QuerySet[SupervisionItem]:
    """The board's list, one query: worst light first, then the nearest deadline. ``lead_unit_ids``: only items led
    by these units (a vice head's portfolio; None: every unit)."""
    today = today or timezone.localdate()
    # One filter() of every condition: each call copies the query (issue 16).
    conditions = [~Q(state=State.DRAFT)]
    if not include_closed:
        conditions.append(Q(state__in=OPEN_STATES))
    if source in Source.values:
        conditions.append(Q(source=source))
    if lead_unit_ids is not None:
        conditions.append(Q(lead_unit_id__in=lead_unit_ids))
    if due_this_week:
        conditions.append(Q(due_on__gte=today, due_on__lte=week_end(today)))
    if unit is not None:
        conditions.append(Q(lead_unit=unit) | Q(co_units=unit))
    qs = SupervisionItem.objects.filter(*conditions).select_related("lead_unit", "unit")
    if unit is not None:
        qs = qs.distinct()
    qs = with_lights(qs, today, amber)
    if light in LIGHT_CODES:
        qs = qs.filter(light=LIGHT_CODES[light])  # type: ignore[misc]  # annotated
    return qs.order_by("-light", "due_on", "id")


def source_labels() -> dict[str, str]:
    """第三十七条's sources and their names, as text: a lazy name is looked up in the translations each time a
    template renders it."""
    return _source_labels(get_language())


@functools.lru_cache(maxsize=4)
def _source_labels(language: str | None) -> dict[str, str]:
    return choice_labels(Source.choices)


# The board's columns, read as plain values: a row of the board is a few strings, not three model instances (the
# item, its lead unit, its unit) and a choice label looked up per row (issue 16).
BOARD_FIELDS = ("id", "title", "source", "lead_unit__name", "due_on", "next_feedback_on", "progress", "stage_label")


def board_values(qs: QuerySet[SupervisionItem]) -> QuerySet[SupervisionItem]:
    """``items(...)``, reading only what the board shows (and the light, computed in SQL)."""
    return qs.values(*BOARD_FIELDS, "light")  # type: ignore[return-value]


# The board's rows as the office opens it: every unit's open items, no filter, the first page. The page most opened
# (the menu and the dashboard link to it) is compiled once per process and prepared once per connection (its plan
# kept), as its figures are; its other pages and filtered views are compiled each time (issue 16).
FIRST_PAGE_ROWS = 20


def _first_page(today: dt.date, amber: dt.date) -> QuerySet[SupervisionItem]:
    listed = items(today=today, amber=amber)
    return keys_first(board_values(listed), listed, slice(0, FIRST_PAGE_ROWS))  # what the board's KeysFirst reads


_FIRST_PAGE = PreparedValues("supervision_board_first_page", _first_page, today=dt.date, amber=dt.date)


def board_first_page(today: dt.date) -> list[dict[str, Any]]:
    """The first ``FIRST_PAGE_ROWS`` rows of ``board_values(items(today=today))``, as that queryset reads them."""
    return _FIRST_PAGE(today=today, amber=amber_from(today))


@functools.cache
def light_cell(light: int) -> str:
    """The light as the board shows it (supervision/_light.html), rendered once per light and process rather than
    once per row."""
    return render_to_string("supervision/_light.html", {"light": light})


def board_rows(values: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """What each row of the board shows, worked out once per row here rather than with includes, filters and
    lookups in the template: the light's cell, the item's link, the source's label, the dates as Y-m-d."""
    from haimen_gov.workflow.templatetags.workflow_tags import item_url

    sources = source_labels()
    return [
        {
            "light": light_cell(int(v["light"])),
            "url": item_url(v["id"]),
            "title": v["title"],
            "source": sources.get(v["source"], v["source"]),
            "lead_unit": v["lead_unit__name"],
            "due_on": v["due_on"].isoformat(),
            "next_feedback": v["next_feedback_on"].isoformat() if v["next_feedback_on"] else "—",
            "progress": f"{v['progress']}%",
            "stage": v["stage_label"],
        }
        for v in values
    ]


def board_count(by_source: list[dict[str, Any]], *, light: str = "", source: str = "") -> int:
    """How many items ``items(light=..., source=...)`` lists (no unit or week filter), summed from
    ``board_by_source``'s figures over the same open items and lights: the board's pager needs no COUNT of its own.
    ``light`` and ``source`` as ``items`` takes them (an unknown value does not filter)."""
    key = light if light in LIGHT_CODES else "total"
    return sum(row[key] for row in by_source if source not in Source.values or row["source"] == source)


def unit_items(unit_ids: list[int], today: dt.date | None = None) -> QuerySet[SupervisionItem]:
    """My unit's items (lead or co-unit), with the next feedback due."""
    qs = SupervisionItem.objects.filter(state__in=OPEN_STATES).filter(
        Q(lead_unit_id__in=unit_ids) | Q(co_units__in=unit_ids)
    )
    return with_lights(qs.distinct().select_related("lead_unit"), today).order_by("-light", "next_feedback_on", "id")


def _open_items(lead_unit_ids: frozenset[int] | None) -> QuerySet[SupervisionItem]:
    qs = SupervisionItem.objects.filter(state__in=OPEN_STATES)
    return qs if lead_unit_ids is None else qs.filter(lead_unit_id__in=lead_unit_ids)


def _figures(
    today: dt.date, amber: dt.date, lead_unit_ids: frozenset[int] | None = None
) -> QuerySet[SupervisionItem, dict[str, Any]]:
    """Open items counted per lead unit, source and light (``board_figures``). Grouped by numbers and codes alone,
    the unit's name carried along as an aggregate (one per unit), and unordered: the few dozen rows are ordered in
    Python, not the 2,000 items sorted by a name first (issue 16)."""
    return (
        _open_items(lead_unit_ids)
        .annotate(light=_light_case(today, amber, ""))
        .values("lead_unit", "source", "light")
        .annotate(n=Count("pk"), lead_unit__name=Max("lead_unit__name"))
        .order_by()
    )


# Every unit's figures (the board as the office, a designated unit and the head see it): compiled once per process
# and prepared once per connection (haimen_gov.prepared), its plan kept; a vice head's portfolio (a set of units)
# is compiled each time.
_ALL_FIGURES = PreparedValues(
    "supervision_board_figures", lambda today, amber: _figures(today, amber), today=dt.date, amber=dt.date
)


def board_figures(
    today: dt.date | None = None, lead_unit_ids: frozenset[int] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The board's two tables from one query: open items counted per lead unit, source and light (a few dozen rows:
    the units × 5 sources × 3 lights), summed here by source (``board_by_source``) and by lead unit
    (``board_by_unit``). The light is compiled into SQL once, not once per figure (issue 16)."""
    today = today or timezone.localdate()
    amber = amber_from(today)
    if lead_unit_ids is None:
        rows: Iterable[dict[str, Any]] = _ALL_FIGURES(today=today, amber=amber)
    else:
        rows = _figures(today, amber, lead_unit_ids)
    sources: dict[str, dict[str, int]] = {}  # source -> total, red, amber, green
    units: dict[int, dict[str, int]] = {}  # lead unit -> total, red, amber, worst (its light: the worst of its items')
    names: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: (r["lead_unit__name"], r["lead_unit"], r["source"], r["light"])):
        unit_id, unit_name, source, light, n = (
            row["lead_unit"],
            row["lead_unit__name"],
            row["source"],
            row["light"],
            row["n"],
        )
        code = LIGHTS[light][0]
        figures = sources.setdefault(source, {"total": 0, "red": 0, "amber": 0, "green": 0})
        figures["total"] += n
        if code:  # always, on open items (已结束 has none)
            figures[code] += n
        names[unit_id] = unit_name
        counts = units.setdefault(unit_id, {"total": 0, "red": 0, "amber": 0, "worst": NONE})
        counts["total"] += n
        if light in (RED, AMBER):
            counts[code] += n
        counts["worst"] = max(counts["worst"], light)
    labels = source_labels()
    by_source = [
        {"source": source, **figures, "label": labels.get(source, source)}
        for source, figures in sorted(sources.items())
    ]
    # Worst light first, then by name: the query's order, kept by a stable sort.
    by_unit = [
        {"lead_unit": unit_id, "lead_unit__name": names[unit_id], **counts, "light_code": LIGHTS[counts["worst"]][0]}
        for unit_id, counts in sorted(units.items(), key=lambda unit: -unit[1]["worst"])
    ]
    return by_source, by_unit


def board_by_source(
    today: dt.date | None = None, lead_unit_ids: frozenset[int] | None = None
) -> list[dict[str, object]]:
    """Per source, open items and how many of each light (``board_figures``' query)."""
    return board_figures(today, lead_unit_ids)[0]


def board_by_unit(today: dt.date | None = None, lead_unit_ids: frozenset[int] | None = None) -> list[dict[str, object]]:
    """Per lead unit, open items, red and amber, and the unit's light: the worst of its items' (``board_figures``'
    query)."""
    return board_figures(today, lead_unit_ids)[1]


@dataclass
class AppraisalRow:
    unit_id: int
    unit: str
    received: int = 0
    closed_on_time: int = 0
    closed_late: int = 0
    sent_back: int = 0
    overdue_now: int = 0
    feedback_due: int = 0
    feedback_on_time: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def punctuality(self) -> str:
        if not self.feedback_due:
            return "—"
        return f"{100 * self.feedback_on_time / self.feedback_due:.0f}%"


def appraisal(year: int, today: dt.date | None = None) -> list[AppraisalRow]:
    """督查与考核相结合 (第三十八条): per lead unit and year (by the year the item was assigned), two queries. Feedback
    punctuality: of the unit's feedback tasks due that year, those reported by their due date (an open task past
    its date counts as late; one reported early counts as on time; a task closed by
    applying for closure or an extension is not a report)."""
    today = today or timezone.localdate()
    # The kind, implied by the join, written out: PostgreSQL then reads the supervision items off the items' kind
    # index instead of scanning every item of every chapter for the year (100,000 rows, 35 ms; issue 16).
    kind = ContentType.objects.get_for_model(SupervisionItem)
    rows = (
        SupervisionItem.objects.filter(kind=kind, submitted_at__year=year)
        .exclude(state=State.WITHDRAWN)
        .values("lead_unit", "lead_unit__name", "lead_unit__order")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=Q(state=State.CLOSED, done_on__lte=F("due_on"))),
            late=Count("pk", filter=Q(state=State.CLOSED, done_on__gt=F("due_on"))),
            sent_back=Sum("sent_back_count"),
            overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
        )
        .order_by("lead_unit__order", "lead_unit")
    )
    result = {
        int(r["lead_unit"]): AppraisalRow(
            unit_id=int(r["lead_unit"]),
            unit=str(r["lead_unit__name"]),
            received=int(r["received"]),
            closed_on_time=int(r["on_time"]),
            closed_late=int(r["late"]),
            sent_back=int(r["sent_back"] or 0),
            overdue_now=int(r["overdue"]),
        )
        for r in rows
    }
    feedback = (
        Task.objects.filter(
            # Found by their due date among the feedback tasks (supervision migration 0004), then kept if their item
            # is a supervision item: no join of every item of every chapter (issue 16).
            item_id__in=SupervisionItem.objects.values("pk"),
            step="feedback",
            due_date__year=year,
        )
        .filter(Q(status=TaskStatus.DONE, decision=Decision.FEEDBACK) | Q(status=TaskStatus.OPEN, due_date__lt=today))
        .values("post__unit", "post__unit__name")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status=TaskStatus.DONE, finished_at__date__lte=F("due_date"))),
        )
    )
    for r in feedback:
        unit_id = int(r["post__unit"])
        row = result.setdefault(unit_id, AppraisalRow(unit_id=unit_id, unit=str(r["post__unit__name"])))
        row.feedback_due, row.feedback_on_time = int(r["due"]), int(r["on_time"])
    return list(result.values())


def bulletin_items(today: dt.date | None = None) -> QuerySet[SupervisionItem]:
    """督查通报: the red and amber items, worst first."""
    return items(today=today).filter(light__gte=AMBER)  # type: ignore[misc]  # annotated


BULLETIN_LIMIT = 200
ISSUER = "南通市海门区人民政府办公室"


def bulletin_context(
    rows: list[SupervisionItem], *, today: dt.date, period: dt.date | None = None
) -> dict[str, object]:
    """The 督查通报's PDF context (GB/T 9704, templates/supervision/bulletin_pdf.html): the page's live bulletin and
    the monthly one beat issues (``actions.supervision_bulletin_issue``) read the same."""
    title = "关于重点督办事项办理情况的通报"
    if period is not None:
        title = f"关于{period.year}年{period.month}月重点督办事项办理情况的通报"
    number = f"督查通报〔{(period or today).year}〕{period.month}期" if period else f"督查通报〔{today.year}〕"
    return {
        "issuer": ISSUER,
        "doc_number": number,
        "title": title,
        "recipients": "各区镇人民政府（街道办事处），区各委办局，区各直属单位：",
        "rows": rows,
        "red": [r for r in rows if r.light == RED],  # type: ignore[attr-defined]
        "amber": [r for r in rows if r.light == AMBER],  # type: ignore[attr-defined]
        "signer": ISSUER,
        "date": today,
    }


# ----------------------------------------------------------------------------------------- for the sources' pages


@dataclass(frozen=True)
class LinkedLight:
    """One supervision item opened from a source (a minutes decision, a 批示), with its light. ``visible``: whether
    the viewer may open it; when not, its title and link are withheld (``item_links``' rule): only the light shows."""

    item_id: int
    title: str
    state: str
    due_on: dt.date
    light: int
    visible: bool = True

    @property
    def code(self) -> str:
        return LIGHTS[self.light][0]

    @property
    def label(self) -> str:
        return LIGHTS[self.light][1]

    @property
    def url(self) -> str:
        return reverse("workflow:item", args=[self.item_id]) if self.visible else ""


@dataclass
class SourceLights:
    """The supervision of one source item: its items (several lead units may each have one) and the worst light."""

    items: list[LinkedLight] = field(default_factory=list)

    @property
    def light(self) -> int:
        return max((i.light for i in self.items), default=NONE)

    @property
    def code(self) -> str:
        return LIGHTS[self.light][0]

    @property
    def label(self) -> str:
        return LIGHTS[self.light][1] if self.items else ""


def light_for_sources(
    items: Iterable[Item | int],
    *,
    user: User | None = None,
    posts: list[tuple[int, str]] | None = None,
    today: dt.date | None = None,
) -> dict[int, SourceLights]:
    """For the pages of the meetings and documents apps: the supervision items opened from each of ``items``
    (minutes decisions, 批示 — items or their ids) through ``actions.supervision_item_open_from_source`` (a 来源
    link), with their lights, keyed by the source item's id. A source with no supervision item is absent; drafts
    are not counted; a closed item shows as 已结束.

    One query for any number of sources (none for none). With ``user``, an item the user may not see keeps its light
    but not its title or link (``posts``: the user's acting posts when the view has them, else one more query).

    Use: ``lights = light_for_sources(decisions, user=request.user)`` in the view, then in the template
    ``{% include "supervision/_source_light.html" with entry=lights|get_item:decision.pk %}``."""
    from haimen_gov.workflow.selectors import visible_items

    ids = sorted({i if isinstance(i, int) else i.pk for i in items})
    if not ids:
        return {}
    prefix = "to_item__supervisionitem__"
    qs = (
        ItemLink.objects.filter(kind=LinkKind.SOURCE, from_item_id__in=ids, to_item__supervisionitem__isnull=False)
        .exclude(**{f"{prefix}state": State.DRAFT})
        .annotate(light=light_case(today or timezone.localdate(), prefix=prefix))
    )
    if user is not None:
        visible = visible_items(user, posts=posts).values("pk")
        qs = qs.annotate(visible=Exists(visible.filter(pk=OuterRef("to_item_id"))))
    else:
        qs = qs.annotate(visible=Value(True))
    rows = qs.values_list(
        "from_item_id", "to_item_id", "to_item__title", f"{prefix}state", f"{prefix}due_on", "light", "visible"
    ).order_by("from_item_id", "to_item_id")
    result: dict[int, SourceLights] = {}
    for source_id, item_id, title, state, due_on, light, visible in rows:
        entry = result.setdefault(source_id, SourceLights())
        entry.items.append(LinkedLight(item_id, title if visible else "", state, due_on, light, bool(visible)))
    return result
