"""``seed_demo`` gives every panel of the dashboard something to show, once however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from haimen_gov.org.models import User
from seals.demo import DEMO_REQUESTS
from seals.models import SealRequest

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_dashboard_once(settings, tmp_path, api_client_for, frozen):
    # Frozen on the 25th: the demo's uses of the last eight days fall in this month whatever the real date.
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert SealRequest.objects.count() == len(DEMO_REQUESTS)
    panels = api_client_for(User.objects.get(username="director")).get("/api/v1/dashboard/").json()["panels"]
    # The five demo seal requests still open; the other chapters' demo items count beside them.
    kinds = {k["kind"]: k["count"] for k in panels["work"]["kinds"]}
    assert kinds["seals.sealrequest"] == 5
    assert panels["work"]["count"] == sum(kinds.values())
    buckets = {b["key"]: b["count"] for b in panels["ageing"]["buckets"]}
    assert buckets["late10plus"] >= 1 and buckets["soon"] + buckets["today"] >= 1
    assert panels["overdue"]["by_unit"] and panels["overdue"]["by_leader"]
    assert panels["seals"]["uses"] >= 2 and panels["seals"]["offsite"] == 1
    assert {s["step"] for s in panels["slow"]["steps"]} >= {"review", "approval", "stamping"}
    # The meetings' panel (第二十三条): this year's meetings against last year's, the 常务会议 ahead with its topics.
    meetings = panels["meetings"]
    assert meetings["held"] >= 10 and meetings["last"] > meetings["held"] and 0 < meetings["video_share"] < 100
    assert any(m["topics"] == 2 and m["cutoff"] for m in meetings["upcoming"])
    # 第二十九条 and 第二十七条: answered matters on time and late, an open one overdue; documents issued this year.
    documents = panels["documents"]
    assert (documents["totals"]["month_on_time"], documents["totals"]["month_late"]) == (1, 1)
    assert documents["totals"]["overdue"] >= 1
    assert documents["this_year"] >= 3
