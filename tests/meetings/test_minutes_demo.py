"""``seed_demo`` shows the minutes: last month's 区长办公会议 signed and numbered, its decisions, one of them under
supervision — once, however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from haimen_gov.workflow.models import ItemLink
from meetings.models_minutes import Minutes, MinutesState

pytestmark = pytest.mark.django_db


def test_the_demo_has_signed_minutes_with_a_decision_under_supervision(settings, tmp_path, client_for):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    minutes = Minutes.objects.select_related("meeting").get()
    assert minutes.state == MinutesState.SIGNED and minutes.meeting.kind == "head_office"
    assert minutes.number == f"区长办公会议纪要〔{timezone.localdate().year}〕第1期"
    assert minutes.meeting.date < timezone.localdate().replace(day=1)  # last month's
    decisions = list(minutes.decisions.order_by("order"))
    assert len(decisions) == 3 and decisions[0].supervision_item_id and not decisions[1].supervision_item_id
    assert ItemLink.objects.filter(from_item=minutes.pk, to_item=decisions[0].supervision_item_id).exists()
    director = client_for(minutes.submitter.__class__.objects.get(username="director"))
    page = director.get(f"/meetings/{minutes.meeting_id}/").content.decode()
    assert minutes.number in page and "已签发" in page
