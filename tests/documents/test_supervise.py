"""批示 → 督查 (第二十五、三十七、三十九条): when a leader's 批示 on a document needs tracking, the office opens a
supervision item from it in one step; the two are linked both ways, never twice, and only by the office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from documents import actions
from documents.models import IncomingDocument, MatterType
from haimen_gov.org.models import Delegation
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import HistoryEntry, ItemLink, LinkKind
from supervision.models import Designation, Source, SupervisionItem

from .test_circulation import unit_request

pytestmark = pytest.mark.django_db

WORDS = "请区教体局抓紧办理，办公室跟踪督办，月底前报结果。"


def instructed(org, title: str = "关于申请城市更新专项资金的请示") -> tuple[IncomingDocument, HistoryEntry]:  # type: ignore[no-untyped-def]
    """A unit's 请示 assigned to dept2 (5 working days), with the head's 批示."""
    doc = actions.incoming_submit(actor=org.dept1_clerk, unit=org.units.dept1, doc_type="请示", title=title)
    actions.incoming_accept(doc.pk, actor=org.office_clerk, one_matter_confirmed=True)
    doc = actions.incoming_propose(
        doc.pk,
        actor=org.office_clerk,
        proposal="拟请区教体局办理。",
        handling_unit=org.units.dept2,
        matter_type=MatterType.WITHIN_POWER,
    )
    doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1)
    doc = actions.incoming_read(doc.pk, actor=org.vice1, instruction="")
    doc = actions.incoming_read(doc.pk, actor=org.head, instruction=WORDS)
    return doc, HistoryEntry.objects.get(item=doc, verb="read", actor=org.head)


def test_the_director_opens_a_supervision_item_from_the_heads_instruction(org):
    doc, entry = instructed(org)
    item = actions.incoming_supervise(doc.pk, actor=org.director, entry_id=entry.pk)
    item = SupervisionItem.objects.get(pk=item.pk)
    assert (item.title, item.source, item.lead_unit, item.leader) == (
        doc.title,
        Source.LEADER,
        org.units.dept2,
        org.posts.head,
    )
    assert item.requirement == f"区长批示：{WORDS}"
    assert item.source_reference.startswith("区长") and "批示" in item.source_reference
    # The deadline is the handling task's own.
    assert item.due_on == doc.tasks.get(step="handling").due_date
    # One link, seen from both items: 来源 on the supervision item, 派生事项 on the document.
    link = ItemLink.objects.get()
    assert (link.from_item_id, link.to_item_id, link.kind) == (doc.pk, item.pk, LinkKind.SOURCE)
    assert HistoryEntry.objects.filter(item=doc, verb="link").exists()
    assert HistoryEntry.objects.filter(item=item, verb="link").exists()


def test_never_twice_for_the_same_document(org):
    doc, entry = instructed(org)
    actions.incoming_supervise(doc.pk, actor=org.director, entry_id=entry.pk)
    with pytest.raises(engine.Conflict, match="已立为督查事项"):
        actions.incoming_supervise(doc.pk, actor=org.director, entry_id=entry.pk)
    assert SupervisionItem.objects.count() == 1 and ItemLink.objects.count() == 1


@pytest.mark.parametrize("who", ["office_clerk", "dept2_head", "head", "vice1", "dept1_clerk"])
def test_only_the_office_supervises(org, who):
    doc, entry = instructed(org)
    with pytest.raises(engine.Forbidden, match="只有区政府办公室"):
        actions.incoming_supervise(doc.pk, actor=getattr(org, who), entry_id=entry.pk)
    assert not SupervisionItem.objects.exists()


def test_a_designated_unit_is_not_the_office(org):
    """第三十九条: a unit the district designates for supervision may open items of its own matter — but a 批示 on a
    document is the office's to track."""
    doc, entry = instructed(org)
    today = timezone.localdate()
    Designation.objects.create(
        unit=org.units.dept1,
        scope="城市更新",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        created_by=org.director,
    )
    with pytest.raises(engine.Forbidden):
        actions.incoming_supervise(doc.pk, actor=org.dept1_head, entry_id=entry.pk)


def test_the_offices_supervisors_and_the_directors_delegate_may(org, settings):
    doc, entry = instructed(org)
    Group.objects.get_or_create(name=settings.SUPERVISION_STAFF_GROUP)[0].user_set.add(org.office_clerk)
    item = actions.incoming_supervise(doc.pk, actor=org.office_clerk, entry_id=entry.pk)
    assert item.pk
    other, other_entry = instructed(org, title="关于校舍维修资金的请示")
    Delegation.objects.create(
        post=org.posts.director, delegate=org.dept1_head, start=timezone.localdate(), end=timezone.localdate()
    )
    assert actions.incoming_supervise(other.pk, actor=org.dept1_head, entry_id=other_entry.pk).pk


def test_the_entry_must_be_a_leaders_instruction_on_this_document(org):
    doc, _entry = instructed(org)
    _other, other_entry = instructed(org, title="关于另一事项的请示")
    proposal = HistoryEntry.objects.filter(item=doc).exclude(verb="read").first()
    empty = HistoryEntry.objects.get(item=doc, verb="read", actor=org.vice1)  # 已阅 without words: no 批示
    for bad in (other_entry.pk, proposal.pk, empty.pk, 10**9):  # type: ignore[union-attr]
        with pytest.raises(engine.ValidationError, match="领导批示"):
            actions.incoming_supervise(doc.pk, actor=org.director, entry_id=bad)
    assert not SupervisionItem.objects.exists()


def test_an_unassigned_document_needs_a_lead_unit(org):
    doc = actions.incoming_propose(unit_request(org).pk, actor=org.office_clerk, proposal="拟呈阅。")
    doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=org.deputy1)
    doc = actions.incoming_read(doc.pk, actor=org.vice1)
    doc = actions.incoming_read(doc.pk, actor=org.head, instruction="请发改委研究。")
    entry = HistoryEntry.objects.get(item=doc, verb="read", actor=org.head)
    with pytest.raises(engine.ValidationError, match="牵头单位"):
        actions.incoming_supervise(doc.pk, actor=org.director, entry_id=entry.pk)
    item = actions.incoming_supervise(doc.pk, actor=org.director, entry_id=entry.pk, lead_unit=org.units.dept1)
    assert SupervisionItem.objects.get(pk=item.pk).lead_unit == org.units.dept1


def test_one_click_on_the_document_page(org, client_for):
    doc, entry = instructed(org)
    page = client_for(org.director).get(f"/items/{doc.pk}/").content.decode()
    assert f'data-supervise="{entry.pk}"' in page and WORDS in page
    # Nobody outside the office gets the button.
    assert "data-supervise" not in client_for(org.head).get(f"/items/{doc.pk}/").content.decode()
    response = client_for(org.director).post(f"/documents/incoming/{doc.pk}/supervise/", {"entry": entry.pk})
    item = SupervisionItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    page = client_for(org.director).get(f"/items/{doc.pk}/").content.decode()
    assert 'id="supervision-link"' in page and "data-supervise" not in page
    # A second click (another tab): refused with the reason, no second item.
    response = client_for(org.director).post(
        f"/documents/incoming/{doc.pk}/supervise/", {"entry": entry.pk}, follow=True
    )
    assert "已立为督查事项" in response.content.decode() and SupervisionItem.objects.count() == 1


@pytest.mark.parametrize(
    "body", [{}, {"entry": "abc"}, {"entry": "-1"}, {"entry": str(10**20)}, {"due_on": "0001-01-01"}]
)
def test_bad_input_on_the_page_is_a_message(org, client_for, body):
    doc, _entry = instructed(org)
    response = client_for(org.director).post(f"/documents/incoming/{doc.pk}/supervise/", body, follow=True)
    assert response.status_code == 200 and not SupervisionItem.objects.exists()


def test_the_api(org, api_client_for):
    doc, entry = instructed(org)
    url = f"/api/v1/documents/incoming/{doc.pk}/supervise/"
    assert api_client_for(org.dept2_head).post(url, {"entry": entry.pk}, format="json").status_code in (403, 404)
    assert api_client_for(org.director).post(url, {"entry": "x"}, format="json").status_code == 400
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = api_client_for(org.director).post(url, {"entry": entry.pk, "due_on": past}, format="json")
    assert response.status_code == 400 and "办结期限" in response.content.decode()
    response = api_client_for(org.director).post(url, {"entry": entry.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["id"] == SupervisionItem.objects.get().pk
    assert api_client_for(org.director).post(url, {"entry": entry.pk}, format="json").status_code == 409
