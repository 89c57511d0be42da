"""Builders shared by the meeting tests: a meeting of each kind, and a topic walked to a given step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Task, TaskStatus
from meetings import actions
from meetings.models import Meeting, MeetingKind, MeetingMode, Topic


def meeting(org: Any, day: dt.date, kind: str = MeetingKind.EXECUTIVE, **extra: Any) -> Meeting:
    fields: dict[str, Any] = {
        "kind": kind,
        "title": f"区政府第{day:%m%d}次{MeetingKind(kind).label}",
        "date": day,
        "start_time": dt.time(9, 0),
        "end_time": dt.time(11, 30),
        "place": "行政中心1号会议室",
        "mode": MeetingMode.ONSITE,
    }
    fields.update(extra)
    return actions.meeting_create(actor=org.office_clerk, **fields)


def propose(org: Any, target: Meeting, *, actor: Any = None, **extra: Any) -> Topic:
    fields: dict[str, Any] = {
        "title": "关于海门港新区综合交通规划的议题",
        "background": "港区道路网络亟待完善。",
        "proposed_decision": "同意规划方案，报市政府备案。",
        "unit_opinion": "建议同意。",
    }
    fields.update(extra)
    return actions.topic_create(actor=actor or org.dept1_clerk, meeting=target, **fields)


def fire(topic: Any, verb: str, actor: Any, comment: str = "", data: Any = None) -> Any:
    """A transition as the page and the API fire it: a verb's own fields (``Flow.action_forms``) go in ``data``."""
    return engine.item_fire(type(topic), topic.pk, verb=verb, actor=actor, comment=comment, data=data)


def to_office(org: Any, topic: Topic) -> Topic:
    fire(topic, "approve", org.dept1_head)
    return fire(topic, "approve", org.vice1, "已专题研究，同意提交。")


def open_posts(item: Any) -> list[Any]:
    return [
        t.post
        for t in Task.objects.filter(item=item, status=TaskStatus.OPEN).select_related("post").order_by("post__order")
    ]


def fresh(item: Any) -> Any:
    return type(item).objects.get(pk=item.pk)
