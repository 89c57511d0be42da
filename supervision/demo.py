"""Demo supervision items (seed_demo): from a leader's 批示, a public complaint and a 专项督查, one of them red; a
feedback with its attachment; a unit designated for a matter and its own item; last month's 督查通报."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from haimen_gov.org.models import Post, PostKind, Unit, User
from haimen_gov.workdays.calendar import workdays_before
from haimen_gov.workflow.models import Task, TaskStatus

from . import actions
from .models import Designation, Source, SupervisionItem

DEMO_ITEMS = (
    # (title, source, reference, lead unit code, co-unit codes, working days, cadence, leader username)
    (
        "关于加快推进海门港新区重点项目开工建设的督办",
        Source.LEADER,
        "区长批示：请区发改委牵头，会同区住建局倒排工期，确保年内开工。",
        "dept1",
        ("dept3",),
        40,
        5,
        "vice1",
    ),
    (
        "关于三厂街道某小区雨污管网错接导致污水外溢问题的督办",
        Source.PUBLIC,
        "12345热线工单 HM2026110300218",
        "town1",
        ("dept3",),
        15,
        3,
        "vice1",
    ),
    (
        "校园食品安全专项督查",
        Source.SPECIAL,
        "区政府2026年第二轮专项督查计划",
        "dept2",
        ("dept7",),
        20,
        5,
        "vice2",
    ),
)
RED_TITLE = "校园食品安全专项督查"
DESIGNATED_TITLE = "行政执法案卷评查专项督查"
# A valid one-page PDF (the feedback's attachment in the demo; uploads are checked by content).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _head(unit: Unit) -> User:
    post = Post.objects.select_related("holder").get(kind=PostKind.UNIT_HEAD, unit=unit)
    assert post.holder is not None
    return post.holder


def seed_supervision() -> list[SupervisionItem]:
    """Create the demo items once (idempotent by title): signed by their units, one reported on, one red."""
    group, _ = Group.objects.get_or_create(name=settings.SUPERVISION_STAFF_GROUP)
    clerk = Post.objects.filter(kind=PostKind.UNIT_CLERK, unit__code="gov_office").select_related("holder").first()
    if clerk is not None and clerk.holder is not None:
        clerk.holder.groups.add(group)
    director = User.objects.get(username="director")
    items = []
    for title, source, reference, lead, co, days, cadence, leader in DEMO_ITEMS:
        existing = SupervisionItem.objects.filter(title=title).first()
        if existing is not None:
            items.append(existing)
            continue
        lead_unit = Unit.objects.get(code=lead)
        item = actions.supervision_item_open(
            actor=director,
            title=title,
            source=source,
            source_reference=reference,
            requirement="请牵头单位会同配合单位制定工作方案，明确责任人和时间节点，按期报送进展，限期办结。",
            lead_unit=lead_unit,
            co_units=list(Unit.objects.filter(code__in=co)),
            leader=Post.objects.filter(holder__username=leader).first(),
            due_workdays=days,
            cadence_days=cadence,
        )
        for unit in [lead_unit, *item.co_units.all()]:
            actions.supervision_item_sign(item.pk, actor=_head(unit))
        items.append(item)
    first = items[0]
    if not first.feedbacks.exists():
        actions.supervision_item_feedback(
            first.pk,
            actor=_head(first.lead_unit),
            text="已完成项目立项和用地预审，正在办理施工许可。",
            percent=35,
            files=[SimpleUploadedFile("项目用地预审意见.pdf", DEMO_PDF, content_type="application/pdf")],
        )
    red = next(i for i in items if i.title == RED_TITLE)
    today = timezone.localdate()
    if red.due_on >= today:
        # A demo item past its deadline, with its feedback missed: the board's red light.
        SupervisionItem.objects.filter(pk=red.pk).update(due_on=workdays_before(today, 2))
        Task.objects.filter(item=red, status=TaskStatus.OPEN).update(due_date=workdays_before(today, 4))
    items.append(_designated(director, today))
    # 督查通报: last month's, as beat issues it on the 1st (the leaders, the office and the red unit are told).
    actions.supervision_bulletin_issue(today=today)
    return items


def _designated(director: User, today: dt.date) -> SupervisionItem:
    """第三十九条: the district designated 区司法局 for administrative law enforcement this year; its head opens a
    special inspection within that scope."""
    existing = SupervisionItem.objects.filter(title=DESIGNATED_TITLE).first()
    if existing is not None:
        return existing
    justice = Unit.objects.get(code="justice")
    designation = Designation.objects.filter(unit=justice).first() or actions.designation_create(
        actor=director,
        unit=justice,
        scope="行政执法、执法案卷",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
        reference="海政办发〔2026〕12号",
    )
    head = Post.objects.select_related("holder").get(kind=PostKind.JUSTICE_HEAD, unit=justice).holder
    assert head is not None
    item = actions.supervision_item_open(
        actor=head,
        title=DESIGNATED_TITLE,
        source=Source.SPECIAL,
        source_reference="区政府2026年行政执法监督工作计划",
        requirement="对各执法单位2026年上半年行政处罚案卷逐卷评查，问题清单限期整改。",
        lead_unit=Unit.objects.get(code="dept2"),
        due_workdays=30,
        cadence_days=10,
        designation=designation,
    )
    actions.supervision_item_sign(item.pk, actor=_head(item.lead_unit))
    return item
