"""Who acts for which post, and when (SPEC §1; 第六条, 第三十条, 第四十四条)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from haimen_gov.org.models import Delegation, Portfolio, PortfolioRole, PostKind
from haimen_gov.org.routing import (
    acting_post_ids,
    capacity,
    in_charge,
    post_of_kind,
    posts_acted_for,
    units_of,
    who_acts_for,
)
from tests.factories import DelegationFactory, PostFactory

pytestmark = pytest.mark.django_db

MAY_1 = dt.date(2026, 5, 1)
MAY_10 = dt.date(2026, 5, 10)


@pytest.fixture
def head_away(org):
    """The head is away 1–10 May 2026 and delegates presiding to the executive vice head."""
    return DelegationFactory(post=org.posts.head, delegate=org.exec_vice, start=MAY_1, end=MAY_10, reason="出差")


def test_without_delegation_the_holder_acts(org):
    assert who_acts_for(org.posts.head, MAY_1) == org.head
    assert [a.post for a in posts_acted_for(org.exec_vice, MAY_1)] == [org.posts.exec_vice]
    assert set(acting_post_ids(org.exec_vice, MAY_1)) == {org.posts.exec_vice.pk}
    assert capacity(org.exec_vice, org.posts.head, MAY_1) is None


@pytest.mark.parametrize("day", [MAY_1, dt.date(2026, 5, 5), MAY_10], ids=["first", "middle", "last"])
def test_during_delegation_the_delegate_acts_for_the_head(org, head_away, day):
    assert who_acts_for(org.posts.head, day) == org.exec_vice

    acting = posts_acted_for(org.exec_vice, day)
    assert [(a.post, a.delegation) for a in acting] == [(org.posts.exec_vice, None), (org.posts.head, head_away)]
    assert [a.label for a in acting] == ["常务副区长", "受区长委托"]

    assert set(acting_post_ids(org.exec_vice, day)) == {org.posts.exec_vice.pk, org.posts.head.pk}

    acting_as_head = capacity(org.exec_vice, org.posts.head, day)
    assert acting_as_head is not None
    assert acting_as_head.by_delegation
    assert acting_as_head.delegation == head_away
    assert acting_as_head.label == "受区长委托"


def test_the_holder_keeps_authority_during_a_delegation(org, head_away):
    # A head on a trip may still sign from a phone: delegation adds an actor, it takes none away.
    held = capacity(org.head, org.posts.head, MAY_1)
    assert held is not None
    assert not held.by_delegation
    assert held.label == "区长"
    assert org.posts.head.pk in acting_post_ids(org.head, MAY_1)


@pytest.mark.parametrize("day", [dt.date(2026, 4, 30), dt.date(2026, 5, 11)], ids=["before-start", "after-end"])
def test_outside_the_dates_the_delegation_is_off(org, head_away, day):
    assert who_acts_for(org.posts.head, day) == org.head
    assert [a.post for a in posts_acted_for(org.exec_vice, day)] == [org.posts.exec_vice]
    assert org.posts.head.pk not in acting_post_ids(org.exec_vice, day)
    assert capacity(org.exec_vice, org.posts.head, day) is None


def test_the_default_day_is_today_in_shanghai(org, head_away):
    # 2026-05-10 23:30 in Shanghai is still 10 May there, although it is 15:30 UTC; an hour later it is 11 May.
    with time_machine.travel(dt.datetime(2026, 5, 10, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        assert who_acts_for(org.posts.head) == org.exec_vice
        assert capacity(org.exec_vice, org.posts.head) is not None
    with time_machine.travel(dt.datetime(2026, 5, 11, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        assert who_acts_for(org.posts.head) == org.head
        assert capacity(org.exec_vice, org.posts.head) is None
        assert posts_acted_for(org.exec_vice) == posts_acted_for(org.exec_vice, dt.date(2026, 5, 11))


def test_an_expired_delegation_no_longer_routes(org):
    today = timezone.localdate()
    DelegationFactory(
        post=org.posts.head,
        delegate=org.vice1,
        start=today - dt.timedelta(days=10),
        end=today - dt.timedelta(days=1),
    )
    assert who_acts_for(org.posts.head) == org.head
    assert posts_acted_for(org.vice1) == posts_acted_for(org.vice1, today)
    assert [a.post for a in posts_acted_for(org.vice1)] == [org.posts.vice1]
    assert acting_post_ids(org.vice1) == [org.posts.vice1.pk]


def test_a_revoked_delegation_no_longer_routes(org, head_away):
    head_away.revoked_at = timezone.now()
    head_away.save()

    assert who_acts_for(org.posts.head, MAY_1) == org.head
    assert capacity(org.exec_vice, org.posts.head, MAY_1) is None
    assert org.posts.head.pk not in acting_post_ids(org.exec_vice, MAY_1)
    assert [a.post for a in posts_acted_for(org.exec_vice, MAY_1)] == [org.posts.exec_vice]


def test_the_latest_delegation_wins_when_two_overlap(org, head_away):
    DelegationFactory(
        post=org.posts.head, delegate=org.vice1, start=dt.date(2026, 5, 5), end=MAY_10, reason="变更受托人"
    )
    assert who_acts_for(org.posts.head, dt.date(2026, 5, 4)) == org.exec_vice
    assert who_acts_for(org.posts.head, dt.date(2026, 5, 6)) == org.vice1


def test_anonymous_users_act_for_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert posts_acted_for(anonymous) == []  # type: ignore[arg-type]
    assert acting_post_ids(anonymous) == []  # type: ignore[arg-type]
    assert capacity(anonymous, org.posts.head) is None  # type: ignore[arg-type]


# 第三十条: 印鉴的保管不得委托他人代管.


def test_custodian_delegation_is_refused_on_save(org):
    with pytest.raises(ValidationError, match="第三十条"):
        Delegation.objects.create(
            post=org.posts.custodian, delegate=org.office_clerk, start=MAY_1, end=MAY_10, reason="休假"
        )
    assert not Delegation.objects.exists()


def test_custodian_delegation_is_refused_by_validation(org):
    delegation = Delegation(post=org.posts.custodian, delegate=org.office_clerk, start=MAY_1, end=MAY_10, reason="休假")
    with pytest.raises(ValidationError) as error:
        delegation.full_clean()
    assert "post" in error.value.message_dict


def test_custodian_delegation_is_refused_in_the_admin(org, client_for):
    org.director.is_staff = org.director.is_superuser = True
    org.director.save()
    response = client_for(org.director).post(
        "/admin/org/delegation/add/",
        {
            "post": org.posts.custodian.pk,
            "delegate": org.office_clerk.pk,
            "start": "2026-05-01",
            "end": "2026-05-10",
            "reason": "休假",
        },
    )
    assert response.status_code == 200  # the form comes back with the error instead of redirecting
    assert "印鉴保管不得委托他人代管" in response.content.decode()
    assert not Delegation.objects.exists()


def test_the_admin_accepts_a_valid_delegation_and_records_who_entered_it(org, client_for):
    org.director.is_staff = org.director.is_superuser = True
    org.director.save()
    response = client_for(org.director).post(
        "/admin/org/delegation/add/",
        {
            "post": org.posts.head.pk,
            "delegate": org.exec_vice.pk,
            "start": "2026-05-01",
            "end": "2026-05-10",
            "reason": "脱产学习",
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.post, delegation.delegate) == (org.posts.head, org.exec_vice)
    assert delegation.created_by == org.director


def test_a_custodian_delegation_that_slipped_into_the_table_is_ignored(org):
    # bulk_create skips save(): routing must not trust the table alone.
    Delegation.objects.bulk_create(
        [Delegation(post=org.posts.custodian, delegate=org.office_clerk, start=MAY_1, end=MAY_10, reason="休假")]
    )
    assert who_acts_for(org.posts.custodian, MAY_1) == org.custodian
    assert capacity(org.office_clerk, org.posts.custodian, MAY_1) is None
    assert org.posts.custodian.pk not in acting_post_ids(org.office_clerk, MAY_1)
    assert [a.post for a in posts_acted_for(org.office_clerk, MAY_1)] == [org.posts.office_clerk]


def test_delegation_validation_refuses_reversed_dates_and_self_delegation(org):
    reversed_dates = Delegation(post=org.posts.head, delegate=org.exec_vice, start=MAY_10, end=MAY_1, reason="出差")
    with pytest.raises(ValidationError) as error:
        reversed_dates.full_clean()
    assert "end" in error.value.message_dict

    to_self = Delegation(post=org.posts.head, delegate=org.head, start=MAY_1, end=MAY_10, reason="出差")
    with pytest.raises(ValidationError) as error:
        to_self.full_clean()
    assert "delegate" in error.value.message_dict


# Portfolios (分管) are data: a reshuffle re-routes at once.


def test_in_charge_follows_the_portfolios(org):
    assert in_charge(org.units.dept1, PortfolioRole.VICE_HEAD) == org.posts.vice1
    assert in_charge(org.units.dept1, PortfolioRole.OFFICE_DEPUTY) == org.posts.deputy1
    assert in_charge(org.units.dept2, PortfolioRole.VICE_HEAD) == org.posts.vice2
    assert in_charge(org.units.dept2, PortfolioRole.OFFICE_DEPUTY) == org.posts.deputy2
    assert in_charge(org.units.office, PortfolioRole.VICE_HEAD) is None


def test_a_portfolio_reshuffle_reroutes_at_once(org):
    portfolio = Portfolio.objects.get(unit=org.units.dept1, role=PortfolioRole.VICE_HEAD)
    assert in_charge(org.units.dept1, PortfolioRole.VICE_HEAD) == org.posts.vice1

    portfolio.post = org.posts.vice2
    portfolio.save()

    post = in_charge(org.units.dept1, PortfolioRole.VICE_HEAD)
    assert post == org.posts.vice2
    assert who_acts_for(post, MAY_1) == org.vice2


def test_a_new_holder_takes_over_the_post_at_once(org):
    successor = PostFactory(kind=PostKind.VICE_HEAD, unit=org.units.gov).holder
    org.posts.vice1.holder = successor
    org.posts.vice1.save()

    post = in_charge(org.units.dept1, PortfolioRole.VICE_HEAD)
    assert post is not None
    assert who_acts_for(post, MAY_1) == successor


def test_a_portfolio_must_be_held_by_the_right_kind_of_post(org):
    wrong = Portfolio(unit=org.units.dept2, role=PortfolioRole.VICE_HEAD, post=org.posts.deputy1)
    with pytest.raises(ValidationError) as error:
        wrong.clean()
    assert "post" in error.value.message_dict
    Portfolio(unit=org.units.dept2, role=PortfolioRole.VICE_HEAD, post=org.posts.exec_vice).clean()


def test_post_of_kind_and_units_of(org):
    assert post_of_kind(PostKind.DISTRICT_HEAD) == org.posts.head
    assert post_of_kind(PostKind.UNIT_HEAD, org.units.dept2) == org.posts.dept2_head
    assert post_of_kind(PostKind.JUSTICE_HEAD, org.units.dept1) is None
    assert units_of(org.dept1_clerk) == [org.units.dept1]
    assert units_of(org.outsider) == []
