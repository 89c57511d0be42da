"""The record cannot be rewritten: history is append-only in the database, the state field refuses assignment, and
the admin shows workflow data read-only (SPEC §7: no other code path may change the state)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from haimen_gov.workflow.models import HistoryEntry, Item, Task
from tests.workflow_app.models import MemoState

from .helpers import fire, history, memo_at, reload, submitted_memo

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- append-only history


def test_history_records_who_for_which_post_what_and_from_where(org, client_for):
    memo = submitted_memo(org)

    fire(memo, "approve", org.deputy1, comment="同意，请司法局审查。", ip="10.1.2.3")
    client_for(org.justice).post(
        f"/items/{memo.pk}/transitions/return/",
        {"comment": "请补充法律依据。", "state": MemoState.JOINT_REVIEW},
        REMOTE_ADDR="10.1.2.4",
    )

    approve, returned = history(memo)[-2:]
    assert (approve.actor, approve.post, approve.acting_label) == (org.deputy1, org.posts.deputy1, "区政府办公室副主任")
    assert (approve.verb, approve.verb_label, approve.step_label) == ("approve", "同意", "办公室审核")
    assert (approve.from_state, approve.to_state, approve.to_state_label) == ("office_review", "joint_review", "会审")
    assert (approve.comment, approve.ip) == ("同意，请司法局审查。", "10.1.2.3")
    assert (returned.actor, returned.post, returned.verb) == (org.justice, org.posts.justice, "return")
    assert (returned.from_state, returned.to_state, returned.comment) == (
        "joint_review",
        "returned",
        "请补充法律依据。",
    )
    assert returned.ip == "10.1.2.4"
    assert reload(memo).state == MemoState.RETURNED


def test_updating_a_history_row_is_refused_by_the_database(org):
    entry = history(submitted_memo(org))[-1]

    entry.comment = "事后修改的意见"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        HistoryEntry.objects.filter(pk=entry.pk).update(actor=org.head)

    entry.refresh_from_db()
    assert (entry.comment, entry.actor) == ("", org.dept1_clerk)


def test_deleting_a_history_row_is_refused_by_the_database(org):
    memo = submitted_memo(org)
    entry = history(memo)[-1]

    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        HistoryEntry.objects.filter(item_id=memo.pk).delete()

    assert HistoryEntry.objects.filter(item_id=memo.pk).count() == 2


def test_new_history_rows_can_still_be_appended(org):
    memo = submitted_memo(org)
    before = len(history(memo))

    fire(memo, "approve", org.director)

    assert len(history(memo)) == before + 1


# --------------------------------------------------------------------------- the protected state


def test_the_state_cannot_be_assigned(org):
    memo = reload(submitted_memo(org))

    with pytest.raises(AttributeError):
        memo.state = MemoState.ISSUED

    assert reload(memo).state == MemoState.OFFICE_REVIEW


def test_the_mirrored_stage_follows_only_the_engine(org):
    memo = memo_at(org, MemoState.EXEC_SIGN)
    item = Item.objects.get(pk=memo.pk)

    assert (item.stage, item.stage_label) == ("exec_sign", "常务副区长签发")
    assert item.concrete() == memo


# --------------------------------------------------------------------------- the admin is read-only


@pytest.fixture
def admin_client(superuser, client_for):  # type: ignore[no-untyped-def]
    return client_for(superuser)


def admin_urls(memo):  # type: ignore[no-untyped-def]
    task = Task.objects.filter(item_id=memo.pk).first()
    entry = HistoryEntry.objects.filter(item_id=memo.pk).first()
    return {
        "item": f"/admin/workflow/item/{memo.pk}/change/",
        "task": f"/admin/workflow/task/{task.pk}/change/",  # type: ignore[union-attr]
        "historyentry": f"/admin/workflow/historyentry/{entry.pk}/change/",  # type: ignore[union-attr]
    }


@pytest.mark.parametrize("model", ["item", "task", "historyentry"])
def test_the_admin_lists_workflow_rows_without_add_or_delete(org, admin_client, model):
    memo = submitted_memo(org)

    page = admin_client.get(f"/admin/workflow/{model}/")

    assert page.status_code == 200
    assert memo.title in page.content.decode()  # every row names its item
    assert f"/admin/workflow/{model}/add/" not in page.content.decode()
    assert admin_client.get(f"/admin/workflow/{model}/add/").status_code == 403


@pytest.mark.parametrize("model", ["item", "task", "historyentry"])
def test_the_admin_change_page_has_no_save_button_and_refuses_a_post(org, admin_client, model):
    memo = submitted_memo(org)
    url = admin_urls(memo)[model]

    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    response = admin_client.post(url, {"title": "篡改", "stage": "issued", "status": "done", "comment": "篡改"})
    assert response.status_code == 403
    assert reload(memo).state == MemoState.OFFICE_REVIEW
    assert Item.objects.get(pk=memo.pk).title == memo.title


@pytest.mark.parametrize("model", ["item", "task", "historyentry"])
def test_the_admin_cannot_delete_workflow_rows(org, admin_client, model):
    memo = submitted_memo(org)
    url = admin_urls(memo)[model].replace("/change/", "/delete/")

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Item.objects.filter(pk=memo.pk).exists()


def test_the_admin_reports_the_protection_on_its_model_admins():
    from django.contrib import admin

    for model in (Item, Task, HistoryEntry):
        model_admin = admin.site._registry[model]
        assert model_admin.has_change_permission(None) is False  # type: ignore[arg-type]
        assert model_admin.has_add_permission(None) is False  # type: ignore[arg-type]
        assert model_admin.has_delete_permission(None) is False  # type: ignore[arg-type]


def test_history_timestamps_are_in_order(org):
    memo = memo_at(org, MemoState.EXEC_SIGN)

    stamps = [entry.at for entry in history(memo)]

    assert stamps == sorted(stamps)
    assert stamps[-1] <= timezone.now()
