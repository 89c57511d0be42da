"""The office-only menus (督查看板, 督查立项, 督查考核统计, 领导去向) are hidden from units.

The navigation's one counting statement tells who is the office (its director, deputies and 督查人员, in person or
by delegation) and which unit is designated for supervision today (第三十九条); the 外出报备 menu reads the same
statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haimen_gov.context_processors import nav_counts
from supervision import actions
from tests.workflow.helpers import delegate

pytestmark = pytest.mark.django_db

OFFICE_ENTRIES = ("督查看板", "督查立项", "督查考核统计")


def nav_html(client) -> str:  # type: ignore[no-untyped-def]
    body = client.get("/done/").content.decode()
    return body.split('class="navbar-nav')[1].split("</ul>\n</div>")[0] if 'class="navbar-nav' in body else body


@pytest.mark.parametrize("who", ["director", "deputy1", "deputy2"])
def test_the_office_sees_its_entries(org, client_for, who):
    page = nav_html(client_for(getattr(org, who)))
    assert all(entry in page for entry in OFFICE_ENTRIES) and "领导去向" in page


def test_the_supervision_staff_see_them_and_other_office_clerks_do_not(org, client_for, staff):
    assert all(entry in nav_html(client_for(staff)) for entry in OFFICE_ENTRIES)
    staff.groups.clear()
    page = nav_html(client_for(staff))
    assert "本单位督办事项" in page and not any(entry in page for entry in OFFICE_ENTRIES)


@pytest.mark.parametrize("who", ["dept1_head", "dept1_clerk", "town1_head", "vice1", "justice", "custodian"])
def test_units_and_leaders_do_not_see_the_office_entries(org, client_for, who):
    page = nav_html(client_for(getattr(org, who)))
    assert "本单位督办事项" in page
    assert not any(entry in page for entry in OFFICE_ENTRIES), who
    assert "领导去向" not in page and "data-office-menu" not in page


def test_a_delegate_of_the_director_sees_them_while_the_delegation_runs(org, client_for):
    assert "督查看板" not in nav_html(client_for(org.dept1_head))
    delegation = delegate(org.posts.director, org.dept1_head)
    assert all(entry in nav_html(client_for(org.dept1_head)) for entry in OFFICE_ENTRIES)
    delegation.revoked_at = timezone.now()
    delegation.save()
    assert "督查看板" not in nav_html(client_for(org.dept1_head))


def test_a_designated_unit_sees_the_supervision_entries_only_while_designated(org, client_for):
    today = timezone.localdate()
    designation = actions.designation_create(
        actor=org.director,
        unit=org.units.justice,
        scope="行政执法",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
    )
    page = nav_html(client_for(org.justice))
    assert all(entry in page for entry in OFFICE_ENTRIES) and "领导去向" not in page
    assert nav_counts(org.justice)["designated"] and not nav_counts(org.justice)["office"]
    designation.ends_on = today - dt.timedelta(days=1)
    designation.save()
    assert "督查看板" not in nav_html(client_for(org.justice))


def test_the_flags(org, staff):
    assert nav_counts(org.director)["office"] and nav_counts(staff)["office"]
    assert not nav_counts(org.dept1_head)["office"] and not nav_counts(org.outsider)["office"]
    assert nav_counts(org.vice1)["gov_leader"] and nav_counts(org.vice1)["reporting"]
    assert not nav_counts(org.dept1_clerk)["reporting"] and not nav_counts(org.dept1_clerk)["gov_leader"]


@pytest.mark.parametrize("who", ["director", "vice1", "dept1_clerk", "justice", "outsider"])
def test_the_whole_navigation_is_one_query(org, who):
    """The menus (supervision's office entries, 外出报备) read the navigation's one statement: rendering the
    navigation for anyone costs one query, however many menus ask who the user is."""
    request = RequestFactory().get("/done/")
    request.user = getattr(org, who)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("_nav.html", request=request)
    assert len(queries) == 1, [q["sql"][:120] for q in queries]
    assert "本单位督办事项" in html or who == "outsider"


def test_pages_do_not_cost_more_queries(org, client_for, django_assert_max_num_queries):
    """The office flag and the 外出报备 menu used to be a query of their own on a page without the acting posts
    (the 已办 list, the home page): now they come with the navigation's statement. Each count here is one less than
    before the flag was folded in (4, 6, 4, 9, 6)."""
    pages = (
        ("director", "/done/", 3),
        ("vice1", "/", 5),
        ("dept1_clerk", "/copies/", 3),
        ("director", "/supervision/board/", 8),
        ("dept1_head", "/supervision/mine/", 5),
    )
    for who, page, most in pages:
        client = client_for(getattr(org, who))
        client.get(page)
        with django_assert_max_num_queries(most):
            assert client.get(page).status_code == 200
