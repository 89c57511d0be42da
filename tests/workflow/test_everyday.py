"""Everyday use (issue 10): colours by meaning, the inbox's search/filters/sort and working days left, 批量审批,
notices settled when their task is done, menus only for who can use them, the holder (and delegate) of a waiting
post, error pages in Chinese, the lockout in minutes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from haimen_gov.workflow import actions
from haimen_gov.workflow.models import Notification, NotificationKind, Task, TaskStatus
from haimen_gov.workflow.tones import stage_tone
from tests.workflow_app.models import Memo, MemoState

from .helpers import delegate, fire, memo_at, open_tasks, submitted_memo

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)  # a working Monday


def html(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def row_of(page: str, text: str) -> str:
    rows = [row for row in re.split(r"<tr\b", page) if text in row]
    assert len(rows) == 1, f"{text!r} in {len(rows)} rows"
    return rows[0]


# --------------------------------------------------------------------------- colours by meaning


@pytest.mark.parametrize(
    ("stage", "tone"),
    [
        (MemoState.ISSUED, "done"),
        (MemoState.WITHDRAWN, "withdrawn"),
        (MemoState.REJECTED, "refused"),
        (MemoState.RETURNED, "returned"),
        (MemoState.OFFICE_REVIEW, "pending"),
        ("archived", "done"),  # seals: 已用印归档
    ],
)
def test_every_state_has_the_tone_of_its_meaning(org, stage, tone):
    assert stage_tone(stage) == tone


def test_my_items_and_the_item_page_colour_states_by_meaning(org, client_for):
    refused = memo_at(org, MemoState.OFFICE_REVIEW, title="被否决的纪要")
    fire(refused, "reject", org.director, comment="不符合规定。")
    withdrawn = submitted_memo(org, title="撤回的纪要")
    fire(withdrawn, "withdraw", org.dept1_clerk)
    client = client_for(org.dept1_clerk)

    mine = html(client.get("/mine/"))

    assert "tone-refused" in row_of(mine, "被否决的纪要")
    assert "tone-withdrawn" in row_of(mine, "撤回的纪要")
    page = html(client.get(f"/items/{refused.pk}/"))
    assert re.search(r'class="badge fs-6 tone-refused" id="item-state"', page)
    # The timeline's last dot follows the outcome: red for 未同意, grey for 已撤回, never the green of a done step.
    assert re.findall(r'<li class="(\w+)">', page.split('id="timeline"')[1])[-1] == "refused"
    page = html(client.get(f"/items/{withdrawn.pk}/"))
    assert re.findall(r'<li class="(\w+)">', page.split('id="timeline"')[1])[-1] == "withdrawn"


# --------------------------------------------------------------------------- the inbox


def test_the_inbox_searches_title_number_and_unit(org, client_for):
    a = submitted_memo(org, title="关于城区道路改造的纪要")
    b = submitted_memo(org, title="关于学校扩建的纪要", by=org.dept2_clerk, unit=org.units.dept2)
    # A number as the engine's numbering gives one (an app numbers its items when it issues them).
    Memo.objects.filter(pk=b.pk).update(number="海政发〔2026〕7号")
    client = client_for(org.director)

    by_title = html(client.get("/inbox/", {"q": "道路"}))
    by_number = html(client.get("/inbox/", {"q": "〔2026〕7号"}))
    by_unit = html(client.get("/inbox/", {"q": "教育体育"}))

    assert "城区道路" in by_title and "学校扩建" not in by_title
    assert "学校扩建" in by_number and "城区道路" not in by_number
    assert "学校扩建" in by_unit and "城区道路" not in by_unit
    assert a.pk != b.pk


def test_the_inbox_filters_overdue_and_sorts_by_deadline_both_ways(org, client_for):
    with time_machine.travel(MONDAY, tick=False):
        submitted_memo(org, title="早到的纪要")
    with time_machine.travel(MONDAY + dt.timedelta(days=7), tick=False):
        submitted_memo(org, title="新到的纪要")
        client = client_for(org.director)
        overdue = html(client.get("/inbox/", {"overdue": "1"}))
        soonest = html(client.get("/inbox/"))
        latest = html(client.get("/inbox/", {"sort": "-due"}))

    assert "早到的纪要" in overdue and "新到的纪要" not in overdue
    assert soonest.index("早到的纪要") < soonest.index("新到的纪要")
    assert latest.index("新到的纪要") < latest.index("早到的纪要")


def test_the_inbox_filters_by_category_and_refuses_a_bad_one_without_widening(org, client_for):
    from django.contrib.contenttypes.models import ContentType

    submitted_memo(org, title="分类纪要")
    memo_type = ContentType.objects.get_for_model(Memo)
    client = client_for(org.director)

    assert "分类纪要" in html(client.get("/inbox/", {"kind": memo_type.pk}))
    bad = client.get("/inbox/", {"kind": "999999", "q": "不存在的标题"})
    assert bad.status_code == 200
    assert "分类纪要" not in bad.content.decode()  # the valid search still narrows


def test_the_inbox_shows_working_days_left_beside_each_deadline(org, client_for):
    with time_machine.travel(MONDAY, tick=False):
        memo = memo_at(org, MemoState.JOINT_REVIEW, title="会审纪要")
    task = next(t for t in open_tasks(memo) if t.post_id == org.posts.director.pk)
    with time_machine.travel(MONDAY, tick=False):
        page = html(client_for(org.director).get("/inbox/"))
    days = (task.due_date - MONDAY.date()).days
    assert days > 0
    assert "剩余 " in row_of(page, "会审纪要")
    with time_machine.travel(MONDAY + dt.timedelta(days=14), tick=False):
        late = html(client_for(org.director).get("/inbox/"))
    assert re.search(r"逾期 \d+ 个工作日", row_of(late, "会审纪要"))


def test_the_filtered_inbox_runs_the_same_queries_for_3_rows_as_for_30(org, client_for, django_assert_max_num_queries):
    client = client_for(org.director)
    counts = []
    for n in (3, 27):
        for i in range(n):
            submitted_memo(org, title=f"筛选纪要{i}")
        with django_assert_max_num_queries(6) as captured:
            page = html(client.get("/inbox/", {"q": "筛选", "sort": "due"}))
        counts.append(len(captured))
        assert "筛选纪要2" in page
    assert counts[0] == counts[1], counts
    assert 'aria-current="page"' in page and "第 1 / 2 页" in page


def test_no_zero_badge_when_nothing_waits(org, client_for):
    page = html(client_for(org.vice2).get("/done/"))
    assert not re.search(r'<span class="badge[^"]*">\s*0\s*</span>', page)


# --------------------------------------------------------------------------- 批量审批


def test_batch_approve_reports_the_one_someone_else_took_and_does_the_rest(org, client_for):
    memos = [submitted_memo(org, title=f"批量审批纪要{i}") for i in range(3)]
    client = client_for(org.director)
    page = html(client.get("/inbox/"))
    ids = [next(t.pk for t in open_tasks(m) if t.post_id == org.posts.director.pk) for m in memos]
    for task_id in ids:
        assert f'name="tasks" value="{task_id}"' in page
    # 或签: the deputy in charge approves the second memo between the director's page and the director's click.
    fire(memos[1], "approve", org.deputy1)

    response = client.post("/inbox/batch-approve/", {"tasks": [str(i) for i in ids]}, follow=True)

    text = html(response)
    assert "已同意 2 件" in text
    assert "“批量审批纪要1”未办理：该事项已被他人处理" in text
    for memo in (memos[0], memos[2]):
        memo.refresh_from_db()
        assert memo.state == MemoState.JOINT_REVIEW
        entry = memo.history.get(verb="approve")
        assert entry.actor == org.director  # recorded as if done one by one
    assert Task.objects.get(pk=ids[1]).status == TaskStatus.CANCELLED


def test_batch_approve_refuses_a_task_that_is_not_yours(org, client_for):
    memo = submitted_memo(org, title="别人的纪要")
    task = open_tasks(memo)[0]
    response = client_for(org.vice2).post("/inbox/batch-approve/", {"tasks": [str(task.pk)]}, follow=True)
    assert "未办理" in html(response)
    memo.refresh_from_db()
    assert memo.state == MemoState.OFFICE_REVIEW


def test_batch_approve_without_a_choice_says_so(org, client_for):
    response = client_for(org.director).post("/inbox/batch-approve/", {"tasks": ["x"]}, follow=True)
    assert "请先勾选要同意的待办" in html(response)


# --------------------------------------------------------------------------- notices


def test_notices_about_a_task_are_settled_when_it_is_done_by_anyone(org):
    memo = submitted_memo(org, title="通知纪要")
    notices = list(Notification.objects.filter(item_id=memo.pk, kind=NotificationKind.NEW_TASK))
    assert {n.user for n in notices} == {org.director, org.deputy1}
    assert all(n.read_at is None for n in notices)

    fire(memo, "approve", org.deputy1)  # 或签: the director's task is withdrawn as well

    for notice in notices:
        notice.refresh_from_db()
        assert notice.read_at is not None, notice.user
    new = Notification.objects.filter(item_id=memo.pk, read_at__isnull=True, kind=NotificationKind.NEW_TASK)
    assert {n.user for n in new} == {org.justice, org.director}  # the next step's, still to do


def test_nobody_is_told_of_their_own_act(org):
    memo = submitted_memo(org, title="自行撤回的纪要")
    fire(memo, "withdraw", org.dept1_clerk)
    assert not Notification.objects.filter(user=org.dept1_clerk, item_id=memo.pk).exists()
    actions.item_copy(Memo, memo.pk, actor=org.director, users=[org.director, org.vice2])
    assert not Notification.objects.filter(user=org.director, kind=NotificationKind.COPY).exists()


def test_the_submitter_is_still_told_of_a_leaders_decision(org):
    memo = submitted_memo(org, title="被退回的纪要")
    fire(memo, "return", org.director, comment="请补充材料。")
    assert Notification.objects.filter(user=org.dept1_clerk, item_id=memo.pk, kind=NotificationKind.RESULT).exists()


# --------------------------------------------------------------------------- who holds a waiting post


def test_the_item_page_names_who_holds_the_waiting_post_and_who_acts_today(org, client_for):
    memo = memo_at(org, MemoState.EXEC_SIGN, title="待签纪要")
    page = html(client_for(org.dept1_clerk).get(f"/items/{memo.pk}/"))
    assert "常务副区长 王海涛" in page
    assert "代理" not in page.split('id="timeline"')[1].split("</ul>")[0]

    delegate(org.posts.exec_vice, org.head)
    page = html(client_for(org.dept1_clerk).get(f"/items/{memo.pk}/"))
    assert "今日由陈志明代理" in page


# --------------------------------------------------------------------------- menus


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        ("outsider", [], ["印鉴管理", "/inbox/", "用印申请", "待用印登记"]),
        ("dept1_clerk", ["印鉴管理", "用印申请", "用印台账"], ["待用印登记"]),
        ("custodian", ["印鉴管理", "待用印登记"], []),
    ],
)
def test_menus_and_tiles_show_only_what_a_person_can_use(org, client_for, user, shown, hidden):
    page = html(client_for(getattr(org, user)).get("/"))
    for text in shown:
        assert text in page, text
    for text in hidden:
        assert text not in page, text


# --------------------------------------------------------------------------- error pages, lockout, favicon


@pytest.mark.parametrize("debug", [False, True])
def test_error_pages_are_chinese_in_the_portals_layout_with_debug_off_and_on(org, client_for, settings, debug):
    settings.DEBUG = debug
    settings.ROOT_URLCONF = "tests.error_urls"
    client = client_for(org.dept1_clerk)
    client.raise_request_exception = False

    missing = client.get("/no-such-page/")
    hidden = client.get("/items/999999/")
    failing = client.get("/boom/")

    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    assert "海门区人民政府工作平台" in missing.content.decode() and "navbar-gov" in missing.content.decode()
    assert hidden.status_code == 404 and "未找到该事项，或您无权查看。" in hidden.content.decode()
    assert failing.status_code == 500 and "系统暂时出错" in failing.content.decode()
    for response in (missing, hidden, failing):
        body = response.content.decode()
        assert "Page not found" not in body and "Traceback" not in body and "secret-internal-detail" not in body


def test_a_developer_gets_the_technical_pages_when_asking_for_them(org, client_for, settings):
    settings.DEBUG = True
    settings.DEBUG_TECHNICAL_PAGES = True
    client = client_for(org.dept1_clerk)
    assert "Page not found" in client.get("/no-such-page/").content.decode()


def test_a_forbidden_page_is_chinese(org, rf):
    from django.core.exceptions import PermissionDenied

    from haimen_gov.errors import permission_denied

    request = rf.get("/")
    request.user = org.outsider
    response = permission_denied(request, PermissionDenied("只有区政府办公室主任可以进行流程干预。"))
    assert response.status_code == 403 and "只有区政府办公室主任可以进行流程干预。" in response.content.decode()


def test_the_lockout_page_says_minutes(org, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(3):
        locked = client.post("/accounts/login/", {"username": "head", "password": "guess"})
    body = locked.content.decode()
    assert "15 分钟" in body and "PT15M" not in body


def test_the_favicon_is_served_locally(client):
    page = client.get("/accounts/login/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon[^"]*\.svg"', page)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith(".svg") and "/static/favicon" in icon["Location"]


# --------------------------------------------------------------------------- people pickers


def test_the_leader_picker_is_grouped_by_unit_leaders_first_without_clerks_or_yourself(org, client_for):
    posts = client_for(org.vice1).get("/options/posts/").content.decode()

    assert posts.index('<optgroup label="海门区人民政府">') < posts.index('<optgroup label="海门区人民政府办公室">')
    assert posts.index("陈志明（区长·区政府）") < posts.index("王海涛（常务副区长·区政府）")
    assert posts.index("王海涛（常务副区长·区政府）") < posts.index("周晓红（副区长·区政府）")
    assert "李卫东" not in posts  # yourself
    assert "顾佳怡" not in posts and "文书" not in posts and "胡静" not in posts  # clerks, the custodian
    assert "vice2" not in posts  # never the login name


def test_the_reader_picker_lists_everyone_with_a_post_but_you(org, client_for):
    users = client_for(org.director).get("/options/users/").content.decode()
    assert "顾佳怡（区发改委文书·区发改委）" in users
    assert "黄立新" not in users
    assert "钱进" not in users
    assert users.count("<optgroup") >= 5


# --------------------------------------------------------------------------- the admin


def test_the_admin_is_chinese_greets_by_name_and_says_which_vice_head_is_which(org, client_for, superuser):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="head", ip_address="10.0.0.1", failures_since_start=5)
    client = client_for(superuser)

    index = html(client.get("/admin/"))
    attempts = html(client.get("/admin/axes/accessattempt/"))
    picker = {"app_label": "org", "model_name": "delegation", "field_name": "post", "term": "副区长"}
    posts = [r["text"] for r in client.get("/admin/autocomplete/", picker).json()["results"]]

    assert "欢迎，" in index and "系统管理员" in index
    assert "登录安全" in index and "登录尝试" in index
    assert "IP 地址" in attempts and "IP Address" not in attempts and "Access attempts" not in attempts
    assert "副区长 李卫东" in posts and "副区长 周晓红" in posts


# --------------------------------------------------------------------------- 催办


def nudge(client, task: Task):  # type: ignore[no-untyped-def]
    return client.post(f"/tasks/{task.pk}/nudge/", follow=True)


def test_the_applicant_nudges_an_overdue_step_once_a_working_day(org, client_for):
    with time_machine.travel(MONDAY, tick=False):
        memo = submitted_memo(org, title="逾期纪要")
    task = open_tasks(memo)[0]
    client = client_for(org.dept1_clerk)

    with time_machine.travel(MONDAY, tick=False):  # not due yet
        early = html(nudge(client, task))
        assert "尚未到办理期限" in early
        assert 'data-nudge="' not in html(client.get(f"/items/{memo.pk}/"))
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
        assert f'data-nudge="{task.pk}"' in html(client.get(f"/items/{memo.pk}/"))
        first = html(nudge(client, task))
        second = html(nudge(client, task))
    with time_machine.travel(MONDAY + dt.timedelta(days=4), tick=False):
        next_day = html(nudge(client, task))

    assert "已催办" in first
    assert "今天已催办过该环节" in second
    assert "已催办" in next_day
    assert memo.history.filter(verb="nudge").count() == 2
    notices = Notification.objects.filter(kind=NotificationKind.NUDGE, item_id=memo.pk)
    assert {n.user for n in notices} == {task.post.holder}
    assert notices.count() == 2


def test_a_nudge_is_refused_on_a_day_off(org, client_for):
    with time_machine.travel(MONDAY, tick=False):
        memo = submitted_memo(org, title="周末纪要")
    task = open_tasks(memo)[0]
    with time_machine.travel(MONDAY + dt.timedelta(days=5), tick=False):  # Saturday
        text = html(nudge(client_for(org.dept1_clerk), task))
    assert "今天不是工作日" in text
    assert not memo.history.filter(verb="nudge").exists()


def test_the_database_holds_one_nudge_per_task_and_day(org):
    from django.db import IntegrityError, transaction

    from haimen_gov.workflow.models import Nudge

    memo = submitted_memo(org, title="约束纪要")
    task = open_tasks(memo)[0]
    Nudge.objects.create(task=task, day=MONDAY.date(), by=org.dept1_clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nudge.objects.create(task=task, day=MONDAY.date(), by=org.director)


@pytest.mark.parametrize(("user", "allowed"), [("director", True), ("deputy1", True), ("vice2", False)])
def test_only_the_applicant_or_the_office_may_nudge(org, client_for, user, allowed):
    with time_machine.travel(MONDAY, tick=False):
        memo = memo_at(org, MemoState.EXEC_SIGN, title="谁能催办")
    task = open_tasks(memo)[0]
    actions.item_copy(Memo, memo.pk, actor=org.dept1_clerk, users=[org.vice2])  # vice2 may see the item
    with time_machine.travel(MONDAY + dt.timedelta(days=10), tick=False):
        text = html(nudge(client_for(getattr(org, user)), task))
    assert ("已催办" in text) is allowed
    assert memo.history.filter(verb="nudge").exists() is allowed


# --------------------------------------------------------------------------- 常用意见


def test_a_leader_keeps_their_own_phrases_and_picks_them_beside_the_comment_box(org, client_for):
    client = client_for(org.vice1)
    assert "同意。" in html(client.get("/options/phrases/"))  # the defaults, until one is saved

    html(client.post("/phrases/", {"text": "  同意，请  财政局研究办理。 "}, follow=True))
    again = html(client.post("/phrases/", {"text": "同意，请 财政局研究办理。"}, follow=True))
    too_long = html(client.post("/phrases/", {"text": "长" * 201}, follow=True))

    options = html(client.get("/options/phrases/"))
    assert "同意，请 财政局研究办理。" in options and "拟同意" not in options
    assert "已有相同的常用意见" in again and "不能超过 200 字" in too_long
    assert "同意，请 财政局研究办理。" not in html(client_for(org.vice2).get("/options/phrases/"))

    phrase = org.vice1.phrases.get()
    html(client_for(org.vice2).post(f"/phrases/{phrase.pk}/delete/", follow=True))  # not theirs: nothing happens
    assert org.vice1.phrases.exists()
    html(client.post(f"/phrases/{phrase.pk}/delete/", follow=True))
    assert not org.vice1.phrases.exists()

    memo = memo_at(org, MemoState.OFFICE_REVIEW, title="选用意见的纪要")
    page = html(client_for(org.director).get(f"/items/{memo.pk}/"))
    assert "data-phrase" in page and 'hx-get="/options/phrases/"' in page


# --------------------------------------------------------------------------- 委托 from the portal


def test_a_leader_delegates_the_delegate_acts_and_the_leader_revokes(org, client_for):
    from haimen_gov.org.models import Delegation
    from haimen_gov.workflow.actions.delegations import delegated_digest

    today = MONDAY.date()
    with time_machine.travel(MONDAY, tick=False):
        memo = memo_at(org, MemoState.EXEC_SIGN, title="委托期间的纪要")
        leader = client_for(org.exec_vice)
        page = html(leader.get("/delegations/"))
        assert "王海涛（常务副区长·区政府）" not in page  # never yourself
        assert "顾佳怡" not in page  # no clerk as a delegate
        response = leader.post(
            "/delegations/",
            {
                "post": org.posts.exec_vice.pk,
                "delegate": org.head.pk,
                "start": today.isoformat(),
                "end": (today + dt.timedelta(days=6)).isoformat(),
                "reason": "赴省参加会议",
            },
            follow=True,
        )
        assert "已委托陈志明代为办理常务副区长" in html(response)
        delegation = Delegation.objects.get(post=org.posts.exec_vice)
        assert delegation.created_by == org.exec_vice

        # The delegate acts in the leader's name.
        fire(memo, "approve", org.head, comment="同意。")
        entry = memo.history.get(verb="approve", step_label__isnull=False, actor=org.head)
        assert entry.acting_label == "受常务副区长委托"

        # Shorten, then revoke.
        shorter = {"end": (today + dt.timedelta(days=2)).isoformat()}
        assert "已缩短委托期限" in html(leader.post(f"/delegations/{delegation.pk}/shorten/", shorter, follow=True))
        delegation.refresh_from_db()
        assert delegation.end == today + dt.timedelta(days=2)
        html(leader.post(f"/delegations/{delegation.pk}/revoke/", follow=True))
        delegation.refresh_from_db()
        assert delegation.revoked_at is not None
        assert "暂无生效中的委托" in html(leader.get("/delegations/"))
        assert "受常务副区长委托" not in html(client_for(org.head).get("/inbox/"))

    # The next morning the leader hears of what was done in their name; a second run adds nothing.
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        delegated_digest()
        delegated_digest()
    digest = Notification.objects.get(user=org.exec_vice, kind=NotificationKind.DELEGATED, day=today)
    assert "委托期间的纪要" in digest.body and "陈志明" in digest.body
    assert digest.count == 1


def test_the_office_delegates_on_a_leaders_behalf_but_nobody_delegates_seal_custody(org, client_for):
    from haimen_gov.org.models import Delegation

    today = MONDAY.date().isoformat()
    with time_machine.travel(MONDAY, tick=False):
        office = client_for(org.director)
        html(
            office.post(
                "/delegations/",
                {"post": org.posts.vice1.pk, "delegate": org.vice2.pk, "start": today, "end": today, "reason": "出差"},
                follow=True,
            )
        )
        custody = office.post(
            "/delegations/",
            {
                "post": org.posts.custodian.pk,
                "delegate": org.office_clerk.pk,
                "start": today,
                "end": today,
                "reason": "休假",
            },
        )
        other = client_for(org.vice2).post(
            "/delegations/",
            {"post": org.posts.vice1.pk, "delegate": org.head.pk, "start": today, "end": today, "reason": "代登记"},
        )
        past = client_for(org.vice1).post(
            "/delegations/",
            {
                "post": org.posts.vice1.pk,
                "delegate": org.head.pk,
                "start": "2026-05-01",
                "end": today,
                "reason": "补登",
            },
        )

    assert Delegation.objects.filter(post=org.posts.vice1, delegate=org.vice2, created_by=org.director).exists()
    assert custody.status_code == 400 and not Delegation.objects.filter(post=org.posts.custodian).exists()  # 第三十条
    assert other.status_code == 400 and "不能委托该职务" in other.content.decode()
    assert past.status_code == 400 and "开始日期不能早于今天" in past.content.decode()
    assert Delegation.objects.count() == 1


def test_someone_else_may_not_revoke_a_leaders_delegation(org, client_for):
    d = delegate(org.posts.vice1, org.vice2)
    text = html(client_for(org.vice2).post(f"/delegations/{d.pk}/revoke/", follow=True))
    d.refresh_from_db()
    assert d.revoked_at is None and "只能变更本人职务的委托" in text


def test_only_leaders_see_the_delegation_menu(org, client_for):
    assert 'href="/delegations/"' in html(client_for(org.vice1).get("/"))
    assert 'href="/delegations/"' not in html(client_for(org.dept1_clerk).get("/"))
    assert 'href="/delegations/"' not in html(client_for(org.outsider).get("/"))


def test_the_inbox_filters_by_urgency_where_the_items_have_one(org, client_for):
    from tests.workflow_app.models import Urgency

    submitted_memo(org, title="特急纪要", urgency=Urgency.VERY_URGENT)
    submitted_memo(org, title="平常纪要")
    client = client_for(org.director)

    page = html(client.get("/inbox/", {"urgency": Urgency.VERY_URGENT}))
    bad = client.get("/inbox/", {"urgency": "whatever"})

    assert 'name="urgency"' in page and "特急纪要" in page and "平常纪要" not in page
    assert bad.status_code == 200 and "平常纪要" in bad.content.decode()  # an unknown value is left out, reported
