"""The registers: filters, search by title/文号/sender, CSV, constant queries; who may register arrivals."""

from __future__ import annotations

import pytest

from documents import actions
from documents.models import Category

from .helpers import draft

pytestmark = pytest.mark.django_db


def reports(org, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, start + n):
        actions.incoming_submit(
            actor=org.dept1_clerk,
            unit=org.units.dept1,
            doc_type="报告",
            title=f"关于第{i}季度工作情况的报告",
            ref_number=f"海发改〔2026〕{i}号",
        )


def test_incoming_register_search_filter_and_csv(org, client_for):
    reports(org, 3)
    client = client_for(org.office_clerk)
    page = client.get("/documents/incoming/", {"q": "海发改〔2026〕1号"}).content.decode()
    assert "关于第1季度工作情况的报告" in page and "关于第2季度" not in page
    page = client.get("/documents/incoming/", {"q": "发展和改革"}).content.decode()  # the sender
    assert page.count("季度工作情况的报告") == 3
    assert "没有符合条件的收文" in client.get("/documents/incoming/", {"state": "filed"}).content.decode()
    csv = client.get("/documents/incoming.csv", {"q": "季度"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "关于第2季度工作情况的报告" in b"".join(csv.streaming_content).decode("utf-8-sig")
    pdf = client.get("/documents/incoming.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # A bad date is a form error, not a 500.
    assert client.get("/documents/incoming/", {"start": "2026-13-40"}).status_code == 200


def test_registers_take_constant_queries(org, client_for, django_assert_max_num_queries):
    client = client_for(org.office_clerk)
    reports(org, 2)
    draft(org.dept1_clerk, Category.DECISION)
    with django_assert_max_num_queries(12) as few:
        client.get("/documents/incoming/")
    reports(org, 8, start=2)
    for i in range(5):
        draft(org.dept1_clerk, Category.DECISION, title=f"关于第{i}项的决定")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/documents/incoming/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/documents/outgoing/")


def test_units_see_only_their_own_documents_in_the_registers(org, client_for):
    reports(org, 1)
    assert "季度工作情况的报告" not in client_for(org.dept2_clerk).get("/documents/incoming/").content.decode()
    assert "季度工作情况的报告" in client_for(org.dept1_clerk).get("/documents/incoming/").content.decode()


def test_only_the_office_opens_the_registration_form(org, client_for):
    assert client_for(org.dept1_clerk).get("/documents/incoming/register/").status_code == 403
    assert client_for(org.office_clerk).get("/documents/incoming/register/").status_code == 200


def test_drafting_through_the_page(org, client_for):
    response = client_for(org.dept1_clerk).post(
        "/documents/outgoing/new/",
        {
            "unit": org.units.dept1.pk,
            "category": "decision",
            "title": "海门区人民政府关于表彰先进集体的决定",
            "recipients": "区各委办局",
            "body": "一、表彰对象\n区发改委等10个单位。",
            "save": "submit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client_for(org.deputy1).get(response["Location"]).content.decode()
    assert "待核稿" in page and "办公室核稿" in page


def test_document_page_queries_do_not_grow_with_distributions(org, client_for, django_assert_max_num_queries):
    doc = draft(org.dept1_clerk, Category.DECISION)
    for user in (org.deputy1, org.director):
        doc = actions.outgoing_approve(doc.pk, actor=user)
    actions.outgoing_sign(doc.pk, actor=org.head)
    actions.outgoing_issue(doc.pk, actor=org.office_clerk)
    client = client_for(org.office_clerk)
    actions.outgoing_distribute(doc.pk, actor=org.office_clerk, units=[org.units.dept2])
    with django_assert_max_num_queries(60) as few:
        page = client.get(f"/items/{doc.pk}/")
    assert "区教体局" in page.content.decode() or org.units.dept2.name in page.content.decode()
    actions.outgoing_distribute(doc.pk, actor=org.office_clerk, units=[org.units.town1, org.units.justice])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/items/{doc.pk}/")


def test_the_processing_slip_lists_the_documents_fields(org, client_for):
    doc = draft(org.dept1_clerk, Category.DECISION, title="海门区人民政府关于表彰先进集体的决定")
    actions.outgoing_approve(doc.pk, actor=org.deputy1, comment="核稿无误。")
    response = client_for(org.deputy1).get(f"/items/{doc.pk}/slip.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_distributed_units_sign_for_the_document(org, client_for):
    doc = draft(org.dept1_clerk, Category.DECISION)
    for user in (org.deputy1, org.director):
        doc = actions.outgoing_approve(doc.pk, actor=user)
    actions.outgoing_sign(doc.pk, actor=org.head)
    actions.outgoing_issue(doc.pk, actor=org.office_clerk)
    # Only the office distributes.
    from haimen_gov.workflow import actions as engine

    with pytest.raises(engine.Forbidden):
        actions.outgoing_distribute(doc.pk, actor=org.dept1_clerk, units=[org.units.dept2])
    [row] = actions.outgoing_distribute(doc.pk, actor=org.office_clerk, units=[org.units.dept2])
    with pytest.raises(engine.Forbidden):
        actions.distribution_mark_read(row.pk, actor=org.dept1_clerk)
    client = client_for(org.dept2_clerk)
    assert "签收" in client.get("/documents/received/").content.decode()
    assert client.post(f"/documents/received/{row.pk}/read/").status_code == 302
    row.refresh_from_db()
    assert row.read_by == org.dept2_clerk and row.read_at is not None


def test_bad_form_input_is_a_chinese_message_not_a_500(org, client_for):
    office = client_for(org.office_clerk)
    response = office.post(
        "/documents/incoming/register/",
        {
            "sender": "南通市人民政府",
            "sender_level": "nowhere",
            "channel": "paper",
            "doc_type": "通知",
            "title": "关" * 201,
            "urgency": "平件",
            "main_recipient": "海门区人民政府",
            "pages": 0,
            "received_on": "2999-01-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "收文日期不能晚于今天" in page
    drafter = client_for(org.dept1_clerk)
    response = drafter.post(
        "/documents/outgoing/new/",
        {"unit": org.units.dept2.pk, "category": "nonsense", "title": "", "recipients": "", "body": "x" * 30001},
    )
    assert response.status_code == 200
    assert client_for(org.outsider).get("/documents/outgoing/new/").status_code == 404
    assert office.post("/documents/received/999999/read/").status_code == 404
