"""Demo documents for ``seed_demo``: three issued documents with numbers, a unit's 请示 awaiting 拟办 and a returned
报告. Idempotent: keyed on the titles."""

from __future__ import annotations

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


def _through_reading(doc: IncomingDocument, *, until: int | None = None) -> IncomingDocument:
    """阅批 by the deputy in charge, then 已阅 by each reader in turn (``until``: stop after that many readers)."""
    from haimen_gov.workflow import actions as engine
    from haimen_gov.workflow.models import Task, TaskStatus

    def holder(step: str) -> User:
        task = Task.objects.filter(item=doc, step=step, status=TaskStatus.OPEN).select_related("post__holder").first()
        assert task is not None and task.post.holder is not None
        return task.post.holder

    doc = engine.item_fire(IncomingDocument, doc.pk, verb="approve", actor=holder("review"), comment="同意拟办意见。")
    read = 0
    while doc.state == InState.READING and (until is None or read < until):
        doc = actions.incoming_read(doc.pk, actor=holder("reading"), instruction="阅。")
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
    co_units = {"joint": list(Unit.objects.filter(code__in=["dept1", "dept4"]).order_by("order", "id"))}
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
        _through_reading(doc)
        if overdue:
            # Demo only: the matter was assigned earlier, so its deadline has passed.
            Task.objects.filter(item=doc, step="handling", status=TaskStatus.OPEN).update(
                due_date=timezone.localdate() - dt.timedelta(days=3), due_days=None
            )
        created.append(title)
    return created
