"""Demo seals: the district government's and the office's, both kept by the office's seal custodian (第三十条)."""

from __future__ import annotations

import datetime as dt

from haimen_gov.org.models import Post, PostKind, Unit, UnitKind

from .models import Seal, SealKind, SealStatus

DEMO_SEALS = (
    ("海门区人民政府印鉴", UnitKind.DISTRICT_GOV, SealKind.GOVERNMENT, "区政府办公室机要室（行政中心 3 楼 312 室）"),
    ("海门区人民政府办公室印鉴", UnitKind.GOV_OFFICE, SealKind.OFFICE, "区政府办公室机要室（行政中心 3 楼 312 室）"),
)


def seed_seals() -> list[Seal]:
    """Create or update the two seals; idempotent. Needs the office's seal custodian post."""
    custodian = Post.objects.filter(kind=PostKind.SEAL_CUSTODIAN).order_by("id").first()
    if custodian is None:
        raise LookupError("no seal custodian post: create the organisation first")
    seals = []
    for name, unit_kind, kind, room in DEMO_SEALS:
        unit = Unit.objects.filter(kind=unit_kind).order_by("id").first()
        if unit is None:
            raise LookupError(f"no unit of kind {unit_kind}")
        seal, _created = Seal.objects.update_or_create(
            name=name,
            defaults={
                "owner_unit": unit,
                "kind": kind,
                "status": SealStatus.IN_USE,
                "in_use_since": dt.date(2022, 5, 19),
                "custodian": custodian,
                "room": room,
            },
        )
        seals.append(seal)
    return seals


# Demo requests for the dashboard (issue 15): some waiting (one of them overdue), some used this month (one off-site),
# one last month. (document title, applicant, seal kind, where it stops, off-site, days since submitted)
DEMO_REQUESTS = (
    ("关于申报2026年省级现代服务业发展专项资金的请示", "dept1_clerk", SealKind.GOVERNMENT, "review", False, 6),
    ("关于城区学校布局调整方案的报告", "dept2_clerk", SealKind.GOVERNMENT, "review", False, 16),
    ("三厂街道老旧小区改造项目立项函", "town1_clerk", SealKind.OFFICE, "review", False, 0),
    ("关于海门港新区道路工程的请示", "dept3_clerk", SealKind.GOVERNMENT, "approval", False, 2),
    ("区住建局2026年度工作总结", "dept3_clerk", SealKind.OFFICE, "stamping", False, 1),
    ("关于2026年秋季学期教育经费安排的报告", "dept2_clerk", SealKind.GOVERNMENT, "archived", False, 8),
    ("海门区与南通市政府合作框架协议", "dept1_clerk", SealKind.GOVERNMENT, "archived", True, 5),
    ("关于临江镇防汛物资储备的函", "town4_clerk", SealKind.OFFICE, "archived", False, 3),
    ("区发改委2026年第三季度经济运行分析", "dept1_clerk", SealKind.OFFICE, "archived", False, 40),
)

_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_requests() -> int:
    """Create the demo requests that do not exist yet (by document title) and return how many were created.

    They go through the real chain (the actions, the leaders in charge); afterwards their clock is set back, as if
    they had been submitted days ago: arrival and handling times, deadlines, and the time of use."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import F
    from django.utils import timezone

    from haimen_gov.org.models import User
    from haimen_gov.org.routing import who_acts_for
    from haimen_gov.workflow.models import Task, TaskStatus

    from . import actions
    from .models import SealRequest

    seals = {seal.kind: seal for seal in Seal.objects.filter(name__in=[s[0] for s in DEMO_SEALS])}
    existing = set(
        SealRequest.objects.filter(document_title__in=[r[0] for r in DEMO_REQUESTS]).values_list(
            "document_title", flat=True
        )
    )
    now = timezone.now()
    created = 0
    for n, (title, username, kind, stop, offsite, days) in enumerate(DEMO_REQUESTS):
        if title in existing:
            continue
        applicant = User.objects.filter(username=username).first()
        post = Post.objects.filter(holder=applicant).select_related("unit").first() if applicant else None
        if applicant is None or post is None or kind not in seals:
            continue
        request = actions.seal_request_create(
            actor=applicant,
            unit=post.unit,
            seal=seals[kind],
            purpose="报送上级机关",
            document_title=title,
            copies=2 + n % 3,
            offsite=offsite,
            offsite_place="南通市人民政府" if offsite else "",
            offsite_reason="签约仪式现场用印" if offsite else "",
            files=[SimpleUploadedFile("demo.pdf", _DEMO_PDF, content_type="application/pdf")],
        )
        while request.state not in (stop, "archived"):
            task = Task.objects.filter(item=request, status=TaskStatus.OPEN).select_related("post").first()
            actor = who_acts_for(task.post) if task else None
            if actor is None:
                break
            if request.state == "stamping":
                request = actions.seal_request_register(
                    request.pk, actor=actor, stamped_at=timezone.now(), stamped_copies=2
                )
                # As if used ``days - 2`` days ago, like the task times moved back below (the action itself refuses a
                # stamp time before the approval, which happened just now).
                SealRequest.objects.filter(pk=request.pk).update(stamped_at=now - dt.timedelta(days=max(days - 2, 0)))
            else:
                request = actions.seal_request_approve(request.pk, actor=actor, comment="同意。")
        # As if submitted ``days`` ago: each finished step took 1 to 30 hours; the open step's deadline moves back.
        for i, task in enumerate(Task.objects.filter(item=request, status=TaskStatus.DONE).order_by("id")):
            Task.objects.filter(pk=task.pk).update(
                created_at=F("finished_at") - dt.timedelta(hours=1 + (n * 7 + i * 11) % 30)
            )
        Task.objects.filter(item=request, status=TaskStatus.OPEN).update(
            created_at=now - dt.timedelta(days=days), due_date=timezone.localdate() - dt.timedelta(days=days - 1)
        )
        created += 1
    return created
