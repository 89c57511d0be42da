"""seals 0003: the request's files move to the engine's Attachment (rows and stored names unchanged), and a stamp
time PostgreSQL could not read back (a BC year) is replaced before the constraint that keeps it sane."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from seals import actions
from seals.models import SealRequest

BEFORE = [("seals", "0002_initial"), ("workflow", "0005_reminder_claims")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_attachments_and_a_bc_stamp_time_are_carried_over(org, seals):
    request = actions.seal_request_create(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        seal=seals.gov,
        purpose="报送市发改委",
        document_title="关于重点项目的请示",
        copies=2,
        submit=False,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        old = old_apps.get_model("seals", "SealAttachment")
        old.objects.create(
            request_id=request.pk,
            kind="document",
            file="seals/2026/03/1-101010000000.pdf",
            original_name="请示.pdf",
            content_type="application/pdf",
            size=1234,
            uploaded_by_id=org.dept1_clerk.pk,
        )
        old.objects.create(
            request_id=request.pk,
            kind="scan",
            file="seals/2026/03/1-111111000000.pdf",
            original_name="扫描件.pdf",
            content_type="application/pdf",
            size=99,
            uploaded_by_id=org.custodian.pk,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE seals_sealrequest SET stamped_at = '0001-01-01 00:00:00+08:05:43' WHERE item_ptr_id = %s",
                [request.pk],
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    from haimen_gov.workflow.models import Attachment

    rows = list(Attachment.objects.filter(item_id=request.pk).order_by("id"))
    assert [(a.role, a.file.name, a.original_name, a.size, a.uploaded_by_id) for a in rows] == [
        ("document", "seals/2026/03/1-101010000000.pdf", "请示.pdf", 1234, org.dept1_clerk.pk),
        ("scan", "seals/2026/03/1-111111000000.pdf", "扫描件.pdf", 99, org.custodian.pk),
    ]
    fixed = SealRequest.objects.get(pk=request.pk)
    assert fixed.stamped_at == fixed.created_at  # the draft was never closed: its creation time stands in
