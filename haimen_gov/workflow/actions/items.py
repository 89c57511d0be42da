"""Actions on an item: create it, fire a transition on it (every change of state goes through :func:`item_fire`),
ask another post for an opinion (加签).

Each action runs in one transaction: it locks the item row (``select_for_update``), checks that the actor may fire
the transition now, fires it, saves, closes and opens tasks, writes history and notifications, and queues side
effects on commit. Two people pressing "approve" at once: the second waits for the lock, then finds the state moved
on and gets :class:`Conflict` (HTTP 409).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from haimen_gov.org.models import Post, User
from haimen_gov.org.routing import capacity, who_acts_for

from ..flows import Flow, Step, flow_for
from ..models import Decision, ExternalDecision, Item, Task, TaskStatus
from .attachments import attachments_required
from .engine import ItemT, advance, after_transition, finish_task, lock_item, next_reader, open_task
from .errors import CommentRequired, Conflict, Forbidden, WorkflowError, bounded_text
from .history import history_append
from .notifications import deliver_emails_on_commit
from .permissions import actor_open_task, had_task, is_submitter, may_fire, someone_acted, state_transitions


def item_create(model: type[ItemT], *, actor: User, **fields: Any) -> ItemT:
    """Create a draft item. The state machine starts in the model's default state; history records the creation."""
    with transaction.atomic():
        item = model(submitter=actor, **fields)
        flow = flow_for(model)
        item.stage = item.state  # type: ignore[attr-defined]
        item.stage_label = flow.state_labels.get(item.stage, item.stage)
        item.full_clean(exclude=["kind", "stage", "stage_label", "state"])
        item.save()
        history_append(
            item,
            actor=actor,
            verb="create",
            verb_label="起草",
            from_state="",
            to_state=item.stage,
            flow=flow,
        )
        return item


def item_fire(
    model: type[ItemT],
    pk: int,
    *,
    verb: str,
    actor: User,
    comment: str = "",
    ip: str | None = None,
    expected_state: str | None = None,
    apply: Callable[[ItemT], None] | None = None,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
) -> ItemT:
    """Fire ``verb`` on item ``pk`` as ``actor``. Raises Conflict (409), Forbidden (403), CommentRequired or
    ValidationError (400). A verb with its own fields (``flow.action_forms``) takes them as ``data``/``files``:
    they are validated by that form against the locked item and set by its ``apply``. ``apply`` is a further hook
    run inside the lock."""
    comment = bounded_text(comment, label="意见")
    with transaction.atomic():
        item = lock_item(model, pk)
        flow = flow_for(item)
        state = item.state  # type: ignore[attr-defined]
        if expected_state is not None and expected_state != state:
            raise Conflict("该事项已被他人处理，状态已变化，请刷新后查看。")
        if verb == "opinion":
            return _give_opinion(item, flow, actor=actor, comment=comment, ip=ip)  # type: ignore[return-value]
        current = flow.step_for(state)
        if verb == "feedback" and current is not None and current.recurring:
            return _report(  # type: ignore[return-value]
                item,
                flow,
                current,
                actor=actor,
                comment=comment,
                ip=ip,
                apply=apply,  # type: ignore[arg-type]
                data=data,
                files=files,
            )
        candidates = [i for i in state_transitions(item) if i.verb == verb]
        if not candidates:
            if had_task(item, actor):
                raise Conflict("该事项已被他人处理，请刷新后查看。")
            if verb == "withdraw" and is_submitter(item, actor) and someone_acted(item):
                # The first approval usually moves the state past the withdrawable one: still a refusal, not a race.
                raise Forbidden("已有领导办理，不能撤回；如需修改请联系办理人退回。")
            raise Conflict("当前状态下不能执行此操作。")
        info, task = None, None
        for candidate in candidates:
            allowed, task = may_fire(item, flow, candidate, actor)
            if allowed:
                info = candidate
                break
        if info is None:
            # A client that names the state it saw (the page always does) and still sees it was not late for an
            # earlier step it handled: only a closed task of this very step makes the refusal a race (409).
            seen = flow.step_for(state) if expected_state is not None else None
            if had_task(item, actor, step_code=seen.code if seen else None):
                raise Conflict("该事项已被他人处理，请刷新后查看。")
            if is_submitter(item, actor) and candidates[0].by == "assignee":
                raise Forbidden("不能审批本人提交的申请。")
            if verb == "withdraw" and is_submitter(item, actor):
                raise Forbidden("已有领导办理，不能撤回；如需修改请联系办理人退回。")
            raise Forbidden("您无权执行此操作。")
        if info.comment_required and not comment:
            raise CommentRequired(f"“{info.label}”须填写意见或理由。")
        step = flow.step_for(state)
        if task is not None and step is not None:
            open_extra = Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN, extra=True)
            if info.verb == "approve" and open_extra.exists():
                raise WorkflowError("尚有加签人未提出意见，暂不能同意。")
        if info.verb == "submit":
            attachments_required(item, flow)
        form_class = flow.action_forms.get(info.verb)
        if form_class is not None:
            form = form_class(data or {}, files or {}, item=item, actor=actor)
            if not form.is_valid():
                raise ValidationError(form.error_dict())
            form.apply()
        if apply is not None:
            apply(item)
        acting = capacity(actor, task.post) if task is not None else None
        acting_label = acting.label if acting else ""
        verb_label = info.label
        if step is not None and step.records_for and info.verb == "record":
            # The decision was taken outside the portal: the record made in ``apply`` is the step's substance.
            recorded = ExternalDecision.objects.filter(item=item, step=step.code, round=item.round).first()
            if recorded is None:
                raise ValidationError(f"请登记{step.records_for}的决定（决定人、日期、方式、内容）。")
            verb_label = f"代{step.records_for}登记"
            comment = recorded.summary() + (f"\n{comment}" if comment else "")
        if info.by == "submitter":
            # The applicant's own act: not an act on the step whose leader's task it closes.
            step = None
            if info.verb == "withdraw":
                acting_label = "申请人"
        now = timezone.now()
        if task is not None:
            finish_task(
                task,
                actor=actor,
                acting_label=acting_label,
                decision=info.verb,
                comment=comment,
                now=now,
            )
            if step is not None and step.mode == "sequence" and info.verb in step.verbs:
                # 呈阅: the next reader's turn; the item stays in its state until the last one has read it.
                reader = next_reader(item, step)
                if reader is not None:
                    history_append(
                        item,
                        actor=actor,
                        post=task.post,
                        acting_label=acting_label,
                        verb=info.verb,
                        verb_label=info.label,
                        step_label=step.label,
                        comment=comment,
                        ip=ip,
                        flow=flow,
                    )
                    open_task(item, flow, step, reader, group=step.mode)
                    item.save(update_fields=["updated_at"])
                    deliver_emails_on_commit()
                    return item
            if step is not None and step.mode == "all" and info.verb == "approve":
                remaining = Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN)
                if remaining.exists():
                    history_append(
                        item,
                        actor=actor,
                        post=task.post,
                        acting_label=acting_label,
                        verb="opinion",
                        verb_label="会签同意",
                        step_label=step.label,
                        from_state=state,
                        to_state=state,
                        comment=comment,
                        ip=ip,
                        flow=flow,
                    )
                    item.save(update_fields=["updated_at"])
                    return item
        getattr(item, info.name)()
        after_transition(
            item,
            flow,
            actor=actor,
            verb=info.verb,
            verb_label=verb_label,
            from_state=state,
            comment=comment,
            ip=ip,
            post=task.post if task else None,
            acting_label=acting_label,
            step_label=step.label if step else "",
            now=now,
        )
        return item


def _give_opinion(item: Item, flow: Flow, *, actor: User, comment: str, ip: str | None) -> Item:
    step = flow.step_for(item.state)  # type: ignore[attr-defined]
    task = actor_open_task(item, actor, step, extra_first=True)
    if task is None or step is None:
        if had_task(item, actor):
            raise Conflict("该事项已被他人处理，请刷新后查看。")
        raise Forbidden("您无权执行此操作。")
    if not task.extra and "opinion" not in step.verbs:
        # An opinion answers a 加签. From the step's own signer it would close their task without a decision and
        # leave the item with nobody to decide it.
        raise Forbidden("本环节须作出决定（同意、退回或不同意），不能仅提出意见。")
    if not comment:
        raise CommentRequired("请填写意见。")
    acting = capacity(actor, task.post)
    acting_label = acting.label if acting else ""
    now = timezone.now()
    finish_task(task, actor=actor, acting_label=acting_label, decision=Decision.OPINION, comment=comment, now=now)
    # An opinion asked by the app under a name of its own (会办意见) keeps it; one asked by a 加签 is a 加签意见.
    own = task.extra and task.step_label.endswith("意见")
    verb_label = task.step_label if own else "加签意见" if task.extra else "提出意见"
    if step.mode == "all" and not Task.objects.filter(item=item, step=step.code, status=TaskStatus.OPEN).exists():
        # 会签 by opinions: the last answer moves the item on; nobody is left to decide it otherwise.
        advance(
            item,
            flow,
            step,
            actor=actor,
            verb="opinion",
            verb_label=f"{verb_label}（会签完成）",
            comment=comment,
            ip=ip,
            post=task.post,
            acting_label=acting_label,
            now=now,
        )
        return item
    history_append(
        item,
        actor=actor,
        post=task.post,
        acting_label=acting_label,
        verb="opinion",
        verb_label=verb_label,
        step_label=step.label,
        comment=comment,
        ip=ip,
        flow=flow,
    )
    item.save(update_fields=["updated_at"])
    return item


def _report(
    item: Item,
    flow: Flow,
    step: Step,
    *,
    actor: User,
    comment: str,
    ip: str | None,
    apply: Callable[[Item], None] | None = None,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
) -> Item:
    """A recurring step's report (督办反馈): the post's task is done and reopens at once for the next report, due
    ``due_days`` working days after this one (a deadline like any other: reminded by the sweep, recounted when the
    calendar changes; no timer in the broker); the other posts' tasks stay as they are. The item stays in its state
    until its own transition moves it on. A report with its own fields (a percentage …) declares them as the flow's
    ``action_forms["feedback"]``: validated and applied inside the lock once the report is known to be allowed, like a
    transition's; ``apply`` is a further hook run there."""
    task = actor_open_task(item, actor, step)
    if task is None:
        if had_task(item, actor, step_code=step.code):
            raise Conflict("该事项已被他人处理，请刷新后查看。")
        raise Forbidden("您无权执行此操作。")
    if not comment:
        raise CommentRequired("请填写反馈内容。")
    form_class = flow.action_forms.get("feedback")
    if form_class is not None:
        form = form_class(data or {}, files or {}, item=item, actor=actor)
        if not form.is_valid():
            raise ValidationError(form.error_dict())
        form.apply()
    if apply is not None:
        apply(item)
    acting = capacity(actor, task.post)
    acting_label = acting.label if acting else ""
    now = timezone.now()
    finish_task(task, actor=actor, acting_label=acting_label, decision=Decision.FEEDBACK, comment=comment, now=now)
    history_append(
        item,
        actor=actor,
        post=task.post,
        acting_label=acting_label,
        verb="feedback",
        verb_label="报送反馈",
        step_label=step.label,
        comment=comment,
        ip=ip,
        flow=flow,
    )
    open_task(item, flow, step, task.post, group=task.group)
    item.save(update_fields=["updated_at"])
    deliver_emails_on_commit()
    return item


def item_add_signer(
    model: type[ItemT], pk: int, *, actor: User, post: Post, comment: str, ip: str | None = None
) -> Task:
    """加签: the assignee of the current step asks ``post`` for an opinion before deciding."""
    comment = bounded_text(comment, label="说明")
    with transaction.atomic():
        item = lock_item(model, pk)
        flow = flow_for(item)
        step = flow.step_for(item.state)  # type: ignore[attr-defined]
        task = actor_open_task(item, actor, step)
        if step is None or task is None or task.extra:
            raise Forbidden("只有当前环节的办理人可以加签。")
        if Task.objects.filter(item=item, step=step.code, post=post, status=TaskStatus.OPEN).exists():
            raise Conflict("该职务在本环节已有待办。")
        if who_acts_for(post) is None:
            raise WorkflowError("该职务目前无人任职，不能加签。")
        extra_step = Step(step.code, f"{step.label}（加签）", step.posts, "one", step.due_days, ("opinion",))
        new = open_task(item, flow, extra_step, post, group="one", extra=True)
        acting = capacity(actor, task.post)
        history_append(
            item,
            actor=actor,
            post=task.post,
            acting_label=acting.label if acting else "",
            verb="add_signer",
            verb_label="加签",
            step_label=step.label,
            comment=f"请{post.title}提出意见。{comment}".strip(),
            ip=ip,
            flow=flow,
        )
        deliver_emails_on_commit()
        return new
