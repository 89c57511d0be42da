"""The leave pages: report an absence, my absences, the office's 去向 board, exceptions, the research log and its
progress. Who may open them, what they show, and a constant number of queries however long the list."""

from __future__ import annotations

import datetime as dt

import pytest

from leave import actions
from leave.models import Absence, AbsenceState

from .conftest import approved, days, on, report

pytestmark = pytest.mark.django_db


def test_a_vice_head_reports_an_absence_from_the_form(org, client_for):
    client = client_for(org.vice1)
    page = client.get("/leave/absences/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "外出请示报备" in body
    assert "由区政府办公室向市政府办公室请示" in body
    response = client.post(
        "/leave/absences/new/",
        {
            "leader_post": org.posts.vice1.pk,
            "category": "study",
            "start": days(5).isoformat(),
            "end": days(6).isoformat(),
            "destination": "江苏省委党校",
            "reason": "参加专题培训班",
            "contact": "13800000000",
            "acting": org.vice2.pk,
            "action": "submit",
        },
    )
    absence = Absence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/items/{absence.pk}/"
    assert (absence.state, absence.acting, absence.leader) == (AbsenceState.APPROVAL, org.vice2, org.vice1)
    item_page = client.get(response["Location"]).content.decode()
    assert "江苏省委党校" in item_page
    assert "周晓红" in item_page


def test_bad_input_stays_on_the_form_with_chinese_messages(org, client_for):
    client = client_for(org.vice1)
    response = client.post(
        "/leave/absences/new/",
        {
            "leader_post": org.posts.vice1.pk,
            "category": "trip",
            "start": days(5).isoformat(),
            "end": days(2).isoformat(),
            "destination": "x" * 101,
            "reason": "出差",
            "contact": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "返回日期不能早于离开日期" in body
    assert "100" in body  # the length bound of the destination
    assert not Absence.objects.exists()
    # Another leader's post is not among the choices of a leader.
    response = client.post(
        "/leave/absences/new/",
        {"leader_post": org.posts.vice2.pk, "category": "trip", "start": days(5), "end": days(6)},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Absence.objects.exists()


@pytest.mark.parametrize("who", ["dept1_clerk", "outsider", "secretary"])
def test_who_cannot_report_is_told_so(org, client_for, who):
    response = client_for(org.users[who]).get("/leave/absences/new/")
    assert response.status_code == 403
    assert "区政府办公室" in response.content.decode()


def test_the_office_files_for_a_leader_and_the_late_report_is_flagged(org, client_for):
    client = client_for(org.office_clerk)
    response = client.post(
        "/leave/absences/new/",
        {
            "leader_post": org.posts.dept1_head.pk,
            "category": "leave",
            "start": days(-1).isoformat(),
            "end": days(2).isoformat(),
            "destination": "上海市",
            "reason": "探亲",
            "contact": "13800000000",
            "acting": "",
            "action": "submit",
        },
        follow=True,
    )
    assert "记为补报" in response.content.decode()
    absence = Absence.objects.get()
    assert (absence.submitter, absence.leader, absence.late) == (org.office_clerk, org.dept1_head, True)


WEDNESDAY = dt.date(2026, 12, 2)


def test_the_board_shows_who_is_away_today_and_this_week_with_warnings(org, client_for):
    from tests.factories import DelegationFactory

    with on(WEDNESDAY):
        approved(
            org.vice1,
            org,
            acting=org.vice2,
            start=WEDNESDAY,
            end=WEDNESDAY + dt.timedelta(days=1),
            destination="北京市",
        )
        report(org.dept1_head, start=WEDNESDAY + dt.timedelta(days=3), destination="上海市")  # Saturday
        report(org.dept2_head, start=WEDNESDAY + dt.timedelta(days=5), destination="广州市")  # next Monday
        DelegationFactory(post=org.posts.head, delegate=org.vice2, start=WEDNESDAY, end=WEDNESDAY)
        report(org.exec_vice, start=WEDNESDAY, destination="苏州市", acting=org.vice1)
        body = client_for(org.director).get("/leave/board/").content.decode()
    today_table = body.split('id="board-today"')[1].split("</table>")[0]
    week_table = body.split('id="board-week"')[1].split("</table>")[0]
    assert "北京市" in today_table and "受副区长委托" in today_table and "周晓红" in today_table
    assert "苏州市" in today_table and "区长与常务副区长同时不在海门" in today_table
    assert "上海市" in week_table and "北京市" not in week_table
    assert "广州市" not in body
    # The head's trip, entered in the admin: who acts for the head is on the board too.
    delegations = body.split('id="board-delegations"')[1].split("</table>")[0]
    assert "陈志明" in delegations and "受区长委托" in delegations
    # The delegation an approved absence opened is on its own row, not again here.
    assert "受副区长委托" not in delegations


def test_the_board_keeps_late_reports_visible_with_a_filter(org, client_for):
    report(org.vice1, start=days(-3), end=days(-1) + dt.timedelta(days=2))
    report(org.vice2, destination="上海市")
    body = client_for(org.director).get("/leave/board/?late=on").content.decode()
    late_table = body.split('id="late-list"')[1].split("</table>")[0]
    assert "补报" in late_table and "南京" in late_table
    assert "上海市" not in late_table


@pytest.mark.parametrize("who", ["vice1", "dept1_head", "dept1_clerk"])
def test_only_the_office_sees_the_board(org, client_for, who):
    assert client_for(org.users[who]).get("/leave/board/").status_code == 403


def test_the_navigation_offers_what_each_can_use(org, client_for):
    director = client_for(org.director).get("/done/").content.decode()
    assert "领导去向" in director and "外出请示报备" in director
    vice = client_for(org.vice1).get("/done/").content.decode()
    assert "外出请示报备" in vice and "基层调研" in vice and "领导去向" not in vice
    clerk = client_for(org.dept1_clerk).get("/done/").content.decode()
    assert "例外事项" in clerk and "外出请示报备" not in clerk
    assert "外出报备" not in client_for(org.outsider).get("/done/").content.decode()


def test_my_absences_lists_those_filed_by_me_or_for_me(org, client_for):
    mine = report(org.vice1, destination="北京市")
    for_me = report(org.vice1, by=org.office_clerk, destination="杭州市", start=days(12))
    other = report(org.vice2, destination="上海市")
    body = client_for(org.vice1).get("/leave/absences/mine/").content.decode()
    assert "北京市" in body and "杭州市" in body and "上海市" not in body
    assert mine.pk and for_me.pk and other.pk


def test_exception_pages(org, client_for):
    client = client_for(org.dept1_clerk)
    assert client.get("/leave/exceptions/new/").status_code == 200
    response = client.post(
        "/leave/exceptions/new/",
        {
            "unit": org.units.dept1.pk,
            "leader_post": org.posts.vice1.pk,
            "category": "forum",
            "event": "长三角发展论坛",
            "event_date": days(10).isoformat(),
            "place": "区会议中心",
            "reason": "省发改委主办，需区领导致辞。",
        },
    )
    assert response.status_code == 302
    assert "长三角发展论坛" in client.get("/leave/exceptions/").content.decode()
    assert "长三角发展论坛" not in client_for(org.dept2_clerk).get("/leave/exceptions/").content.decode()
    assert "长三角发展论坛" in client_for(org.director).get("/leave/exceptions/").content.decode()
    assert client_for(org.outsider).get("/leave/exceptions/new/").status_code == 403


def test_research_pages_a_leader_sees_their_own_the_office_all(org, client_for):
    client = client_for(org.vice1)
    response = client.post(
        "/leave/research/new/",
        {
            "leader": org.vice1.pk,
            "start": days(-3).isoformat(),
            "end": days(-2).isoformat(),
            "places": "常乐镇",
            "topic": "农村公路养护",
            "findings": "养护资金缺口",
            "frugality": "随行 1 人",
        },
    )
    assert response.status_code == 302
    assert "农村公路养护" in client.get("/leave/research/").content.decode()
    assert "农村公路养护" not in client_for(org.vice2).get("/leave/research/").content.decode()
    progress = client.get("/leave/research/progress/").content.decode()
    assert "李卫东" in progress and "周晓红" not in progress
    office = client_for(org.director).get("/leave/research/progress/").content.decode()
    assert "李卫东" in office and "周晓红" in office and "陈志明" in office
    assert client_for(org.dept1_head).get("/leave/research/new/").status_code == 403


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/leave/board/", "director"),
        ("/leave/absences/mine/", "vice1"),
        ("/leave/exceptions/", "director"),
        ("/leave/research/", "director"),
        ("/leave/research/progress/", "director"),
    ],
)
def test_lists_run_the_same_queries_for_one_row_as_for_many(org, client_for, django_assert_max_num_queries, path, who):
    leaders = iter(["vice1", "vice2", "exec_vice", "dept1_head", "dept2_head", "town1_head"])

    def add_rows(n: int) -> None:
        for i in range(n):
            approved(
                org.users[next(leaders)], org, acting=org.secretary, start=days(0), end=days(1), destination=f"城市{i}"
            )
            actions.exception_create(
                actor=org.dept1_clerk,
                unit=org.units.dept1,
                leader_post=org.posts.vice1,
                category="forum",
                event=f"论坛{i}",
                event_date=days(5),
                place="",
                reason="理由",
            )
            for leader in (org.vice1, org.vice2):
                actions.research_trip_create(
                    actor=org.director,
                    leader=leader,
                    start=days(-2 - i),
                    end=days(-2 - i),
                    places="某镇",
                    topic=f"调研{i}",
                )

    client = client_for(org.users[who])
    add_rows(1)
    with django_assert_max_num_queries(30) as one:
        assert client.get(path).status_code == 200
    add_rows(4)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(path).status_code == 200


def test_the_item_page_offers_cancel_and_an_early_return_to_the_applicant(org, client_for):
    absence = approved(org.vice1, org, acting=org.vice2, start=days(3), end=days(6))
    client = client_for(org.vice1)
    page = client.get(f"/items/{absence.pk}/").content.decode()
    assert 'data-verb="cancel"' in page and 'id="shorten"' in page
    other = client_for(org.director).get(f"/items/{absence.pk}/").content.decode()
    assert 'data-verb="cancel"' not in other and 'id="shorten"' not in other

    bad = client.post(
        f"/leave/absences/{absence.pk}/shorten/", {"end": days(8).isoformat(), "reason": "x"}, follow=True
    )
    assert "须早于原返回日期" in bad.content.decode()
    empty = client.post(f"/leave/absences/{absence.pk}/shorten/", {"end": "", "reason": ""}, follow=True)
    assert "请填写日期" in empty.content.decode()
    done = client.post(
        f"/leave/absences/{absence.pk}/shorten/", {"end": days(4).isoformat(), "reason": "会议提前结束"}, follow=True
    )
    assert "委托随之调整" in done.content.decode()
    absence.refresh_from_db()
    assert absence.end == days(4)
    refused = client_for(org.vice2).post(
        f"/leave/absences/{absence.pk}/shorten/", {"end": days(3).isoformat(), "reason": "x"}, follow=True
    )
    assert "只有报告人或外出领导本人可以修改返回日期" in refused.content.decode()
    assert client_for(org.dept2_head).post(f"/leave/absences/{absence.pk}/shorten/", {}).status_code == 404
    absence.refresh_from_db()
    assert absence.end == days(4)


def test_a_returned_report_is_amended_and_resubmitted_from_its_page(org, client_for):
    absence = report(org.vice1, by=org.office_clerk)
    actions.absence_return(absence.pk, actor=org.head, comment="请补充代行人。")
    client = client_for(org.vice1)
    assert "修改报告" in client.get(f"/items/{absence.pk}/").content.decode()
    form = client.get(f"/leave/absences/{absence.pk}/edit/").content.decode()
    assert "江苏省南京市" in form
    response = client.post(
        f"/leave/absences/{absence.pk}/edit/",
        {
            "category": "trip",
            "start": absence.start.isoformat(),
            "end": absence.end.isoformat(),
            "destination": "江苏省南京市",
            "reason": absence.reason,
            "contact": absence.contact,
            "acting": org.vice2.pk,
            "action": "submit",
        },
    )
    assert response.status_code == 302
    absence.refresh_from_db()
    assert (absence.state, absence.acting, absence.round) == (AbsenceState.APPROVAL, org.vice2, 2)
    assert client_for(org.vice2).get(f"/leave/absences/{absence.pk}/edit/").status_code == 404


# The engine's item page (8: the user, their posts, the visibility check, the absence with its leader, post, acting
# person and delegation joined, tasks, history, copies, the nav counts) and the office's warnings (4: the head's and
# the executive vice head's posts, the absences and the delegations of the days concerned, the open tasks due then).
ABSENCE_ITEM_PAGE_QUERIES = 12


def test_the_absence_page_runs_the_same_queries_however_far_it_went(org, client_for, django_assert_max_num_queries):
    new = report(org.vice1, acting=org.vice2, start=days(3), end=days(4))
    far = approved(org.vice2, org, acting=org.vice1, start=days(3), end=days(4))
    actions.absence_record(far.pk, actor=org.deputy1, comment="已报备。")
    actions.absence_shorten(far.pk, actor=org.vice2, end=days(3), reason="提前返回")
    client = client_for(org.director)
    counts = []
    for absence in (new, far):
        with django_assert_max_num_queries(ABSENCE_ITEM_PAGE_QUERIES) as captured:
            response = client.get(f"/items/{absence.pk}/")
        assert response.status_code == 200
        counts.append(len(captured))
    assert "委托" in response.content.decode()
    assert counts[0] == counts[1], counts
