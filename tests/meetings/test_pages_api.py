"""Meeting pages (calendar, .ics feed, meeting page, board, propose a topic) and /api/v1/meetings/."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from meetings import actions
from meetings.models import LeaveRequest, Meeting, MeetingKind, MeetingState, PressRelease, Topic, TopicState
from meetings.views import feed_token

from .helpers import fire, fresh, meeting, propose, to_office

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 9, 21, 10, 0)


@time_machine.travel(TODAY, tick=False)
def test_calendar_shows_each_user_their_meetings_in_constant_queries(org, client_for, django_assert_max_num_queries):
    executive = meeting(org, dt.date(2026, 10, 12))
    topical = meeting(org, dt.date(2026, 9, 28), MeetingKind.TOPICAL, convener=org.posts.vice2, units=[org.units.dept2])
    client = client_for(org.vice1)
    with django_assert_max_num_queries(12):
        month = client.get("/meetings/?date=2026-10-01").content.decode()
    assert executive.title in month and topical.title not in month
    week = client_for(org.dept2_head).get("/meetings/?view=week&date=2026-09-28").content.decode()
    assert topical.title in week
    for n in range(5):
        meeting(org, dt.date(2026, 10, 13 + n), title=f"会议{n}")
    with django_assert_max_num_queries(12):
        assert client.get("/meetings/?date=2026-10-01").status_code == 200
    # The office sees all.
    assert topical.title in client_for(org.office_clerk).get("/meetings/?date=2026-09-01&view=month").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_ics_feed_by_token(org, client):  # type: ignore[no-untyped-def]
    m = meeting(org, dt.date(2026, 10, 12))
    response = client.get(f"/meetings/feed/{feed_token(org.finance)}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert f"UID:meeting-{m.pk}@haimen-gov" in body and "DTSTART:20261012T010000Z" in body
    assert "BEGIN:VEVENT" not in client.get(f"/meetings/feed/{feed_token(org.outsider)}.ics").content.decode()
    assert client.get("/meetings/feed/forged.ics").status_code == 404
    # A new password retires the old address.
    token = feed_token(org.finance)
    org.finance.set_password("另一个密码-2026")
    org.finance.save()
    assert client.get(f"/meetings/feed/{token}.ics").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_meeting_page_shows_cutoff_agenda_and_seats_and_hides_from_strangers(org, client_for):
    m = meeting(org, dt.date(2026, 10, 12))
    topic = propose(org, m)
    page = client_for(org.finance).get(f"/meetings/{m.pk}/").content.decode()
    assert "2026年9月29日" in page and topic.title in page and "区财政局局长" in page
    assert "会务办理" not in page
    assert "会务办理" in client_for(org.office_clerk).get(f"/meetings/{m.pk}/").content.decode()
    assert client_for(org.dept2_clerk).get(f"/meetings/{m.pk}/").status_code == 404
    # The sponsoring unit follows the meeting its topic is aimed at.
    assert client_for(org.dept1_clerk).get(f"/meetings/{m.pk}/").status_code == 200
    # Confirm and ask leave from the page.
    seat = m.attendees.get(post=org.posts.finance)
    assert client_for(org.finance).post(f"/meetings/{m.pk}/seats/{seat.pk}/confirm/").status_code == 302
    assert fresh(seat).status == "confirmed"
    response = client_for(org.finance).post(f"/meetings/{m.pk}/seats/{seat.pk}/leave/", {"reason": "x" * 301})
    assert response.status_code == 302 and fresh(seat).status == "confirmed"


@time_machine.travel(TODAY, tick=False)
def test_office_runs_the_meeting_from_its_page(org, client_for):
    m = meeting(org, dt.date(2026, 10, 12))
    office = client_for(org.deputy1)
    assert office.post(f"/meetings/{m.pk}/do/notify/").status_code == 302
    assert fresh(m).state == MeetingState.NOTIFIED
    office.post(f"/meetings/{m.pk}/do/reschedule/", {"date": "bad", "start_time": "9:00", "end_time": "10:00"})
    assert fresh(m).date == dt.date(2026, 10, 12)
    client_for(org.finance).post(f"/meetings/{m.pk}/do/cancel/", {"reason": "x"})
    assert fresh(m).state == MeetingState.NOTIFIED
    office.post(f"/meetings/{m.pk}/do/cancel/", {"reason": "改为视频会议另行通知"})
    assert fresh(m).state == MeetingState.CANCELLED


@time_machine.travel(TODAY, tick=False)
def test_board_and_new_meeting_are_the_offices(org, client_for, django_assert_max_num_queries):
    for n in range(3):
        m = meeting(org, dt.date(2026, 10, 12 + n), title=f"会议{n}")
        propose(org, m)
    director = client_for(org.director)
    with django_assert_max_num_queries(10):
        response = director.get("/meetings/board/")
    board = response.content.decode()
    assert response.status_code == 200 and "会议2" in board
    # 第十五—十七条: the rhythm of each kind, the next planned one.
    assert "原则上每月召开1次" in board and "2026-10-12" in board
    assert client_for(org.dept1_clerk).get("/meetings/board/").status_code == 403
    assert client_for(org.dept1_clerk).get("/meetings/new/").status_code == 403
    response = client_for(org.office_clerk).post(
        "/meetings/new/",
        {
            "kind": "executive",
            "title": "区政府第25次常务会议",
            "date": "2026-10-26",
            "start_time": "09:00",
            "end_time": "11:00",
            "place": "1号会议室",
            "mode": "video",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(title="区政府第25次常务会议", mode="video").exists()


@time_machine.travel(TODAY, tick=False)
def test_propose_a_topic_on_the_page(org, client_for):
    m = meeting(org, dt.date(2026, 10, 12))
    client = client_for(org.dept1_clerk)
    page = client.get("/meetings/topics/new/").content.decode()
    # 第十六条: every unit sees its cut-off before it proposes.
    assert "申报截止" in page and "9月29日" in page
    data = {
        "meeting": m.pk,
        "title": "关于XX的议题",
        "background": "背景",
        "proposed_decision": "决策",
        "unit_opinion": "意见",
    }
    assert client.post("/meetings/topics/new/", {**data, "title": "长" * 201}).status_code == 200
    response = client.post("/meetings/topics/new/", data)
    topic = Topic.objects.get()
    assert response.status_code == 302 and topic.state == TopicState.UNIT_CONFIRM
    assert client_for(org.dept1_head).get(f"/items/{topic.pk}/").status_code == 200
    refused = client_for(org.dept1_head).post("/meetings/topics/new/", data)
    assert refused.status_code == 200 and "单位文书" in refused.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_api_topics_follow_the_engine_contract(org, api_client_for):
    m = meeting(org, dt.date(2026, 10, 12))
    clerk = api_client_for(org.dept1_clerk)
    response = clerk.post(
        "/api/v1/meetings/topics/",
        {"meeting": m.pk, "title": "关于XX的议题", "background": "b", "proposed_decision": "d", "unit_opinion": "o"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    topic = Topic.objects.get(pk=pk)
    to_office(org, topic)
    fire(topic, "approve", org.director)
    head = api_client_for(org.head)
    detail = head.get(f"/api/v1/meetings/topics/{pk}/").json()
    assert detail["state"] == "head_decision"
    assert set(detail["available_transitions"]) == {"schedule", "defer", "reject", "return"}
    assert [t["post"] for t in detail["tasks"]] == ["区长"]
    url = f"/api/v1/meetings/topics/{pk}/transitions/schedule/"
    assert head.post(url, {"comment": "同意", "meeting": 999999}, format="json").status_code == 400
    # A vice head with no part in the topic does not see it.
    assert api_client_for(org.vice2).post(url, {"comment": "同意", "meeting": m.pk}, format="json").status_code == 404
    done = head.post(url, {"comment": "同意上会", "meeting": m.pk}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "scheduled"
    assert api_client_for(org.dept2_clerk).get(f"/api/v1/meetings/topics/{pk}/").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_api_meetings_leave_and_press(org, api_client_for):
    m = meeting(org, dt.date(2026, 10, 12))
    office = api_client_for(org.office_clerk)
    detail = office.get(f"/api/v1/meetings/meetings/{m.pk}/").json()
    assert detail["cutoff"] == "2026-09-29" and "notify" in detail["available_transitions"]
    assert api_client_for(org.dept1_clerk).get(f"/api/v1/meetings/meetings/{m.pk}/").status_code == 404
    assert api_client_for(org.finance).post(f"/api/v1/meetings/meetings/{m.pk}/transitions/notify/").status_code == 403
    assert office.post(f"/api/v1/meetings/meetings/{m.pk}/transitions/notify/").json()["state"] == "notified"
    bad = office.post("/api/v1/meetings/meetings/", {"kind": "executive", "title": "x", "date": "2026-13-01"})
    assert bad.status_code == 400
    seat = m.attendees.get(post=org.posts.finance)
    leave = api_client_for(org.finance).post(
        "/api/v1/meetings/leave-requests/", {"attendee": seat.pk, "reason": "出差"}, format="json"
    )
    assert leave.status_code == 201 and leave.json()["state"] == "approval"
    stolen = api_client_for(org.justice).post(
        "/api/v1/meetings/leave-requests/", {"attendee": seat.pk, "reason": "x"}, format="json"
    )
    assert stolen.status_code == 403
    press = api_client_for(org.dept1_clerk).post(
        "/api/v1/meetings/press-releases/", {"title": "新闻稿", "body": "正文", "meeting": m.pk}, format="json"
    )
    assert press.status_code == 201 and press.json()["state"] == "office_review"


def test_seed_demo_adds_the_meetings(db, settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    executive = Meeting.objects.get(kind=MeetingKind.EXECUTIVE, state=MeetingState.PREPARING)
    assert 19 <= (executive.date - dt.date.today()).days <= 24
    assert sorted(executive.topics.values_list("state", flat=True)) == ["office_check", "vice_study"]
    held = Meeting.objects.exclude(title__startswith="（补录）").get(kind=MeetingKind.HEAD_OFFICE)
    assert held.state == MeetingState.HELD
    # 第二十三条 history for the dashboard: last year's and this year's meetings, once however often seeded.
    history = Meeting.objects.filter(title__startswith="（补录）")
    assert history.filter(date__year=dt.date.today().year - 1).exists()
    assert history.count() == len(set(history.values_list("title", flat=True)))
    from meetings.demo import DISTRICT_TITLE
    from meetings.models import DistrictMeeting

    district = DistrictMeeting.objects.get(title=DISTRICT_TITLE)
    assert district.state == "vice_review" and district.summons_warning


@time_machine.travel(TODAY, tick=False)
def test_the_head_decides_on_the_item_page(org, client_for):
    m = meeting(org, dt.date(2026, 10, 12))
    topic = propose(org, m)
    to_office(org, topic)
    fire(topic, "approve", org.director)
    head = client_for(org.head)
    page = head.get(f"/items/{topic.pk}/").content.decode()
    assert "列入会议" in page and "同意上会" in page and "暂缓上会" in page and "拟决策事项" in page
    missing = head.post(f"/items/{topic.pk}/transitions/schedule/", {"comment": "同意", "state": "head_decision"})
    assert missing.status_code == 302 and fresh(topic).state == TopicState.HEAD_DECISION
    head.post(
        f"/items/{topic.pk}/transitions/schedule/", {"comment": "同意", "meeting": m.pk, "state": "head_decision"}
    )
    assert fresh(topic).state == TopicState.SCHEDULED


@time_machine.travel(TODAY, tick=False)
def test_press_and_department_meeting_pages(org, client_for):
    clerk = client_for(org.dept1_clerk)
    response = clerk.post("/meetings/press/new/", {"title": "区政府召开常务会议", "body": "会议研究了……"})
    press = PressRelease.objects.get()
    assert response["Location"] == f"/items/{press.pk}/"
    assert "会议研究了" in client_for(org.deputy1).get(f"/items/{press.pk}/").content.decode()
    data = {"title": "全区发改系统工作会议", "date": "2026-10-20", "place": "区发改委", "scale": 80}
    assert clerk.post("/meetings/dept-meetings/new/", data).status_code == 302
    again = clerk.post("/meetings/dept-meetings/new/", {**data, "date": "2026-12-01"}).content.decode()
    assert "每年不超过1次" in again and "2026年10月20日" in again
    assert clerk.post("/meetings/dept-meetings/new/", {**data, "scale": 0}).status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_leave_page_and_withdrawal_free_the_seat(org, client_for):
    m = meeting(org, dt.date(2026, 10, 12))
    seat = m.attendees.get(post=org.posts.finance)
    finance = client_for(org.finance)
    response = finance.post(
        f"/meetings/{m.pk}/seats/{seat.pk}/leave/", {"reason": "赴市财政局开会", "substitute": "副局长 张强"}
    )
    leave = LeaveRequest.objects.get()
    assert response["Location"] == f"/items/{leave.pk}/"
    page = client_for(org.head).get(f"/items/{leave.pk}/").content.decode()
    assert "赴市财政局开会" in page and "副局长 张强" in page and "准假" in page
    finance.post(f"/items/{leave.pk}/transitions/withdraw/", {"state": "approval"})
    assert fresh(leave).state == "withdrawn" and fresh(seat).status == "pending"


@time_machine.travel(TODAY, tick=False)
def test_meeting_page_and_api_lists_cost_the_same_however_long(org, client_for, api_client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    m = meeting(org, dt.date(2026, 10, 12))
    propose(org, m)
    office = client_for(org.office_clerk)
    api = api_client_for(org.office_clerk)

    def cost(url, client):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    cost(f"/meetings/{m.pk}/", office)  # the first request loads the working-day calendar into the process
    page = cost(f"/meetings/{m.pk}/", office)
    meetings_list = cost("/api/v1/meetings/meetings/", api)
    topics_list = cost("/api/v1/meetings/topics/", api_client_for(org.head))
    for n in range(4):
        propose(org, m, title=f"议题{n}")
        meeting(org, dt.date(2026, 10, 13 + n), title=f"会议{n}")
    actions.meeting_notify(m.pk, actor=org.office_clerk)
    assert cost(f"/meetings/{m.pk}/", office) == page
    assert cost("/api/v1/meetings/meetings/", api) == meetings_list
    assert cost("/api/v1/meetings/topics/", api_client_for(org.head)) == topics_list
