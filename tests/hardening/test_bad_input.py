"""Issue 9, items 2, 7 and 8: bad input on the item pages is a Chinese message, never a 500, never a stored value
that breaks a page (or its PDF) for someone else, never a redirect to another site."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from haimen_gov.workflow.limits import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from haimen_gov.workflow.models import CarbonCopy, HistoryEntry, Notification, Task, TaskStatus
from tests.workflow.helpers import open_tasks, reload, submitted_memo
from tests.workflow_app.models import MemoState

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.wsgi_request._messages]


# --------------------------------------------------------------------------- 7: 500 instead of 400


@pytest.mark.parametrize("post", ["abc", "²", "1.5", "-1", "9" * 30, ""])
def test_add_signer_with_a_bad_post_is_refused_with_a_message(org, client_for, post):
    memo = submitted_memo(org)

    response = client_for(org.director).post(f"/items/{memo.pk}/add-signer/", {"post": post})

    assert response.status_code in (302, 303)
    assert messages_of(response) == ["请选择加签职务。"]
    assert not Task.objects.filter(item_id=memo.pk, extra=True).exists()


@pytest.mark.parametrize("post", ["abc", "²", "9" * 30])
def test_reassigning_a_task_to_a_bad_post_is_refused_with_a_message(org, client_for, post):
    memo = submitted_memo(org)
    task = open_tasks(memo)[0]

    response = client_for(org.director).post(f"/tasks/{task.pk}/reassign/", {"post": post, "reason": "出差"})

    assert response.status_code in (302, 303)
    assert messages_of(response) == ["请选择改派职务。"]
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


@pytest.mark.parametrize("task", ["²", "abc", "9" * 30, ""])
def test_reassigning_from_the_item_page_with_a_bad_task_is_refused_with_a_message(org, client_for, task):
    memo = submitted_memo(org)

    response = client_for(org.director).post(
        f"/items/{memo.pk}/reassign/", {"task": task, "post": org.posts.deputy2.pk, "reason": "出差"}
    )

    assert response.status_code in (302, 303)
    assert messages_of(response) == ["请选择要改派的待办环节。"]


def test_reassigning_a_task_of_another_item_from_the_item_page_is_refused(org, client_for):
    memo, other = submitted_memo(org), submitted_memo(org)

    response = client_for(org.director).post(
        f"/items/{memo.pk}/reassign/",
        {"task": open_tasks(other)[0].pk, "post": org.posts.deputy2.pk, "reason": "出差"},
    )

    assert messages_of(response) == ["请选择要改派的待办环节。"]
    assert {t.post_id for t in open_tasks(other)} == {org.posts.director.pk, org.posts.deputy1.pk}


@pytest.mark.parametrize(
    ("users", "message"),
    [
        (["²"], "请选择传阅对象。"),
        (["abc"], "请选择传阅对象。"),
        ([], "请选择传阅对象。"),
        (["9" * 30], "传阅对象须为在职人员。"),
    ],
)
def test_copying_to_bad_user_ids_is_refused_with_a_message(org, client_for, users, message):
    memo = submitted_memo(org)

    response = client_for(org.director).post(f"/items/{memo.pk}/copy/", {"users": users})

    assert response.status_code in (302, 303)
    assert messages_of(response) == [message]
    assert not CarbonCopy.objects.filter(item_id=memo.pk).exists()


def test_a_copy_note_longer_than_the_limit_is_refused_not_a_database_error(org, client_for):
    memo = submitted_memo(org)

    response = client_for(org.director).post(
        f"/items/{memo.pk}/copy/", {"users": [org.vice2.pk], "note": "阅" * (NOTE_MAX_LENGTH + 1)}
    )

    assert response.status_code in (302, 303)
    assert messages_of(response) == [f"附言不能超过 {NOTE_MAX_LENGTH} 个字。"]
    assert not CarbonCopy.objects.filter(item_id=memo.pk).exists()


@pytest.mark.parametrize("ids", [["²"], ["abc"], ["9" * 30]])
def test_marking_bad_notification_ids_read_is_a_400_and_marks_nothing(org, client_for, ids):
    submitted_memo(org)  # the director gets a new-task notice
    assert Notification.objects.filter(user=org.director, read_at__isnull=True).exists()

    response = client_for(org.director).post("/notifications/read/", {"ids": ids})

    assert response.status_code == 400
    assert "通知不存在" in response.content.decode()
    assert Notification.objects.filter(user=org.director, read_at__isnull=True).exists()


def test_another_users_notification_cannot_be_marked_read(org, client_for):
    submitted_memo(org)
    theirs = Notification.objects.filter(user=org.director).first()
    assert theirs is not None

    response = client_for(org.vice2).post("/notifications/read/", {"ids": [theirs.pk]})

    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --------------------------------------------------------------------------- 2: unbounded comment


def test_a_page_transition_refuses_a_comment_over_the_limit(org, client_for):
    memo = submitted_memo(org)

    response = client_for(org.director).post(
        f"/items/{memo.pk}/transitions/approve/", {"comment": "同" * (TEXT_MAX_LENGTH + 1), "state": memo.state}
    )

    assert response.status_code in (302, 303)
    assert messages_of(response) == [f"意见不能超过 {TEXT_MAX_LENGTH} 个字。"]
    assert reload(memo).state == MemoState.OFFICE_REVIEW


def test_a_page_transition_takes_a_comment_at_the_limit(org, client_for):
    memo = submitted_memo(org)

    client_for(org.director).post(
        f"/items/{memo.pk}/transitions/approve/", {"comment": "同" * TEXT_MAX_LENGTH, "state": memo.state}
    )

    assert reload(memo).state == MemoState.JOINT_REVIEW


def test_the_api_and_the_pages_share_one_limit():
    from haimen_gov.workflow.api import TransitionSerializer
    from haimen_gov.workflow.forms import TransitionCommentForm

    assert TransitionSerializer().fields["comment"].max_length == TEXT_MAX_LENGTH  # type: ignore[attr-defined]
    assert TransitionCommentForm().fields["comment"].max_length == TEXT_MAX_LENGTH  # type: ignore[attr-defined]


@pytest.mark.parametrize("field", ["comment", "reason"])
def test_add_signer_and_reassign_refuse_text_over_the_limit(org, client_for, field):
    memo = submitted_memo(org)
    if field == "comment":
        url, data = f"/items/{memo.pk}/add-signer/", {"post": org.posts.vice2.pk}
    else:
        url, data = f"/tasks/{open_tasks(memo)[0].pk}/reassign/", {"post": org.posts.deputy2.pk}

    response = client_for(org.director).post(url, {**data, field: "长" * (TEXT_MAX_LENGTH + 1)})

    assert response.status_code in (302, 303)
    assert any(f"不能超过 {TEXT_MAX_LENGTH} 个字" in m for m in messages_of(response))
    assert not HistoryEntry.objects.filter(item_id=memo.pk, verb__in=["add_signer", "reassign"]).exists()


def test_the_slip_pdf_renders_a_100000_character_stored_comment_clipped(org, client_for):
    memo = submitted_memo(org)
    # Inserted behind the portal's back, as a row written before the inputs were bounded would be.
    HistoryEntry.objects.create(
        item_id=memo.pk,
        actor=org.director,
        verb="opinion",
        verb_label="提出意见",
        from_state=memo.state,
        to_state=memo.state,
        comment="x" * 60_000 + "长" * 40_000,
    )

    response = client_for(org.director).get(f"/items/{memo.pk}/slip.pdf")

    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "字从略" in text
    assert len(pages) < 10
    # The unbroken run is wrapped inside its cell, not printed as one line running off the page.
    assert text.count("x") > 2000
    assert max(len(line) for line in text.splitlines()) < 200


def test_the_slip_pdf_caps_how_many_opinions_it_prints(org, client_for):
    from haimen_gov.pdf import PDF_OPINION_LIMIT

    memo = submitted_memo(org)
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                item_id=memo.pk,
                actor=org.director,
                verb="opinion",
                verb_label="提出意见",
                from_state=memo.state,
                to_state=memo.state,
                comment=f"意见{i}",
            )
            for i in range(PDF_OPINION_LIMIT + 5)
        ]
    )

    response = client_for(org.director).get(f"/items/{memo.pk}/slip.pdf")

    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "条意见从略" in text


# --------------------------------------------------------------------------- 8: open redirect


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http:evil.example", "\\\\evil.example", " //evil.example"]
)
def test_next_after_a_transition_never_leaves_the_site(org, client_for, target):
    memo = submitted_memo(org)

    response = client_for(org.director).post(
        f"/items/{memo.pk}/transitions/approve/", {"state": memo.state, "next": target}
    )

    assert reload(memo).state == MemoState.JOINT_REVIEW
    assert response["Location"] == memo.get_absolute_url()


def test_next_after_a_transition_may_be_a_path_of_the_site(org, client_for):
    memo = submitted_memo(org)

    response = client_for(org.director).post(
        f"/items/{memo.pk}/transitions/approve/", {"state": memo.state, "next": "/inbox/?page=2"}
    )

    assert response["Location"] == "/inbox/?page=2"
