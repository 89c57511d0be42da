"""批量审批: several tasks approved at once, each through ``item_fire`` exactly as if approved one by one (its own
lock, checks, history row and notices), so one refusal or race (409) never undoes or blocks the others."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from haimen_gov.org.models import User

from ..models import Item, Task, TaskStatus
from .errors import Conflict, WorkflowError
from .items import item_fire

BATCH_MAX = 50  # more than a page of the inbox (20): anything larger is not a person choosing rows


@dataclass(frozen=True)
class BatchResult:
    task_id: int
    title: str
    status: int  # 200 done; otherwise the refusal's HTTP status (409: someone else acted first)
    message: str

    @property
    def ok(self) -> bool:
        return self.status == 200


def tasks_approve(task_ids: list[int], *, actor: User, ip: str | None = None) -> list[BatchResult]:
    """Approve each task without a comment (only steps whose approval needs none are offered in the inbox)."""
    results: list[BatchResult] = []
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=task_ids[:BATCH_MAX]).select_related("item", "item__kind")}
    for task_id in task_ids[:BATCH_MAX]:
        task = tasks.get(task_id)
        if task is None:
            results.append(BatchResult(task_id, "", 404, "待办不存在。"))
            continue
        title = task.item.title
        model = task.item.kind.model_class()
        try:
            if task.status != TaskStatus.OPEN or model is None:
                raise Conflict("该事项已被他人处理，请刷新后查看。")
            # The state the inbox showed: a task still open but of an earlier state would be a race as well.
            item_fire(
                cast("type[Item]", model),
                task.item_id,
                verb="approve",
                actor=actor,
                ip=ip,
                expected_state=task.item.stage,
            )
        except WorkflowError as exc:
            results.append(BatchResult(task_id, title, exc.status, exc.message))
        else:
            results.append(BatchResult(task_id, title, 200, "已同意。"))
    return results
