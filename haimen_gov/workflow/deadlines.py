"""Deadlines follow the calendar: when an admin loads a year's schedule or edits a day (workdays.actions), the open
tasks whose span crosses a changed day get their due date, its 暂定 mark and their reminder and escalation days
counted again, and each item concerned records the change in its history (第十六条, 第二十九条: time limits in
working days).

A task's span runs from the day it opened to the later of its due date and its escalation day: a changed day outside
it changes none of them. Only tasks whose due date was counted in working days (``Task.due_days``) move.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haimen_gov.workdays.calendar import Calendar, WorkdayDate

from .flows import flow_for
from .models import HistoryEntry, Item, SweepMark, Task, TaskStatus


def _flow_reminders(kind_id: int) -> tuple[int, int]:
    model = ContentType.objects.get_for_id(kind_id).model_class()
    try:
        return flow_for(model).reminder_settings() if model is not None else (0, 0)
    except LookupError:  # an item of an app whose flow is gone: nothing to remind by
        return 0, 0


def _label(day: dt.date | None, estimated: bool = False) -> str:
    if day is None:
        return "无"
    return f"{day:%Y-%m-%d}" + ("（暂定）" if estimated else "")


def task_dates(
    calendar: Calendar, opened: dt.date, days: int | dt.date, before: int, escalate: int
) -> tuple[WorkdayDate, dt.date | None, dt.date | None]:
    """A task's due date (``days`` working days after the day it opened, or the date the item fixed), its "due
    soon" day (``before`` working days earlier; none when that is not after the day it opened: the new-task notice
    is the reminder) and the day escalation starts (``escalate`` working days after the due date; none for 0)."""
    due = WorkdayDate(days, calendar.check(days).estimated) if isinstance(days, dt.date) else calendar.add(opened, days)
    remind_on = calendar.before(due.date, before) if before > 0 else None
    if remind_on is not None and remind_on <= opened:
        remind_on = None
    escalate_on = calendar.add(due.date, escalate).date if escalate > 0 else None
    return due, remind_on, escalate_on


def recompute_deadlines(*, new: Calendar, days: list[dt.date], reason: str, actor: Any = None, **_: Any) -> int:
    """Count again the deadlines of the open tasks whose span crosses one of ``days`` under ``new``. Runs inside the
    transaction that changed the calendar. Returns how many tasks changed."""
    if not days:
        return 0
    first, last = min(days), max(days)
    # Opened before the last changed day (counting starts the day after) and reaching the first one.
    opened_before = timezone.make_aware(dt.datetime.combine(last, dt.time.min))
    tasks = Task.objects.filter(status=TaskStatus.OPEN, due_days__isnull=False, created_at__lt=opened_before).filter(
        Q(due_date__gte=first) | Q(escalate_on__gte=first)
    )
    return _recount(tasks, new, reason=reason, actor=actor)


def repair_deadlines(*, reason: str) -> int:
    """Count every open task's deadline again from its flow's working days (not from the days stored with it) under
    the calendar as it is: repairs due dates computed from a wrong calendar, such as those of the first minutes after
    a machine booted before calendar.py read the table on first use (manage.py repair_deadlines)."""
    with transaction.atomic():
        return _recount(
            Task.objects.filter(status=TaskStatus.OPEN, due_days__isnull=False),
            Calendar.read(),
            reason=reason,
            from_flow=True,
        )


def _flow_days(task: Task) -> int | None:
    """The working days the task's flow gives its step now (settings overrides included), if the step still exists."""
    model = ContentType.objects.get_for_id(task.item.kind_id).model_class()
    try:
        flow = flow_for(model) if model is not None else None
    except LookupError:
        return None
    step = next((s for s in flow.steps.values() if s.code == task.step), None) if flow is not None else None
    if flow is None or step is None:
        return None
    # The item may set the step's working days (a matter type's 5/7/30); a fixed date is never recounted.
    deadline = flow.step_due(step, task.item.concrete()) if step.due is not None else flow.due_days(step)
    return None if isinstance(deadline, dt.date) else deadline


def _recount(tasks: Any, calendar: Calendar, *, reason: str, actor: Any = None, from_flow: bool = False) -> int:
    """Recount ``tasks`` (locked here) under ``calendar``; one history entry per item whose deadlines moved."""
    changed: list[Task] = []
    notes: dict[int, list[str]] = defaultdict(list)
    items: dict[int, Item] = {}
    for task in tasks.select_for_update(of=("self",)).select_related("item", "post").order_by("id"):
        opened = timezone.localtime(task.created_at).date()
        days = (_flow_days(task) if from_flow else None) or task.due_days or 0
        due, remind_on, escalate_on = task_dates(calendar, opened, days, *_flow_reminders(task.item.kind_id))
        if (task.due_date, task.due_estimated, task.remind_on, task.escalate_on, task.due_days) == (
            due.date,
            due.estimated,
            remind_on,
            escalate_on,
            days,
        ):
            continue
        if (task.due_date, task.due_estimated) != (due.date, due.estimated):
            notes[task.item_id].append(
                f"{task.step_label}（{task.post.title}）办理期限由{_label(task.due_date, task.due_estimated)}"
                f"改为{_label(due.date, due.estimated)}"
            )
        task.due_date, task.due_estimated, task.remind_on, task.escalate_on, task.due_days = (
            due.date,
            due.estimated,
            remind_on,
            escalate_on,
            days,
        )
        changed.append(task)
        items[task.item_id] = task.item
    if not changed:
        return 0
    Task.objects.bulk_update(changed, ["due_date", "due_estimated", "remind_on", "escalate_on", "due_days"])
    now = timezone.now()
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                item=item,
                at=now,
                actor=actor if getattr(actor, "pk", None) else None,
                verb="deadline",
                verb_label="期限调整",
                from_state=item.stage,
                to_state=item.stage,
                to_state_label=item.stage_label,
                comment="；".join(notes[item_id] or ["提醒日期按新日历调整"]) + f"。原因：{reason}",
            )
            for item_id, item in sorted(items.items())
        ]
    )
    # The day's later sweeps look only at tasks created since its first one (SweepMark): let the next one look at
    # every task again, so reminders follow the new dates today.
    SweepMark.objects.filter(day__gte=timezone.localdate()).delete()
    return len(changed)


def on_calendar_changed(sender: object, **kwargs: Any) -> None:
    recompute_deadlines(**kwargs)
