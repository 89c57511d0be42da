"""The chain of an item as a timeline: finished steps with their opinions, the current step, the steps ahead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from .flows import Flow
from .models import Decision, HistoryEntry, Item, Task, TaskStatus
from .tones import decision_tone, stage_tone


@dataclass
class Entry:
    status: str  # done | returned | refused | withdrawn | current | ahead (tones.py: colours by meaning)
    label: str
    tasks: list[Task] = field(default_factory=list)
    note: str = ""


def timeline(
    item: Item, flow: Flow, *, tasks: list[Task] | None = None, history: list[HistoryEntry] | None = None
) -> list[Entry]:
    """``tasks`` and ``history`` (all of the item's, oldest first), when the caller has loaded them already."""
    entries: list[Entry] = []
    if tasks is None:
        tasks = list(Task.objects.filter(item=item).select_related("post", "finished_by").order_by("created_at", "id"))
    # Tasks the engine closed are left out, except those the applicant's withdrawal closed (shown as 申请人撤回).
    tasks = [t for t in tasks if t.status != TaskStatus.CANCELLED or t.decision == Decision.WITHDRAWN]
    if history is None:
        history = list(item.history.filter(verb="submit").select_related("actor").order_by("at", "id")[:1])
    submit = next((h for h in history if h.verb == "submit"), None)
    if submit is not None:
        at = timezone.localtime(submit.at)
        entries.append(
            Entry("done", flow.label("submit"), note=f"{submit.actor} · {at:%Y-%m-%d %H:%M}" if submit.actor else "")
        )
    done = [t for t in tasks if t.status != TaskStatus.OPEN]
    open_ = [t for t in tasks if t.status == TaskStatus.OPEN]
    by_step: dict[tuple[int, str], list[Task]] = {}
    for task in done:
        by_step.setdefault((task.round, task.step_label), []).append(task)
    for (_round, label), group in by_step.items():
        tones = {decision_tone(t.decision) for t in group}
        status = next((tone for tone in ("refused", "returned") if tone in tones), "done")
        if all(t.status == TaskStatus.CANCELLED for t in group):
            status = "withdrawn"
        entries.append(Entry(status, label, group))
    if open_:
        steps: dict[str, list[Task]] = {}
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
