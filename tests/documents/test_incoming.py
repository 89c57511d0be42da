"""收文 (第二十四条): a unit's 请示/报告 through the portal, the office's registration of other arrivals, the format
rules (refused or flagged with the rule quoted), 退文 and the corrected version that supersedes the returned one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from documents import actions, rules
from documents.models import IncomingDocument, InState
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import ItemLink, LinkKind

from .helpers import fresh_in, open_holders

pytestmark = pytest.mark.django_db


def submit(org, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("doc_type", "请示")
    fields.setdefault("title", "关于申请2027年度城市更新专项资金的请示")
    return actions.incoming_submit(actor=org.dept1_clerk, unit=org.units.dept1, **fields)


def test_a_units_request_goes_to_the_office_clerk_who_confirms_one_matter(org):
    doc = submit(org, ref_number="海发改〔2026〕88号", urgency="加急", pages=4)
    assert doc.state == InState.CHECK and doc.flags == []
    assert open_holders(doc) == [org.office_clerk]
    with pytest.raises(ValidationError, match="一文一事"):
        actions.incoming_accept(doc.pk, actor=org.office_clerk)
    assert fresh_in(doc).state == InState.CHECK
    for wrong in (org.head, org.dept1_head, org.deputy1):
        with pytest.raises(engine.Forbidden):
            actions.incoming_accept(doc.pk, actor=wrong, one_matter_confirmed=True)
    doc = actions.incoming_accept(doc.pk, actor=org.office_clerk, one_matter_confirmed=True)
    assert doc.state == InState.PROPOSAL and fresh_in(doc).one_matter_confirmed


def test_a_report_needs_no_confirmation(org):
    doc = submit(org, doc_type="报告", title="关于2026年度重点项目推进情况的报告")
    assert actions.incoming_accept(doc.pk, actor=org.office_clerk).state == InState.PROPOSAL


@pytest.mark.parametrize(
    ("recipient", "leader_assignment", "message"),
    [
        ("海门区人民政府、南通市发展和改革委员会", "", rules.RULE_ONE_RECIPIENT),
        ("陈志明区长", "", rules.RULE_LEADER),
        ("南通市人民政府", "", rules.RULE_SKIP_LEVEL),
    ],
)
def test_the_portal_refuses_what_breaks_the_rule(org, recipient, leader_assignment, message):
    with pytest.raises(ValidationError) as info:
        submit(org, main_recipient=recipient, leader_assignment=leader_assignment)
    assert message in info.value.message_dict["main_recipient"]
    assert not IncomingDocument.objects.exists()


def test_a_leader_assigned_matter_may_be_addressed_to_the_leader(org):
    doc = submit(org, main_recipient="陈志明区长", leader_assignment="区长10月12日批示交办：城市更新资金测算")
    assert doc.state == InState.CHECK


def test_titles_joining_several_requests_are_flagged(org):
    doc = submit(org, title="关于申请城市更新专项资金和调整老旧小区改造计划的请示")
    assert doc.flags == [rules.RULE_ONE_MATTER]
    assert submit(org, title="关于申请城市更新专项资金的请示").flags == []


@pytest.mark.parametrize("phrase", ["妥否，请批复", "请批示", "请审批"])
def test_a_report_carrying_request_matters_is_flagged(org, phrase):
    doc = submit(
        org, doc_type="报告", title="关于2026年度防汛工作情况的报告", summary=f"……建议增加防汛物资储备。{phrase}。"
    )
    assert doc.flags == [rules.RULE_REPORT.format(phrase=phrase)]


def test_only_requests_and_reports_come_through_the_portal(org):
    with pytest.raises(ValidationError):
        submit(org, doc_type="通知")
    with pytest.raises(ValidationError):
        actions.incoming_submit(actor=org.dept1_clerk, unit=org.units.dept2, doc_type="请示", title="关于某事的请示")


def test_return_with_reason_and_resubmit_as_a_new_version(org):
    doc = submit(org, doc_type="报告", title="关于防汛工作情况的报告", summary="妥否，请批复。")
    with pytest.raises(engine.CommentRequired):
        actions.incoming_return(doc.pk, actor=org.office_clerk, reason="")
    doc = actions.incoming_return(
        doc.pk, actor=org.office_clerk, reason="报告中夹带请示事项，请分别行文（第二十四条）。"
    )
    assert doc.state == InState.RETURNED and doc.closed_at is not None
    # A returned document is closed: the unit cannot just submit it again …
    with pytest.raises(engine.WorkflowError):
        engine.item_fire(IncomingDocument, doc.pk, verb="submit", actor=org.dept1_clerk)
    # … it sends a corrected version, linked to the old one.
    new = submit(org, doc_type="报告", title="关于防汛工作情况的报告", summary="特此报告。", supersedes=doc)
    assert new.flags == []
    assert ItemLink.objects.filter(from_item=new, to_item=doc, kind=LinkKind.SUPERSEDES).exists()
    # Only the unit's own returned document can be superseded.
    with pytest.raises(ValidationError):
        actions.incoming_submit(
            actor=org.dept2_clerk, unit=org.units.dept2, doc_type="报告", title="关于X的报告", supersedes=new
        )


def test_the_office_registers_a_document_from_above(org):
    doc = actions.incoming_register(
        actor=org.office_clerk,
        sender="南通市人民政府办公室",
        sender_level="city",
        channel="telegram",
        doc_type="明传电报",
        title="关于做好2026年国庆假期安全防范工作的紧急通知",
        main_recipient="各县（市、区）人民政府",
        ref_number="通政办传〔2026〕45号",
        urgency="特急",
        pages=3,
    )
    assert doc.state == InState.PROPOSAL and doc.from_above
    assert open_holders(doc) == [org.office_clerk]
    doc = engine.item_fire(IncomingDocument, doc.pk, verb="file", actor=org.office_clerk, comment="已阅知。")
    assert doc.state == InState.FILED


def test_only_the_office_registers_arrivals(org):
    for wrong in (org.dept1_clerk, org.head, org.outsider):
        with pytest.raises(engine.Forbidden):
            actions.incoming_register(
                actor=wrong,
                sender="南通市人民政府",
                sender_level="city",
                channel="paper",
                doc_type="通知",
                title="关于某事的通知",
                main_recipient="海门区人民政府",
            )


def test_the_forms_say_they_are_not_for_classified_documents(org, client_for):
    for user, url in (
        (org.dept1_clerk, "/documents/incoming/submit/"),
        (org.office_clerk, "/documents/incoming/register/"),
    ):
        page = client_for(user).get(url).content.decode()
        assert "不处理涉密公文" in page


def test_submission_page_shows_refusals_in_chinese(org, client_for):
    response = client_for(org.dept1_clerk).post(
        "/documents/incoming/submit/",
        {
            "doc_type": "请示",
            "title": "关于某事的请示",
            "urgency": "平件",
            "main_recipient": "南通市人民政府",
            "pages": 1,
        },
    )
    assert response.status_code == 200
    assert rules.RULE_SKIP_LEVEL in response.content.decode()
    assert not IncomingDocument.objects.exists()


def test_the_file_is_checked_by_content_and_downloaded_only_by_those_who_see_it(org, client_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.seals.helpers import PDF_BYTES

    settings.MEDIA_ROOT = tmp_path / "media"
    fake = SimpleUploadedFile("请示.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        submit(org, files=[fake])
    doc = submit(org, files=[SimpleUploadedFile("请示.pdf", PDF_BYTES, content_type="application/pdf")])
    attachment = doc.attachments.get()
    assert attachment.role == "document"
    assert client_for(org.office_clerk).get(f"/attachments/{attachment.pk}/").status_code == 200
    assert client_for(org.dept2_clerk).get(f"/attachments/{attachment.pk}/").status_code == 404
