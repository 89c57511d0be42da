"""The chain of an item as a timeline: finished steps with their opinions, the current step, the steps ahead. And
what the item page shows of each task and history entry, worked out here once per row rather than by tags and
filters in the template (issue 16)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone

from .actions.nudges import nudgeable
from .flows import Flow, choice_labels
from .lists import pk_urls
from .models import Decision, Item, TaskStatus
from .selectors import HistoryRow, TaskRow
from .tones import decision_tone, due_tone, stage_tone

DECISION_LABELS = choice_labels(Decision.choices)


@dataclass
class Entry:
    status: str  # done | returned | refused | withdrawn | current | ahead (tones.py: colours by meaning)
    label: str
    tasks: list[TaskRow] = field(default_factory=list)
    note: str = ""


def timeline(item: Item, flow: Flow, *, tasks: list[TaskRow], history: list[HistoryRow]) -> list[Entry]:
    """``tasks`` and ``history``: all of the item's, oldest first."""
    entries: list[Entry] = []
    # Tasks the engine closed are left out, except those the applicant's withdrawal closed (shown as 申请人撤回).
    tasks = [t for t in tasks if t.status != TaskStatus.CANCELLED or t.decision == Decision.WITHDRAWN]
    submit = next((h for h in history if h.verb == "submit"), None)
    if submit is not None:
        at = timezone.localtime(submit.at)
        entries.append(
            Entry(
                "done",
                flow.label("submit"),
                note=f"{submit.actor_name} · {at:%Y-%m-%d %H:%M}" if submit.actor_id else "",
            )
        )
    done = [t for t in tasks if t.status != TaskStatus.OPEN]
    open_ = [t for t in tasks if t.status == TaskStatus.OPEN]
    by_step: dict[tuple[int, str], list[TaskRow]] = {}
    for task in done:
        by_step.setdefault((task.round, task.step_label), []).append(task)
    for (_round, label), group in by_step.items():
        tones = {decision_tone(t.decision) for t in group}
        status = next((tone for tone in ("refused", "returned") if tone in tones), "done")
        if all(t.status == TaskStatus.CANCELLED for t in group):
            status = "withdrawn"
        entries.append(Entry(status, label, group))
    if open_:
        steps: dict[str, list[TaskRow]] = {}
        for task in open_:
            steps.setdefault(task.step_label, []).append(task)
        for label, group in steps.items():
            entries.append(Entry("current", label, group))
    state: Any = getattr(item, "state", "")
    if flow.path is not None:
        path = flow.path(item)
        if state in path:
            for ahead in path[path.index(state) + 1 :]:
                step = flow.step_for(ahead)
                if step is not None:
                    entries.append(Entry("ahead", step.label))
    if state in flow.closed_states:
        # The last dot follows the outcome: 已归档 green, 已撤回 grey, 未同意 red.
        entries.append(Entry(stage_tone(state), flow.state_labels.get(state, state)))
    return entries


def describe_tasks(tasks: list[TaskRow], *, today: dt.date, can_nudge: bool) -> None:
    """Sets what the page shows of each task: its decision's label, when it was finished (m-d H:i, local time),
    whether it was done for another post by delegation, its deadline and, for an open task that is due when the
    viewer may 催办, where the 催办 form posts."""
    nudge_url = pk_urls("workflow:nudge") if can_nudge else None
    for task in tasks:
        task.decision_label = DECISION_LABELS.get(task.decision, task.decision)
        task.acting_for = task.acting_label.startswith("受")
        task.due_label = task.due_date.isoformat()
        task.due_tone = due_tone(task.due_date, today)
        if task.finished_at is not None:
            task.finished_label = timezone.localtime(task.finished_at).strftime("%m-%d %H:%M")
        if nudge_url is not None and nudgeable(task, today):
            task.nudge_url = nudge_url(task.pk)


def describe_history(history: list[HistoryRow]) -> None:
    """Sets what the history table shows of each entry: when (Y-m-d H:i, local time), the act and the state it led
    to, how the capacity is marked (acting for another post stands out) and the comment with its line breaks."""
    for entry in history:
        entry.at_label = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M")
        entry.action_label = entry.verb_label
        if entry.from_state != entry.to_state and entry.to_state_label:
            entry.action_label += f" → {entry.to_state_label}"
        entry.acting_class = "badge text-bg-warning" if entry.acting_label.startswith("受") else "text-muted"
        entry.comment_html = linebreaksbr(entry.comment, autoescape=True)
