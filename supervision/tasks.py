"""Celery tasks of supervision: thin, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(name="supervision.tasks.monthly_bulletin", ignore_result=True)
def monthly_bulletin(today: str | None = None) -> int:
    """Beat, on the 1st of each month: issue last month's 督查通报 and notify its recipients, once (the Bulletin row
    per period is the claim). Returns the number of notices written (0 when it was already issued)."""
    from .actions import supervision_bulletin_issue

    bulletin = supervision_bulletin_issue(today=dt.date.fromisoformat(today) if today else None)
    return bulletin.recipients if bulletin is not None else 0
