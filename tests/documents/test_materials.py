"""第二十八条: a unit proposing a 规范性文件 brings its own legality opinion, its fair-competition review and its
consultation record — each a file in its own labelled slot, checked by type and size, required before submission."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import actions
from documents.models import Category, OutgoingDocument, OutState
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Attachment
from tests.seals.helpers import docx_bytes, pdf_upload

from .helpers import BODY, draft, fresh, materials, pdf

pytestmark = pytest.mark.django_db


def form_data(org, **extra):  # type: ignore[no-untyped-def]
    return {
        "unit": org.units.dept1.pk,
        "category": Category.NORMATIVE,
        "title": "海门区既有住宅加装电梯管理办法",
        "recipients": "各区镇人民政府",
        "body": BODY,
        "save": "submit",
        **extra,
    }


def test_each_material_lands_in_its_own_slot(org, office_in_charge):
    doc = draft(org.dept1_clerk, Category.NORMATIVE, **materials())
    assert fresh(doc).state == OutState.OFFICE_CHECK
    roles = sorted(Attachment.objects.filter(item=doc).values_list("role", "original_name"))
    assert roles == [
        ("consultation", "征求意见情况.pdf"),
        ("fair_competition", "公平竞争审查意见.pdf"),
        ("legality_opinion", "本单位合法性审查意见.pdf"),
    ]


@pytest.mark.parametrize("missing", ["legality_opinion", "fair_competition", "consultation"])
def test_each_required_material_is_enforced_before_submission(org, missing):
    with pytest.raises(ValidationError) as info:
        draft(org.dept1_clerk, Category.NORMATIVE, **materials(skip=(missing,)))
    assert set(info.value.message_dict) == {f"material_{missing}"}
    assert "第二十八条" in str(info.value)
    assert not OutgoingDocument.objects.exists()


def test_a_draft_may_wait_for_its_materials_and_is_refused_at_submit(org, office_in_charge):
    doc = draft(org.dept1_clerk, Category.NORMATIVE, submit=False)
    with pytest.raises(ValidationError, match="本单位合法性审查意见"):
        actions.outgoing_submit(doc.pk, actor=org.dept1_clerk)
    for role in ("legality_opinion", "fair_competition", "consultation"):
        actions.outgoing_material_upload(doc.pk, actor=org.dept1_clerk, role=role, upload=pdf())
    assert actions.outgoing_submit(doc.pk, actor=org.dept1_clerk).state == OutState.OFFICE_CHECK


def test_the_office_and_other_categories_need_no_materials(org, office_in_charge):
    assert draft(org.office_clerk, Category.NORMATIVE).state == OutState.OFFICE_CHECK
    assert draft(org.dept1_clerk, Category.DECISION).state == OutState.OFFICE_CHECK


def test_the_type_and_size_are_checked(org, settings):
    fake = SimpleUploadedFile("意见.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        draft(org.dept1_clerk, Category.NORMATIVE, materials={"legality_opinion": fake})
    assert list(info.value.message_dict) == ["material_legality_opinion"]
    assert "本单位合法性审查意见" in str(info.value)
    settings.UPLOAD_MAX_MB = 1
    big = pdf_upload("大.pdf", size=1024 * 1024 + 1)
    with pytest.raises(ValidationError, match="本单位合法性审查意见"):
        draft(org.dept1_clerk, Category.NORMATIVE, materials={"legality_opinion": big})
    with pytest.raises(ValidationError, match="未知的材料类别"):
        draft(org.dept1_clerk, Category.NORMATIVE, materials={"other": pdf()})
    # A DOCX is a document too.
    docx = SimpleUploadedFile("意见.docx", docx_bytes(), content_type="application/octet-stream")
    doc = draft(org.dept1_clerk, Category.NORMATIVE, submit=False, materials={"legality_opinion": docx})
    assert Attachment.objects.get(item=doc).content_type.endswith("wordprocessingml.document")


def test_only_the_drafter_replaces_a_material_and_only_while_it_is_theirs(org, office_in_charge):
    doc = draft(org.dept1_clerk, Category.NORMATIVE, submit=False, **materials())
    first = Attachment.objects.get(item=doc, role="consultation")
    with pytest.raises(engine.Forbidden):
        actions.outgoing_material_upload(doc.pk, actor=org.dept1_head, role="consultation", upload=pdf())
    actions.outgoing_material_upload(doc.pk, actor=org.dept1_clerk, role="consultation", upload=pdf("新.pdf"))
    [current] = Attachment.objects.filter(item=doc, role="consultation")
    assert current.pk != first.pk and current.original_name == "新.pdf"
    with pytest.raises(ValidationError, match="材料类别无效"):
        actions.outgoing_material_upload(doc.pk, actor=org.dept1_clerk, role="attachment", upload=pdf())
    actions.outgoing_submit(doc.pk, actor=org.dept1_clerk)
    with pytest.raises(engine.Conflict):
        actions.outgoing_material_upload(doc.pk, actor=org.dept1_clerk, role="consultation", upload=pdf())


def test_the_drafting_page_has_a_labelled_slot_per_material(org, client_for, office_in_charge):
    client = client_for(org.dept1_clerk)
    page = client.get("/documents/outgoing/new/").content.decode()
    for name, label in (
        ("material_legality_opinion", "本单位合法性审查意见"),
        ("material_fair_competition", "公平竞争审查意见"),
        ("material_consultation", "征求意见情况"),
    ):
        assert f'name="{name}"' in page and label in page
    response = client.post(
        "/documents/outgoing/new/",
        form_data(org, material_legality_opinion=pdf(), material_fair_competition=pdf()),
    )
    assert response.status_code == 200
    assert "报送规范性文件须上传征求意见情况（第二十八条）" in response.content.decode()
    assert not OutgoingDocument.objects.exists()
    response = client.post(
        "/documents/outgoing/new/",
        form_data(
            org,
            material_legality_opinion=SimpleUploadedFile("x.pdf", b"not a pdf"),
            material_fair_competition=pdf(),
            material_consultation=pdf(),
        ),
    )
    assert response.status_code == 200 and "本单位合法性审查意见：" in response.content.decode()
    response = client.post(
        "/documents/outgoing/new/",
        form_data(org, material_legality_opinion=pdf(), material_fair_competition=pdf(), material_consultation=pdf()),
    )
    doc = OutgoingDocument.objects.get()
    assert response.status_code == 302 and doc.state == OutState.OFFICE_CHECK
    page = client.get(f"/items/{doc.pk}/").content.decode()
    slots = page.split('id="material-slots"', 1)[1].split("</dd>", 1)[0]
    assert slots.count("material-slot") == 3 and "未上传" not in slots


def test_the_page_replaces_a_material_of_a_draft(org, client_for):
    doc = draft(org.dept1_clerk, Category.NORMATIVE, submit=False)
    client = client_for(org.dept1_clerk)
    page = client.get(f"/items/{doc.pk}/").content.decode()
    assert page.count("未上传") == 3 and f"/documents/outgoing/{doc.pk}/materials/" in page
    url = f"/documents/outgoing/{doc.pk}/materials/"
    client.post(url, {"role": "consultation", "file": pdf("征求意见.pdf")})
    assert Attachment.objects.get(item=doc, role="consultation").original_name == "征求意见.pdf"
    response = client.post(url, {"role": "bogus", "file": pdf()}, follow=True)
    assert "材料类别无效" in response.content.decode()
    response = client.post(url, {"role": "consultation"}, follow=True)
    assert "请选择要上传的文件" in response.content.decode()
    assert client_for(org.dept1_head).post(url, {"role": "consultation", "file": pdf()}).status_code in (302, 404)
    assert Attachment.objects.filter(item=doc).count() == 1


def test_the_api_takes_the_materials_in_their_slots(org, api_client_for, office_in_charge):
    client = api_client_for(org.dept1_clerk)
    data = {
        "unit": org.units.dept1.pk,
        "category": Category.NORMATIVE,
        "title": "海门区既有住宅加装电梯管理办法",
        "recipients": "各区镇人民政府",
        "body": BODY,
        "material_legality_opinion": pdf(),
        "material_fair_competition": pdf(),
    }
    response = client.post("/api/v1/documents/outgoing/", data, format="multipart")
    assert response.status_code == 400 and "material_consultation" in response.json()
    bad = {**data, "material_legality_opinion": SimpleUploadedFile("x.pdf", b"nope"), "material_consultation": pdf()}
    bad["material_fair_competition"] = pdf()
    response = client.post("/api/v1/documents/outgoing/", bad, format="multipart")
    assert response.status_code == 400 and "material_legality_opinion" in response.json()
    ok = {
        **data,
        "material_legality_opinion": pdf(),
        "material_fair_competition": pdf(),
        "material_consultation": pdf(),
    }
    response = client.post("/api/v1/documents/outgoing/", ok, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [m["role"] for m in body["materials"]] == ["legality_opinion", "fair_competition", "consultation"]
    assert all(m["attachment"] for m in body["materials"])
    # Replacing one while the draft is the drafter's; refused (409) once it is in 核稿.
    draft_doc = draft(org.dept1_clerk, Category.NORMATIVE, submit=False)
    url = f"/api/v1/documents/outgoing/{draft_doc.pk}/materials/"
    response = client.post(url, {"role": "consultation", "file": pdf()}, format="multipart")
    assert response.status_code == 201
    assert client.post(url, {"role": "nope", "file": pdf()}, format="multipart").status_code == 400
    submitted = body["id"]
    response = client.post(
        f"/api/v1/documents/outgoing/{submitted}/materials/",
        {"role": "consultation", "file": pdf()},
        format="multipart",
    )
    assert response.status_code == 409
