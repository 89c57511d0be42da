"""拟办 → 阅批 → 呈阅 → 批办 → 承办 → 办结 (第二十五、二十九条), on the engine's reading steps and item deadlines.

呈阅 order: a unit's 请示/报告 bottom-up (the vice head in charge first, up to the head); documents from above
top-down (the head first, then the exec vice head, then the vice heads concerned). Deadlines count working days
across the 2026 National Day holidays (10-01…10-07 off, Saturday 10-10 worked: 调休)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from documents import actions
from documents.models import IncomingDocument, InState, MatterType
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Task, TaskStatus

from .helpers import fresh_in, open_holders

pytestmark = pytest.mark.django_db

# Monday before the 2026 National Day holidays.
BEFORE_HOLIDAYS = dt.datetime(2026, 9, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def unit_request(org) -> IncomingDocument:  # type: ignore[no-untyped-def]
    doc = actions.incoming_submit(
        actor=org.dept1_clerk, unit=org.units.dept1, doc_type="请示", title="关于申请城市更新专项资金的请示"
    )
    return actions.incoming_accept(doc.pk, actor=org.office_clerk, one_matter_confirmed=True)


def city_document(org) -> IncomingDocument:  # type: ignore[no-untyped-def]
    return actions.incoming_register(
        actor=org.office_clerk,
        sender="南通市人民政府",
        sender_level="city",
        channel="paper",
        doc_type="通知",
        title="关于做好2026年冬季安全生产工作的通知",
        main_recipient="各县（市、区）人民政府",
        ref_number="通政发〔2026〕30号",
    )


def test_unit_request_read_bottom_up_and_assigned_by_the_heads_instruction(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        doc = unit_request(org)
        with pytest.raises(ValidationError, match="拟办意见"):
            actions.incoming_propose(doc.pk, actor=org.office_clerk, proposal="  ")
        doc = actions.incoming_propose(doc.pk, actor=org.office_clerk, proposal="拟呈李副区长、陈区长阅示。")
        assert doc.state == InState.REVIEW and open_holders(doc) == [org.deputy1]
        with pytest.raises(engine.Forbidden):
            engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy2)
        doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1, comment="同意拟办意见。")
        assert doc.state == InState.READING
        # Bottom-up: the vice head in charge of dept1 first; the head is not asked yet.
        assert open_holders(doc) == [org.vice1]
        with pytest.raises(engine.Forbidden):
            actions.incoming_read(doc.pk, actor=org.head)
        doc = actions.incoming_read(doc.pk, actor=org.vice1, instruction="拟同意，请陈区长审示。")
        assert doc.state == InState.READING and open_holders(doc) == [org.head]
        doc = actions.incoming_read(
            doc.pk,
            actor=org.head,
            instruction="请区教体局研究办理。",
            handling_unit=org.units.dept2,
            matter_type=MatterType.WITHIN_POWER,
        )
        doc = fresh_in(doc)
        assert doc.state == InState.HANDLING and doc.handling_unit == org.units.dept2
        [task] = Task.objects.filter(item=doc, status=TaskStatus.OPEN)
        assert task.post == org.posts.dept2_head
        # 5 working days from Monday 09-28: 09-29, 09-30, 10-08, 10-09 and Saturday 10-10 (调休).
        assert task.due_date == dt.date(2026, 10, 10)
        with pytest.raises(engine.Forbidden):
            actions.incoming_answer(doc.pk, actor=org.dept1_head, answer="已办。")
        with pytest.raises(engine.CommentRequired):
            actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="")
        doc = actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="已拨付资金2800万元。")
        assert doc.state == InState.ANSWERED and open_holders(doc) == [org.office_clerk]
        doc = engine.item_fire(
            IncomingDocument, doc.pk, verb="send_back", actor=org.office_clerk, comment="请附拨付凭证。"
        )
        assert doc.state == InState.HANDLING and open_holders(doc) == [org.dept2_head]
        doc = actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="已附拨付凭证。")
        doc = engine.item_fire(IncomingDocument, doc.pk, verb="close", actor=org.office_clerk)
        assert doc.state == InState.CLOSED and doc.closed_at is not None


def test_city_document_read_top_down_head_first_then_filed(org, office_in_charge):
    doc = city_document(org)
    assert doc.state == InState.PROPOSAL
    doc = actions.incoming_propose(
        doc.pk,
        actor=org.office_clerk,
        proposal="拟呈陈区长、王常务副区长、周副区长阅。",
        concerned_vices=[org.posts.vice2],
    )
    assert open_holders(doc) == [org.deputy1]  # the deputy in charge of the office's own work
    doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1)
    order = []
    while doc.state == InState.READING:
        [reader] = open_holders(doc)
        assert reader is not None
        order.append(reader.username)
        doc = actions.incoming_read(doc.pk, actor=reader, instruction="阅。")
    # 第二十五条: 市政府的文件第一时间呈报区长; then the exec vice head, then the vice heads concerned.
    assert order == ["head", "exec_vice", "vice2"]
    assert doc.state == InState.FILED


@pytest.mark.parametrize(
    ("matter_type", "due_on", "expected"),
    [
        (MatterType.WITHIN_POWER, None, dt.date(2026, 10, 10)),  # 5
        (MatterType.NEEDS_APPROVAL, None, dt.date(2026, 10, 10)),  # 5
        (MatterType.JOINT, None, dt.date(2026, 10, 13)),  # 7: …10-10, 10-12, 10-13
        (MatterType.INVESTIGATION, None, dt.date(2026, 11, 13)),  # 30
        (MatterType.URGENT, dt.date(2026, 10, 9), dt.date(2026, 10, 9)),  # the date the district sets
    ],
)
def test_each_deadline_of_article_29_across_national_day(org, matter_type, due_on, expected):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        doc = actions.incoming_propose(
            unit_request(org).pk,
            actor=org.office_clerk,
            proposal="拟请区教体局办理。",
            handling_unit=org.units.dept2,
            matter_type=matter_type,
            due_on=due_on,
            co_units=[org.units.town1] if matter_type == MatterType.JOINT else [],
        )
        doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1)
        doc = actions.incoming_read(doc.pk, actor=org.vice1)
        doc = actions.incoming_read(doc.pk, actor=org.head, instruction="同意拟办意见。")
        [task] = Task.objects.filter(item=doc, status=TaskStatus.OPEN, extra=False)
        assert (task.post, task.due_date) == (org.posts.dept2_head, expected)
        co = [(t.post, t.due_date) for t in Task.objects.filter(item=doc, status=TaskStatus.OPEN, extra=True)]
        # 会办: the co-unit's opinion to the lead unit in 4 working days (…09-30, 10-08, 10-09).
        assert co == ([(org.posts.town1_head, dt.date(2026, 10, 9))] if matter_type == MatterType.JOINT else [])


def test_an_urgent_matter_needs_a_date_and_a_type_is_required(org):
    doc = unit_request(org)
    with pytest.raises(ValidationError, match="办理期限"):
        actions.incoming_propose(
            doc.pk, actor=org.office_clerk, proposal="拟办。", handling_unit=org.units.dept2, matter_type="urgent"
        )
    with pytest.raises(ValidationError, match="事项类型"):
        actions.incoming_propose(doc.pk, actor=org.office_clerk, proposal="拟办。", handling_unit=org.units.dept2)
    assert fresh_in(doc).state == InState.PROPOSAL and fresh_in(doc).handling_unit is None


def test_returned_report_is_a_task_for_the_unit_until_a_new_version_supersedes_it(org):
    doc = actions.incoming_submit(
        actor=org.dept1_clerk, unit=org.units.dept1, doc_type="报告", title="关于防汛工作的报告", summary="请批示。"
    )
    actions.incoming_return(doc.pk, actor=org.office_clerk, reason="报告中夹带请示事项。")
    [task] = Task.objects.filter(item=doc, status=TaskStatus.OPEN)
    assert task.post == org.posts.dept1_clerk and task.step == "resubmit"
    actions.incoming_submit(
        actor=org.dept1_clerk, unit=org.units.dept1, doc_type="报告", title="关于防汛工作的报告", supersedes=doc
    )
    assert not Task.objects.filter(item=doc, status=TaskStatus.OPEN).exists()


def test_the_item_page_offers_the_proposal_and_reading_forms(org, client_for):
    doc = unit_request(org)
    page = client_for(org.office_clerk).get(f"/items/{doc.pk}/").content.decode()
    assert "拟办意见" in page and "事项类型（第二十九条）" in page
    response = client_for(org.office_clerk).post(
        f"/items/{doc.pk}/transitions/propose/",
        {
            "state": "proposal",
            "proposal": "拟呈领导阅示。",
            "handling_unit": org.units.dept2.pk,
            "matter_type": "joint",
            "co_units": [org.units.town1.pk],
        },
    )
    assert response.status_code == 302
    doc = fresh_in(doc)
    assert doc.state == InState.REVIEW and doc.matter_type == MatterType.JOINT and doc.proposal == "拟呈领导阅示。"
    assert list(doc.co_units.all()) == [org.units.town1]


def assigned(org, title: str, unit, matter_type: str = MatterType.WITHIN_POWER, co_units=()) -> IncomingDocument:  # type: ignore[no-untyped-def]
    doc = actions.incoming_submit(actor=org.dept1_clerk, unit=org.units.dept1, doc_type="报告", title=title)
    actions.incoming_accept(doc.pk, actor=org.office_clerk)
    if matter_type == MatterType.JOINT and not co_units:
        co_units = [org.units.justice if unit != org.units.justice else org.units.dept2]
    doc = actions.incoming_propose(
        doc.pk,
        actor=org.office_clerk,
        proposal="拟交办。",
        handling_unit=unit,
        matter_type=matter_type,
        co_units=co_units,
    )
    doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1)
    doc = actions.incoming_read(doc.pk, actor=org.vice1)
    return actions.incoming_read(doc.pk, actor=org.head)


def test_handling_board_and_assignments_api(org, client_for, api_client_for, django_assert_max_num_queries):
    assigned(org, "关于甲事项的报告", org.units.dept2)
    office = client_for(org.office_clerk)
    with django_assert_max_num_queries(12) as few:
        page = office.get("/documents/board/").content.decode()
    assert "关于甲事项的报告" in page and "区教体局" in page
    for i in range(3):
        assigned(org, f"关于乙{i}事项的报告", org.units.town1, MatterType.JOINT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = office.get("/documents/board/").content.decode()
    assert page.count("事项的报告") == 4
    # A unit sees what was assigned to it, not the others'.
    mine = client_for(org.dept2_clerk).get("/documents/board/").content.decode()
    assert "关于甲事项的报告" in mine and "关于乙0事项的报告" not in mine
    body = api_client_for(org.dept2_head).get("/api/v1/documents/assignments/").json()
    assert [row["title"] for row in body["results"]] == ["关于甲事项的报告"]
    assert body["results"][0]["due_date"] and body["results"][0]["handling_unit_name"] == org.units.dept2.name
    pk = body["results"][0]["id"]
    response = api_client_for(org.dept2_head).post(
        f"/api/v1/documents/assignments/{pk}/transitions/answer/", {"comment": "已办结。"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == InState.ANSWERED
    response = api_client_for(org.town1_head).post(
        f"/api/v1/documents/assignments/{pk}/transitions/close/", {}, format="json"
    )
    assert response.status_code == 404
