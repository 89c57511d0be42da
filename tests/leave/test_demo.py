"""``seed_demo`` adds a vice head's approved absence next week, its delegation open, and research trips of several
leaders; run twice, it adds nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from haimen_gov.org.models import Delegation
from haimen_gov.org.routing import who_acts_for
from leave.models import Absence, AbsenceState, ResearchTrip

from .conftest import today

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_an_approved_absence_next_week_and_research_trips(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    absence = Absence.objects.select_related("leader", "acting", "delegation").get()
    monday = today() + dt.timedelta(days=7 - today().weekday())
    assert absence.leader.username == "vice1"
    assert absence.state == AbsenceState.FILED
    assert (absence.start, absence.end) == (monday, monday + dt.timedelta(days=2))
    assert absence.delegation is not None
    assert who_acts_for(absence.leader_post, monday) == absence.acting
    assert Delegation.objects.count() == 1
    assert set(ResearchTrip.objects.values_list("leader__username", flat=True)) == {
        "head",
        "exec_vice",
        "vice1",
        "vice2",
    }
    assert ResearchTrip.objects.count() == 5
    assert not ResearchTrip.objects.exclude(start__year=today().year).exists()
