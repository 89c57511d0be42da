"""Celery task: beat refreshes the dashboard's summary tables (DASHBOARD_REFRESH_SECONDS)."""

from __future__ import annotations

from celery import shared_task

from . import summary


@shared_task(name="haimen_gov.dashboard.tasks.refresh", ignore_result=True)
def refresh() -> int:
    """Rewrite the summary tables; safe to run twice (the second waits for the first, then rewrites them again)."""
    return summary.refresh().took_ms
