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

    absence = Absence.objects.select_related("leader", "acting", "delegation").get(leader__username="vice1")
    monday = today() + dt.timedelta(days=7 - today().weekday())
    assert absence.leader.username == "vice1"
    assert absence.state == AbsenceState.FILED
    assert (absence.start, absence.end) == (monday, monday + dt.timedelta(days=2))
    assert absence.delegation is not None
    assert who_acts_for(absence.leader_post, monday) == absence.acting
    assert Delegation.objects.count() == 2
    assert set(ResearchTrip.objects.values_list("leader__username", flat=True)) == {
        "head",
        "exec_vice",
        "vice1",
        "vice2",
    }
    assert ResearchTrip.objects.count() == 5
    assert not ResearchTrip.objects.exclude(start__year=today().year).exists()


def test_seed_demo_adds_the_heads_absence_approved_by_the_city_and_a_visit_awaiting_the_secretary(settings):
    from haimen_gov.workflow.models import ExternalDecision, HistoryEntry, Task, TaskStatus
    from leave.models import Visit, VisitPlanEntry, VisitState

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    head = Absence.objects.select_related("delegation__delegate").get(leader__username="head")
    assert head.for_head and head.state == AbsenceState.FILED
    assert head.start > today() and head.start.isocalendar()[1] != today().isocalendar()[1]  # next week
    assert head.delegation is not None and head.delegation.delegate.username == "exec_vice"
    assert (head.delegation.start, head.delegation.end) == (head.start, head.end)
    assert ExternalDecision.objects.get(item_id=head.pk).body == "市政府"
    assert HistoryEntry.objects.filter(item=head, verb="report").exists()

    visit = Visit.objects.select_related("plan_entry").get()
    assert visit.state == VisitState.SECRETARY and not visit.out_of_plan and visit.plan_entry.approved  # type: ignore[union-attr]
    assert Task.objects.get(item=visit, status=TaskStatus.OPEN).post.holder.username == "secretary"  # type: ignore[union-attr]
    assert VisitPlanEntry.objects.filter(approved_at__isnull=True).count() == 1
    assert VisitPlanEntry.objects.count() == 3
