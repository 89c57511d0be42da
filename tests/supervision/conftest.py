"""Fixtures of the supervision tests: the shared cast ``org``, the office's 督查人员 group, an item factory."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from haimen_gov.workflow.actions import notifications
from supervision import actions
from supervision.models import Source, SupervisionItem
from tests.factories import Org

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday before the 2026 National Day holidays: 10-01…10-07 off, Saturday 10-10 worked (调休).
BEFORE_HOLIDAYS = dt.datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)


@pytest.fixture
def staff(org: Org) -> Any:
    """郭婷, the office's clerk, in the 督查人员 group."""
    group, _ = Group.objects.get_or_create(name="督查人员")
    org.office_clerk.groups.add(group)
    return org.office_clerk


def open_item(org: Org, *, actor: Any = None, **fields: Any) -> SupervisionItem:
    fields.setdefault("title", "关于推进重点项目开工建设的督办")
    fields.setdefault("source", Source.LEADER)
    fields.setdefault("source_reference", "区长批示：请发改委牵头抓紧推进")
    fields.setdefault("requirement", "9月底前完成项目开工前期手续。")
    fields.setdefault("lead_unit", org.units.dept1)
    if "due_on" not in fields:
        fields.setdefault("due_workdays", 20)
    fields.setdefault("cadence_days", 5)
    return actions.supervision_item_open(actor=actor or org.director, **fields)


def signed_item(org: Org, **fields: Any) -> SupervisionItem:
    item = open_item(org, **fields)
    for unit in [item.lead_unit, *item.co_units.all()]:
        head = {
            org.units.dept1.pk: org.dept1_head,
            org.units.dept2.pk: org.dept2_head,
            org.units.town1.pk: org.town1_head,
        }
        actions.supervision_item_sign(item.pk, actor=head[unit.pk])
    item.refresh_from_db()
    return item
