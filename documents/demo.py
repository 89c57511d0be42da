"""Demo documents for ``seed_demo``: three issued documents with numbers, a unit's 请示 awaiting 拟办 and a returned
报告. Idempotent: keyed on the titles."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from haimen_gov.org.models import Unit, User
from haimen_gov.workflow.models import NumberSeries

from . import actions
from .models import Category, IncomingDocument, InState, OutgoingDocument

BODY = (
    "为进一步规范全区行政执法行为，现就有关事项通知如下。\n"
    "一、总体要求\n"
    "坚持依法行政，严格规范公正文明执法。\n"
    "二、主要任务\n"
    "（一）全面推行行政执法公示制度\n"
    "各单位要在2026年12月底前完成执法信息公示平台建设。\n"
    "（二）严格执行重大执法决定法制审核制度\n"
    "未经法制审核或者审核未通过的，不得作出决定。\n"
    "三、保障措施\n"
    "各单位要加强组织领导，确保各项任务落到实处。"
)

ISSUED = [
    ("haizhengbanfa", Category.OFFICE_NAME, "gov_office", "关于进一步规范全区行政执法行为的通知"),
    ("haizhengbanfa", Category.OFFICE_NAME, "gov_office", "关于做好2027年元旦春节期间安全生产工作的通知"),
    ("haizhengbanhan", Category.OFFICE_NAME, "gov_office", "关于同意召开全区优化营商环境推进会的复函"),
]


def _user(name: str) -> User:
    return User.objects.get(username=name)


def seed_documents() -> list[str]:
    """Create the demo documents if missing; returns what was created."""
    created: list[str] = []
    clerk, deputy, director = _user("office_clerk"), _user("deputy1"), _user("director")
    for code, category, unit_code, title in ISSUED:
        if OutgoingDocument.objects.filter(title=title).exists():
            continue
        doc = actions.outgoing_create(
            actor=clerk,
            unit=Unit.objects.get(code=unit_code),
            category=category,
            title=title,
            series=NumberSeries.objects.get(code=code),
            recipients="各区镇人民政府（街道办事处），区各委办局，区各直属单位",
            cc="区委办公室，区人大常委会办公室，区政协办公室",
            body=BODY,
        )
        actions.outgoing_approve(doc.pk, actor=deputy, comment="核稿无误。")
        actions.outgoing_sign(doc.pk, actor=director, comment="同意印发。")
        issued = actions.outgoing_issue(doc.pk, actor=clerk)
        created.append(OutgoingDocument.objects.get(pk=issued.pk).number)
    dept1_clerk = _user("dept1_clerk")
    dept1 = Unit.objects.get(code="dept1")
    request_title = "关于申请2027年度城市更新专项资金的请示"
    if not IncomingDocument.objects.filter(title=request_title).exists():
        request = actions.incoming_submit(
            actor=dept1_clerk,
            unit=dept1,
            doc_type="请示",
            title=request_title,
            ref_number="海发改〔2026〕88号",
            urgency="加急",
            pages=4,
            summary="为推进老旧小区改造，拟申请城市更新专项资金2800万元。妥否，请批示。",
        )
        actions.incoming_accept(request.pk, actor=clerk, one_matter_confirmed=True)
        created.append(request_title)
    report_title = "关于2026年度防汛防台工作情况的报告"
    if not IncomingDocument.objects.filter(title=report_title, state=InState.RETURNED).exists():
        report = actions.incoming_submit(
            actor=dept1_clerk,
            unit=dept1,
            doc_type="报告",
            title=report_title,
            pages=6,
            summary="今年汛期全区未发生重大险情。建议增加防汛物资储备经费300万元，妥否，请批复。",
        )
        actions.incoming_return(
            report.pk, actor=clerk, reason="报告中夹带请示事项，请将经费申请另行请示（第二十四条）。"
        )
        created.append(report_title)
    created += _seed_circulation(clerk)
    return created


def _through_reading(doc: IncomingDocument, *, until: int | None = None, last_words: str = "阅。") -> IncomingDocument:
    """阅批 by the deputy in charge, then 已阅 by each reader in turn (``until``: stop after that many readers); the
    last reader's 批示 is ``last_words``."""
    from haimen_gov.workflow import actions as engine
    from haimen_gov.workflow.models import Task, TaskStatus

    def holder(step: str) -> User:
        task = Task.objects.filter(item=doc, step=step, status=TaskStatus.OPEN).select_related("post__holder").first()
        assert task is not None and task.post.holder is not None
        return task.post.holder

    doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=holder("review"), comment="同意拟办意见。")
    read = 0
    while doc.state == InState.READING and (until is None or read < until):
        reader = holder("reading")
        # A unit's request is read bottom-up: the head reads it last and writes the 批示.
        words = last_words if reader.username == "head" and until is None else "阅。"
        doc = actions.incoming_read(doc.pk, actor=reader, instruction=words)
        read += 1
    return doc


def _seed_circulation(clerk: User) -> list[str]:
    """A city document in circulation (waiting on the exec vice head after the head read it) and two matters
    assigned to units, one of them overdue."""
    import datetime as dt

    from django.utils import timezone

    from haimen_gov.org.models import Post, PostKind
    from haimen_gov.workflow.models import Task, TaskStatus

    created: list[str] = []
    city_title = "关于做好2026年冬季安全生产工作的通知"
    if not IncomingDocument.objects.filter(title=city_title).exists():
        doc = actions.incoming_register(
            actor=clerk,
            sender="南通市人民政府",
            sender_level="city",
            channel="paper",
            doc_type="通知",
            title=city_title,
            main_recipient="各县（市、区）人民政府",
            ref_number="通政发〔2026〕30号",
            pages=5,
        )
        vices = Post.objects.filter(kind=PostKind.VICE_HEAD).order_by("order", "id")[:1]
        doc = actions.incoming_propose(
            doc.pk, actor=clerk, proposal="拟呈区长、常务副区长、分管副区长阅示。", concerned_vices=vices
        )
        _through_reading(doc, until=1)
        created.append(city_title)
    matters = [
        ("关于海门港新区排水管网改造的请示", "dept3", "joint", False),
        ("关于中小学校园周边交通整治的报告", "dept4", "within_power", True),
    ]
    # 第二十九条: the joint matter's co-units (会办) give their opinions to the lead unit.
    co_units = {"joint": list(Unit.objects.filter(code__in=["dept2", "dept4"]).order_by("order", "id"))}
    for title, handler, matter_type, overdue in matters:
        if IncomingDocument.objects.filter(title=title).exists():
            continue
        doc = actions.incoming_submit(
            actor=User.objects.get(username="dept1_clerk"),
            unit=Unit.objects.get(code="dept1"),
            doc_type="请示" if title.endswith("请示") else "报告",
            title=title,
        )
        actions.incoming_accept(doc.pk, actor=clerk, one_matter_confirmed=True)
        doc = actions.incoming_propose(
            doc.pk,
            actor=clerk,
            proposal="拟请相关单位研究办理。",
            handling_unit=Unit.objects.get(code=handler),
            matter_type=matter_type,
            co_units=co_units.get(matter_type, []),
        )
        _through_reading(doc, last_words=HEAD_WORDS.get(matter_type, "同意拟办意见。"))
        if overdue:
            # Demo only: the matter was assigned earlier, so its deadline has passed.
            Task.objects.filter(item=doc, step="handling", status=TaskStatus.OPEN).update(
                due_date=timezone.localdate() - dt.timedelta(days=3), due_days=None
            )
        created.append(title)
    created += _seed_joint_and_supervision()
    created += _seed_answered(clerk)
    created += _seed_normative_with_materials()
    return created


HEAD_WORDS = {"joint": "请区住建局牵头，会同区教体局、区交通运输局抓紧会商，提出具体改造方案，区政府督查室跟踪督办。"}


def _holder_of(doc: IncomingDocument, *, extra: bool, unit_code: str | None = None) -> User:
    from haimen_gov.workflow.models import Task, TaskStatus

    tasks = Task.objects.filter(item=doc, step="handling", status=TaskStatus.OPEN, extra=extra)
    if unit_code:
        tasks = tasks.filter(post__unit__code=unit_code)
    task = tasks.select_related("post__holder").order_by("id").first()
    assert task is not None and task.post.holder is not None
    return task.post.holder


def _seed_joint_and_supervision() -> list[str]:
    """会办: one co-unit has given its opinion to the lead unit, the other's is pending; the head's 批示 on the matter
    is tracked as a supervision item, opened by the office director from the document (linked both ways)."""
    from haimen_gov.workflow.models import HistoryEntry, ItemLink

    doc = IncomingDocument.objects.filter(title="关于海门港新区排水管网改造的请示").first()
    if doc is None or doc.state != InState.HANDLING:
        return []
    created: list[str] = []
    if not HistoryEntry.objects.filter(item=doc, verb="opinion").exists():
        actions.incoming_co_opinion(
            doc.pk,
            actor=_holder_of(doc, extra=True, unit_code="dept2"),
            opinion="港新区范围内涉及两所学校周边管网，建议结合暑期施工，避开开学时段；我局配合做好校园安全保障。",
        )
        created.append("会办意见：区教体局")
    if not ItemLink.objects.filter(from_item=doc).exists():
        entry = HistoryEntry.objects.filter(item=doc, verb="read").exclude(comment="").order_by("-at", "-id").first()
        if entry is not None:
            item = actions.incoming_supervise(doc.pk, actor=_user("director"), entry_id=entry.pk)
            created.append(f"督查事项：{item.title}")
    return created


def _seed_answered(clerk: User) -> list[str]:
    """Two matters answered this month, for the dashboard's 第二十九条 figures: one on time and closed, one late."""
    from haimen_gov.workflow.models import Task, TaskStatus

    created: list[str] = []
    for title, late in (("关于城区背街小巷路灯维修情况的报告", False), ("关于农贸市场升级改造进展情况的报告", True)):
        if IncomingDocument.objects.filter(title=title).exists():
            continue
        doc = actions.incoming_submit(
            actor=_user("dept1_clerk"), unit=Unit.objects.get(code="dept1"), doc_type="报告", title=title
        )
        actions.incoming_accept(doc.pk, actor=clerk)
        doc = actions.incoming_propose(
            doc.pk,
            actor=clerk,
            proposal="拟请区交通运输局办理。",
            handling_unit=Unit.objects.get(code="dept4"),
            matter_type="within_power",
        )
        doc = _through_reading(doc)
        if late:
            # Demo only: the deadline passed before the unit answered.
            Task.objects.filter(item=doc, step="handling", status=TaskStatus.OPEN).update(
                due_date=timezone.localdate() - dt.timedelta(days=2), due_days=None
            )
        doc = actions.incoming_answer(
            doc.pk, actor=_holder_of(doc, extra=False), answer="已按要求办理完毕，具体情况见附件报告。"
        )
        if not late:
            from haimen_gov.workflow import actions as engine

            engine.item_fire(IncomingDocument, doc.pk, verb="close", actor=clerk, comment="办理情况属实，同意办结。")
        created.append(title)
    return created


def _seed_normative_with_materials() -> list[str]:
    """第二十八条: a department's 规范性文件 with its three materials, each in its own slot, waiting for 核稿."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import MATERIALS

    title = "海门区既有住宅加装电梯管理办法（送审稿）"
    if OutgoingDocument.objects.filter(title=title).exists():
        return []
    actions.outgoing_create(
        actor=_user("dept1_clerk"),
        unit=Unit.objects.get(code="dept1"),
        category=Category.NORMATIVE,
        title=title,
        series=NumberSeries.objects.filter(code="haizhenggui").first(),
        recipients="各区镇人民政府（街道办事处），区各委办局，区各直属单位",
        body=BODY,
        materials={
            role: SimpleUploadedFile(f"{label}.pdf", DEMO_PDF, content_type="application/pdf")
            for role, label in MATERIALS.items()
        },
    )
    return [title]


DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
