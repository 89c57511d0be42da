"""Meetings (第十五—十八条, 第二十三条): composition and chair from the organisation, the office's actions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from meetings import actions
from meetings.models import AttendeeRole, MeetingKind, MeetingState

from .helpers import meeting

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 9, 21, 10, 0)


@time_machine.travel(TODAY, tick=False)
def test_executive_meeting_seats_and_chair_come_from_the_posts(org):
    m = meeting(org, dt.date(2026, 10, 12))
    seats = {(a.post_id, a.role) for a in m.attendees.all()}
    p = org.posts
    # 第十六条: head and vice heads are members; office deputies, discipline, justice and finance sit in.
    for member in (p.head, p.exec_vice, p.vice1, p.vice2):
        assert (member.pk, AttendeeRole.MEMBER) in seats
    for fixed in (p.deputy1, p.deputy2, p.discipline, p.justice, p.finance):
        assert (fixed.pk, AttendeeRole.FIXED) in seats
    assert p.director.pk not in {post for post, _role in seats}
    assert (m.chair, m.chair_label) == (org.head, "区长")
    assert m.state == MeetingState.PREPARING


@time_machine.travel(TODAY, tick=False)
def test_exec_vice_head_chairs_on_the_heads_delegation_only(org):
    Delegation.objects.create(
        post=org.posts.head,
        delegate=org.exec_vice,
        start=dt.date(2026, 10, 10),
        end=dt.date(2026, 10, 14),
        reason="出差",
    )
    m = meeting(org, dt.date(2026, 10, 12))
    assert (m.chair, m.chair_post, m.chair_label) == (org.exec_vice, org.posts.exec_vice, "受区长委托")
    # Outside the delegation the head chairs; the plenary is always the head's (第十五条).
    assert meeting(org, dt.date(2026, 10, 20)).chair == org.head
    assert meeting(org, dt.date(2026, 10, 12), MeetingKind.PLENARY).chair == org.head


@time_machine.travel(TODAY, tick=False)
def test_a_delegation_to_another_vice_head_does_not_carry_the_chair(org):
    Delegation.objects.create(
        post=org.posts.head, delegate=org.vice1, start=dt.date(2026, 10, 10), end=dt.date(2026, 10, 14), reason="学习"
    )
    assert meeting(org, dt.date(2026, 10, 12), MeetingKind.HEAD_OFFICE).chair == org.head


@time_machine.travel(TODAY, tick=False)
def test_head_office_and_topical_meetings(org):
    m = meeting(org, dt.date(2026, 10, 13), MeetingKind.HEAD_OFFICE, vice_posts=[org.posts.vice2])
    posts = set(m.attendees.values_list("post_id", flat=True))
    assert posts == {org.posts.head.pk, org.posts.exec_vice.pk, org.posts.vice2.pk, org.posts.director.pk}
    with pytest.raises(ValidationError):
        meeting(org, dt.date(2026, 10, 13), MeetingKind.TOPICAL, units=[org.units.dept1])  # no convener
    t = meeting(
        org,
        dt.date(2026, 10, 13),
        MeetingKind.TOPICAL,
        convener=org.posts.vice1,
        units=[org.units.dept1, org.units.town1],
    )
    assert t.chair == org.vice1
    assert set(t.attendees.values_list("post_id", flat=True)) == {
        org.posts.vice1.pk,
        org.posts.dept1_head.pk,
        org.posts.town1_head.pk,
    }


@time_machine.travel(TODAY, tick=False)
def test_only_the_office_runs_meetings(org):
    for outsider in (org.dept1_clerk, org.vice1, org.outsider):
        with pytest.raises(engine.Forbidden):
            actions.meeting_create(
                actor=outsider,
                kind=MeetingKind.EXECUTIVE,
                title="x",
                date=dt.date(2026, 10, 12),
                start_time=dt.time(9),
                end_time=dt.time(10),
                place="x",
                mode="onsite",
            )
    m = meeting(org, dt.date(2026, 10, 12))
    with pytest.raises(engine.Forbidden):
        actions.meeting_notify(m.pk, actor=org.dept1_head)


def test_states_notify_hold_archive_and_cancel(org):
    with time_machine.travel(TODAY, tick=False):
        m = meeting(org, dt.date(2026, 10, 12))
        actions.meeting_notify(m.pk, actor=org.deputy1)
        with pytest.raises(ValidationError):
            actions.meeting_hold(m.pk, actor=org.deputy1)  # not yet the day
        with pytest.raises(engine.Conflict):
            actions.meeting_archive(m.pk, actor=org.deputy1)
        other = meeting(org, dt.date(2026, 10, 14))
        with pytest.raises(ValidationError):
            actions.meeting_cancel(other.pk, actor=org.director, reason=" ")
        assert actions.meeting_cancel(other.pk, actor=org.director, reason="与市级会议冲突").state == "cancelled"
    with time_machine.travel(dt.datetime(2026, 10, 12, 12), tick=False):
        assert actions.meeting_hold(m.pk, actor=org.deputy1).state == MeetingState.HELD
        assert actions.meeting_archive(m.pk, actor=org.director).state == MeetingState.ARCHIVED
    assert [e.verb for e in m.log.all()] == ["create", "notify", "hold", "archive"]


@time_machine.travel(TODAY, tick=False)
def test_bad_times_are_refused(org):
    with pytest.raises(ValidationError):
        meeting(org, dt.date(2026, 9, 20))
    with pytest.raises(ValidationError):
        meeting(org, dt.date(2026, 10, 12), start_time=dt.time(11), end_time=dt.time(9))
    with pytest.raises(ValidationError):
        meeting(org, dt.date(2030, 1, 1))


@time_machine.travel(TODAY, tick=False)
def test_the_meeting_log_is_append_only(org):
    from django.db import DatabaseError, transaction

    m = meeting(org, dt.date(2026, 10, 12))
    entry = m.log.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        type(entry).objects.filter(pk=entry.pk).update(comment="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        type(entry).objects.filter(pk=entry.pk).delete()


def test_the_board_says_when_a_kind_is_due(org):
    from meetings.selectors import cadences

    with time_machine.travel(dt.datetime(2026, 8, 3, 10), tick=False):
        held = meeting(org, dt.date(2026, 8, 3), MeetingKind.HEAD_OFFICE)
        actions.meeting_notify(held.pk, actor=org.director)
        actions.meeting_hold(held.pk, actor=org.director)
    with time_machine.travel(TODAY, tick=False):
        by_kind = {c.kind: c for c in cadences(dt.date(2026, 9, 21))}
        head_office = by_kind[MeetingKind.HEAD_OFFICE]
        assert head_office.last_held == dt.date(2026, 8, 3) and head_office.due_by == dt.date(2026, 8, 17)
        assert head_office.behind
        meeting(org, dt.date(2026, 9, 24), MeetingKind.HEAD_OFFICE)
        head_office = {c.kind: c for c in cadences(dt.date(2026, 9, 21))}[MeetingKind.HEAD_OFFICE]
        assert head_office.next_planned == dt.date(2026, 9, 24) and not head_office.behind
        assert by_kind[MeetingKind.EXECUTIVE].last_held is None


@time_machine.travel(TODAY, tick=False)
def test_plenary_seats_every_member_of_the_government(org):
    m = meeting(org, dt.date(2026, 10, 15), MeetingKind.PLENARY)
    posts = set(m.attendees.values_list("post_id", flat=True))
    p = org.posts
    expected = {p.head, p.exec_vice, p.vice1, p.vice2, p.director, p.justice, p.finance, p.dept1_head, p.dept2_head}
    assert posts == {post.pk for post in expected}  # a town's head is no member (第十五条)


@time_machine.travel(TODAY, tick=False)
def test_rescheduling_into_the_heads_absence_hands_the_chair_to_the_exec_vice_head(org):
    m = meeting(org, dt.date(2026, 10, 12))
    Delegation.objects.create(
        post=org.posts.head,
        delegate=org.exec_vice,
        start=dt.date(2026, 10, 19),
        end=dt.date(2026, 10, 23),
        reason="出差",
    )
    moved = actions.meeting_reschedule(
        m.pk, actor=org.director, date=dt.date(2026, 10, 20), start_time=dt.time(9), end_time=dt.time(11), reason="调整"
    )
    assert (moved.chair, moved.chair_label) == (org.exec_vice, "受区长委托")


def test_frugality_figures_of_the_year(org):
    from meetings.selectors import frugality

    with time_machine.travel(dt.datetime(2026, 11, 30, 10), tick=False):
        for day, mode, end in (
            (dt.date(2026, 3, 2), "video", dt.time(10, 0)),
            (dt.date(2026, 6, 1), "onsite", dt.time(11, 0)),
        ):
            meeting(org, day, MeetingKind.EXECUTIVE, mode=mode, end_time=end, held=True)
        meeting(org, dt.date(2026, 12, 7), MeetingKind.EXECUTIVE)  # not held yet: not counted
        meeting(org, dt.date(2025, 12, 31), MeetingKind.EXECUTIVE, held=True)  # the year before's last day
        figures = {f.kind: f for f in frugality(2026)}
        last_year = {f.kind: f for f in frugality(2025)}
        # The figures are a statement prepared once per connection (issue 16): asked again, one EXECUTE.
        with CaptureQueriesContext(connection) as again:
            assert {f.kind: f for f in frugality(2026)} == figures
    executive = figures[MeetingKind.EXECUTIVE]
    assert (executive.held, executive.minutes, executive.average_minutes, executive.video_share) == (2, 180, 90, 50)
    assert executive.attendees == 2 * 9  # 4 members and 5 fixed attendees each
    assert figures[MeetingKind.TOPICAL].held == 0
    assert last_year[MeetingKind.EXECUTIVE].held == 1
    assert [q["sql"].split()[0] for q in again.captured_queries] == ["EXECUTE"]
