"""第三十四条: a unit's invitation of a district leader (or a request for a congratulation, inscription, preface) is an
exception the head approves; a leader who holds a post in the unit is exempt — nothing is filed, the request is
refused as unnecessary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from haimen_gov.org.models import Post, PostKind
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import HistoryEntry
from leave import actions
from leave.models import ExceptionKind, ExceptionRequest, ExceptionState

from .conftest import days

pytestmark = pytest.mark.django_db


def invite(org, *, by=None, unit=None, leader=None, category=ExceptionKind.ANNIVERSARY, event_date=None, **extra):  # type: ignore[no-untyped-def]
    return actions.exception_create(
        actor=by or org.dept1_clerk,
        unit=unit or org.units.dept1,
        leader_post=leader or org.posts.vice1,
        category=category,
        event="区发改委成立四十周年纪念会",
        event_date=event_date if event_date is not None or category in (ExceptionKind.PREFACE,) else days(10),
        place="区行政中心",
        reason="市发改委主要领导出席，需区政府领导陪同。",
        **extra,
    )


def test_the_head_approves_the_exception_and_it_is_recorded(org):
    request = invite(org)
    assert request.state == ExceptionState.APPROVAL
    engine.item_fire(ExceptionRequest, request.pk, verb="approve", actor=org.head, comment="同意，作例外安排。")
    request.refresh_from_db()
    assert request.state == ExceptionState.APPROVED
    assert request.closed_at is not None
    entry = HistoryEntry.objects.get(item=request, verb="approve")
    assert (entry.actor, entry.verb_label) == (org.head, "同意作例外安排")


@pytest.mark.parametrize("who", ["vice1", "director", "dept1_head", "exec_vice"])
def test_nobody_but_the_head_approves(org, who):
    request = invite(org)
    with pytest.raises(engine.Forbidden):
        engine.item_fire(ExceptionRequest, request.pk, verb="approve", actor=org.users[who])


def test_the_head_may_refuse_with_a_reason(org):
    request = invite(org)
    with pytest.raises(engine.CommentRequired):
        engine.item_fire(ExceptionRequest, request.pk, verb="reject", actor=org.head)
    engine.item_fire(ExceptionRequest, request.pk, verb="reject", actor=org.head, comment="按第三十四条不出席。")
    request.refresh_from_db()
    assert request.state == ExceptionState.REJECTED


def test_a_leader_holding_a_post_in_the_unit_is_exempt(org):
    Post.objects.create(kind=PostKind.OTHER, unit=org.units.dept2, title="区教体局党委第一书记", holder=org.vice2)
    with pytest.raises(actions.Exempt, match="兼职"):
        invite(org, by=org.dept2_clerk, unit=org.units.dept2, leader=org.posts.vice2)
    assert not ExceptionRequest.objects.exists()
    # The same leader invited by another unit still needs the head's approval.
    assert invite(org, leader=org.posts.vice2).state == ExceptionState.APPROVAL


def test_the_leader_invited_can_see_it_and_the_unit_only_invites_for_itself(org, client_for):
    request = invite(org)
    assert client_for(org.vice1).get(f"/items/{request.pk}/").status_code == 200
    with pytest.raises(ValidationError) as caught:
        invite(org, unit=org.units.dept2)
    assert "unit" in caught.value.message_dict


@pytest.mark.parametrize(
    ("category", "event_date", "field"),
    [
        (ExceptionKind.FORUM, None, "event_date"),  # an event needs its date
        (ExceptionKind.FORUM, dt.date(2001, 1, 1), "event_date"),  # absurd date
    ],
)
def test_bad_input_is_refused(org, category, event_date, field):
    with pytest.raises(ValidationError) as caught:
        actions.exception_create(
            actor=org.dept1_clerk,
            unit=org.units.dept1,
            leader_post=org.posts.vice1,
            category=category,
            event="论坛",
            event_date=event_date,
            place="",
            reason="理由",
        )
    assert field in caught.value.message_dict


def test_an_inscription_needs_no_date_and_only_district_leaders_are_invited(org):
    assert invite(org, category=ExceptionKind.PREFACE).state == ExceptionState.APPROVAL
    with pytest.raises(ValidationError) as caught:
        invite(org, leader=org.posts.director)
    assert "leader_post" in caught.value.message_dict
