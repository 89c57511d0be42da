"""The shared pages: the queues (待办/已办/我发起的/传阅/通知), the item page and its processing slip (处理笺)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from haimen_gov.org.models import Post, User
from haimen_gov.workflow import actions
from haimen_gov.workflow.models import Task, TaskStatus
from tests.factories import PostFactory
from tests.workflow_app.models import Memo, MemoState

from .helpers import delegate, fire, memo_at, open_tasks, submitted_memo

pytestmark = pytest.mark.django_db

# Measured: the list pages run 4 queries, whatever the number of rows: the user, the nav counts (one query), the
# pager's count and the page's rows; the inbox runs the posts the user acts for instead of a count of its own (the
# pager takes the nav's count of the same rows). Sessions are read from Redis.
LIST_PAGE_QUERIES = 5
# The item page runs 8: the user, their posts, the visibility check (which reads the item's kind), the app's row
# (joined as its own flow declares: no page joins every app's table), its tasks, history and copies (the actions and
# the timeline are worked out from those), the nav counts. The post and user pickers of 加签/改派/传阅 load when
# their form is opened.
ITEM_PAGE_QUERIES = 8

MONDAY = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)  # 2026-06-01 is a working Monday


def day(n: int) -> dt.datetime:
    return MONDAY + dt.timedelta(days=n)


def html(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.content.decode()


def row_of(page: str, text: str) -> str:
    """The table row of ``page`` that contains ``text``."""
    rows = [row for row in re.split(r"<tr\b", page) if text in row]
    assert len(rows) == 1, f"{text!r} in {len(rows)} rows"
    return rows[0]


# --------------------------------------------------------------------------- the pages render


@pytest.mark.parametrize(
    ("path", "user", "text"),
    [
        ("/inbox/", "director", "我的待办"),
        ("/done/", "director", "已办事项"),
        ("/mine/", "dept1_clerk", "我发起的"),
        ("/copies/", "vice2", "传阅件"),
        ("/notifications/", "director", "全部标为已读"),
    ],
)
def test_each_queue_renders_in_chinese_with_its_rows(org, client_for, path, user, text):
    # Submitted by dept1_clerk, approved by the director (who then has its joint review), copied to vice2.
    memo = submitted_memo(org, title="关于推进城乡供水一体化的会议纪要")
    fire(memo, "approve", org.director)
    actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.vice2])

    page = html(client_for(getattr(org, user)).get(path))

    assert text in page
    assert '<html lang="zh-hans">' in page
    assert "关于推进城乡供水一体化的会议纪要" in page  # its row


def test_the_item_page_shows_the_memo_its_history_and_the_actions(org, client_for):
    memo = submitted_memo(org, title="关于推进城乡供水一体化的会议纪要")

    page = html(client_for(org.director).get(f"/items/{memo.pk}/"))

    assert "关于推进城乡供水一体化的会议纪要" in page
    assert "办理记录" in page and "办公室审核" in page
    assert 'data-verb="approve"' in page and 'data-verb="return"' in page
    assert 'name="state" value="office_review"' in page


def test_the_item_page_offers_nothing_to_a_reader(org, client_for):
    memo = submitted_memo(org)
    actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.vice2])

    page = html(client_for(org.vice2).get(f"/items/{memo.pk}/"))

    assert 'id="actions"' not in page


# --------------------------------------------------------------------------- the inbox


def test_the_inbox_is_sorted_by_due_date(org, client_for):
    # Created out of order: the latest deadline first.
    for title, when in (("纪要乙", day(2)), ("纪要甲", day(0)), ("纪要丙", day(1))):
        with time_machine.travel(when, tick=False):
            submitted_memo(org, title=title)

    with time_machine.travel(day(2), tick=False):
        page = html(client_for(org.director).get("/inbox/"))

    assert page.index("纪要甲") < page.index("纪要丙") < page.index("纪要乙")


def test_an_overdue_task_is_shown_in_red(org, client_for):
    with time_machine.travel(day(0), tick=False):
        submitted_memo(org, title="早已到期的纪要")
    with time_machine.travel(day(9), tick=False):
        submitted_memo(org, title="刚刚收到的纪要")
        page = html(client_for(org.director).get("/inbox/"))

    late, fresh = row_of(page, "早已到期的纪要"), row_of(page, "刚刚收到的纪要")
    assert "table-danger" in late and "已逾期" in late
    assert "table-danger" not in fresh and "已逾期" not in fresh


def test_a_deadline_in_a_year_without_a_loaded_schedule_is_marked_provisional(org, client_for):
    with time_machine.travel(day(0), tick=False):
        submitted_memo(org, title="年中的纪要")
    # The office review takes one working day: from New Year's Eve it falls in 2027, whose schedule is unknown.
    with time_machine.travel(dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC), tick=False):
        memo = submitted_memo(org, title="年末的纪要")
        page = html(client_for(org.director).get("/inbox/"))

    task = open_tasks(memo)[0]
    assert task.due_date.year == 2027 and task.due_estimated
    assert "暂定" in row_of(page, "年末的纪要")
    assert "暂定" not in row_of(page, "年中的纪要")


def test_the_delegate_sees_the_heads_tasks_marked_as_delegated(org, client_for):
    memo = memo_at(org, MemoState.HEAD_SIGN, title="关于追加防汛资金的纪要")
    memo_at(org, MemoState.EXEC_SIGN, title="常务副区长本人的待办")
    delegate(org.posts.head, org.exec_vice)

    page = html(client_for(org.exec_vice).get("/inbox/"))

    assert "受区长委托" in row_of(page, "关于追加防汛资金的纪要")
    assert "受区长委托" not in row_of(page, "常务副区长本人的待办")
    item_page = html(client_for(org.exec_vice).get(f"/items/{memo.pk}/"))
    assert 'data-verb="approve"' in item_page


def test_the_nav_counts_the_open_tasks(org, client_for):
    memos = [submitted_memo(org, title=f"纪要{i}") for i in range(3)]
    client = client_for(org.director)

    assert re.search(r'id="nav-inbox-count">\s*3\s*<', html(client.get("/done/")))
    fire(memos[0], "return", org.deputy1, comment="请补充材料。")
    assert re.search(r'id="nav-inbox-count">\s*2\s*<', html(client.get("/done/")))
    assert 'id="nav-inbox-count"' not in html(client_for(org.outsider).get("/inbox/"))


def test_the_nav_counts_match_the_queues_of_a_delegate(org):
    from haimen_gov.context_processors import nav_counts
    from haimen_gov.org.routing import acting_post_ids
    from haimen_gov.workflow.models import CarbonCopy, Notification

    memo = memo_at(org, MemoState.HEAD_SIGN, title="委托的待办")
    memo_at(org, MemoState.EXEC_SIGN, title="本人的待办")
    delegate(org.posts.head, org.exec_vice, days=400)
    actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.exec_vice], note="请阅")
    user = org.exec_vice
    mine = Task.objects.filter(status=TaskStatus.OPEN, post_id__in=acting_post_ids(user))
    on = min(t.due_date for t in mine) + dt.timedelta(days=1)  # the earliest deadline has passed

    counts = nav_counts(user, today=on)
    # The acting posts come with the counts (``viewer_posts`` reads them there): exactly ``acting_posts``'.
    from haimen_gov.org.routing import acting_posts

    assert sorted(counts.pop("posts")) == sorted(acting_posts(user, on))

    assert counts == {
        "inbox": mine.count(),
        "overdue": mine.filter(due_date__lt=on).count(),
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "copies": CarbonCopy.objects.filter(user=user, read_at__isnull=True).count(),
        "acting": len(acting_post_ids(user, on)),
        "held": Post.objects.filter(holder=user).count(),
        "custodian": 0,
        "leader": 1,
        # The dashboard entry: the posts acted for that open it (their own 常务副区长 and, delegated, 区长).
        "dashboard": 2,
        # The office-only menus: a head's delegate is not the office; a leader reports absences and researches.
        "office": False,
        "designated": False,
        "reporting": True,
        "gov_leader": True,
    }
    assert counts["inbox"] == 2 and counts["overdue"] >= 1 and counts["copies"] == 1


def test_the_nav_counts_stop_at_the_cap_and_the_inbox_pages_without_a_total(org, client_for, monkeypatch):
    from haimen_gov import context_processors
    from haimen_gov.workflow import views

    monkeypatch.setattr(context_processors, "NAV_COUNT_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(5):
        submitted_memo(org, title=f"超限纪要{i}")
    client = client_for(org.director)

    first = html(client.get("/inbox/"))
    assert re.search(r'id="nav-inbox-count">\s*3\+\s*<', first)
    assert "第 1 页，共 3+ 条" in first and "page=2" in first and "上一页" not in first
    assert first.count("超限纪要") == 2
    second = html(client.get("/inbox/?page=2"))
    third = html(client.get("/inbox/?page=3"))
    assert second.count("超限纪要") == 2 and "page=3" in second
    assert third.count("超限纪要") == 1 and "下一页" not in third and "page=2" in third
    shown = {m for page in (first, second, third) for m in re.findall(r"超限纪要\d", page)}
    assert shown == {f"超限纪要{i}" for i in range(5)}  # every task once, across the pages
    assert html(client.get("/inbox/?page=9")).count("超限纪要") == 2  # past the end: the first page

    fire(Memo.objects.get(title="超限纪要0"), "return", org.deputy1, comment="请补充材料。")
    fire(Memo.objects.get(title="超限纪要1"), "return", org.deputy1, comment="请补充材料。")
    exact = html(client.get("/inbox/"))
    assert re.search(r'id="nav-inbox-count">\s*3\s*<', exact)  # at the cap: exact again, with page numbers
    assert "第 1 / 2 页，共 3 条" in exact


def test_the_inbox_as_the_menu_opens_it_is_a_prepared_statement_equal_to_the_query(org, client_for, monkeypatch):
    """Issue 16: the unfiltered first page of the inbox of one who acts for one post comes from a statement prepared
    per connection: the same rows, in the same order, as the ordinary query (``?page=1``); a pager past its cap still
    learns from the extra row. A delegate acting for two posts, and anyone else, gets the ordinary query."""
    from haimen_gov import context_processors
    from haimen_gov.workflow import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i, when in enumerate((day(2), day(0), day(1))):
        with time_machine.travel(when, tick=False):
            submitted_memo(org, title=f"预备纪要{i}")

    def titles(page: str) -> list[str]:
        return re.findall(r"预备纪要\d", page)

    def first_page_statements(queries: CaptureQueriesContext) -> int:
        return sum(q["sql"].startswith(("EXECUTE inbox_first_page", "PREPARE inbox_first_page")) for q in queries)

    with time_machine.travel(day(2), tick=False):
        client = client_for(org.director)
        for cap in (999, 2):  # counted, and past the navigation's cap (uncounted: one row more read)
            monkeypatch.setattr(context_processors, "NAV_COUNT_CAP", cap)
            with CaptureQueriesContext(connection) as prepared:
                first = html(client.get("/inbox/"))
            with CaptureQueriesContext(connection) as ordinary:
                queried = html(client.get("/inbox/?page=1"))
            assert first_page_statements(prepared) == 1 and first_page_statements(ordinary) == 0
            assert titles(first) == titles(queried) == ["预备纪要1", "预备纪要2"]  # soonest deadline first
            assert "page=2" in first and "page=2" in queried

        # The director's post delegated: the delegate acts for it and their own. Two posts: the ordinary query (a
        # kept plan for a list of posts would walk every open task by deadline).
        monkeypatch.setattr(context_processors, "NAV_COUNT_CAP", 999)
        delegate(org.posts.director, org.deputy1)
        acting = client_for(org.deputy1)
        with CaptureQueriesContext(connection) as two_posts:
            first = html(acting.get("/inbox/"))
        assert first_page_statements(two_posts) == 0
        assert titles(first) == titles(html(acting.get("/inbox/?page=1"))) and titles(first)
        nobody = client_for(org.outsider)
        assert titles(html(nobody.get("/inbox/"))) == []  # nobody else's tasks


# --------------------------------------------------------------------------- a constant number of queries


def fill(org, path: str, n: int) -> None:  # type: ignore[no-untyped-def]
    """Give the viewer of ``path`` ``n`` more rows."""
    for i in range(n):
        memo = submitted_memo(org, title=f"批量纪要{i}")
        if path == "/done/":
            fire(memo, "approve", org.director)
        if path == "/copies/":
            actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.vice2], note="请阅")


LIST_PAGES = [
    ("/inbox/", "director"),
    ("/done/", "director"),
    ("/mine/", "dept1_clerk"),
    ("/copies/", "vice2"),
    ("/notifications/", "director"),
]


@pytest.mark.parametrize(("path", "user"), LIST_PAGES)
def test_a_list_page_runs_the_same_queries_for_3_rows_as_for_30(
    org, client_for, django_assert_max_num_queries, path, user
):
    client = client_for(getattr(org, user))
    counts = []
    for n in (3, 27):  # 3 rows, then 30
        fill(org, path, n)
        with django_assert_max_num_queries(LIST_PAGE_QUERIES) as captured:
            page = html(client.get(path))
        counts.append(len(captured))
        assert "批量纪要2" in page

    assert counts[0] == counts[1], counts
    assert "第 1 / 2 页" in page  # 30 rows: 20 on this page


def crowd(org, memo: Memo, n: int) -> None:  # type: ignore[no-untyped-def]
    """``n`` more readers, 加签 signers (open tasks) and history rows on ``memo``."""
    for _ in range(n):
        # 传阅 goes to people who hold a post.
        reader: User = PostFactory().holder  # type: ignore[attr-defined,assignment]
        signer: Post = PostFactory()  # type: ignore[assignment]
        actions.item_copy(Memo, memo.pk, actor=org.director, users=[reader])
        actions.item_add_signer(Memo, memo.pk, actor=org.director, post=signer, comment="请提出意见")


@pytest.mark.parametrize("user", ["director", "head", "deputy1"])
def test_the_item_page_runs_the_same_queries_for_3_rows_as_for_30(org, client_for, django_assert_max_num_queries, user):
    memo = submitted_memo(org)
    client = client_for(getattr(org, user))
    counts = []
    for n in (3, 27):
        crowd(org, memo, n)
        with django_assert_max_num_queries(ITEM_PAGE_QUERIES) as captured:
            html(client.get(f"/items/{memo.pk}/"))
        counts.append(len(captured))

    assert counts[0] == counts[1], counts
    assert Task.objects.filter(item_id=memo.pk, status=TaskStatus.OPEN).count() == 32


# --------------------------------------------------------------------------- who may see an item


@pytest.mark.parametrize("user", ["outsider", "dept2_clerk", "dept2_head", "vice2"])
def test_an_item_is_404_to_those_who_may_not_see_it(org, client_for, user):
    memo = submitted_memo(org)
    client = client_for(getattr(org, user))

    for path in (f"/items/{memo.pk}/", f"/items/{memo.pk}/slip.pdf"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/items/{memo.pk}/transitions/approve/", {"comment": "同意"}).status_code == 404


@pytest.mark.parametrize("user", ["dept1_clerk", "dept1_head", "director", "deputy1", "head"])
def test_the_submitter_their_unit_head_the_assignees_and_the_overseers_see_it(org, client_for, user):
    memo = submitted_memo(org)

    assert client_for(getattr(org, user)).get(f"/items/{memo.pk}/").status_code == 200


def test_a_former_assignee_still_sees_the_item(org, client_for):
    memo = submitted_memo(org)
    fire(memo, "approve", org.director)  # the deputy's 或签 task is withdrawn

    assert client_for(org.deputy1).get(f"/items/{memo.pk}/").status_code == 200


# --------------------------------------------------------------------------- acting from the page


def test_approving_from_the_page_moves_the_memo(org, client_for):
    memo = submitted_memo(org)

    response = client_for(org.deputy1).post(
        f"/items/{memo.pk}/transitions/approve/", {"comment": "同意。", "state": "office_review"}
    )

    assert response.status_code == 302
    assert Memo.objects.get(pk=memo.pk).state == MemoState.JOINT_REVIEW


def test_a_stale_page_is_told_that_someone_else_acted(org, client_for):
    memo = submitted_memo(org)
    fire(memo, "approve", org.deputy1)
    client = client_for(org.director)

    response = client.post(f"/items/{memo.pk}/transitions/approve/", {"comment": "同意。", "state": "office_review"})

    assert response.status_code == 303
    assert "已被他人处理" in html(client.get(response["Location"]))
    assert Memo.objects.get(pk=memo.pk).state == MemoState.JOINT_REVIEW
    assert not Task.objects.filter(item_id=memo.pk, step="joint_review", status=TaskStatus.DONE).exists()


# --------------------------------------------------------------------------- the processing slip


def test_the_processing_slip_is_a_pdf_with_every_opinion(org, client_for):
    memo = submitted_memo(org, funds=True, title="关于追加防汛资金的纪要")
    fire(memo, "approve", org.deputy1, comment="同意，请司法局审查")
    fire(memo, "approve", org.justice, comment="符合法律规定")
    fire(memo, "approve", org.director, comment="请常务副区长签发")
    fire(memo, "approve", org.exec_vice, comment="报区长审定")
    delegate(org.posts.head, org.exec_vice)
    fire(memo, "approve", org.exec_vice, comment="同意印发")

    response = client_for(org.dept1_clerk).get(f"/items/{memo.pk}/slip.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", "", text)
    for expected in (
        "处理笺",
        "关于追加防汛资金的纪要",
        "同意，请司法局审查",
        "符合法律规定",
        "请常务副区长签发",
        "报区长审定",
        "同意印发",
        "受区长委托",
        "王海涛",
    ):
        assert expected in text, expected
    assert timezone.localdate().strftime("%Y-%m-%d") in text


def test_the_pickers_of_the_item_page_load_on_demand(org, client_for):
    client = client_for(org.director)
    posts = client.get("/options/posts/").content.decode()
    assert (
        f'<option value="{org.posts.justice.pk}" data-search="朱文斌（区司法局局长·区司法局） 海门区司法局">' in posts
    )
    users = client.get("/options/users/").content.decode()
    assert f'<option value="{org.vice2.pk}" data-search="周晓红（副区长·区政府） 海门区人民政府">' in users
    assert "钱进" not in users  # the outsider holds no post

    item_page = html(client.get(f"/items/{submitted_memo(org).pk}/"))
    assert 'hx-get="/options/users/"' in item_page
