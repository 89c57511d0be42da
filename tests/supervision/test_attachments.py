"""反馈 with attachments (第三十八条): checked by content and size, at most five, on the page and in the API; shown
in the feedback history, served only to those who see the item, and listed on the 督办单."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import Attachment
from supervision import actions
from supervision.models import Feedback
from tests.seals.helpers import PDF_BYTES, png_bytes

from .conftest import signed_item
from .test_pages import pdf_text

pytestmark = pytest.mark.django_db

URL = "/api/v1/supervision/items/"


def pdf(name: str = "现场照片及说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def test_the_page_stores_the_files_with_the_report_and_shows_them(org, client_for):
    item = signed_item(org)
    client = client_for(org.dept1_head)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert 'name="files"' in page and "最多 5 个" in page
    photo = SimpleUploadedFile("工地.png", png_bytes(), content_type="image/png")
    response = client.post(
        f"/items/{item.pk}/transitions/feedback/",
        {"comment": "已开工", "percent": "30", "state": "in_progress", "files": [pdf(), photo]},
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    names = sorted(a.original_name for a in feedback.attachments.all())
    assert names == ["工地.png", "现场照片及说明.pdf"]
    assert set(Attachment.objects.filter(item=item).values_list("role", flat=True)) == {"feedback"}
    page = client.get(f"/items/{item.pk}/").content.decode()
    attachment = feedback.attachments.get(original_name="现场照片及说明.pdf")
    assert f'data-feedback-file="{attachment.pk}"' in page and "现场照片及说明.pdf" in page
    # The office sees and downloads it; a unit not on the item gets 404 for the file as for the item.
    assert client_for(org.director).get(f"/attachments/{attachment.pk}/").status_code == 200
    assert client_for(org.town1_head).get(f"/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00" * 10, content_type="application/pdf")], "文件类型不受支持"),
        ([SimpleUploadedFile("空.pdf", b"", content_type="application/pdf")], "空文件"),
        ([pdf(f"{n}.pdf") for n in range(6)], "最多上传 5 个附件"),
    ],
)
def test_bad_files_refuse_the_whole_report_with_a_message(org, client_for, files, message):
    item = signed_item(org)
    client = client_for(org.dept1_head)
    response = client.post(
        f"/items/{item.pk}/transitions/feedback/",
        {"comment": "已开工", "percent": "30", "state": "in_progress", "files": files},
        follow=True,
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Feedback.objects.exists() and not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(org, settings):
    settings.UPLOAD_MAX_MB = 1
    item = signed_item(org)
    big = SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * (1024 * 1024), content_type="application/pdf")
    with pytest.raises(Exception, match="超过大小限制"):
        actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="进展", percent=10, files=[big])
    assert not Feedback.objects.exists() and not Attachment.objects.exists()


def test_the_api_takes_files_in_multipart_and_lists_them(org, api_client_for):
    item = signed_item(org)
    client = api_client_for(org.dept1_head)
    response = client.post(
        f"{URL}{item.pk}/feedback/", {"text": "已完成征地", "percent": 60, "files": [pdf()]}, format="multipart"
    )
    assert response.status_code == 201, response.data
    assert [a["original_name"] for a in response.data["attachments"]] == ["现场照片及说明.pdf"]
    detail = api_client_for(org.director).get(f"{URL}{item.pk}/").data
    assert detail["feedbacks"][0]["attachments"][0]["url"].startswith("/attachments/")
    bad = client.post(
        f"{URL}{item.pk}/feedback/",
        {"text": "再报", "percent": 70, "files": [SimpleUploadedFile("x.pdf", b"not a pdf")]},
        format="multipart",
    )
    assert bad.status_code == 400 and "文件类型不受支持" in str(bad.data)
    too_many = client.post(
        f"{URL}{item.pk}/feedback/",
        {"text": "再报", "percent": 70, "files": [pdf(f"{n}.pdf") for n in range(6)]},
        format="multipart",
    )
    assert too_many.status_code == 400 and "最多上传 5 个附件" in str(too_many.data)
    assert Feedback.objects.count() == 1


def test_feedback_files_cannot_be_added_or_removed_afterwards(org, client_for, api_client_for):
    item = signed_item(org)
    actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="进展", percent=10, files=[pdf()])
    attachment = Attachment.objects.get()
    for who in (org.director, org.dept1_head):
        with pytest.raises(engine.WorkflowError):
            engine.attachment_remove(attachment.pk, actor=who)
        with pytest.raises(engine.WorkflowError):
            engine.attachment_add(type(item), item.pk, actor=who, files=[pdf()])
    client_for(org.director).post(f"/attachments/{attachment.pk}/remove/")
    # No attachments endpoint besides the report itself.
    client = api_client_for(org.director)
    assert client.post(f"{URL}{item.pk}/attachments/", {"files": [pdf()]}, format="multipart").status_code == 404
    assert Attachment.objects.count() == 1


def test_the_notice_lists_the_feedback_files(org, client_for):
    item = signed_item(org)
    actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="进展", percent=10, files=[pdf()])
    text = pdf_text(client_for(org.director).get(f"/supervision/items/{item.pk}/notice.pdf").content)
    assert "附件" in text and "现场照片及说明.pdf" in text and "海门区发展和改革委员会" in text


def test_the_item_page_queries_do_not_grow_with_feedback_files(org, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item = signed_item(org)
    client = client_for(org.director)
    actions.supervision_item_feedback(item.pk, actor=org.dept1_head, text="一", percent=10, files=[pdf()])
    client.get(f"/items/{item.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/items/{item.pk}/")
    for n in range(3):
        actions.supervision_item_feedback(
            item.pk, actor=org.dept1_head, text=f"再{n}", percent=20 + n, files=[pdf(), pdf("b.pdf")]
        )
    with django_assert_max_num_queries(len(few)):
        assert client.get(f"/items/{item.pk}/").content.decode().count("data-feedback-file=") == 7


def test_a_delegate_reports_with_files_and_a_stranger_cannot(org, client_for):
    from tests.workflow.helpers import delegate

    item = signed_item(org)
    delegate(org.posts.dept1_head, org.dept1_clerk)
    feedback = actions.supervision_item_feedback(
        item.pk, actor=org.dept1_clerk, text="受委托报送", percent=20, files=[pdf()]
    )
    assert (feedback.author, feedback.unit, feedback.attachments.count()) == (org.dept1_clerk, org.units.dept1, 1)
    # A unit not on the item: refused, and its file is not kept.
    with pytest.raises(engine.WorkflowError):
        actions.supervision_item_feedback(item.pk, actor=org.town1_head, text="冒报", percent=90, files=[pdf("x.pdf")])
    response = client_for(org.town1_head).post(
        f"/items/{item.pk}/transitions/feedback/",
        {"comment": "冒报", "percent": "90", "state": "in_progress", "files": [pdf("y.pdf")]},
    )
    assert response.status_code in (403, 404)
    assert Attachment.objects.count() == 1 and Feedback.objects.count() == 1
