"""Celery tasks: thin wrappers that take ids (or nothing) and call the engine. Safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import sweep as sweep_module


@shared_task(name="haimen_gov.workflow.tasks.sweep", ignore_result=True)
def sweep(today: str | None = None) -> int:
    """Beat's periodic sweep: insert due reminders, then send whatever e-mail is pending (including any that
    could not be queued while the broker was down)."""
    result = sweep_module.sweep(dt.date.fromisoformat(today) if today else None)
    sweep_module.deliver_emails()
    return result.total


@shared_task(name="haimen_gov.workflow.tasks.deliver_emails", ignore_result=True)
def deliver_emails() -> int:
    return sweep_module.deliver_emails()


@shared_task(name="haimen_gov.workflow.tasks.delegated_digest", ignore_result=True)
def delegated_digest(day: str | None = None) -> int:
    """Daily: tell each delegator what was done in their name the day before (one notice per person and day)."""
    from .actions.delegations import delegated_digest as digest

    return digest(dt.date.fromisoformat(day) if day else None)


@shared_task(name="haimen_gov.workflow.tasks.prune_reminders", ignore_result=True)
def prune_reminders() -> int:
    """Daily: forget reminder claims older than REMINDER_CLAIM_DAYS (the notices themselves are kept)."""
    return sweep_module.prune_reminders()
