"""The e-mail outbox (sweep.deliver_emails): pending rows are leased, sent, and marked sent. A row leased less than
EMAIL_LEASE ago belongs to another worker and is left alone; an expired lease means that worker died, and the row is
sent again; a failed send leaves the row pending for the next lease."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
import time_machine
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from haimen_gov.workflow import sweep as sweep_module
from haimen_gov.workflow.models import EmailStatus, Notification, NotificationKind
from haimen_gov.workflow.sweep import EMAIL_LEASE, deliver_emails

pytestmark = pytest.mark.django_db


def outbox_row(user: Any, **fields: Any) -> Notification:
    return Notification.objects.create(
        user=user,
        kind=NotificationKind.NEW_TASK,
        title="【待办】关于推进重点项目建设的会议纪要",
        body="办公室审核（区政府办公室主任），办理期限：2026年09月07日",
        url="/items/1/",
        email_status=EmailStatus.PENDING,
        **fields,
    )


class FailingBackend(LocmemBackend):
    """An SMTP server that refuses mail to one address (``FailingBackend.refuse``) and counts the attempts."""

    refuse: set[str] = set()
    attempts: list[str] = []

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        for message in messages:
            FailingBackend.attempts.append(message.to[0])
            if message.to[0] in FailingBackend.refuse:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return super().send_messages(messages)


@pytest.fixture
def failing_backend(settings: Any) -> type[FailingBackend]:
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.refuse, FailingBackend.attempts = set(), []
    return FailingBackend


def test_a_pending_row_is_sent_once_with_a_message_id_naming_it(org, mailoutbox):
    row = outbox_row(org.director)

    assert deliver_emails() == 1
    assert deliver_emails() == 0

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [org.director.email]
    assert message.subject == row.title
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@haimen-portal>"
    assert "黄立新：" in message.body and "办理期限：2026年09月07日" in message.body
    row.refresh_from_db()
    assert row.email_status == EmailStatus.SENT and row.email_sent_at is not None


@pytest.mark.parametrize("leased_ago", [dt.timedelta(seconds=1), EMAIL_LEASE - dt.timedelta(minutes=1)])
def test_a_row_leased_less_than_the_lease_ago_is_not_sent_again(org, mailoutbox, leased_ago):
    claimed = timezone.now() - leased_ago
    row = outbox_row(org.director, email_claimed_at=claimed)

    assert deliver_emails() == 0

    assert mailoutbox == []
    row.refresh_from_db()
    assert (row.email_status, row.email_claimed_at) == (EmailStatus.PENDING, claimed)


@pytest.mark.parametrize("leased_ago", [EMAIL_LEASE + dt.timedelta(seconds=1), dt.timedelta(days=2)])
def test_a_row_whose_lease_expired_is_sent(org, mailoutbox, leased_ago):
    row = outbox_row(org.director, email_claimed_at=timezone.now() - leased_ago)

    assert deliver_emails() == 1

    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [f"<notification-{row.pk}@haimen-portal>"]
    row.refresh_from_db()
    assert row.email_status == EmailStatus.SENT


def test_a_failing_send_leaves_the_row_pending_until_a_later_lease(org, failing_backend):
    refused = outbox_row(org.director)
    other = outbox_row(org.head)
    failing_backend.refuse = {org.director.email}

    assert deliver_emails() == 1  # the other one still goes out

    refused.refresh_from_db()
    assert refused.email_status == EmailStatus.PENDING and refused.email_claimed_at is not None
    other.refresh_from_db()
    assert other.email_status == EmailStatus.SENT
    assert sorted(failing_backend.attempts) == sorted([org.director.email, org.head.email])

    # Within the lease nobody tries again; once it has expired, the next run does — and now the server accepts.
    assert deliver_emails() == 0
    assert len(failing_backend.attempts) == 2
    failing_backend.refuse = set()
    with time_machine.travel(timezone.now() + EMAIL_LEASE + dt.timedelta(seconds=5)):
        assert deliver_emails() == 1
    assert sorted(failing_backend.attempts) == sorted([org.director.email, org.head.email, org.director.email])
    refused.refresh_from_db()
    assert refused.email_status == EmailStatus.SENT


def test_when_every_send_fails_the_run_ends_and_all_stay_pending(org, failing_backend):
    rows = [outbox_row(user) for user in (org.director, org.head, org.vice1)]
    failing_backend.refuse = {org.director.email, org.head.email, org.vice1.email}

    assert deliver_emails(limit=2) == 0  # two batches, no endless loop over the refused rows

    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("email_status", flat=True)) == {
        EmailStatus.PENDING
    }
    assert len(failing_backend.attempts) == 3


def test_more_rows_than_a_batch_are_all_sent(org, mailoutbox):
    users = [org.director, org.head, org.vice1, org.vice2, org.justice]
    rows = [outbox_row(user) for user in users]

    assert deliver_emails(limit=2) == 5

    assert sorted(m.extra_headers["Message-ID"] for m in mailoutbox) == sorted(
        f"<notification-{r.pk}@haimen-portal>" for r in rows
    )


def test_a_row_whose_user_lost_the_address_is_settled_without_mail(org, mailoutbox):
    row = outbox_row(org.director)
    org.director.email = ""
    org.director.save(update_fields=["email"])

    assert deliver_emails() == 0

    assert mailoutbox == []
    row.refresh_from_db()
    assert row.email_status == EmailStatus.NONE


def test_rows_without_mail_are_never_picked_up(org, mailoutbox):
    Notification.objects.create(
        user=org.director, kind=NotificationKind.COPY, title="【传阅】x", email_status=EmailStatus.NONE
    )
    Notification.objects.create(
        user=org.head,
        kind=NotificationKind.COPY,
        title="【传阅】y",
        email_status=EmailStatus.SENT,
        email_sent_at=timezone.now(),
    )

    assert sweep_module.deliver_emails() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("base", ["https://portal.haimen.gov.cn", "https://portal.haimen.gov.cn/"])
def test_the_link_in_an_e_mail_is_absolute_on_the_portals_address(org, mailoutbox, settings, base):
    settings.PORTAL_BASE_URL = base
    outbox_row(org.director)
    deliver_emails()
    (message,) = mailoutbox
    assert "\nhttps://portal.haimen.gov.cn/items/1/\n" in message.body
