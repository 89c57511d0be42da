"""议题 (第十四、十六条, 第二十八条): the chain, each wrong actor, the cut-off across the National Day holiday with
its 调休 Saturday, the head's exception, the legality review of a 规范性文件, rescheduling."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from haimen_gov.workflow import actions as engine
from meetings import actions
from meetings.models import AttendeeRole, MeetingKind, TopicState

from .helpers import fire, fresh, meeting, open_posts, propose, to_office

pytestmark = pytest.mark.django_db

# 2026: 国庆 Oct 1–7 off, Sat Oct 10 a working day (调休). For a 常务会议 on Mon Oct 12 the fifth working day before is
# Tue Sep 29 (Oct 10, 9, 8, Sep 30, 29): a topic reaching the office on Sep 29 is in time, on Sep 30 it is late.
MEETING_DAY = dt.date(2026, 10, 12)
CUTOFF = dt.date(2026, 9, 29)


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10)), tick=False)


def schedule(topic, actor, target, comment="同意上会。"):  # type: ignore[no-untyped-def]
    return fire(topic, "schedule", actor, comment, data={"meeting": target.pk})


def test_cutoff_counts_working_days_across_the_holiday_and_the_makeup_saturday(org):
    from meetings.composition import cutoff

    assert cutoff(MeetingKind.EXECUTIVE, MEETING_DAY) == CUTOFF
    # Fri Oct 9: Oct 8, Sep 30, 29, 28 and Sun Sep 27? no — Sep 27 is a Sunday off; Sep 25 (Fri) is off for 中秋.
    assert cutoff(MeetingKind.EXECUTIVE, dt.date(2026, 10, 9)) == dt.date(2026, 9, 24)
    assert cutoff(MeetingKind.HEAD_OFFICE, MEETING_DAY) is None


def test_unit_topic_chain_to_the_agenda(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
        assert topic.state == TopicState.UNIT_CONFIRM and not topic.by_leader
        assert open_posts(topic) == [org.posts.dept1_head]
        with pytest.raises(engine.Forbidden):
            fire(topic, "approve", org.dept2_head)
        fire(topic, "approve", org.dept1_head, "同意申报。")
        assert open_posts(fresh(topic)) == [org.posts.vice1]
        with pytest.raises(engine.Forbidden):
            fire(topic, "approve", org.vice2, "x")
        # 第十四条: the vice head's pre-study opinion is required.
        with pytest.raises(engine.CommentRequired):
            fire(topic, "approve", org.vice1)
        fire(topic, "approve", org.vice1, "已专题研究，同意提交常务会议。")
        topic = fresh(topic)
        assert topic.state == TopicState.OFFICE_CHECK and topic.reached_office_on == dt.date(2026, 9, 21)
        assert set(open_posts(topic)) == {org.posts.director, org.posts.deputy1}
        with pytest.raises(engine.Forbidden):
            fire(topic, "approve", org.deputy2)
        fire(topic, "approve", org.deputy1, "材料齐全。")
        assert open_posts(fresh(topic)) == [org.posts.head]
        with pytest.raises(engine.Forbidden):
            schedule(fresh(topic), org.exec_vice, target)
        with pytest.raises(engine.CommentRequired):
            schedule(fresh(topic), org.head, target, comment="")
        schedule(fresh(topic), org.head, target)
    topic = fresh(topic)
    assert topic.state == TopicState.SCHEDULED and topic.meeting == target
    # 第十六条: the topic unit's head sits in.
    assert target.attendees.filter(post=org.posts.dept1_head, role=AttendeeRole.TOPIC_UNIT).exists()


def test_the_head_defers_or_refuses_with_a_comment(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        one, two = propose(org, target), propose(org, target, title="关于学校布局调整的议题")
        for topic in (one, two):
            to_office(org, topic)
            fire(topic, "approve", org.director)
        with pytest.raises(engine.CommentRequired):
            fire(one, "defer", org.head)
        assert fire(one, "defer", org.head, "待调研后再议。").state == TopicState.DEFERRED
        assert fire(two, "reject", org.head, "不符合规划。").state == TopicState.REJECTED


def test_a_vice_head_proposes_and_the_chain_starts_at_the_office(org):
    with at(dt.date(2026, 9, 21)):
        topic = propose(org, meeting(org, MEETING_DAY), actor=org.vice2, unit_opinion="本人已专题研究，建议同意。")
    assert topic.by_leader and topic.state == TopicState.OFFICE_CHECK
    assert topic.unit == org.units.gov


def test_only_a_clerk_or_a_vice_head_proposes(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        for who in (org.dept1_head, org.outsider, org.director):
            with pytest.raises(engine.Forbidden):
                propose(org, target, actor=who)


@pytest.mark.parametrize(("arrival", "in_time"), [(CUTOFF, True), (CUTOFF + dt.timedelta(days=1), False)])
def test_cutoff_on_both_sides_of_the_boundary(org, arrival, in_time):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
        fire(topic, "approve", org.dept1_head)
    with at(arrival):
        fire(topic, "approve", org.vice1, "同意。")
        fire(topic, "approve", org.director)
        if in_time:
            assert schedule(fresh(topic), org.head, target).state == TopicState.SCHEDULED
        else:
            with pytest.raises(ValidationError, match="2026年09月29日前送达"):
                schedule(fresh(topic), org.head, target)
            assert fresh(topic).state == TopicState.HEAD_DECISION


def test_the_heads_exception_to_a_late_topic_is_recorded(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
    with at(dt.date(2026, 9, 30)):
        to_office(org, topic)
        # 第十六条: the office asks the head for the exception, with a reason.
        with pytest.raises(engine.CommentRequired):
            fire(topic, "ask_exception", org.deputy1)
        with pytest.raises(engine.Forbidden):
            fire(topic, "ask_exception", org.dept2_head, "x")
        fire(topic, "ask_exception", org.deputy1, "涉及省级考核节点，须本次会议研究。")
        assert open_posts(fresh(topic)) == [org.posts.head]
        form = {"reason": "时间紧迫，同意特批。"}
        with pytest.raises(engine.Forbidden):
            fire(topic, "grant", org.exec_vice, data=form)
        fire(topic, "grant", org.head, data=form)
        topic = fresh(topic)
        assert topic.exception_granted and topic.exception_reason == "时间紧迫，同意特批。"
        assert topic.state == TopicState.OFFICE_CHECK and topic.reached_office_on == dt.date(2026, 9, 30)
        fire(topic, "approve", org.director)
        assert schedule(fresh(topic), org.head, target).state == TopicState.SCHEDULED


def test_a_denied_exception_keeps_the_topic_off_that_meeting(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        later = meeting(org, dt.date(2026, 11, 9))
        topic = propose(org, target)
    with at(dt.date(2026, 9, 30)):
        to_office(org, topic)
        fire(topic, "ask_exception", org.deputy1, "请特批。")
        with pytest.raises(engine.CommentRequired):
            fire(topic, "deny", org.head)
        fire(topic, "deny", org.head, "下次会议研究。")
        fire(topic, "approve", org.director)
        with pytest.raises(ValidationError):
            schedule(fresh(topic), org.head, target)
        # The head may still put it on a later meeting whose cut-off it meets.
        assert schedule(fresh(topic), org.head, later).meeting == later


def _normative_to_justice(org, target):  # type: ignore[no-untyped-def]
    """A 规范性文件 topic proposed before the documents app recorded legality reviews (no document named): the
    justice bureau records its review on the topic itself — the fallback kept for such topics only."""
    from meetings.models import Topic

    topic = propose(org, target, title="关于《海门区城市管理办法》的议题", submit=False)
    Topic.objects.filter(pk=topic.pk).update(is_normative=True)
    fire(fresh(topic), "submit", org.dept1_clerk)
    to_office(org, topic)
    topic = fresh(topic)
    assert topic.state == TopicState.LEGALITY and open_posts(topic) == [org.posts.justice]
    return topic


@pytest.mark.parametrize(("result", "allowed"), [("pass", True), ("fail", False)])
def test_a_legacy_normative_topic_needs_its_own_passing_review_for_the_executive_meeting(org, result, allowed):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = _normative_to_justice(org, target)
        form = {"result": result, "note": "审查意见见附件。"}
        with pytest.raises(engine.Forbidden):
            fire(topic, "review", org.finance, data=form)
        fire(topic, "review", org.justice, data=form)
        topic = fresh(topic)
        assert topic.legality_result == result and topic.state == TopicState.OFFICE_CHECK
        fire(topic, "approve", org.director)
        if allowed:
            assert schedule(fresh(topic), org.head, target).state == TopicState.SCHEDULED
        else:
            with pytest.raises(ValidationError, match="第二十八条"):
                schedule(fresh(topic), org.head, target)
            # A 区长办公会议 has no such bar.
            office_meeting = meeting(org, dt.date(2026, 10, 13), MeetingKind.HEAD_OFFICE)
            assert schedule(fresh(topic), org.head, office_meeting).meeting == office_meeting


def _normative_document(org, unit=None, category="normative"):  # type: ignore[no-untyped-def]
    from tests.documents.helpers import draft

    drafter = org.dept1_clerk if unit is None else org.dept2_clerk
    return draft(drafter, category, submit=False, title="海门区城市管理办法（草案）")


@pytest.mark.parametrize(("review", "allowed"), [("passed", True), ("failed", False), ("", False)])
def test_a_normative_topic_is_scheduled_on_the_documents_legality_review(org, review, allowed):
    """第二十八条: the justice bureau's review recorded in the documents app (documents.selectors.
    legality_review_passed) decides; the topic skips its own review step."""
    from documents.models import OutgoingDocument

    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        document = _normative_document(org)
        OutgoingDocument.objects.filter(pk=document.pk).update(legality_result=review)
        topic = propose(org, target, is_normative=True, document=document, title="关于《海门区城市管理办法》的议题")
        to_office(org, topic)
        topic = fresh(topic)
        assert topic.state == TopicState.OFFICE_CHECK and topic.document_id == document.pk
        fire(topic, "approve", org.director)
        if allowed:
            assert schedule(fresh(topic), org.head, target).state == TopicState.SCHEDULED
        else:
            with pytest.raises(ValidationError, match="第二十八条"):
                schedule(fresh(topic), org.head, target)
            # The review passes later in the documents app: the head may then schedule it.
            OutgoingDocument.objects.filter(pk=document.pk).update(legality_result="passed")
            assert schedule(fresh(topic), org.head, target).state == TopicState.SCHEDULED


def test_a_normative_topic_names_its_own_units_normative_document(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        with pytest.raises(ValidationError, match="规范性文件议题须关联"):
            propose(org, target, is_normative=True)
        other_unit = _normative_document(org, unit=org.units.dept2)
        with pytest.raises(ValidationError, match="只能关联本单位"):
            propose(org, target, is_normative=True, document=other_unit)
        notice = _normative_document(org, category="gov_name")
        with pytest.raises(ValidationError, match="只能关联本单位"):
            propose(org, target, is_normative=True, document=notice)
        with pytest.raises(ValidationError, match="只有规范性文件议题"):
            propose(org, target, document=_normative_document(org))


def test_head_office_meeting_seats_the_vice_head_in_charge_of_the_topic(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, dt.date(2026, 10, 13), MeetingKind.HEAD_OFFICE)
        topic = propose(org, target)
        to_office(org, topic)
        fire(topic, "approve", org.director)
        schedule(fresh(topic), org.head, target)
    assert target.attendees.filter(post=org.posts.vice1, role=AttendeeRole.MEMBER).exists()


def test_returned_topic_reaches_the_office_anew(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
        to_office(org, topic)
        fire(topic, "return", org.director, "请补充资金测算。")
        assert fresh(topic).reached_office_on is None
        fire(topic, "submit", org.dept1_clerk)
    with at(dt.date(2026, 9, 30)):
        to_office(org, topic)
        assert fresh(topic).reached_office_on == dt.date(2026, 9, 30)


def test_rescheduling_rechecks_every_agenda_topic(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
        fire(topic, "approve", org.dept1_head)
    with at(CUTOFF):
        fire(topic, "approve", org.vice1, "同意。")
        fire(topic, "approve", org.director)
        schedule(fresh(topic), org.head, target)
        # Moved to Fri Oct 9 the cut-off becomes Sep 24: the topic (Sep 29) would be late.
        with pytest.raises(ValidationError, match="关于海门港新区综合交通规划的议题"):
            actions.meeting_reschedule(
                target.pk,
                actor=org.director,
                date=dt.date(2026, 10, 9),
                start_time=dt.time(9),
                end_time=dt.time(11),
                reason="区长出差",
            )
        with pytest.raises(ValidationError):
            actions.meeting_reschedule(
                target.pk,
                actor=org.director,
                date=dt.date(2026, 10, 13),
                start_time=dt.time(9),
                end_time=dt.time(11),
                reason="",
            )
        moved = actions.meeting_reschedule(
            target.pk,
            actor=org.director,
            date=dt.date(2026, 10, 13),
            start_time=dt.time(14),
            end_time=dt.time(16),
            reason="与市级会议冲突",
        )
    assert moved.date == dt.date(2026, 10, 13)
    assert moved.log.filter(verb="reschedule").get().comment.endswith("与市级会议冲突")


def test_a_meeting_with_scheduled_topics_is_moved_not_cancelled(org):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
        to_office(org, topic)
        fire(topic, "approve", org.director)
        schedule(fresh(topic), org.head, target)
        with pytest.raises(ValidationError, match="改期"):
            actions.meeting_cancel(target.pk, actor=org.director, reason="另行安排")
        assert fresh(target).state == "preparing"


def test_the_topic_page_shows_its_cutoff_and_lateness(org, client_for):
    with at(dt.date(2026, 9, 21)):
        target = meeting(org, MEETING_DAY)
        topic = propose(org, target)
        page = client_for(org.dept1_clerk).get(f"/items/{topic.pk}/").content.decode()
        assert "2026年9月29日前送达区政府办公室" in page and "已逾截止日" not in page
    with at(dt.date(2026, 9, 30)):
        to_office(org, topic)
        page = client_for(org.director).get(f"/items/{topic.pk}/").content.decode()
        assert "已逾截止日，上会须区长特批" in page and "报区长特批逾期上会" in page


def test_a_bureau_clerks_topic_is_confirmed_by_the_bureau_head(org):
    from haimen_gov.org.models import PostKind
    from tests.factories import PostFactory, UserFactory

    clerk = UserFactory(username="justice_clerk")
    PostFactory(kind=PostKind.UNIT_CLERK, unit=org.units.justice, title="区司法局文书", holder=clerk)
    with at(dt.date(2026, 9, 21)):
        topic = propose(org, meeting(org, MEETING_DAY), actor=clerk)
    assert open_posts(topic) == [org.posts.justice]
