"""The leave lists' rows (issue 16): worked out once per row from plain values and written by Jinja2, each column
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
from leave import actions, rows
from leave.models import AbsenceKind, AbsenceState, ExceptionKind, Visit

from .conftest import approved, days, on, report
from .test_visits import file, plan

pytestmark = pytest.mark.django_db

# A Monday: the absences below leave from it, and one of them comes back in the next year.
MONDAY = dt.date(2026, 12, 28)


def item(obj: object) -> str:
    return reverse("workflow:item", args=[obj.pk])  # type: ignore[attr-defined]


def row_with(body: str, table_id: str, text: str) -> list[str]:
    """The cells (their inner HTML) of the one row of table ``table_id`` that contains ``text``."""
    table = body.split(f'id="{table_id}"')[1].split("</table>")[0]
    found = [row for row in table.split("<tr")[2:] if text in row]  # [1] is the header's
    assert len(found) == 1, found
    return re.findall(r"<td[^>]*>(.*?)</td>", found[0], re.S)


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


# ------------------------------------------------------------------ my absences, the board, exceptions, research


@pytest.mark.parametrize(
    ("state", "badge"),
    [
        ("filed", "text-bg-success"),
        ("approved", "text-bg-success"),
        ("filing", "text-bg-info"),
        ("rejected", "text-bg-danger"),
        ("returned", "text-bg-warning"),
        ("withdrawn", "text-bg-secondary"),
        ("cancelled", "text-bg-secondary"),
        ("draft", "text-bg-secondary"),
        ("approval", "text-bg-primary"),
        ("city", "text-bg-primary"),
    ],
)
def test_the_state_badges_of_my_absences_the_board_and_the_exceptions(state, badge):
    assert rows.badge(state) == badge


def test_my_absences_rows_show_each_column(org, client_for):
    with on(MONDAY):
        mine = approved(org.vice1, org, acting=org.vice2, start=MONDAY, end=MONDAY + dt.timedelta(days=5))
        for_me = report(org.vice1, by=org.office_clerk, start=MONDAY + dt.timedelta(days=10), destination="<i>杭州</i>")
        report(org.vice2, destination="上海市", start=MONDAY + dt.timedelta(days=1))
        body = client_for(org.vice1).get("/leave/absences/mine/").content.decode()
    assert "上海市" not in body
    leader, category, place, span, acting, state = row_with(body, "absence-list", "南京")
    assert leader == f'<a href="{item(mine)}">李卫东</a> <span class="small text-muted">副区长</span>'
    assert (category, place, span, acting) == ("出差", "江苏省南京市", "12-28 至 01-02", "周晓红")
    assert state == f'<span class="badge text-bg-info">{mine.stage_label}</span>'  # 待报区委办备案
    leader, _category, place, span, acting, state = row_with(body, "absence-list", "杭州")
    assert leader.startswith(f'<a href="{item(for_me)}">李卫东</a>')  # filed for me by the office
    assert (place, span, acting) == ("&lt;i&gt;杭州&lt;/i&gt;", "01-07 至 01-09", "—")
    assert state == f'<span class="badge text-bg-primary">{for_me.stage_label}</span>'


def test_my_absences_without_rows_say_so(org, client_for):
    assert "暂无外出报备" in client_for(org.vice1).get("/leave/absences/mine/").content.decode()


def test_the_board_rows_show_each_column_and_the_warnings(org, client_for):
    wednesday = dt.date(2026, 12, 2)
    with on(wednesday):
        away = approved(org.vice1, org, acting=org.vice2, start=wednesday, end=wednesday + dt.timedelta(days=1))
        report(org.head, start=wednesday, destination="南京市")
        report(org.exec_vice, start=wednesday - dt.timedelta(days=1), end=wednesday, destination="苏州市")  # late
        later = report(org.dept1_head, start=wednesday + dt.timedelta(days=3), destination="上海市")
        body = client_for(org.director).get("/leave/board/").content.decode()
    leader, category, place, span, acting, state = row_with(body, "board-today", "江苏省南京市")
    assert leader == f'<a href="{item(away)}">李卫东</a> <span class="small text-muted">副区长</span>'
    assert (category, place) == ("出差", "江苏省南京市")
    assert span == '12月02日—12月03日 <span class="small text-muted">（12月03日返回）</span>'
    assert acting == '周晓红 <span class="badge text-bg-warning">受副区长委托</span>'
    assert state.startswith(f'<span class="badge text-bg-info">{away.stage_label}</span>')

    table = body.split('id="board-today"')[1].split("</table>")[0]
    warned = next(row for row in table.split("<tr")[2:] if "苏州市" in row)
    assert warned.startswith(' class="table-warning"')
    cells = re.findall(r"<td[^>]*>(.*?)</td>", warned, re.S)
    assert cells[1] == '出差 <span class="badge text-bg-warning">补报</span>'
    assert cells[4] == '<span class="text-muted">无人代行</span>'
    assert '<div class="small text-danger">⚠ 区长与常务副区长同时不在海门：12月02日（第六条）' in cells[5]

    _leader, _category, _place, span, acting, state = row_with(body, "board-week", "上海市")
    assert span == "12月05日—12月07日"  # not away today: no return date
    assert state.strip() == f'<span class="badge text-bg-primary">{later.stage_label}</span>'  # no warnings
    assert '<tr class="">' in body.split('id="board-week"')[1].split("</table>")[0]


def test_the_board_says_when_nobody_is_away(org, client_for):
    body = client_for(org.director).get("/leave/board/").content.decode()
    assert "今天领导均在海门" in body and "本周无其他外出安排" in body


def test_the_late_reports_rows_show_each_column(org, client_for):
    with on(MONDAY):
        late = report(org.vice1, start=MONDAY - dt.timedelta(days=3), end=MONDAY + dt.timedelta(days=1))
        body = client_for(org.director).get("/leave/board/?late=on").content.decode()
    leader, category, place, span, submitted, state = row_with(body, "late-list", "南京")
    assert leader == f'<a href="{item(late)}">李卫东</a> <span class="small text-muted">副区长</span>'
    assert (category, place) == ('出差 <span class="badge text-bg-warning">补报</span>', "江苏省南京市")
    assert span == "2026-12-25 至 2026-12-29"
    assert submitted == "2026-12-28 10:00"  # Haimen time
    assert state == f'<span class="badge text-bg-primary">{late.stage_label}</span>'


def test_the_exception_rows_show_each_column(org, client_for):
    with on(MONDAY):
        dated = actions.exception_create(
            actor=org.dept1_clerk,
            unit=org.units.dept1,
            leader_post=org.posts.vice1,
            category=ExceptionKind.FORUM,
            event="长三角<发展>论坛",
            event_date=MONDAY + dt.timedelta(days=10),
            place="",
            reason="省发改委主办。",
        )
        preface = actions.exception_create(
            actor=org.dept1_clerk,
            unit=org.units.dept1,
            leader_post=org.posts.vice2,
            category=ExceptionKind.PREFACE,
            event="区志序言",
            event_date=None,
            place="",
            reason="区志出版。",
        )
        body = client_for(org.dept1_clerk).get("/leave/exceptions/").content.decode()
    event, unit, leader, category, date, state = row_with(body, "exception-list", "论坛")
    assert event == f'<a href="{item(dated)}">长三角&lt;发展&gt;论坛</a>'
    assert (unit, leader, category, date) == ("区发改委", "李卫东", "论坛", "2027-01-07")
    assert state == f'<span class="badge text-bg-primary">{dated.stage_label}</span>'
    _event, _unit, leader, category, date, _state = row_with(body, "exception-list", "区志序言")
    assert (leader, category, date) == ("周晓红", "作序", "—")  # a writing has no date
    assert preface.pk


def test_the_research_rows_show_each_column(org, client_for):
    with on(MONDAY):
        one_day = actions.research_trip_create(
            actor=org.vice1, leader=org.vice1, start=MONDAY, end=MONDAY, places="常乐镇", topic="农村公路养护"
        )
        frugal = "随行 1 人，不安排陪同，" * 5
        actions.research_trip_create(
            actor=org.vice1,
            leader=org.vice1,
            start=MONDAY - dt.timedelta(days=12),
            end=MONDAY - dt.timedelta(days=10),
            places="<三厂>街道",
            topic="老旧小区改造",
            frugality=frugal,
        )
        body = client_for(org.vice1).get("/leave/research/").content.decode()
    topic, leader, span, places, frugality, edit = row_with(body, "research-list", "农村公路养护")
    assert (topic, leader, span, places, frugality) == ("农村公路养护", "李卫东", "2026-12-28（1 天）", "常乐镇", "—")
    edit_url = reverse("leave:research_edit", args=[one_day.pk])
    assert edit == f'<a class="btn btn-sm btn-outline-primary" href="{edit_url}">修改</a>'
    _topic, _leader, span, places, frugality, _edit = row_with(body, "research-list", "老旧小区改造")
    assert (span, places) == ("2026-12-16 至 12-18（3 天）", "&lt;三厂&gt;街道")
    assert frugality == truncatechars(frugal, 40) and len(frugality) < len(frugal)


def test_the_late_reports_run_the_same_queries_for_one_row_as_for_a_page(
    org, client_for, django_assert_max_num_queries
):
    leaders = iter(["vice1", "vice2", "exec_vice", "dept1_head", "dept2_head", "town1_head"])
    client = client_for(org.director)
    report(org.users[next(leaders)], start=days(-2))
    with django_assert_max_num_queries(30) as one:
        assert client.get("/leave/board/?late=on").status_code == 200
    for leader in leaders:
        report(org.users[leader], start=days(-2), acting=org.secretary if leader.startswith("d") else None)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get("/leave/board/?late=on").content.decode()
    assert page.split('id="late-list"')[1].count('<td class="card-title-cell') == 6


def test_my_absences_are_those_filed_by_me_for_others_too_counted_without_joining_every_item(
    org, client_for, django_assert_max_num_queries
):
    for_vice1 = report(org.vice1, by=org.office_clerk, destination="杭州市")
    report(org.vice2, destination="上海市")
    with django_assert_max_num_queries(30) as page:
        body = client_for(org.office_clerk).get("/leave/absences/mine/").content.decode()
    assert "杭州市" in body and "上海市" not in body and item(for_vice1) in body
    # Filed by me: a subquery of my items, so that the count reads absences alone (an OR across the joined item
    # table hashed every item of every chapter, issue 16).
    (count,) = [q["sql"] for q in page.captured_queries if "COUNT(*)" in q["sql"] and "leave_absence" in q["sql"]]
    assert "JOIN" not in count
