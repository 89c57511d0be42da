"""Leave (第二十二条), press releases (第二十条) and a department's own system-wide meeting (第二十一条)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from haimen_gov.org.models import Delegation, Portfolio, PortfolioRole
from haimen_gov.workflow import actions as engine
from meetings import actions
from meetings.models import Attendance, DeptMeetingState, LeaveState, PressState

from .helpers import fire, fresh, meeting, open_posts

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 9, 21, 10, 0)


def seat(m, post):  # type: ignore[no-untyped-def]
    return m.attendees.get(post=post)


@time_machine.travel(TODAY, tick=False)
def test_leave_goes_to_the_head_and_a_grant_marks_the_seat(org):
    m = meeting(org, dt.date(2026, 10, 12))
    mine = seat(m, org.posts.vice1)
    with pytest.raises(engine.Forbidden):
        actions.leave_request_create(actor=org.vice2, attendee=mine, reason="出差")
    with pytest.raises(ValidationError):
        actions.leave_request_create(actor=org.vice1, attendee=mine, reason="出差", substitute="某某")
    leave = actions.leave_request_create(actor=org.vice1, attendee=mine, reason="赴省参加培训")
    assert leave.state == LeaveState.APPROVAL and open_posts(leave) == [org.posts.head]
    assert fresh(mine).status == Attendance.LEAVE_ASKED
    with pytest.raises(engine.Conflict):
        actions.leave_request_create(actor=org.vice1, attendee=fresh(mine), reason="再请一次")
    with pytest.raises(engine.Forbidden):
        fire(leave, "approve", org.exec_vice)
    fire(leave, "approve", org.head, "同意。")
    assert fresh(leave).state == LeaveState.APPROVED
    assert fresh(mine).status == Attendance.ON_LEAVE
    with pytest.raises(engine.Conflict):
        actions.attendee_confirm(mine.pk, actor=org.vice1)


@time_machine.travel(TODAY, tick=False)
def test_leave_goes_to_the_head_or_the_delegated_chair_either_deciding(org):
    Delegation.objects.create(
        post=org.posts.head,
        delegate=org.exec_vice,
        start=dt.date(2026, 10, 12),
        end=dt.date(2026, 10, 12),
        reason="出访",
    )
    m = meeting(org, dt.date(2026, 10, 12))
    finance = seat(m, org.posts.finance)
    # A unit may send a substitute (代会).
    leave = actions.leave_request_create(
        actor=org.finance, attendee=finance, reason="市财政局会议", substitute="副局长 张强"
    )
    assert set(open_posts(leave)) == {org.posts.head, org.posts.exec_vice}
    fire(leave, "approve", org.exec_vice)
    assert open_posts(fresh(leave)) == []
    finance = fresh(finance)
    assert (finance.status, finance.substitute) == (Attendance.ON_LEAVE, "副局长 张强")


@time_machine.travel(TODAY, tick=False)
def test_refused_leave_frees_the_seat_and_the_attendee_confirms(org):
    m = meeting(org, dt.date(2026, 10, 12))
    mine = seat(m, org.posts.justice)
    leave = actions.leave_request_create(actor=org.justice, attendee=mine, reason="个人事务")
    with pytest.raises(engine.CommentRequired):
        fire(leave, "reject", org.head)
    fire(leave, "reject", org.head, "本次会议有规范性文件议题，请参会。")
    assert fresh(mine).status == Attendance.PENDING
    with pytest.raises(engine.Forbidden):
        actions.attendee_confirm(mine.pk, actor=org.finance)
    assert actions.attendee_confirm(mine.pk, actor=org.justice).status == Attendance.CONFIRMED


@time_machine.travel(TODAY, tick=False)
def test_press_release_approved_by_the_director_or_the_deputy_in_charge(org):
    press = actions.press_release_create(actor=org.dept1_clerk, title="区政府召开常务会议", body="9月21日……")
    assert set(open_posts(press)) == {org.posts.director, org.posts.deputy1}
    with pytest.raises(engine.Forbidden):
        fire(press, "approve", org.deputy2)
    fire(press, "approve", org.deputy1, "同意发布。")
    assert fresh(press).state == PressState.APPROVED
    assert open_posts(fresh(press)) == []


@time_machine.travel(TODAY, tick=False)
def test_press_release_sent_on_to_a_vice_head(org):
    Portfolio.objects.create(unit=org.units.office, role=PortfolioRole.OFFICE_DEPUTY, post=org.posts.deputy2)
    press = actions.press_release_create(
        actor=org.office_clerk, title="区政府专题研究港区规划", body="……", leader=org.posts.vice1
    )
    assert set(open_posts(press)) == {org.posts.director, org.posts.deputy2}
    fire(press, "approve", org.director)
    assert fresh(press).state == PressState.LEADER_REVIEW and open_posts(fresh(press)) == [org.posts.vice1]
    with pytest.raises(engine.Forbidden):
        fire(press, "approve", org.vice2)
    fire(press, "approve", org.vice1)
    assert fresh(press).state == PressState.APPROVED
    with pytest.raises(ValidationError):
        actions.press_release_create(actor=org.office_clerk, title="x", body="x", leader=org.posts.justice)


@time_machine.travel(TODAY, tick=False)
def test_one_system_wide_meeting_a_year_per_department(org):
    first = actions.dept_meeting_create(
        actor=org.dept1_clerk,
        title="全区发改系统工作会议",
        date=dt.date(2026, 10, 20),
        place="区发改委会议室",
        scale=80,
    )
    assert first.state == DeptMeetingState.FILED and first.closed_at is not None
    with pytest.raises(ValidationError, match="2026年10月20日"):
        actions.dept_meeting_create(
            actor=org.dept1_head, title="第二次会议", date=dt.date(2026, 12, 1), place="x", scale=10
        )
    # Another department, and next year, are free.
    actions.dept_meeting_create(
        actor=org.dept2_clerk, title="教体系统会议", date=dt.date(2026, 11, 3), place="x", scale=50
    )
    actions.dept_meeting_create(
        actor=org.dept1_clerk, title="2027年会议", date=dt.date(2027, 3, 3), place="x", scale=50
    )
    with pytest.raises(engine.Forbidden):
        actions.dept_meeting_create(actor=org.town1_clerk, title="x", date=dt.date(2026, 12, 1), place="x", scale=5)


@time_machine.travel(TODAY, tick=False)
def test_inviting_town_leaders_or_a_district_leader_needs_vice_head_then_head(org):
    request = actions.dept_meeting_create(
        actor=org.dept1_clerk,
        title="全区发改系统工作会议",
        date=dt.date(2026, 10, 20),
        place="区发改委会议室",
        scale=120,
        invites_towns=True,
        leader_attending=org.posts.vice1,
    )
    assert request.state == DeptMeetingState.VICE_REVIEW and open_posts(request) == [org.posts.vice1]
    with pytest.raises(engine.Forbidden):
        fire(request, "approve", org.vice2)
    fire(request, "approve", org.vice1)
    assert open_posts(fresh(request)) == [org.posts.head]
    with pytest.raises(engine.Forbidden):
        fire(request, "approve", org.director)
    fire(request, "reject", org.head, "年内已安排全区性会议，请合并召开。")
    # A refused request frees the year's place.
    again = actions.dept_meeting_create(
        actor=org.dept1_clerk, title="全区发改系统工作会议", date=dt.date(2026, 11, 20), place="x", scale=60
    )
    assert again.state == DeptMeetingState.FILED


@time_machine.travel(TODAY, tick=False)
def test_a_delegate_does_not_ask_leave_for_the_person_they_stand_in_for(org):
    Delegation.objects.create(
        post=org.posts.vice1, delegate=org.vice2, start=dt.date(2026, 9, 21), end=dt.date(2026, 10, 30), reason="休假"
    )
    m = meeting(org, dt.date(2026, 10, 12))
    with pytest.raises(engine.Forbidden):
        actions.leave_request_create(actor=org.vice2, attendee=seat(m, org.posts.vice1), reason="代请假")
    with pytest.raises(engine.Forbidden):
        actions.attendee_confirm(seat(m, org.posts.vice1).pk, actor=org.vice2)
