"""全区性会议 in the government's name (第二十一条第一款), topic materials (第十六条), the sponsors' cut-off reminder
(第十六条) and the notices of 发出会议通知 (第二十二条)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Attachment, HistoryEntry, ItemLink, LinkKind, Notification, NotificationKind
from meetings import actions
from meetings.models import (
    Attendee,
    AttendeeRole,
    DistrictBasis,
    DistrictMeeting,
    DistrictMeetingState,
    MeetingKind,
    MeetingMode,
    Topic,
    TopicState,
)
from meetings.models_minutes import Minutes, MinutesDecision, MinutesState
from tests.seals.helpers import pdf_upload, upload

from .helpers import fire, fresh, meeting, open_posts, propose, to_office
from .minutes_helpers import draft, held, submit, to_signed
from .minutes_helpers import fire as fire_minutes

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 21)
# As in test_topics: a 常务会议 on Mon Oct 12 2026 has its cut-off on Tue Sep 29 (国庆 and the 调休 Saturday Oct 10).
MEETING_DAY = dt.date(2026, 10, 12)
CUTOFF = dt.date(2026, 9, 29)
# Two working days before Sep 29: Mon Sep 28, then (Sat 26, Sun 27 and Fri 25, 中秋, off) Thu Sep 24.
REMIND_ON = dt.date(2026, 9, 24)


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10)), tick=False)


def district(org, actor=None, **extra):  # type: ignore[no-untyped-def]
    fields = {
        "title": "全区安全生产工作会议",
        "date": dt.date(2026, 10, 20),
        "start_time": dt.time(9, 0),
        "end_time": dt.time(10, 30),
        "place": "行政中心大会堂",
        "mode": MeetingMode.VIDEO,
        "scale": 200,
        "convener": org.posts.vice1,
        "basis": DistrictBasis.APPROVAL,
    }
    fields.update(extra)
    return actions.district_meeting_create(actor=actor or org.dept1_clerk, **fields)


# ------------------------------------------------------------------------------ 全区性会议 (第二十一条)


@at(TODAY)
def test_district_meeting_on_approval_goes_vice_head_in_charge_then_head(org):
    item = district(org)
    assert item.state == DistrictMeetingState.VICE_REVIEW and open_posts(item) == [org.posts.vice1]
    with pytest.raises(engine.Forbidden):
        fire(item, "approve", org.vice2)
    with pytest.raises(engine.Forbidden):
        fire(item, "approve", org.dept1_clerk)  # the applicant does not approve their own request
    fire(item, "approve", org.vice1, "同意。")
    assert open_posts(fresh(item)) == [org.posts.head]
    with pytest.raises(engine.Forbidden):
        fire(item, "approve", org.exec_vice)
    fire(item, "approve", org.head, "同意召开。")
    assert fresh(item).state == DistrictMeetingState.APPROVED


@at(TODAY)
def test_the_heads_delegate_approves_in_the_heads_name(org):
    Delegation.objects.create(
        post=org.posts.head, delegate=org.exec_vice, start=TODAY, end=TODAY + dt.timedelta(days=3), reason="出访"
    )
    item = district(org)
    fire(item, "approve", org.vice1, "同意。")
    fire(item, "approve", org.exec_vice, "受托同意。")
    item = fresh(item)
    assert item.state == DistrictMeetingState.APPROVED
    entry = HistoryEntry.objects.filter(item=item, verb="approve").order_by("-at", "-id").first()
    assert entry is not None and entry.actor == org.exec_vice and "区长" in entry.acting_label


def signed_decision(org, kind=MeetingKind.EXECUTIVE):  # type: ignore[no-untyped-def]
    """The first 议定事项 of signed minutes of a 常务会议 (or ``kind``) held a week ago."""
    minutes = to_signed(org, held(org, kind))
    return MinutesDecision.objects.select_related("minutes").get(minutes=minutes, order=1)


@at(TODAY)
def test_district_meeting_on_a_signed_minutes_decision_goes_to_the_office_and_links_the_minutes(org):
    decision = signed_decision(org)
    item = district(org, basis=DistrictBasis.DECISION, decision=decision)
    assert item.state == DistrictMeetingState.OFFICE_CHECK
    assert set(open_posts(item)) == {org.posts.director, org.posts.deputy1}
    # 第二十一条: the minutes are the request's source, shown from both ends.
    assert ItemLink.objects.filter(from_item=decision.minutes_id, to_item=item.pk, kind=LinkKind.SOURCE).exists()
    assert fresh(item).has_links and Minutes.objects.get(pk=decision.minutes_id).has_links
    with pytest.raises(engine.Forbidden):
        fire(item, "approve", org.deputy2)
    with pytest.raises(engine.CommentRequired):
        fire(item, "return", org.deputy1)
    fire(item, "approve", org.deputy1, "与会议决定一致。")
    item = fresh(item)
    assert item.state == DistrictMeetingState.APPROVED and item.decision == decision
    # The decision is protected while a request names it.
    with pytest.raises(ProtectedError):
        MinutesDecision.objects.filter(pk=decision.pk).delete()


@at(TODAY)
def test_a_decision_must_be_of_signed_executive_or_head_office_minutes(org):
    with pytest.raises(ValidationError) as none_named:
        district(org, basis=DistrictBasis.DECISION)
    assert "decision" in none_named.value.message_dict
    unsigned = submit(org, draft(org, held(org)))
    with pytest.raises(ValidationError, match="尚未签发"):
        district(
            org,
            basis=DistrictBasis.DECISION,
            decision=MinutesDecision.objects.get(minutes=unsigned),
        )
    topical = held(org, MeetingKind.TOPICAL, convener=org.posts.vice1, units=[org.units.dept1])
    topical_minutes = submit(org, draft(org, topical))
    fire_minutes(topical_minutes, "approve", org.deputy1)
    assert fire_minutes(topical_minutes, "sign", org.vice1).state == MinutesState.SIGNED
    with pytest.raises(ValidationError, match="只能依据"):
        district(
            org,
            basis=DistrictBasis.DECISION,
            decision=MinutesDecision.objects.get(minutes=topical_minutes),
        )
    gone = signed_decision(org, MeetingKind.HEAD_OFFICE)
    gone.pk = 999_999
    with pytest.raises(ValidationError, match="不存在"):
        district(org, basis=DistrictBasis.DECISION, decision=gone)
    assert not DistrictMeeting.objects.exists() and not ItemLink.objects.exists()
    # An approval basis names no decision, whatever was sent.
    plain = district(org, decision=MinutesDecision.objects.get(minutes=unsigned))
    assert plain.decision is None and not plain.has_links


@at(TODAY)
def test_a_vice_heads_meeting_summoning_town_principals_needs_a_recorded_reason(org):
    with pytest.raises(ValidationError, match="原则上不得要求各区镇（街道）主要负责同志参加"):
        district(org, summons_town_principals=True)
    item = district(org, summons_town_principals=True, summons_reason="部署防汛抗台，须各区镇主要负责同志到会")
    assert item.summons_warning and item.summons_reason.startswith("部署防汛")
    # The reason stays on the item and in the history of the submit.
    submit = HistoryEntry.objects.get(item=item, verb="submit")
    assert "部署防汛" in submit.comment
    # The head's own meeting may summon them without a reason; no reason is kept where none is needed.
    head_meeting = district(
        org, convener=org.posts.head, summons_town_principals=True, title="全区经济工作会议", summons_reason=""
    )
    assert not head_meeting.summons_warning
    quiet = district(org, title="全区统计工作会议", summons_reason="不需要")
    assert quiet.summons_reason == ""


@at(TODAY)
def test_district_meeting_bounds_and_who_may_ask(org):
    with pytest.raises(engine.Forbidden):
        district(org, actor=org.town1_clerk)  # a town does not hold district-wide meetings in the government's name
    with pytest.raises(ValidationError, match="两年"):
        district(org, date=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="两年"):
        district(org, date=TODAY + dt.timedelta(days=731))
    assert district(org, date=TODAY + dt.timedelta(days=730)).pk
    with pytest.raises(ValidationError, match="结束时间"):
        district(org, end_time=dt.time(9, 0))
    with pytest.raises(ValidationError, match="区长或副区长"):
        district(org, convener=org.posts.director)


# ------------------------------------------------------------------------------ 议题申报材料 (第十六条)


def test_topic_materials_are_checked_and_stored_on_propose_and_amend(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with at(TODAY):
        target = meeting(org, MEETING_DAY)
        with pytest.raises(ValidationError, match="文件类型不受支持"):
            propose(org, target, files=[upload("申报表.pdf", b"MZ not a pdf")])
        assert not Topic.objects.exists()
        topic = propose(org, target, files=[pdf_upload("议题申报表.pdf")])
        rows = list(Attachment.objects.filter(item=topic))
        assert [(r.role, r.original_name) for r in rows] == [("material", "议题申报表.pdf")]
        # Amending: only the sponsor, only while the topic is theirs (draft or returned).
        with pytest.raises(engine.Conflict):
            actions.topic_update(topic.pk, actor=org.dept1_clerk, **_amend(target))
        fire(topic, "return", org.dept1_head, "请补充征求意见情况。")
        with pytest.raises(engine.Forbidden):
            actions.topic_update(topic.pk, actor=org.dept2_clerk, **_amend(target))
        amended = actions.topic_update(
            topic.pk, actor=org.dept1_clerk, files=[pdf_upload("征求意见汇总.pdf")], submit=True, **_amend(target)
        )
        assert amended.state == TopicState.UNIT_CONFIRM and amended.units_consulted == "区财政局"
        assert Attachment.objects.filter(item=topic).count() == 2


def _amend(target):  # type: ignore[no-untyped-def]
    return {
        "meeting": target,
        "title": "关于海门港新区综合交通规划的议题",
        "background": "港区道路网络亟待完善。",
        "proposed_decision": "同意规划方案。",
        "unit_opinion": "建议同意。",
        "units_consulted": "区财政局",
    }


# ------------------------------------------------------------------------------ 截止提醒 (第十六条)


def _reminders(topic):  # type: ignore[no-untyped-def]
    return Notification.objects.filter(item=topic, title__startswith="【议题申报截止提醒】")


def test_sponsors_are_reminded_two_working_days_before_the_cutoff_across_the_holiday_once(org):
    with at(TODAY):
        target = meeting(org, MEETING_DAY)
        waiting = propose(org, target)  # at the unit head
        arrived = propose(org, target, title="关于学校布局调整的议题")
        to_office(org, arrived)
    assert actions.remind_day(CUTOFF) == REMIND_ON
    with at(REMIND_ON - dt.timedelta(days=1)):
        assert actions.cutoff_reminders() == 0
    with at(REMIND_ON):
        assert actions.cutoff_reminders() == 1
        assert actions.cutoff_reminders() == 0  # a rerun (or a second worker) reminds nobody again
    with at(dt.date(2026, 9, 28)):
        assert actions.cutoff_reminders() == 0
    people = set(_reminders(waiting).values_list("user__username", flat=True))
    assert people == {"dept1_clerk", "dept1_head"}  # the sponsor and whoever holds the open step
    assert not _reminders(arrived).exists()  # already at the office
    assert fresh(waiting).cutoff_reminded_on == REMIND_ON


def test_a_missed_day_is_caught_up_until_the_cutoff_and_a_reschedule_reminds_again(org):
    with at(TODAY):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
    with at(CUTOFF + dt.timedelta(days=1)):
        assert actions.cutoff_reminders() == 0  # past the cut-off: too late to remind
    with at(CUTOFF):
        assert actions.cutoff_reminders() == 1
        actions.meeting_reschedule(
            target.pk,
            actor=org.office_clerk,
            date=dt.date(2026, 10, 26),
            start_time=dt.time(9),
            end_time=dt.time(11),
            reason="区长出访",
        )
        assert fresh(topic).cutoff_reminded_on is None
    # Oct 26's cut-off is Mon Oct 19; two working days before it, Thu Oct 15.
    with at(dt.date(2026, 10, 15)):
        assert actions.cutoff_reminders() == 1
    assert _reminders(topic).filter(user=org.dept1_clerk).count() == 2


# ------------------------------------------------------------------------------ 会议通知 (第二十二条)


def test_notify_sends_one_notice_per_attendee_exactly_once(org):
    with at(TODAY):
        target = meeting(org, MEETING_DAY, invited=["区人大常委会副主任 顾建国"])
        # vice1 also sits for a topic's unit: two seats, one notice.
        Attendee.objects.create(meeting=target, role=AttendeeRole.TOPIC_UNIT, user=org.vice1, name="副区长（议题）")
        with pytest.raises(engine.Forbidden):
            actions.meeting_notify(target.pk, actor=org.dept1_clerk)
        assert not Notification.objects.filter(kind=NotificationKind.MEETING).exists()
        actions.meeting_notify(target.pk, actor=org.office_clerk)
        with pytest.raises(engine.Conflict):
            actions.meeting_notify(target.pk, actor=org.office_clerk)
    notices = Notification.objects.filter(kind=NotificationKind.MEETING)
    users = list(notices.values_list("user_id", flat=True))
    seated = set(target.attendees.filter(user__isnull=False).values_list("user_id", flat=True))
    assert len(users) == len(set(users)) == len(seated)
    assert set(users) == seated and org.vice1.pk in users
    assert all(n.url == f"/meetings/{target.pk}/" and n.title.endswith(target.title) for n in notices)


# ------------------------------------------------------------------------------ API


@at(TODAY)
def test_api_district_meetings_follow_the_engine_contract(org, api_client_for):
    clerk = api_client_for(org.dept1_clerk)
    body = {
        "title": "全区安全生产工作会议",
        "date": "2026-10-20",
        "start_time": "09:00",
        "end_time": "10:30",
        "place": "行政中心大会堂",
        "scale": 200,
        "convener": org.posts.vice1.pk,
        "basis": "approval",
        "summons_town_principals": True,
    }
    refused = clerk.post("/api/v1/meetings/district-meetings/", body, format="json")
    assert refused.status_code == 400 and "第二十一条" in refused.json()["summons_reason"][0]
    too_big = clerk.post("/api/v1/meetings/district-meetings/", {**body, "scale": 5001}, format="json")
    assert too_big.status_code == 400 and "scale" in too_big.json()
    town = api_client_for(org.town1_clerk).post(
        "/api/v1/meetings/district-meetings/", {**body, "summons_reason": "防汛"}, format="json"
    )
    assert town.status_code == 403
    created = clerk.post("/api/v1/meetings/district-meetings/", {**body, "summons_reason": "部署防汛"}, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["state"] == "vice_review" and data["summons_warning"] is True and data["mode"] == "video"
    pk = data["id"]
    vice = api_client_for(org.vice1)
    detail = vice.get(f"/api/v1/meetings/district-meetings/{pk}/").json()
    assert set(detail["available_transitions"]) == {"approve", "return", "reject"}
    assert [t["post"] for t in detail["tasks"]] == ["副区长"] and detail["history"]
    url = f"/api/v1/meetings/district-meetings/{pk}/transitions/approve/"
    assert api_client_for(org.vice2).post(url, {}, format="json").status_code == 404  # not theirs to see
    assert vice.post(url, {"comment": "同意"}, format="json").json()["state"] == "head_approval"
    stale = api_client_for(org.head).post(url, {"comment": "同意", "state": "vice_review"}, format="json")
    assert stale.status_code == 409
    done = api_client_for(org.head).post(url, {"comment": "同意", "state": "head_approval"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "approved"


@at(TODAY)
def test_api_meeting_create_checks_the_documented_body(org, api_client_for):
    office = api_client_for(org.office_clerk)
    body = {
        "kind": "executive",
        "title": "区政府第21次常务会议",
        "date": "2026-10-12",
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "行政中心1号会议室",
        "mode": "hybrid",
        "invited": ["区政协副主席 沈丽华"],
    }
    assert office.post("/api/v1/meetings/meetings/", {**body, "mode": "tv"}, format="json").status_code == 400
    many = office.post("/api/v1/meetings/meetings/", {**body, "invited": ["x"] * 31}, format="json")
    assert many.status_code == 400 and "invited" in many.json()
    late = office.post("/api/v1/meetings/meetings/", {**body, "date": "2026-09-20"}, format="json")
    assert late.status_code == 400 and "date" in late.json()
    assert api_client_for(org.dept1_clerk).post("/api/v1/meetings/meetings/", body, format="json").status_code == 403
    created = office.post("/api/v1/meetings/meetings/", body, format="json")
    assert created.status_code == 201 and created.json()["cutoff"] == "2026-09-29"
    schema = office.get("/api/schema/", {"format": "json"}).json()
    request = schema["paths"]["/api/v1/meetings/meetings/"]["post"]["requestBody"]["content"]["application/json"]
    assert request["schema"]["$ref"].endswith("/MeetingCreateRequest")


@at(TODAY)
def test_api_district_meeting_list_costs_the_same_however_long(org, api_client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    head = api_client_for(org.head)

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert head.get("/api/v1/meetings/district-meetings/").status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        district(org, title=f"会议{n}")
    three = cost()
    for n in range(27):
        district(org, title=f"会议{n + 3}")
    assert cost() == three


# ------------------------------------------------------------------------------ pages


def test_the_sponsor_amends_a_returned_topic_on_its_page(org, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with at(TODAY):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
        url = f"/meetings/topics/{topic.pk}/edit/"
        assert client_for(org.dept1_clerk).get(url).status_code == 409  # at the unit head: not theirs to edit
        fire(topic, "return", org.dept1_head, "请补充材料。")
        assert client_for(org.dept2_clerk).get(url).status_code == 404
        clerk = client_for(org.dept1_clerk)
        page = clerk.get(topic.get_absolute_url()).content.decode()
        assert url in page  # the item page offers the amendment
        form = {**_amend(target), "meeting": target.pk, "files": pdf_upload("补充材料.pdf")}
        bad = clerk.post(url, {**form, "files": upload("x.pdf", b"not a pdf at all")})
        assert bad.status_code == 200 and "文件类型不受支持" in bad.content.decode()
        done = clerk.post(url, form)
        assert done.status_code == 302
        topic = fresh(topic)
        assert topic.state == TopicState.UNIT_CONFIRM and topic.units_consulted == "区财政局"
        assert list(topic.attachments.values_list("original_name", flat=True)) == ["补充材料.pdf"]


def test_the_district_meeting_page_refuses_a_town_and_keeps_the_form(org, client_for):
    with at(TODAY):
        town = client_for(org.town1_clerk).post(
            "/meetings/district-meetings/new/",
            {
                "title": "全区会议",
                "date": "2026-10-20",
                "start_time": "09:00",
                "end_time": "10:00",
                "place": "x",
                "mode": "video",
                "scale": "10",
                "convener": org.posts.head.pk,
                "basis": "approval",
            },
        )
        assert town.status_code == 200 and "由区政府办公室或承办部门提出申请" in town.content.decode()
        assert not DistrictMeeting.objects.exists()
        long_reason = client_for(org.dept1_clerk).post(
            "/meetings/district-meetings/new/", {"title": "x" * 201, "scale": "0", "summons_reason": "y" * 301}
        )
        body = long_reason.content.decode()
        assert long_reason.status_code == 200 and "200" in body and "300" in body


DECISION_BODY = {
    "title": "全区安全生产工作会议",
    "date": "2026-10-20",
    "start_time": "09:00",
    "end_time": "10:30",
    "place": "行政中心大会堂",
    "mode": "video",
    "scale": 200,
    "basis": "decision",
}


def test_the_district_meeting_page_offers_signed_decisions_and_both_pages_show_the_link(org, client_for):
    with at(TODAY):
        decision = signed_decision(org)
        unsigned = submit(org, draft(org, held(org, MeetingKind.HEAD_OFFICE)))
        number = decision.minutes.number
        clerk = client_for(org.dept1_clerk)  # a department, not on the minutes' chain, cites them
        form = clerk.get("/meetings/district-meetings/new/").content.decode()
        assert f'value="{decision.pk}"' in form and f"{number}第1项：" in form
        stale = MinutesDecision.objects.get(minutes=unsigned)
        assert f'value="{stale.pk}"' not in form  # unsigned minutes are not offered
        body = {**DECISION_BODY, "convener": org.posts.vice1.pk}
        refused = clerk.post("/meetings/district-meetings/new/", {**body, "decision": stale.pk})
        assert refused.status_code == 200 and "所选议定事项不存在或其纪要尚未签发" in refused.content.decode()
        missing = clerk.post("/meetings/district-meetings/new/", body)
        assert (
            missing.status_code == 200
            and "请选择区政府常务会议或区长办公会议纪要的议定事项" in missing.content.decode()
        )
        assert not DistrictMeeting.objects.exists()
        done = clerk.post("/meetings/district-meetings/new/", {**body, "decision": decision.pk})
        assert done.status_code == 302
        item = DistrictMeeting.objects.get()
        page = client_for(org.director).get(item.get_absolute_url()).content.decode()
        assert f'href="/items/{decision.minutes_id}/"' in page and number in page and decision.text in page
        minutes_page = client_for(org.director).get(f"/items/{decision.minutes_id}/").content.decode()
        assert f"decision-1-district-{item.pk}" in minutes_page and f'href="/items/{item.pk}/"' in minutes_page


def test_api_district_meeting_on_a_decision_takes_a_signed_decisions_id(org, api_client_for):
    with at(TODAY):
        decision = signed_decision(org)
        unsigned = MinutesDecision.objects.get(minutes=submit(org, draft(org, held(org, MeetingKind.HEAD_OFFICE))))
        office = api_client_for(org.dept1_clerk)
        url = "/api/v1/meetings/district-meetings/"
        body = {**DECISION_BODY, "convener": org.posts.vice1.pk}
        for bad, message in ((999_999, "不存在"), (unsigned.pk, "尚未签发"), (None, "请选择"), ("x", "编号")):
            refused = office.post(url, {**body, "decision": bad}, format="json")
            assert refused.status_code == 400 and message in refused.json()["decision"][0], refused.json()
        assert not DistrictMeeting.objects.exists()
        created = office.post(url, {**body, "decision": decision.pk}, format="json")
        assert created.status_code == 201, created.json()
        data = created.json()
        assert data["state"] == "office_check" and data["decision"] == decision.pk
        assert data["decision_minutes"] == decision.minutes_id
        assert data["decision_minutes_number"] == decision.minutes.number and data["decision_text"] == decision.text
        plain = office.post(url, {**body, "basis": "approval"}, format="json").json()
        assert plain["decision"] is None and plain["decision_minutes_number"] is None
