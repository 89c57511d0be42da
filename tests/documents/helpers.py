"""Builders shared by the documents tests."""

from __future__ import annotations

from typing import Any

from documents import actions
from documents.models import IncomingDocument, OutgoingDocument
from haimen_gov.org.models import Unit, User
from haimen_gov.workflow.models import NumberSeries, Task, TaskStatus

BODY = (
    "一、总体要求\n坚持依法行政，规范管理。\n（一）工作目标\n到2027年底，全面完成各项任务。\n"
    "二、保障措施\n各单位要加强组织领导。"
)


def pdf(name: str = "材料.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.seals.helpers import PDF_BYTES

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def materials(*, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The 第二十八条 materials of a unit's 规范性文件, each a PDF in its own slot (``skip``: slots left empty)."""
    from documents.models import MATERIALS

    return {"materials": {role: pdf(f"{label}.pdf") for role, label in MATERIALS.items() if role not in skip}}


def series(code: str = "haizhengfa") -> NumberSeries:
    return NumberSeries.objects.get(code=code)


def draft(
    drafter: User,
    category: str,
    *,
    unit: Unit | None = None,
    title: str = "关于加强2026年度安全生产工作的通知",
    submit: bool = True,
    series_code: str | None = "haizhengfa",
    **fields: Any,
) -> OutgoingDocument:
    if unit is None:
        post = drafter.posts.select_related("unit").order_by("id").first()
        assert post is not None
        unit = post.unit
    fields.setdefault("recipients", "各区镇人民政府（街道办事处），区各委办局，区各直属单位")
    fields.setdefault("body", BODY)
    return actions.outgoing_create(
        actor=drafter,
        unit=unit,
        category=category,
        title=title,
        series=series(series_code) if series_code else None,
        submit=submit,
        **fields,
    )


def fresh(doc: OutgoingDocument) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=doc.pk)


def fresh_in(doc: IncomingDocument) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=doc.pk)


def open_tasks(item: Any) -> list[Task]:
    return list(Task.objects.filter(item_id=item.pk, status=TaskStatus.OPEN).select_related("post").order_by("id"))


def open_holders(item: Any) -> list[User | None]:
    return [t.post.holder for t in open_tasks(item)]
