"""会办 (第二十九条): a matter handled with other units — the co-units give their opinions to the lead unit, which sees
them and takes them up in its answer, within 7 working days of the assignment (the co-units within 4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from documents import actions
from documents.models import CO_UNITS_MAX, IncomingDocument, InState, MatterType
from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import HistoryEntry, Task, TaskStatus

from .helpers import fresh_in
from .test_circulation import BEFORE_HOLIDAYS, unit_request

pytestmark = pytest.mark.django_db


def joint(org, co_units=None) -> IncomingDocument:  # type: ignore[no-untyped-def]
    """A 请示 assigned to dept2 with town1 and the justice bureau as co-units, read by the vice head and the head."""
    doc = actions.incoming_propose(
        unit_request(org).pk,
        actor=org.office_clerk,
        proposal="拟请区教体局牵头，三厂街道、区司法局会办。",
        handling_unit=org.units.dept2,
        matter_type=MatterType.JOINT,
        co_units=[org.units.town1, org.units.justice] if co_units is None else co_units,
    )
    doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1)
    doc = actions.incoming_read(doc.pk, actor=org.vice1)
    return actions.incoming_read(doc.pk, actor=org.head, instruction="请区教体局牵头会商办理。")


def co_tasks(doc: IncomingDocument) -> list[tuple[str, str, dt.date]]:
    rows = Task.objects.filter(item=doc, step="handling", extra=True).select_related("post").order_by("id")
    return [(t.post.title, t.status, t.due_date) for t in rows]


def test_the_co_units_are_asked_in_4_working_days_and_the_lead_unit_in_7(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        doc = joint(org)
    assert doc.state == InState.HANDLING
    [lead] = Task.objects.filter(item=doc, step="handling", extra=False, status=TaskStatus.OPEN)
    assert (lead.post, lead.due_date) == (org.posts.dept2_head, dt.date(2026, 10, 13))
    # 09-29, 09-30, then the holidays, 10-08, 10-09.
    assert co_tasks(doc) == [
        ("区司法局局长", "open", dt.date(2026, 10, 9)),
        ("三厂街道办事处主任", "open", dt.date(2026, 10, 9)),
    ]
    assert list(doc.co_units.order_by("pk")) == sorted([org.units.town1, org.units.justice], key=lambda u: u.pk)


@pytest.mark.parametrize(
    ("matter_type", "co_units", "message"),
    [
        (MatterType.JOINT, [], "请选择会办单位"),
        (MatterType.WITHIN_POWER, ["town1"], "只有“需会同其他单位办理”的事项"),
        (MatterType.JOINT, ["dept2"], "不能同时作为会办单位"),
    ],
)
def test_what_an_assignment_with_co_units_must_hold(org, matter_type, co_units, message):
    doc = unit_request(org)
    with pytest.raises(ValidationError, match=message):
        actions.incoming_propose(
            doc.pk,
            actor=org.office_clerk,
            proposal="拟办。",
            handling_unit=org.units.dept2,
            matter_type=matter_type,
            co_units=[getattr(org.units, code) for code in co_units],
        )
    doc = fresh_in(doc)
    assert doc.state == InState.PROPOSAL and not doc.co_units.exists()


def test_at_most_ten_co_units(org):
    from tests.factories import UnitFactory

    many = [UnitFactory(code=f"co{i}", name=f"会办单位{i}", parent=org.units.gov) for i in range(CO_UNITS_MAX + 1)]
    with pytest.raises(ValidationError, match=f"最多 {CO_UNITS_MAX} 个"):
        actions.incoming_propose(
            unit_request(org).pk,
            actor=org.office_clerk,
            proposal="拟办。",
            handling_unit=org.units.dept2,
            matter_type=MatterType.JOINT,
            co_units=many,  # type: ignore[arg-type]  # factory_boy builds Units
        )


def test_only_a_co_units_head_or_their_delegate_gives_its_opinion(org):
    doc = joint(org)
    for outsider in (org.dept2_head, org.dept1_head, org.town1_clerk, org.vice2):
        with pytest.raises(engine.Forbidden):
            actions.incoming_co_opinion(doc.pk, actor=outsider, opinion="同意。")
    # Who acted earlier in the round (the office's 拟办, the head's 批示) is told the step moved on (409).
    for earlier in (org.office_clerk, org.head):
        with pytest.raises(engine.Conflict):
            actions.incoming_co_opinion(doc.pk, actor=earlier, opinion="同意。")
    with pytest.raises(engine.CommentRequired):
        actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="  ")
    with pytest.raises(engine.WorkflowError, match="不能超过 2000"):
        actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="长" * 2001)
    actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="我街道负责做好沿线群众工作。")
    # Given once: a second attempt finds the task closed (409, not a second opinion).
    with pytest.raises(engine.Conflict):
        actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="补充意见。")
    # The justice head is away: whoever acts for the post by delegation gives the bureau's opinion.
    Delegation.objects.create(
        post=org.posts.justice,
        delegate=org.town1_clerk,
        start=timezone.localdate(),
        end=timezone.localdate(),
        reason="外出",
    )
    actions.incoming_co_opinion(doc.pk, actor=org.town1_clerk, opinion="经审查，方案不违反法律法规。")
    entries = list(HistoryEntry.objects.filter(item=doc, verb="opinion").order_by("id"))
    assert [(e.verb_label, e.comment) for e in entries] == [
        ("会办意见", "我街道负责做好沿线群众工作。"),
        ("会办意见", "经审查，方案不违反法律法规。"),
    ]
    assert fresh_in(doc).state == InState.HANDLING  # an opinion never moves the matter


def test_a_co_unit_cannot_answer_for_the_lead_unit(org):
    doc = joint(org)
    with pytest.raises(engine.Forbidden):
        actions.incoming_answer(doc.pk, actor=org.town1_head, answer="已办结。")


def test_the_lead_unit_answers_once_it_has_the_opinions(org):
    doc = joint(org)
    with pytest.raises(ValidationError, match=r"会办单位尚未提出意见：海门区司法局.*海门区三厂街道"):
        actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="经会商，拟按方案实施。")
    actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="同意方案。")
    with pytest.raises(ValidationError, match="海门区司法局") as info:
        actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="经会商，拟按方案实施。")
    assert "三厂街道" not in str(info.value)
    actions.incoming_co_opinion(doc.pk, actor=org.justice, opinion="不违反法律法规。")
    doc = actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="经会商，拟按方案实施。")
    assert fresh_in(doc).state == InState.ANSWERED
    assert [status for _title, status, _due in co_tasks(doc)] == ["done", "done"]


def test_a_co_unit_past_its_deadline_does_not_hold_the_lead_unit_up(org):
    with time_machine.travel(BEFORE_HOLIDAYS, tick=False):
        doc = joint(org)
        actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="同意方案。")
    # 10-12: the co-units' deadline (10-09) has passed, the lead unit's (10-13) has not.
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, 0, tzinfo=BEFORE_HOLIDAYS.tzinfo), tick=False):
        doc = actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="司法局逾期未提意见，按方案实施。")
    assert fresh_in(doc).state == InState.ANSWERED
    lapsed = HistoryEntry.objects.get(item=doc, verb="co_lapsed")
    assert (lapsed.verb_label, lapsed.comment) == ("会办单位逾期未提出意见", "海门区司法局")
    # The justice bureau's task is closed with the step (他人已处理), not left in its 待办.
    assert [status for _title, status, _due in co_tasks(doc)] == ["cancelled", "done"]


def test_a_matter_sent_back_does_not_ask_the_co_units_again(org):
    doc = joint(org)
    actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="同意。")
    actions.incoming_co_opinion(doc.pk, actor=org.justice, opinion="同意。")
    actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="已会商。")
    engine.item_fire(IncomingDocument, doc.pk, verb="send_back", actor=org.office_clerk, comment="请补充资金来源。")
    assert fresh_in(doc).state == InState.HANDLING
    assert len(co_tasks(doc)) == 2 and not Task.objects.filter(item=doc, extra=True, status=TaskStatus.OPEN).exists()
    actions.incoming_answer(doc.pk, actor=org.dept2_head, answer="资金由区财政统筹。")


def test_the_lead_unit_sees_the_opinions_on_the_document_page(org, client_for):
    doc = joint(org)
    actions.incoming_co_opinion(doc.pk, actor=org.town1_head, opinion="我街道负责做好沿线群众工作。")
    page = client_for(org.dept2_head).get(f"/items/{doc.pk}/").content.decode()
    section = page.split('id="co-opinions"', 1)[1].split("</ul>", 1)[0]
    assert "海门区三厂街道" in section and "我街道负责做好沿线群众工作。" in section and "已提出" in section
    assert "海门区司法局" in section and "待提出" in section
    # The co-unit itself sees the matter and its own 提出意见 form.
    page = client_for(org.justice).get(f"/items/{doc.pk}/")
    assert page.status_code == 200 and "会办意见" in page.content.decode()


def test_the_inbox_marks_reading_and_handling(org, client_for):
    doc = joint(org)
    html = client_for(org.justice).get("/inbox/").content.decode()
    row = html.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "办件" in row and doc.title in row
    other = unit_request(org)
    actions.incoming_propose(other.pk, actor=org.office_clerk, proposal="拟呈阅。")
    engine.item_fire(IncomingDocument, other.pk, verb="approve", actor=org.deputy1)
    html = client_for(org.vice1).get("/inbox/").content.decode()
    rows = [r for r in html.split("<tbody>", 1)[1].split("</tr>") if other.title in r]
    assert rows and "阅件" in rows[0] and "办件" not in rows[0]
    # The API's 待办 says the same.
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(org.justice)
    [task] = client.get("/api/v1/inbox/").json()["results"]
    assert (task["item_id"], task["mark"]) == (doc.pk, "办件")
    client.force_authenticate(org.vice1)
    marks = {t["item_id"]: t["mark"] for t in client.get("/api/v1/inbox/").json()["results"]}
    assert marks[other.pk] == "阅件"


def test_the_api_lists_the_matter_for_its_co_units_and_takes_their_opinion(org, api_client_for):
    doc = joint(org)
    client = api_client_for(org.town1_head)
    [row] = client.get("/api/v1/documents/assignments/").json()["results"]
    assert row["id"] == doc.pk and sorted(row["co_units"]) == sorted([org.units.town1.pk, org.units.justice.pk])
    assert [o["status"] for o in row["co_opinions"]] == ["open", "open"]
    assert api_client_for(org.dept1_clerk).get("/api/v1/documents/assignments/").json()["results"] == []
    response = client.post(
        f"/api/v1/documents/assignments/{doc.pk}/transitions/opinion/", {"comment": "同意。"}, format="json"
    )
    assert response.status_code == 200, response.content
    response = api_client_for(org.dept2_head).post(
        f"/api/v1/documents/assignments/{doc.pk}/transitions/answer/", {"comment": "已会商。"}, format="json"
    )
    assert response.status_code == 400 and "海门区司法局" in response.content.decode()
    response = api_client_for(org.dept2_head).post(
        f"/api/v1/documents/assignments/{doc.pk}/transitions/opinion/",
        {"comment": "主办单位不是会办单位。"},
        format="json",
    )
    assert response.status_code == 403
