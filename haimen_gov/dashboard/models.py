"""The dashboard's summary tables: what the heavy aggregates over every open task and item come to, refreshed by
Celery beat (``DASHBOARD_REFRESH_SECONDS``), so that the page reads a few thousand rows instead of a million. Derived
data only: ids without foreign keys, rewritten whole at each refresh; the page says when that was."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One row: when the summary tables were last rewritten, and the window of the step times."""

    refreshed_at = models.DateTimeField(_("更新时间"))
    took_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    steps_since = models.DateTimeField(_("办理用时统计起"))
    steps_until = models.DateTimeField(_("办理用时统计止"))

    class Meta:
        verbose_name = _("驾驶舱统计快照")
        verbose_name_plural = _("驾驶舱统计快照")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


class OpenTaskCount(models.Model):
    """Open tasks per item unit, post and deadline: the ageing buckets and the overdue figures are sums over it."""

    unit_id = models.BigIntegerField()
    post_id = models.BigIntegerField()
    due_date = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["unit_id"])]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.post_id} {self.due_date}: {self.count}"


class OpenItemCount(models.Model):
    """Items in flight (submitted, not closed) per unit, chapter and state."""

    unit_id = models.BigIntegerField()
    kind_id = models.IntegerField()
    stage = models.CharField(max_length=40)
    stage_label = models.CharField(max_length=60)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind_id} {self.stage}: {self.count}"


class StepTime(models.Model):
    """Handling times of the steps finished in the window: per unit, and for every unit together (unit_id NULL),
    since percentiles do not add up."""

    unit_id = models.BigIntegerField(null=True)
    kind_id = models.IntegerField()
    step = models.CharField(max_length=40)
    step_label = models.CharField(max_length=60)
    count = models.PositiveIntegerField()
    median_seconds = models.FloatField()
    p90_seconds = models.FloatField()

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind_id} {self.step}: {self.median_seconds:.0f} s / {self.p90_seconds:.0f} s"
