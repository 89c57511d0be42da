"""What every workflow shares (SPEC §7): the item, its tasks (待办), its history, copies (传阅) and notifications.

Each app's workflow model (e.g. ``seals.SealRequest``) inherits from :class:`Item` (multi-table inheritance), so one
table answers "what did I submit", "what is in my queue" and "what is overdue" across every chapter of the rules,
while the app's own table holds its fields and its django-fsm state machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from haimen_gov.org.models import Post, Unit


class Item(FSMModelMixin, models.Model):
    """The shared part of every workflow item. ``stage`` mirrors the subclass's FSM state; only the engine writes it."""

    kind = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", editable=False)
    title = models.CharField(_("标题"), max_length=200)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="submitted_items"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="items")
    stage = models.CharField(_("状态"), max_length=40, db_index=True, editable=False)
    stage_label = models.CharField(_("状态名称"), max_length=60, editable=False)
    round = models.PositiveIntegerField(_("提交轮次"), default=0, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The item's one visible number (发文字号, 纪要期号, 用印归档号 …), taken from a series when the app issues it
    # (workflow.numbering.take_number); empty until then.
    number = models.CharField(
        _("编号"), max_length=60, blank=True, default="", db_default="", editable=False, db_index=True
    )
    # Whether any ItemLink names this item: the page and the API read the links only then (no query for most items).
    has_links = models.BooleanField(_("有关联事项"), default=False, db_default=False, editable=False)

    if TYPE_CHECKING:
        state: str  # each app's model declares its own FSMField named ``state``

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["submitter", "-created_at"]),
            models.Index(fields=["unit", "-created_at"]),
            models.Index(fields=["kind", "stage"]),
            # A register filtered by state, newest first (the seal ledger: archived, of 100,000): read off this index
            # in order, each row probed in the chapter's table, instead of sorting every item (issue 16).
            models.Index(fields=["stage", "-created_at", "-id"], name="item_stage_newest"),
        ]
        permissions = [("view_any_item", _("可查看任意事项"))]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.kind_id:
            self.kind = ContentType.objects.get_for_model(type(self))
        super().save(*args, **kwargs)

    def concrete(self) -> Item:
        """The app's own instance (e.g. the SealRequest) behind this item."""
        model = ContentType.objects.get_for_id(self.kind_id).model_class()
        if model is None or isinstance(self, model):
            return self
        # Every page that shows the item names its unit and submitter: fetch them in the same query.
        return model._default_manager.select_related("unit", "submitter").get(pk=self.pk)  # type: ignore[return-value]

    @property
    def kind_label(self) -> str:
        model = ContentType.objects.get_for_id(self.kind_id).model_class()
        return str(model._meta.verbose_name) if model else ""

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("workflow:item", args=[self.pk])


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办")
    CANCELLED = "cancelled", _("已取消")


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    RETURN = "return", _("退回")
    REJECT = "reject", _("不同意")
    OPINION = "opinion", _("已提出意见")
    DONE = "done", _("已办理")
    REASSIGNED = "reassigned", _("已改派")
    WITHDRAWN = "withdrawn", _("申请人撤回")
    SUPERSEDED = "superseded", _("他人已处理")
    READ = "read", _("已阅")
    FEEDBACK = "feedback", _("已反馈")
    RECORD = "record", _("已代为登记")
    RESUBMITTED = "resubmitted", _("已重新提交")
    SKIPPED = "skipped", _("自动跳过")


class Task(models.Model):
    """One open step of one item, addressed to a post (resolved to a person when acted on)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="tasks")
    step = models.CharField(_("环节代码"), max_length=40)
    step_label = models.CharField(_("环节"), max_length=60)
    round = models.PositiveIntegerField(_("轮次"))
    post = models.ForeignKey(Post, verbose_name=_("承办职务"), on_delete=models.PROTECT, related_name="tasks")
    group = models.CharField(
        _("会签/或签"),
        max_length=10,
        default="one",
        help_text=_("one 单人；all 会签（全部答复）；any 或签（一人即可）"),
    )
    extra = models.BooleanField(_("加签"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField(_("到达时间"), default=timezone.now)
    due_date = models.DateField(_("办理期限"))
    # The working days counted from the day the task opened to due_date: kept so that a change of the calendar can
    # count them again (workflow.deadlines). Empty for a due date set as a date, which no calendar change moves.
    due_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True, blank=True)
    due_estimated = models.BooleanField(_("期限暂定"), default=False)
    remind_on = models.DateField(_("临期提醒日"), null=True, blank=True)
    escalate_on = models.DateField(_("升级提醒起始日"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finished_tasks",
    )
    acting_label = models.CharField(_("办理身份"), max_length=80, blank=True)
    decision = models.CharField(_("办理结果"), max_length=20, choices=Decision.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("待办任务")
        verbose_name_plural = _("待办任务")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "step", "post"],
                condition=Q(status="open"),
                name="one_open_task_per_step_post",
            ),
        ]
        indexes = [
            # The inbox (and the nav counts): a post's open tasks by deadline, then id, as the page orders them, so
            # a page reads its 20 rows off the index instead of sorting every task that shares the first deadline.
            models.Index(fields=["post", "due_date", "id"], condition=Q(status="open"), name="task_open_inbox"),
            models.Index(fields=["due_date"], condition=Q(status="open"), name="task_open_due"),
            # The sweep's reads, per post and index-only: "due soon" (remind_on passed, due_date not yet) and
            # escalation (escalate_on passed).
            models.Index(
                fields=["post", "remind_on"],
                include=["due_date", "id"],
                condition=Q(status="open", remind_on__isnull=False),
                name="task_open_remind_by_post",
            ),
            models.Index(
                fields=["post", "escalate_on"],
                include=["id"],
                condition=Q(status="open"),
                name="task_open_escalate_by_post",
            ),
            models.Index(fields=["created_at"], condition=Q(status="open"), name="task_open_created"),
            models.Index(fields=["finished_by", "-finished_at"]),
            models.Index(fields=["item", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.step_label} · {self.post}"

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def overdue_on(self, day: Any) -> bool:
        return self.is_open and self.due_date < day


class HistoryEntry(models.Model):
    """Append-only (a PostgreSQL trigger refuses UPDATE and DELETE); written in the same transaction as the change."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(Post, verbose_name=_("职务"), null=True, blank=True, on_delete=models.PROTECT)
    acting_label = models.CharField(_("办理身份"), max_length=80, blank=True)
    verb = models.CharField(_("操作"), max_length=30)
    verb_label = models.CharField(_("操作名称"), max_length=30)
    step_label = models.CharField(_("环节"), max_length=60, blank=True)
    from_state = models.CharField(_("原状态"), max_length=40, blank=True)
    to_state = models.CharField(_("新状态"), max_length=40, blank=True)
    to_state_label = models.CharField(_("新状态名称"), max_length=60, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.verb_label}"


class CarbonCopy(models.Model):
    """抄送/传阅: an item copied to a person for reading, with a read receipt."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="carbon_copies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="copies")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("附言"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("传阅")
        verbose_name_plural = _("传阅")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="one_copy_per_user")]

    def __str__(self) -> str:
        return f"{self.item} → {self.user}"


class NotificationKind(models.TextChoices):
    NEW_TASK = "new_task", _("新待办")
    DUE_SOON = "due_soon", _("即将到期")
    DUE_TODAY = "due_today", _("今日到期")
    OVERDUE = "overdue", _("已逾期")
    ESCALATED = "escalated", _("逾期督办")
    COPY = "copy", _("传阅")
    RESULT = "result", _("办理结果")
    NUDGE = "nudge", _("催办")
    DELEGATED = "delegated", _("受托办理日报")
    VACANT = "vacant", _("职务空缺")
    MEETING = "meeting", _("会议通知")


REMINDER_KINDS = (
    NotificationKind.DUE_SOON,
    NotificationKind.DUE_TODAY,
    NotificationKind.OVERDUE,
    NotificationKind.ESCALATED,
)


class EmailStatus(models.TextChoices):
    NONE = "none", _("无需发送")
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")


class Notification(models.Model):
    """In-app notice (the bell) and e-mail outbox: one row per new task, copy or result, and one per recipient, kind
    and sweep for deadline reminders. A reminder row names its task when it is about one task, and lists the tasks
    (``task_ids``, ``count``) when it gathers several: somebody with 30 overdue tasks gets one notice a day, not 30
    e-mails. Each task's reminder is claimed exactly once by a :class:`Reminder` row before it is gathered here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类别"), max_length=20, choices=NotificationKind.choices)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=250)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=200, blank=True)
    # db_default too: rows written by SQL outside the ORM (bulk loads) are about one thing.
    count = models.PositiveIntegerField(_("件数"), default=1, db_default=1)
    task_ids = models.JSONField(_("涉及待办"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(fields=["email_status"], condition=Q(email_status="pending"), name="notification_email_out"),
        ]
        constraints = [
            # The daily digest of acts done in a delegator's name: one per person and day, however often beat runs.
            models.UniqueConstraint(
                fields=["user", "day"], condition=Q(kind="delegated"), name="one_delegated_digest_per_user_day"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_digest(self) -> bool:
        """A reminder gathering several tasks (its page lists them)."""
        return self.count > 1

    @property
    def link(self) -> str:
        """Where the notice leads: its item, or the page listing the tasks it gathers."""
        if self.url:
            return self.url
        from django.urls import reverse

        if self.is_digest:
            return reverse("workflow:notification_tasks", args=[self.pk])
        return reverse("workflow:notifications")


class Reminder(models.Model):
    """The exactly-once claim of one deadline reminder: one row per (day, kind, task), inserted with ON CONFLICT DO
    NOTHING by the sweep before anything is sent (SPEC §7). ``day`` is the day the reminder is about (the sweep's day;
    for "due soon" the task's ``remind_on``). Narrow on purpose, keyed by its primary key alone and without
    foreign-key checks: a sweep writes up to one row per open task per working day (a million in the benchmark), and
    the key's order (day first) makes each day's rows an append at the end of the index, however many days are kept.
    Rows older than ``REMINDER_CLAIM_DAYS`` are pruned daily (tasks.prune_reminders)."""

    pk = models.CompositePrimaryKey("day", "kind", "task")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=10, choices=NotificationKind.choices)
    # Tasks are never deleted (history refers to them); no constraint check per inserted row.
    task = models.ForeignKey(Task, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.task_id}"


class SweepMark(models.Model):
    """When the first complete sweep of a day started. Later sweeps that day only look at tasks created since (less a
    margin for transactions still open then): every other open task's reminders for the day are already claimed, as
    due dates, reminder and escalation days of an open task change only with the calendar, and a calendar change
    deletes the marks of today and later (workflow.deadlines) so that the next sweep looks at every task again. Beat
    sweeps every few minutes, so this keeps all but the day's first sweep to an index range scan."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = _("提醒扫描记录")
        verbose_name_plural = _("提醒扫描记录")

    def __str__(self) -> str:
        return f"{self.day} {self.started_at:%H:%M:%S}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Where an upload is stored: a name of the portal's own, with the extension of the *detected* type
    (``content_type``), never the client's (issue 9)."""
    from .uploads import FILE_TYPES

    now = timezone.now()
    ext = next((t.key for t in FILE_TYPES.values() if t.content_type == instance.content_type), "bin")
    return f"items/{now:%Y/%m}/{instance.item_id}-{now:%H%M%S%f}.{ext}"


class Attachment(models.Model):
    """A file attached to any workflow item. ``role`` is a category the item's app declares in its flow
    (:class:`~haimen_gov.workflow.flows.Attachments`, e.g. seals: ``document`` 用印文件, ``scan`` 用印后扫描件).
    Written only through ``actions.attachment_add`` / ``attachment_remove``; read through ``selectors`` and served by
    ``views.attachment_download`` to those who may see the item."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="attachments")
    role = models.CharField(_("类别"), max_length=20)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["item", "role"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def role_label(self) -> str:
        """The label the item's flow gives this role (用印文件, 用印后扫描件 …)."""
        from .flows import flow_for

        model = ContentType.objects.get_for_id(self.item.kind_id).model_class()
        try:
            spec = flow_for(model).attachments if model is not None else None
        except LookupError:
            spec = None
        return spec.roles.get(self.role, self.role) if spec is not None else self.role

    @property
    def download_name(self) -> str:
        """The client's name with the extension of the detected type (a PDF sent as "x.exe" downloads as "x.pdf")."""
        from .uploads import FILE_TYPES

        ext = next((t.key for t in FILE_TYPES.values() if t.content_type == self.content_type), "")
        stem, dot, current = self.original_name.rpartition(".")
        if not ext or current.lower() == ext or (ext == "jpg" and current.lower() == "jpeg"):
            return self.original_name
        return f"{stem if dot else self.original_name}.{ext}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("workflow:attachment", args=[self.pk])


class Nudge(models.Model):
    """催办: the applicant (or the office) reminding whoever holds an overdue or due-today step. At most one per task
    and day, held by the database (two clicks at once cannot both pass a check in Python)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="nudges")
    day = models.DateField(_("日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("催办人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        constraints = [models.UniqueConstraint(fields=["task", "day"], name="one_nudge_per_task_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.task_id}"


class Phrase(models.Model):
    """常用意见: a person's own saved phrases (同意。/ 请…阅处。), picked beside the comment box and edited before
    signing."""

    MAX_PER_USER = 30

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phrases")
    text = models.CharField(_("常用意见"), max_length=200)
    order = models.PositiveIntegerField(_("排序"), default=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("常用意见")
        verbose_name_plural = _("常用意见")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "text"], name="one_phrase_per_user_text")]

    def __str__(self) -> str:
        return self.text


class DecisionMeans(models.TextChoices):
    DOCUMENT = "document", _("文件")
    PHONE = "phone", _("电话")
    IN_PERSON = "in_person", _("当面")
    MEETING = "meeting", _("会议")


class ExternalDecision(models.Model):
    """A decision taken outside the portal (市政府, 区委办 …) and recorded by an office post in a step declared with
    ``records_for``: who decided, when, how, and the evidence. Written in the transaction of the step's ``record``."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="external_decisions")
    step = models.CharField(_("环节代码"), max_length=40)
    round = models.PositiveIntegerField(_("轮次"))
    body = models.CharField(_("决定机关"), max_length=60)
    decided_by = models.CharField(_("决定人"), max_length=60)
    decided_on = models.DateField(_("决定日期"))
    means = models.CharField(_("决定方式"), max_length=20, choices=DecisionMeans.choices)
    reference = models.CharField(_("文号"), max_length=60, blank=True)
    decision = models.CharField(_("决定内容"), max_length=500)
    evidence = models.CharField(_("依据说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("外部决定登记")
        verbose_name_plural = _("外部决定登记")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "step", "round"], name="one_external_decision_per_step_round"),
        ]

    def __str__(self) -> str:
        return f"{self.body}：{self.decision[:30]}"

    def summary(self) -> str:
        """How the history tells it: 市政府（张市长）于2026年09月01日以文件（通政复〔2026〕3号）决定：…。依据：…"""
        how = self.get_means_display() + (f"（{self.reference}）" if self.reference else "")
        text = f"{self.body}（{self.decided_by}）于{self.decided_on:%Y年%m月%d日}以{how}决定：{self.decision}"
        return text + (f"。依据：{self.evidence}" if self.evidence else "")


class NumberSeries(models.Model):
    """A series of numbers restarting each year, e.g. 海政发〔{year}〕{n}号. Data: the office edits it in the admin."""

    code = models.SlugField(_("代码"), max_length=40, unique=True, help_text=_("程序引用的代码，如 seal、haizhengfa"))
    name = models.CharField(_("名称"), max_length=60)
    format = models.CharField(
        _("格式"),
        max_length=60,
        help_text=_("{year} 为年份，{n} 为序号，如“海政发〔{year}〕{n}号”“常务会议纪要〔{year}〕第{n}期”"),
    )

    class Meta:
        verbose_name = _("编号系列")
        verbose_name_plural = _("编号系列")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .numbering import check_format

        try:
            check_format(self.format)
        except ValueError as exc:
            raise ValidationError({"format": str(exc)}) from exc


class NumberCounter(models.Model):
    """The last number taken in a series and year. Its row is locked by the transaction that takes the next one, so
    numbers are taken one at a time and a rolled-back issue gives its number back."""

    series = models.ForeignKey(NumberSeries, verbose_name=_("编号系列"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        verbose_name = _("编号计数")
        verbose_name_plural = _("编号计数")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="one_counter_per_series_year")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}：{self.last}"


class IssuedNumber(models.Model):
    """A number taken, for the record: what it reads, when, and for which item."""

    series = models.ForeignKey(NumberSeries, verbose_name=_("编号系列"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年份"))
    n = models.PositiveIntegerField(_("序号"))
    text = models.CharField(_("编号"), max_length=60)
    item = models.ForeignKey(
        Item, verbose_name=_("事项"), null=True, blank=True, on_delete=models.PROTECT, related_name="numbers"
    )
    issued_at = models.DateTimeField(_("取号时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已取编号")
        verbose_name_plural = _("已取编号")
        ordering = ["series", "-year", "-n"]
        constraints = [models.UniqueConstraint(fields=["series", "year", "n"], name="one_number_per_series_year_n")]

    def __str__(self) -> str:
        return self.text


class LinkKind(models.TextChoices):
    """How ``from_item`` relates to ``to_item``."""

    SOURCE = "source", _("来源")  # from_item is the source of to_item (a minutes decision → a supervision item)
    DERIVED = "derived", _("派生自")  # from_item derives from to_item (an assignment ← a 批示)
    SUPERSEDES = "supersedes", _("取代")  # from_item supersedes to_item


# What the other item is, seen from each end of a link: (on from_item's page, on to_item's page).
LINK_ROLES = {
    LinkKind.SOURCE: ("派生事项", "来源事项"),
    LinkKind.DERIVED: ("来源事项", "派生事项"),
    LinkKind.SUPERSEDES: ("被本事项取代", "取代本事项"),
}


class ItemLink(models.Model):
    """A typed relation between two items, shown on both items' pages and in the API (workflow.actions.item_link)."""

    from_item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="links_out")
    to_item = models.ForeignKey(Item, verbose_name=_("关联事项"), on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("关系"), max_length=12, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("关联人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    class Meta:
        verbose_name = _("事项关联")
        verbose_name_plural = _("事项关联")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_item", "to_item", "kind"], name="one_link_per_kind"),
            models.CheckConstraint(condition=~Q(from_item=models.F("to_item")), name="no_self_link"),
        ]
        indexes = [models.Index(fields=["to_item"])]

    def __str__(self) -> str:
        return f"{self.from_item_id} {self.get_kind_display()} {self.to_item_id}"
