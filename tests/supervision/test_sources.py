"""The receiving side of the links from a meeting's decisions and from leaders' 批示 (第三十七条): one call opens the
item with its source, the item page shows the source, and the source's pages read the item's light in one query."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.actions import Forbidden
from haimen_gov.workflow.models import ItemLink, LinkKind
from supervision import actions, selectors
from supervision.models import Source, State, SupervisionItem, VerifyMethod
from tests.meetings.helpers import meeting, propose
from tests.workflow_app.models import Memo

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def decision(org, title: str = "关于海门港新区综合交通规划的议题"):  # type: ignore[no-untyped-def]
    """A meetings-app item standing for a 议定事项 (the minutes helper's model comes with its own tests)."""
    return propose(org, meeting(org, dt.date.today() + dt.timedelta(days=7)), title=title)


def pishi(org, title: str = "区长批示：加快推进污水管网建设"):  # type: ignore[no-untyped-def]
    return engine.item_create(Memo, actor=org.director, title=title, unit=org.units.office)


def from_source(org, src, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("lead_unit", org.units.dept1)
    fields.setdefault("due_workdays", 20)
    return actions.supervision_item_open_from_source(src, actor=fields.pop("actor", org.director), **fields)


def test_a_meeting_decision_opens_a_meeting_item_linked_to_it(org, client_for):
    topic = decision(org)
    item = from_source(org, topic)
    assert (item.source, item.title, item.state) == (Source.MEETING, topic.title, State.SIGNING)
    assert item.source_reference == (topic.number or topic.title)
    assert ItemLink.objects.filter(from_item=topic.item_ptr, to_item=item.item_ptr, kind=LinkKind.SOURCE).exists()
    page = client_for(org.director).get(f"/items/{item.pk}/").content.decode()
    source_row = page.split('id="supervision-source"')[1].split("</div>")[0]
    assert f"/items/{topic.pk}/" in source_row and topic.title in source_row
    assert "派生事项" in client_for(org.director).get(f"/items/{topic.pk}/").content.decode()


def test_a_pishi_opens_a_leaders_item_and_the_caller_may_name_every_field(org):
    memo = pishi(org)
    assert from_source(org, memo).source == Source.LEADER
    item = from_source(
        org,
        pishi(org, "区长批示：校园安全"),
        source=Source.SPECIAL,
        title="校园安全专项督查",
        requirement="开学前完成排查。",
        source_reference="海政批〔2026〕3号",
        lead_unit=org.units.dept2,
        cadence_days=10,
    )
    assert (item.source, item.title, item.source_reference, item.cadence_days) == (
        Source.SPECIAL,
        "校园安全专项督查",
        "海政批〔2026〕3号",
        10,
    )


def test_opening_from_a_source_is_refused_like_any_opening_and_leaves_nothing(org):
    memo = pishi(org)
    with pytest.raises(Forbidden, match="第三十九条"):
        from_source(org, memo, actor=org.dept1_head)
    # A supervisor who cannot see the source cannot link it: nothing is left half-made.
    town_memo = engine.item_create(Memo, actor=org.town1_clerk, title="镇里的纪要", unit=org.units.town1)
    with pytest.raises(Forbidden):
        from_source(org, town_memo, actor=_staff(org))
    assert not SupervisionItem.objects.exists() and not ItemLink.objects.exists()


def _staff(org):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name="督查人员")
    org.office_clerk.groups.add(group)
    return org.office_clerk


def test_the_same_decision_twice_for_the_same_unit_is_a_duplicate(org):
    topic = decision(org)
    first = from_source(org, topic)
    with pytest.raises(Exception, match="严禁重复督查") as refused:
        from_source(org, topic, actor=org.deputy1)
    assert f"/items/{first.pk}/" in str(refused.value)
    # Another lead unit for the same decision is its own item, linked to the same source.
    second = from_source(org, topic, lead_unit=org.units.dept2)
    assert ItemLink.objects.filter(from_item_id=topic.pk, kind=LinkKind.SOURCE).count() == 2 and second.pk


def test_light_for_sources_in_one_query_with_the_worst_light(org):
    start = dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=False):
        topic, memo, quiet = decision(org), pishi(org), pishi(org, "未督办的批示")
        from_source(org, topic, due_on=dt.date(2026, 9, 15))
        from_source(org, topic, lead_unit=org.units.dept2, due_on=dt.date(2026, 12, 31))
        from_source(org, memo, due_on=dt.date(2026, 12, 31))
    later = dt.datetime(2026, 9, 21, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as queries:
        lights = selectors.light_for_sources([topic, memo, quiet.pk])
    assert len(queries) == 1
    assert set(lights) == {topic.pk, memo.pk}
    assert (lights[topic.pk].code, len(lights[topic.pk].items)) == ("red", 2)
    assert sorted(i.code for i in lights[topic.pk].items) == ["green", "red"]  # dept2's runs to December
    assert lights[memo.pk].items[0].url.startswith("/items/")
    with CaptureQueriesContext(connection) as none:
        assert selectors.light_for_sources([]) == {}
    assert len(none) == 0


def test_light_for_sources_withholds_titles_from_who_cannot_see_the_item(org):
    topic = decision(org)
    item = from_source(org, topic)
    hidden = selectors.light_for_sources([topic], user=org.town1_head)[topic.pk].items[0]
    assert (hidden.title, hidden.url, hidden.code) == ("", "", "green")
    shown = selectors.light_for_sources([topic], user=org.dept1_head)[topic.pk].items[0]
    assert (shown.title, shown.url) == (item.title, f"/items/{item.pk}/")


def test_the_source_light_fragment(org):
    from django.template.loader import render_to_string

    topic = decision(org)
    from_source(org, topic)
    html = render_to_string("supervision/_source_light.html", {"entry": selectors.light_for_sources([topic])[topic.pk]})
    assert 'data-supervision-light="green"' in html and "绿灯" in html
    assert render_to_string("supervision/_source_light.html", {"entry": None}).strip() == ""


def test_a_minutes_sourced_item_goes_all_the_way_to_closed(org, client_for):
    """销号 from an item opened from a meeting decision: signed, reported on, applied for, verified, closed; the
    source's light then reads 已结束."""
    topic = decision(org)
    item = from_source(org, topic, co_units=[org.units.dept2])
    actions.supervision_item_sign(item.pk, actor=org.dept1_head)
    actions.supervision_item_sign(item.pk, actor=org.dept2_head)
    actions.supervision_item_feedback(item.pk, actor=org.dept2_head, text="配合完成测绘", percent=50)
    actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="规划已报批", percent=90)
    actions.supervision_item_finish(item.pk, actor=org.dept1_head, note="规划已获批复")
    client = client_for(org.director)
    response = client.post(
        f"/items/{item.pk}/transitions/close/",
        {"comment": "查阅批复文件属实", "verify_method": VerifyMethod.DOCUMENTS, "state": State.VERIFYING},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.verify_method, item.progress) == (State.CLOSED, VerifyMethod.DOCUMENTS, 90)
    entry = selectors.light_for_sources([topic])[topic.pk]
    assert (entry.light, entry.label) == (selectors.NONE, "已结束")
    assert "来源事项" in client.get(f"/items/{item.pk}/").content.decode()
