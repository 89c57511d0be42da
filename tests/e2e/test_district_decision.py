"""全区性会议 on a signed minutes decision (第二十一条): the request page names the minutes and decision, the minutes'
decision row names the request — at 1440 px and on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import DistrictBasis
from tests.meetings.test_meetx import district, signed_decision

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_request_and_the_minutes_link_each_other(org, login, live_server, screenshot):
    decision = signed_decision(org)
    item = district(
        org, basis=DistrictBasis.DECISION, decision=decision, date=timezone.localdate() + dt.timedelta(days=14)
    )
    for width, height, tag in ((1440, 900, "wide"), (390, 844, "phone")):
        page = login("director", viewport=(width, height))
        page.goto(f"{live_server.url}/items/{item.pk}/")
        assert decision.minutes.number in page.locator("#district-decision").inner_text()
        screenshot(page, f"district-decision-request-{tag}")
        page.click("#district-decision")
        page.wait_for_url(f"{live_server.url}/items/{decision.minutes_id}/")
        assert item.title in page.locator(f"#decision-1-district-{item.pk}").inner_text()
        screenshot(page, f"district-decision-minutes-{tag}")
