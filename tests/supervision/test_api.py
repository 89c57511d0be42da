"""/api/v1/supervision/items/: the engine's contract plus feedback and extension."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.models import Feedback, State, SupervisionItem

from .conftest import signed_item

pytestmark = pytest.mark.django_db

URL = "/api/v1/supervision/items/"


def body(org, **extra):  # type: ignore[no-untyped-def]
    data = {
        "title": "关于推进农村人居环境整治的督办",
        "source": "special",
        "requirement": "年底前完成整治。",
        "lead_unit": org.units.town1.pk,
        "co_units": [org.units.dept1.pk],
        "due_workdays": 30,
        "cadence_days": 10,
    }
    data.update(extra)
    return data


def test_the_office_opens_and_a_unit_is_refused(org, api_client_for):
    response = api_client_for(org.deputy2).post(URL, body(org), format="json")
    assert response.status_code == 201, response.data
    assert (response.data["state"], response.data["light"], response.data["unit_name"]) == (
        State.SIGNING,
        "green",
        "海门区人民政府办公室",
    )
    refused = api_client_for(org.town1_head).post(URL, body(org, title="另一件"), format="json")
    assert refused.status_code == 403 and "第三十九条" in refused.data["detail"]
    duplicate = api_client_for(org.director).post(URL, body(org), format="json")
    assert duplicate.status_code == 400 and "严禁重复督查" in str(duplicate.data)


@pytest.mark.parametrize(
    "bad", [{"cadence_days": 0}, {"source": "x"}, {"due_workdays": None, "due_on": "2001-01-01"}, {"title": "x" * 201}]
)
def test_bad_input_is_400_in_chinese(org, api_client_for, bad):
    data = {k: v for k, v in body(org, **bad).items() if v is not None}
    response = api_client_for(org.director).post(URL, data, format="json")
    assert response.status_code == 400 and not SupervisionItem.objects.exists()


def test_the_loop_through_the_api(org, api_client_for):
    item = signed_item(org, co_units=[org.units.dept2], due_on=dt.date(2027, 1, 1))
    lead = api_client_for(org.dept1_head)
    co = api_client_for(org.dept2_head)
    assert co.post(f"{URL}{item.pk}/feedback/", {"text": "配合推进", "percent": 20}, format="json").status_code == 201
    bad = lead.post(f"{URL}{item.pk}/feedback/", {"text": "汇总", "percent": 120}, format="json")
    assert bad.status_code == 400
    assert lead.post(f"{URL}{item.pk}/feedback/", {"text": "汇总", "percent": 50}, format="json").status_code == 201
    assert Feedback.objects.get(is_lead=False).consolidated_into == Feedback.objects.get(is_lead=True)
    refused = co.post(f"{URL}{item.pk}/extension/", {"reason": "x", "extension_due_on": "2027-02-01"}, format="json")
    assert refused.status_code == 403
    asked = lead.post(f"{URL}{item.pk}/extension/", {"reason": "征地", "extension_due_on": "2027-02-01"}, format="json")
    assert asked.status_code == 200 and asked.data["state"] == State.EXTENSION
    director = api_client_for(org.director)
    granted = director.post(f"{URL}{item.pk}/transitions/approve/", {"comment": "同意"}, format="json")
    assert granted.status_code == 200 and granted.data["due_on"] == "2027-02-01"
    again = lead.post(f"{URL}{item.pk}/extension/", {"reason": "再延", "extension_due_on": "2027-03-01"}, format="json")
    assert again.status_code == 409
    finish = lead.post(f"{URL}{item.pk}/transitions/finish/", {"comment": "已办结"}, format="json")
    assert finish.status_code == 200 and finish.data["state"] == State.VERIFYING
    no_method = director.post(f"{URL}{item.pk}/transitions/close/", {"comment": "核实"}, format="json")
    assert no_method.status_code == 400
    closed = director.post(
        f"{URL}{item.pk}/transitions/close/", {"comment": "电话核实", "verify_method": "phone"}, format="json"
    )
    assert closed.status_code == 200 and closed.data["state"] == State.CLOSED and closed.data["light"] == ""


def test_a_unit_not_on_the_item_does_not_see_it(org, api_client_for):
    item = signed_item(org)
    client = api_client_for(org.town1_head)
    assert client.get(f"{URL}{item.pk}/").status_code == 404
    assert client.get(URL).data["count"] == 0
    assert api_client_for(org.dept1_head).get(URL).data["count"] == 1


def test_a_designated_unit_through_the_api_within_and_outside_its_scope(org, api_client_for):
    import time_machine

    from supervision import actions

    from .conftest import BEFORE_HOLIDAYS

    designation = actions.designation_create(
        actor=org.director,
        unit=org.units.justice,
        scope="行政执法",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 30),
    )
    client = api_client_for(org.justice)
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        outside = client.post(URL, body(org, designation=designation.pk), format="json")
        inside = client.post(URL, body(org, title="行政执法案卷评查", designation=designation.pk), format="json")
    assert outside.status_code == 403 and "越权督查" in outside.data["detail"]
    assert inside.status_code == 201, inside.data
    assert inside.data["designation"] == designation.pk
