"""Celery tasks of the meetings chapter: thin wrappers that call the actions. Safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(name="meetings.tasks.cutoff_reminders", ignore_result=True)
def cutoff_reminders(today: str | None = None) -> int:
    """Daily: remind sponsors two working days before a 常务会议's topic cut-off (第十六条); each topic once."""
    from .actions import cutoff_reminders as remind

    return remind(dt.date.fromisoformat(today) if today else None)
