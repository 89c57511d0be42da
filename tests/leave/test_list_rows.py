"""The leave ledgers' rows (issue 16): worked out once per row from plain values and written by Jinja2, each column
as the model objects and Django's filters showed it — the link, the state's badge, the days away, an empty value —
and the same queries for one row as for a page of them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.defaultfilters import truncatechars
from django.urls import reverse

from haimen_gov.org.models import User
from haimen_gov.workflow.templatetags.workflow_tags import tone
from leave import actions
from leave.models import AbsenceKind, AbsenceState, Visit

from .conftest import approved, on, report
from .test_visits import file, plan

pytestmark = pytest.mark.django_db

# A Monday: the absences below leave from it, and one of them comes back in the next year.
MONDAY = dt.date(2026, 12, 28)


def item(obj: object) -> str:
    return reverse("workflow:item", args=[obj.pk])  # type: ignore[attr-defined]


def row_with(body: str, table_id: str, text: str) -> list[str]:
    """The cells (their inner HTML) of the one row of table ``table_id`` that contains ``text``."""
    table = body.split(f'id="{table_id}"')[1].split("</table>")[0]
    rows = [row for row in table.split("<tr>")[2:] if text in row]  # [1] is the header's
    assert len(rows) == 1, rows
    return re.findall(r"<td[^>]*>(.*?)</td>", rows[0], re.S)


def test_an_absence_row_shows_each_column(org, client_for):
    with on(MONDAY):
        away = approved(org.vice1, org, acting=org.vice2, start=MONDAY, end=MONDAY + dt.timedelta(days=5))
        late = report(
            org.dept1_head,
            start=MONDAY - dt.timedelta(days=2),
            end=MONDAY,
            destination="<b>上海</b>",
            category=AbsenceKind.LEAVE,
        )
        body = client_for(org.director).get("/leave/absences/", {"status": ""}).content.decode()
    assert away.state == AbsenceState.FILING and late.late

    leader, category, place, span, acting, state = row_with(body, "absence-ledger", "南京")
    assert leader == f'<a href="{item(away)}">李卫东</a> <span class="small text-muted">副区长</span>'
    assert category == "出差"  # no 补报 badge: reported ahead
    assert place == "江苏省南京市"
    assert span == "2026-12-28 至 01-02"  # into the next year: the year once, at the start
    assert acting == '周晓红 <span class="small text-muted">受副区长委托</span>'
    assert state == f'<span class="badge {tone(away.state)}">{away.stage_label}</span>'

    leader, category, place, span, acting, state = row_with(body, "absence-ledger", "上海")
    assert leader.startswith(f'<a href="{item(late)}">沈永刚</a>')
    assert category == '请假休假 <span class="badge text-bg-warning">补报</span>'
    assert place == "&lt;b&gt;上海&lt;/b&gt;"  # escaped as Django's engine did
    assert span == "2026-12-26 至 12-28"
    assert acting == "—"  # nobody acts for them
    assert state == f'<span class="badge tone-pending">{late.stage_label}</span>'


def test_an_absence_row_names_a_leader_without_a_full_name_by_username_and_shows_returned_in_amber(org, client_for):
    with on(MONDAY):
        absence = report(org.vice2, start=MONDAY + dt.timedelta(days=3), acting=org.vice1)
        actions.absence_return(absence.pk, actor=org.head, comment="请补充行程。")
        User.objects.filter(pk__in=[org.vice2.pk, org.vice1.pk]).update(full_name="")
        body = client_for(org.director).get("/leave/absences/", {"status": ""}).content.decode()
    leader, _category, _place, _span, acting, state = row_with(body, "absence-ledger", "南京")
    assert '">vice2</a>' in leader
    assert acting.startswith("vice1 ")
    assert state == '<span class="badge tone-returned">已退回</span>'


def test_the_absence_ledger_without_rows_says_so_and_its_table_alone_serves_htmx(org, client_for):
    with on(MONDAY):
        report(org.vice1, start=MONDAY + dt.timedelta(days=1))
        client = client_for(org.director)
        empty = client.get("/leave/absences/", {"q": "没有这个地方"}).content.decode()
        table = client.get("/leave/absences/", {"status": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "没有符合条件的外出报备" in empty
    assert table.startswith('<div class="card">') and "<html" not in table
    assert "江苏省南京市" in table


def test_a_visit_row_shows_each_column(org, client_for):
    in_plan = file(org, "vice1", entry=plan(org, "vice1"))
    long_purpose = "考察职业教育和先进制造业，开展招商推介，" * 4
    out = file(
        org,
        "dept1_head",
        reason="对方临时邀请",
        countries="日本<script>",
        purpose=long_purpose,
        start=in_plan.start + dt.timedelta(days=20),
        end=in_plan.start + dt.timedelta(days=24),
    )
    assert out.out_of_plan and not in_plan.out_of_plan
    body = client_for(org.director).get("/leave/visits/").content.decode()

    who, countries, purpose, span, planned, state = row_with(body, "visit-list", "德国")
    assert who == f'<a href="{item(in_plan)}">李卫东</a> <span class="small text-muted">副区长</span>'
    assert purpose == "招商引资、考察先进制造业"
    assert span == f"{in_plan.start:%Y-%m-%d} 至 {in_plan.end:%m-%d}"
    assert planned == '<span class="badge text-bg-light border">列入计划</span>'
    assert state == f'<span class="badge {tone(in_plan.state)}">{in_plan.stage_label}</span>'
    assert countries == "德国"

    who, countries, purpose, span, planned, state = row_with(body, "visit-list", "日本")
    assert who.startswith(f'<a href="{item(out)}">沈永刚</a>')
    assert countries == "日本&lt;script&gt;"
    assert purpose == truncatechars(long_purpose, 40) and len(purpose) < len(long_purpose)  # as |truncatechars:40
    assert planned == '<span class="badge text-bg-warning">计划外</span>'
    assert span == f"{out.start:%Y-%m-%d} 至 {out.end:%m-%d}"


def test_the_visits_list_without_rows_says_so(org, client_for):
    assert "没有符合条件的出访" in client_for(org.director).get("/leave/visits/").content.decode()


@pytest.mark.parametrize("path", ["/leave/absences/?status=", "/leave/visits/"])
def test_the_ledgers_run_the_same_queries_for_one_row_as_for_a_page(
    org, client_for, django_assert_max_num_queries, path
):
    leaders = iter(["vice1", "vice2", "exec_vice", "dept1_head", "dept2_head", "town1_head"])
    entry = plan(org, "vice1")
    visits: list[Visit] = []

    def add(n: int) -> None:
        for _ in range(n):
            leader = next(leaders)
            # With and without somebody acting; in and out of the plan.
            approved(org.users[leader], org, acting=org.secretary if len(visits) % 2 else None)
            if not visits:
                visits.append(file(org, "vice1", entry=entry))
            else:
                start = visits[0].start + dt.timedelta(days=10 * len(visits))
                visits.append(file(org, "dept1_head", reason="临时", start=start, end=start))

    client = client_for(org.director)
    add(1)
    with django_assert_max_num_queries(30) as one:
        assert client.get(path).status_code == 200
    add(5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(path)
    assert page.content.decode().count('<td class="card-title-cell') == 6
