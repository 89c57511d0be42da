"""会议纪要 pages and API: the meeting page's minutes status, the editor (htmx rows, bounded input), the item page
with decisions and their supervision lights, the list in constant queries, the GB/T 9704 纪要 PDF (text through
pdftotext, page 1 as PNG), and /api/v1/meetings/minutes/ with the engine's contract (409 on a double 签发)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group

from meetings import actions_minutes
from meetings.models import Attendance, MeetingKind
from meetings.models_minutes import Minutes, MinutesDecision, MinutesState

from .helpers import fresh
from .minutes_helpers import draft, fire, held, on_agenda, submit, to_signed

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 9, 21, 10, 0)


@time_machine.travel(TODAY, tick=False)
def test_meeting_page_offers_the_office_to_draft_and_then_shows_the_status(org, client_for):
    m = held(org)
    office = client_for(org.office_clerk)
    page = office.get(f"/meetings/{m.pk}/").content.decode()
    assert "起草会议纪要" in page
    assert "起草会议纪要" not in client_for(org.vice1).get(f"/meetings/{m.pk}/").content.decode()
    response = office.post(f"/meetings/{m.pk}/minutes/new/")
    minutes = Minutes.objects.get(meeting=m)
    assert response.status_code == 302 and response["Location"] == f"/meetings/minutes/{minutes.pk}/edit/"
    page = office.get(f"/meetings/{m.pk}/").content.decode()
    assert 'id="minutes-state"' in page and "起草中" in page and "编辑纪要" in page
    # A second draft is refused with a message, not a 500.
    again = office.post(f"/meetings/{m.pk}/minutes/new/", follow=True)
    assert "该会议已有纪要" in again.content.decode()
    assert client_for(org.dept1_clerk).post(f"/meetings/{m.pk}/minutes/new/").status_code == 404  # not their meeting


@time_machine.travel(TODAY, tick=False)
def test_editor_adds_and_removes_rows_by_htmx_and_refuses_bad_input_with_a_message(org, client_for):
    m = held(org)
    minutes = actions_minutes.minutes_create(actor=org.office_clerk, meeting=m)
    office = client_for(org.office_clerk)
    page = office.get(f"/meetings/minutes/{minutes.pk}/edit/").content.decode()
    assert 'hx-post="/meetings/minutes/' in page and "<script>" not in page and 'style="' not in page
    add = f"/meetings/minutes/{minutes.pk}/decisions/add/"
    row = {"text": "由区发改委牵头编制港区规划。", "lead_unit": org.units.dept1.pk, "co_units": [org.units.dept2.pk]}
    fragment = office.post(add, {**row, "deadline": "2026-12-31"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 200 and body.lstrip().startswith('<div id="decisions">')
    assert "由区发改委牵头编制港区规划。" in body and "2026-12-31" in body
    # Bounded: too long, a deadline before the meeting, a forged unit — each a Chinese message in the fragment.
    for bad, message in (
        ({**row, "text": "长" * 501}, "500"),
        ({**row, "deadline": "2026-01-01"}, "早于会议日期"),
        ({**row, "lead_unit": 999999}, "选择"),
        ({**row, "deadline": "99999-01-01"}, "日期格式错误"),
    ):
        response = office.post(add, bad, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and message in response.content.decode(), message
    assert MinutesDecision.objects.filter(minutes=minutes).count() == 1
    decision = MinutesDecision.objects.get(minutes=minutes)
    # Someone else cannot add or remove rows.
    assert client_for(org.dept1_clerk).post(add, row, HTTP_HX_REQUEST="true").status_code == 404
    removed = office.post(f"/meetings/minutes/{minutes.pk}/decisions/{decision.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "尚无议定事项" in removed.content.decode() and not MinutesDecision.objects.exists()
    # Without htmx the same endpoints answer with the page.
    assert office.post(add, row).status_code == 302
    # Save and submit from the editor.
    form = {"summary": "研究港区规划等事项。", "distribution": "区政府领导。", "then": "submit"}
    response = office.post(f"/meetings/minutes/{minutes.pk}/edit/", form)
    assert response.status_code == 302 and fresh(minutes).state == MinutesState.REVIEW
    # Submitted: the editor sends the drafter to the item page.
    assert office.get(f"/meetings/minutes/{minutes.pk}/edit/")["Location"] == f"/items/{minutes.pk}/"


@time_machine.travel(TODAY, tick=False)
def test_item_page_shows_decisions_and_after_signing_turns_one_into_supervision(org, client_for):
    Group.objects.get_or_create(name="督查人员")
    m = held(org)
    on_agenda(m, org.units.dept1, org.dept1_clerk)
    minutes = to_signed(org, m)
    director = client_for(org.director)
    page = director.get(f"/items/{minutes.pk}/").content.decode()
    assert "常务会议纪要〔2026〕第1期" in page and "/supervise/" in page and 'id="decisions"' in page
    assert "/supervise/" not in client_for(org.vice1).get(f"/items/{minutes.pk}/").content.decode()
    decision = MinutesDecision.objects.get(minutes=minutes)
    url = f"/meetings/minutes/{minutes.pk}/decisions/{decision.pk}/supervise/"
    assert client_for(org.vice1).post(url, {"cadence_days": 5}, follow=True).status_code == 200
    assert fresh(decision).supervision_item_id is None
    bad = director.post(url, {"cadence_days": 999}, follow=True).content.decode()
    assert "60" in bad and fresh(decision).supervision_item_id is None
    director.post(url, {"cadence_days": 5, "due_on": ""})
    assert fresh(decision).supervision_item_id is not None
    page = director.get(f"/items/{minutes.pk}/").content.decode()
    assert "待签收" in page and "绿灯" in page
    again = director.post(url, {"cadence_days": 5}, follow=True).content.decode()
    assert "已转为督办事项" in again


@time_machine.travel(TODAY, tick=False)
def test_minutes_list_in_constant_queries(org, client_for, django_assert_max_num_queries):
    def make(n: int, start: int) -> None:
        for i in range(n):
            actions_minutes.minutes_create(
                actor=org.office_clerk, meeting=held(org, day=dt.date(2026, 1, 5) + dt.timedelta(days=start + i))
            )

    make(3, 0)
    client = client_for(org.director)
    with django_assert_max_num_queries(12) as three:
        assert client.get("/meetings/minutes/").status_code == 200
    make(27, 3)
    with django_assert_max_num_queries(len(three.captured_queries)):
        page = client.get("/meetings/minutes/").content.decode()
    assert page.count("/items/") == 20  # a page of 20
    assert "纪要" not in client_for(org.dept2_clerk).get("/meetings/minutes/").content.decode().split("<h1")[2:3]


@time_machine.travel(TODAY, tick=False)
def test_minutes_pdf_follows_the_gbt_9704_minutes_layout(org, client_for, tmp_path):
    m = held(org)
    seat = m.attendees.get(post=org.posts.vice2)
    seat.status = Attendance.ON_LEAVE
    seat.save()
    minutes = submit(org, draft(org, m, decisions=3))
    for actor in (org.justice, org.director):
        fire(minutes, "approve", actor)
    fire(minutes, "approve", org.exec_vice)
    fire(minutes, "sign", org.head)
    response = client_for(org.office_clerk).get(f"/meetings/minutes/{minutes.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "minutes.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    compact = text.replace(" ", "").replace("\n", "")  # lines wrap on the 28-character grid
    for expected in (
        "海门区人民政府常务会议纪要",
        "〔2026〕第1期",
        "2026年9月21日",
        "一、第1项",
        "二、第2项",
        "三、第3项",
        "牵头单位：海门区发展和改革委员会",
        "配合单位：海门区教育体育局",
        "出席：",
        "列席：",
        "请假：" + org.vice2.display_name,
        "分送：区政府领导",
        "印发",
    ):
        assert expected in compact, expected
    assert "海门区人民政府文件" not in compact
    out = Path(os.environ.get("TEST_ARTIFACTS_DIR", tmp_path)) / "meetings-minutes-page1"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(out)], check=True)
    # Strangers do not get it.
    assert client_for(org.dept2_clerk).get(f"/meetings/minutes/{minutes.pk}/pdf/").status_code == 404


# ------------------------------------------------------------------------------------------------------ API


@time_machine.travel(TODAY, tick=False)
def test_api_contract_and_409_on_a_double_sign(org, api_client_for):
    m = held(org, MeetingKind.HEAD_OFFICE)
    office = api_client_for(org.office_clerk)
    created = office.post("/api/v1/meetings/minutes/", {"meeting": m.pk}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["state"] == "draft"
    assert api_client_for(org.dept1_clerk).post("/api/v1/meetings/minutes/", {"meeting": m.pk}).status_code == 403
    assert office.post("/api/v1/meetings/minutes/", {"meeting": m.pk}).status_code == 409
    assert office.post("/api/v1/meetings/minutes/", {"meeting": 10**12}).status_code == 400
    no_decision = office.post(f"/api/v1/meetings/minutes/{pk}/transitions/submit/", {}, format="json")
    assert no_decision.status_code == 400
    actions_minutes.decision_add(pk, actor=org.office_clerk, text="落实议定事项。", lead_unit=org.units.dept1)
    # Submitting through the API goes through the same checks as the page (minutes_submit).
    assert office.post(f"/api/v1/meetings/minutes/{pk}/transitions/submit/", {}).status_code == 200
    body = api_client_for(org.justice).get(f"/api/v1/meetings/minutes/{pk}/").json()
    for key in ("state", "available_transitions", "tasks", "history", "decisions", "attendance"):
        assert key in body, key
    assert body["available_transitions"] == ["approve", "return"] and len(body["tasks"]) == 2
    assert body["decisions"][0]["lead_unit_name"] == "海门区发展和改革委员会"
    for user in (org.justice, org.director):
        response = api_client_for(user).post(f"/api/v1/meetings/minutes/{pk}/transitions/approve/", {"state": "review"})
        assert response.status_code == 200, response.content
    assert api_client_for(org.exec_vice).post(f"/api/v1/meetings/minutes/{pk}/transitions/approve/").status_code == 200
    head = api_client_for(org.head)
    signed = head.post(f"/api/v1/meetings/minutes/{pk}/transitions/sign/", {"state": "head_sign"})
    assert signed.status_code == 200 and signed.json()["number"] == "区长办公会议纪要〔2026〕第1期"
    again = head.post(f"/api/v1/meetings/minutes/{pk}/transitions/sign/", {"state": "head_sign"})
    assert again.status_code == 409
    # A decision to supervision: 403 for a vice head, 200 for the director, 409 the second time.
    Group.objects.get_or_create(name="督查人员")
    decision = MinutesDecision.objects.get(minutes_id=pk)
    url = f"/api/v1/meetings/minutes/{pk}/decisions/{decision.pk}/supervise/"
    assert api_client_for(org.vice1).post(url, {}).status_code == 404  # cannot see the minutes
    director = api_client_for(org.director)
    assert director.post(url, {"cadence_days": 0}).status_code == 400
    done = director.post(url, {"cadence_days": 5}, format="json")
    assert done.status_code == 200 and done.json()["decisions"][0]["supervision_item"] is not None
    assert director.post(url, {}).status_code == 409
    assert director.post(f"/api/v1/meetings/minutes/{pk}/decisions/999999/supervise/", {}).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_api_list_in_constant_queries(org, api_client_for, django_assert_max_num_queries):
    for i in range(3):
        actions_minutes.minutes_create(actor=org.office_clerk, meeting=held(org, day=dt.date(2026, 1, 5 + i)))
    client = api_client_for(org.director)
    with django_assert_max_num_queries(12) as three:
        assert len(client.get("/api/v1/meetings/minutes/").json()["results"]) == 3
    for i in range(27):
        actions_minutes.minutes_create(
            actor=org.office_clerk, meeting=held(org, day=dt.date(2026, 2, 2) + dt.timedelta(days=i))
        )
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert client.get("/api/v1/meetings/minutes/").status_code == 200
