"""seals 0003: the archive numbers move onto the seal series; requests already archived are numbered in id order,
per year of use, and the series' counters go on from there (the old numbers were primary keys, with gaps)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from haimen_gov.workflow.models import IssuedNumber, Item, NumberCounter
from seals import actions
from seals.models import State

from .helpers import advance, apply

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("seals", "0002_initial")]
AFTER = [("seals", "0003_archive_number_from_series")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_archived_requests_are_renumbered_in_id_order_per_year(org, seals):
    stamped = [
        timezone.make_aware(dt.datetime(2025, 12, 30, 10)),
        timezone.make_aware(dt.datetime(2026, 1, 5, 10)),
        timezone.make_aware(dt.datetime(2025, 12, 31, 10)),
    ]
    # Approved before the uses registered below (a stamp time before the approval is refused).
    with time_machine.travel(timezone.make_aware(dt.datetime(2025, 12, 29, 9))):
        requests = [advance(apply(org.dept1_clerk, seals.gov, copies=1), State.STAMPING) for _ in stamped]
        waiting = advance(apply(org.dept1_clerk, seals.gov, copies=1), State.STAMPING)  # not archived: no number
    for request, when in zip(requests, stamped, strict=True):
        actions.seal_request_register(request.pk, actor=org.custodian, stamped_at=when, stamped_copies=1)

    # Back to before the move: the numbers as they were (the primary key), no series numbers taken.
    migrate(BEFORE)
    with connection.cursor() as cursor:
        for request, when in zip(requests, stamped, strict=True):
            cursor.execute(
                "UPDATE seals_sealrequest SET archive_number = %s WHERE item_ptr_id = %s",
                [f"用印〔{timezone.localtime(when).year}〕{request.pk}号", request.pk],
            )
    Item.objects.update(number="")
    IssuedNumber.objects.all().delete()
    NumberCounter.objects.all().delete()

    migrate(AFTER)

    numbers = dict(Item.objects.values_list("pk", "number"))
    assert [numbers[r.pk] for r in requests] == ["用印〔2025〕1号", "用印〔2026〕1号", "用印〔2025〕2号"]
    assert numbers[waiting.pk] == ""
    assert dict(NumberCounter.objects.values_list("year", "last")) == {2025: 2, 2026: 1}
    # The next use of 2025 goes on from there.
    actions.seal_request_register(
        waiting.pk, actor=org.custodian, stamped_at=timezone.make_aware(dt.datetime(2025, 12, 31, 15)), stamped_copies=1
    )
    assert Item.objects.get(pk=waiting.pk).number == "用印〔2025〕3号"
