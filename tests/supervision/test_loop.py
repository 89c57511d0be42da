"""督查 → 交办 → 反馈 → 回访 → 销号 (第三十七—三十九条): who may open, duplicates, the loop, the extension."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from haimen_gov.workflow.actions import CommentRequired, Conflict, Forbidden
from haimen_gov.workflow.models import ItemLink, LinkKind, Task, TaskStatus
from supervision import actions
from supervision.models import Designation, Feedback, Source, State, SupervisionItem, VerifyMethod
from tests.workflow_app.models import Memo

from .conftest import BEFORE_HOLIDAYS, SHANGHAI, open_item, signed_item

pytestmark = pytest.mark.django_db


def open_tasks(item: SupervisionItem) -> list[tuple[str, str]]:
    return sorted(
        Task.objects.filter(item=item, status=TaskStatus.OPEN).values_list("step", "post__title")  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- who may open (第三十九条)


@pytest.mark.parametrize("who", ["director", "deputy1"])
def test_the_office_director_and_deputies_open_items(org, who):
    item = open_item(org, actor=getattr(org, who))
    assert item.state == State.SIGNING
    assert item.unit == org.units.office
    assert item.opener_post == getattr(org.posts, who)


def test_the_offices_supervision_staff_open_items_and_other_office_staff_do_not(org, staff):
    assert open_item(org, actor=staff).opener_post == org.posts.office_clerk
    with pytest.raises(Forbidden, match="第三十九条"):
        open_item(org, actor=org.custodian, title="另一件事")


@pytest.mark.parametrize("who", ["dept1_head", "dept2_clerk", "vice1", "outsider", "justice"])
def test_anyone_else_is_refused_with_article_39_quoted(org, who):
    with pytest.raises(Forbidden) as refused:
        open_item(org, actor=getattr(org, who))
    assert "区政府各工作部门未经区政府指定不得开展政府督查（第三十九条）" in str(refused.value)
    assert not SupervisionItem.objects.exists()


def test_a_delegate_of_the_director_opens_as_the_director(org):
    from tests.factories import DelegationFactory

    DelegationFactory(post=org.posts.director, delegate=org.deputy2, start=dt.date(2020, 1, 1), end=dt.date(2027, 1, 1))
    org.posts.deputy2.holder = None
    org.posts.deputy2.save()
    assert open_item(org, actor=org.deputy2).opener_post == org.posts.director


def test_a_designated_unit_opens_within_its_dates_and_only_citing_its_designation(org):
    designation = actions.designation_create(
        actor=org.director,
        unit=org.units.justice,
        scope="行政执法规范化专项督查",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 30),
    )
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        with pytest.raises(Forbidden, match="指定依据"):
            open_item(org, actor=org.justice, source=Source.SPECIAL)
        item = open_item(
            org, actor=org.justice, source=Source.SPECIAL, title="行政执法规范化专项督查", designation=designation
        )
    assert (item.unit, item.designation) == (org.units.justice, designation)
    # After the designation's last day the unit is refused again.
    after = dt.datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(after, tick=False), pytest.raises(Forbidden, match="第三十九条"):
        open_item(org, actor=org.justice, title="执法案卷评查", designation=designation)
    # Another unit cannot cite it.
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False), pytest.raises(Forbidden, match="第三十九条"):
        open_item(org, actor=org.dept2_head, title="执法案卷评查", designation=designation)


@pytest.fixture
def justice_designated(org):  # type: ignore[no-untyped-def]
    return actions.designation_create(
        actor=org.director,
        unit=org.units.justice,
        scope="行政执法规范化、食品安全；安全生产",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 30),
    )


@pytest.mark.parametrize(
    ("title", "requirement"),
    [
        ("行政执法案卷评查", "抽查各执法单位案卷。"),  # the first four characters of 行政执法规范化
        ("校园周边 食品安全 整治", "开学前完成。"),  # a whole term, whatever the spacing
        ("关于危化品企业检查的督办", "对照安全生产责任制逐项检查。"),  # the term in the requirement
        ("ＡＢ小区 食品 安全", "全角字母、空格都不影响。"),  # width-folded, spaces removed
    ],
)
def test_a_designated_unit_opens_matters_within_its_scope(org, justice_designated, title, requirement):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        item = open_item(
            org,
            actor=org.justice,
            source=Source.SPECIAL,
            title=title,
            requirement=requirement,
            designation=justice_designated,
        )
    assert item.designation == justice_designated and item.unit == org.units.justice


@pytest.mark.parametrize(
    ("title", "requirement", "source", "message"),
    [
        ("老旧小区改造进度督查", "年底前完成。", Source.SPECIAL, "不在指定的督查范围"),
        ("行政审批提速", "压缩办理时限。", Source.SPECIAL, "不在指定的督查范围"),  # 行政 alone is not 行政执法
        ("食品抽检", "安全第一。", Source.SPECIAL, "不在指定的督查范围"),  # the words apart are not the term
        ("行政执法案卷评查", "x", Source.LEADER, "领导交办事项和会议议定事项由区政府办公室督办"),
        ("行政执法案卷评查", "x", Source.MEETING, "领导交办事项和会议议定事项由区政府办公室督办"),
    ],
)
def test_a_designated_unit_is_refused_outside_its_scope(org, justice_designated, title, requirement, source, message):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False), pytest.raises(Forbidden, match=message):
        open_item(
            org, actor=org.justice, source=source, title=title, requirement=requirement, designation=justice_designated
        )
    assert not SupervisionItem.objects.exists()


def test_the_office_is_not_bound_by_any_designation(org, justice_designated):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        item = open_item(org, title="老旧小区改造进度督查", source=Source.LEADER, designation=justice_designated)
    assert item.designation is None and item.unit == org.units.office


def test_a_delegate_of_a_designated_units_head_opens_within_the_scope_only(org, justice_designated):
    from tests.factories import DelegationFactory

    DelegationFactory(
        post=org.posts.justice, delegate=org.dept2_clerk, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30)
    )
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        item = open_item(
            org, actor=org.dept2_clerk, source=Source.SPECIAL, title="食品安全督查", designation=justice_designated
        )
        assert item.opener_post == org.posts.justice
        with pytest.raises(Forbidden, match="不在指定的督查范围"):
            open_item(
                org, actor=org.dept2_clerk, source=Source.SPECIAL, title="招商引资", designation=justice_designated
            )


@pytest.mark.parametrize("scope", ["", "、，； ", "一、二"])
def test_a_designation_names_at_least_one_matter(org, scope):
    with pytest.raises(ValidationError, match="请填写督查事项范围"):
        actions.designation_create(
            actor=org.director,
            unit=org.units.justice,
            scope=scope,
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 9, 30),
        )


def test_only_the_office_records_designations(org):
    with pytest.raises(Forbidden):
        actions.designation_create(
            actor=org.dept1_head,
            unit=org.units.dept1,
            scope="x",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 2, 1),
        )
    assert not Designation.objects.exists()


# --------------------------------------------------------------------------- no duplicate supervision


def test_the_same_matter_for_the_same_lead_unit_is_refused_while_open_with_a_link(org):
    first = open_item(org, title="关于推进重点项目开工建设的督办")
    with pytest.raises(ValidationError) as refused:
        open_item(org, actor=org.deputy1, title="推进 重点项目开工建设！")
    message = str(refused.value)
    assert "严禁重复督查、多头督查（第三十九条）" in message and f"/items/{first.pk}/" in message
    # Another lead unit may be supervised on the same matter.
    assert open_item(org, title="推进重点项目开工建设", lead_unit=org.units.dept2).pk != first.pk


def test_a_closed_matter_may_be_supervised_again(org):
    item = signed_item(org)
    actions.supervision_item_finish(item.pk, actor=org.dept1_head, note="已全部完成")
    actions.supervision_item_verify(
        item.pk, actor=org.director, close=True, method=VerifyMethod.ON_SITE, note="现场核实"
    )
    assert open_item(org).pk != item.pk


def test_the_database_refuses_a_second_open_item_of_a_matter_and_unit(org):
    from django.db import IntegrityError, transaction

    item = open_item(org)
    clone = SupervisionItem.objects.get(pk=item.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionItem.objects.filter(pk=item.pk).update(normalised_title="x")
        clone.pk = clone.id = None
        clone.normalised_title = "x"
        clone.save()


def test_similar_titles_are_shown_before_saving(org):
    item = open_item(org, title="关于加快老旧小区改造进度的督办")
    open_item(org, title="关于做好秋季学校食品安全工作", lead_unit=org.units.dept2)
    similar = actions.similar_items("加快推进老旧小区改造")
    assert [s.pk for s, _score in similar] == [item.pk]
    assert actions.similar_items("防汛防台准备") == []


# --------------------------------------------------------------------------- sources and links


def test_an_item_opened_from_a_source_item_links_both_ways(org):
    from haimen_gov.workflow import actions as engine

    memo = engine.item_create(Memo, actor=org.dept1_clerk, title="区政府常务会议纪要：议定事项三", unit=org.units.dept1)
    item = actions.supervision_item_open_from_source(
        memo, actor=org.director, requirement="按议定事项抓落实", lead_unit=org.units.dept2, due_workdays=10
    )
    assert item.title == memo.title and item.source_reference == memo.title
    link = ItemLink.objects.get()
    assert (link.from_item_id, link.to_item_id, link.kind) == (memo.pk, item.pk, LinkKind.SOURCE)


# --------------------------------------------------------------------------- the loop (第三十八条)


def test_every_unit_signs_then_each_reports_on_its_cadence(org):
    item = open_item(org, co_units=[org.units.dept2])
    assert open_tasks(item) == [("signing", "区发改委主任"), ("signing", "区教体局局长")]
    with pytest.raises(Forbidden):
        actions.supervision_item_sign(item.pk, actor=org.town1_head)
    actions.supervision_item_sign(item.pk, actor=org.dept1_head)
    assert SupervisionItem.objects.get(pk=item.pk).state == State.SIGNING
    actions.supervision_item_sign(item.pk, actor=org.dept2_clerk if False else org.dept2_head)
    assert SupervisionItem.objects.get(pk=item.pk).state == State.IN_PROGRESS
    assert open_tasks(item) == [("feedback", "区发改委主任"), ("feedback", "区教体局局长")]


def test_feedback_cadence_across_the_2026_national_day_holidays(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        item = signed_item(org, cadence_days=5, due_on=dt.date(2026, 12, 31))
    [task] = Task.objects.filter(item=item, status=TaskStatus.OPEN)
    # 5 working days from Monday 09-28: 09-29, 09-30, 10-08, 10-09 and Saturday 10-10 (调休).
    assert task.due_date == dt.date(2026, 10, 10)
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="已完成立项批复", percent=30)
    [task] = Task.objects.filter(item=item, status=TaskStatus.OPEN)
    # Next report 5 working days after 09-30: 10-08, 10-09, 10-10, 10-12, 10-13.
    assert task.due_date == dt.date(2026, 10, 13)
    assert SupervisionItem.objects.get(pk=item.pk).progress == 30


def test_co_units_report_to_the_lead_unit_which_consolidates(org):
    item = signed_item(org, co_units=[org.units.dept2, org.units.town1])
    co = actions.supervision_item_feedback(item.pk, actor=org.dept2_head, text="配合完成校舍排查", percent=50)
    assert not co.is_lead and SupervisionItem.objects.get(pk=item.pk).progress == 0
    # One co-unit's report leaves the others' tasks alone.
    assert len(Task.objects.filter(item=item, status=TaskStatus.OPEN)) == 3
    lead = actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="汇总：整体完成六成", percent=60)
    co.refresh_from_db()
    assert lead.is_lead and co.consolidated_into == lead
    assert SupervisionItem.objects.get(pk=item.pk).progress == 60
    town = actions.supervision_item_feedback(
        item.pk, actor=org.town1_clerk if False else org.town1_head, text="t", percent=10
    )
    town.refresh_from_db()
    assert town.consolidated_into is None


def test_feedback_is_bounded_and_only_from_the_items_units(org):
    item = signed_item(org)
    with pytest.raises(ValidationError):
        actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="x", percent=101)
    with pytest.raises(CommentRequired):
        actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text=" ", percent=10)
    with pytest.raises(Forbidden):
        actions.supervision_item_feedback(item.pk, actor=org.dept2_head, text="越权反馈", percent=10)
    assert not Feedback.objects.exists()


def test_the_lead_unit_asks_for_an_extension_once_and_the_director_or_leader_decides(org):
    item = signed_item(org, co_units=[org.units.dept2], leader=org.posts.vice1, due_on=dt.date(2027, 1, 10))
    with pytest.raises(Forbidden, match="牵头单位"):
        actions.supervision_item_extend(
            item.pk, actor=org.dept2_head, reason="配合单位想延期", extension_due_on=dt.date(2027, 2, 1)
        )
    with pytest.raises(ValidationError):
        actions.supervision_item_extend(item.pk, actor=org.dept1_head, reason="x", extension_due_on=dt.date(2027, 1, 5))
    actions.supervision_item_extend(
        item.pk, actor=org.dept1_head, reason="征地手续未完成", extension_due_on=dt.date(2027, 2, 1)
    )
    item.refresh_from_db()
    assert item.state == State.EXTENSION and item.extension_reason == "征地手续未完成"
    assert open_tasks(item) == [("extension", "副区长"), ("extension", "区政府办公室主任")]
    with pytest.raises(Forbidden):
        actions.supervision_item_decide_extension(item.pk, actor=org.vice2, approve=True)
    actions.supervision_item_decide_extension(item.pk, actor=org.vice1, approve=True, comment="同意")
    item.refresh_from_db()
    assert (item.state, item.due_on) == (State.IN_PROGRESS, dt.date(2027, 2, 1))
    # Once only.
    with pytest.raises(Conflict, match="只能申请一次"):
        actions.supervision_item_extend(
            item.pk, actor=org.dept1_head, reason="再延", extension_due_on=dt.date(2027, 3, 1)
        )


def test_a_refused_extension_keeps_the_deadline_and_uses_up_the_request(org):
    item = signed_item(org, due_on=dt.date(2027, 1, 10))
    actions.supervision_item_extend(item.pk, actor=org.dept1_head, reason="理由", extension_due_on=dt.date(2027, 2, 1))
    actions.supervision_item_decide_extension(item.pk, actor=org.director, approve=False, comment="不予延期")
    item.refresh_from_db()
    assert (item.state, item.due_on, item.extension_used) == (State.IN_PROGRESS, dt.date(2027, 1, 10), True)


def test_finish_verify_send_back_then_close(org):
    item = signed_item(org, co_units=[org.units.dept2])
    with pytest.raises(Forbidden, match="牵头单位"):
        actions.supervision_item_finish(item.pk, actor=org.dept2_head, note="已办完")
    actions.supervision_item_finish(item.pk, actor=org.dept1_head, note="项目已开工")
    assert open_tasks(item) == [("verifying", "区政府办公室主任")]
    # The lead unit's own report closed its task: the engine answers 409 (someone else's step now), never success.
    with pytest.raises((Forbidden, Conflict)):
        actions.supervision_item_verify(item.pk, actor=org.dept1_head, close=True, method=VerifyMethod.PHONE, note="x")
    actions.supervision_item_verify(item.pk, actor=org.director, close=False, note="现场未见施工，继续办理")
    item.refresh_from_db()
    assert (item.state, item.sent_back_count) == (State.IN_PROGRESS, 1)
    assert open_tasks(item) == [("feedback", "区发改委主任"), ("feedback", "区教体局局长")]
    actions.supervision_item_finish(item.pk, actor=org.dept1_head, note="已全面开工")
    with pytest.raises(ValidationError):
        actions.supervision_item_verify(item.pk, actor=org.director, close=True, method="", note="x")
    actions.supervision_item_verify(
        item.pk, actor=org.director, close=True, method=VerifyMethod.UNANNOUNCED, note="四不两直暗访核实"
    )
    item.refresh_from_db()
    assert (item.state, item.verify_method, item.closed_at is not None) == (State.CLOSED, "unannounced", True)
    assert open_tasks(item) == []


def test_the_send_back_needs_a_reason(org):
    item = signed_item(org)
    actions.supervision_item_finish(item.pk, actor=org.dept1_head, note="完成")
    with pytest.raises(CommentRequired):
        actions.supervision_item_verify(item.pk, actor=org.director, close=False, note="")


def test_a_missed_feedback_is_reminded_then_escalated_by_the_engines_sweep(org):
    from haimen_gov.workflow import sweep
    from haimen_gov.workflow.models import Notification, NotificationKind

    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        item = signed_item(org, cadence_days=5, due_on=dt.date(2026, 12, 31))
    [task] = Task.objects.filter(item=item, status=TaskStatus.OPEN)
    assert task.due_date == dt.date(2026, 11, 9)
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI), tick=False):
        sweep.sweep(dt.date(2026, 11, 10))
    assert Notification.objects.filter(user=org.dept1_head, kind=NotificationKind.OVERDUE).exists()
    # From the third overdue working day the post above (the vice head in charge of 区发改委) hears of it.
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, 0, tzinfo=SHANGHAI), tick=False):
        sweep.sweep(dt.date(2026, 11, 12))
    assert Notification.objects.filter(user=org.vice1, kind=NotificationKind.ESCALATED).exists()


def test_the_page_records_the_completion_note_and_the_visit(org, client_for):
    item = signed_item(org)
    response = client_for(org.dept1_head).post(
        f"/items/{item.pk}/transitions/finish/", {"comment": "项目已全面开工", "state": "in_progress"}
    )
    assert response.status_code == 302
    client_for(org.director).post(
        f"/items/{item.pk}/transitions/close/",
        {"comment": "暗访工地，已开工", "verify_method": "unannounced", "state": "verifying"},
    )
    item.refresh_from_db()
    assert (item.state, item.completion_note, item.verify_method, item.verify_note) == (
        State.CLOSED,
        "项目已全面开工",
        "unannounced",
        "暗访工地，已开工",
    )
