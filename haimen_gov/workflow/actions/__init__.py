"""The workflow engine's actions, one module per concern (the Zulip ``zerver/actions/`` way):

- ``errors``: the refusals (WorkflowError and its 400/403/409 kinds);
- ``permissions``: pure reads — who may fire what now, 流程干预 rights;
- ``engine``: the row lock, closing and opening tasks, what follows every transition;
- ``history``: the append-only history row;
- ``notifications``: notices, the e-mail queued on commit, marking notices read;
- ``items``: create an item, fire a transition, 加签;
- ``reassign``: 改派 by the office director, re-routing after a reshuffle;
- ``copies``: 传阅 and its read receipts;
- ``attachments``: files of any item (check, store, add, remove, required at submit).
- ``batch``: 批量审批, each task through ``item_fire`` as if one by one;
- ``nudges``: 催办 an overdue or due-today step, once a working day;
- ``phrases``: 常用意见, each person's saved phrases;
- ``delegations``: 委托 set up, shortened and revoked from the portal, and the delegator's daily digest;
- ``links``: typed links between items (来源, 派生自, 取代).

Callers import from here: ``from haimen_gov.workflow.actions import item_fire``.
"""

from .attachments import attachment_add, attachment_remove, attachments_check, attachments_store
from .batch import BatchResult, tasks_approve
from .copies import copy_mark_read, item_copy
from .delegations import delegation_create, delegation_revoke, delegation_shorten
from .engine import open_step_tasks
from .errors import CommentRequired, Conflict, Forbidden, ValidationError, WorkflowError
from .items import item_add_signer, item_create, item_fire
from .links import item_link
from .notifications import notification_mark_read, queue_email_delivery
from .nudges import may_nudge, nudgeable, task_nudge
from .permissions import (
    TransitionInfo,
    available_transitions,
    current_round_tasks,
    may_intervene,
    require_amendable,
)
from .phrases import DEFAULT_PHRASES, phrase_add, phrase_delete, phrases_for
from .reassign import reroute_open_tasks, task_reassign

__all__ = [
    "DEFAULT_PHRASES",
    "BatchResult",
    "CommentRequired",
    "Conflict",
    "Forbidden",
    "TransitionInfo",
    "ValidationError",
    "WorkflowError",
    "attachment_add",
    "attachment_remove",
    "attachments_check",
    "attachments_store",
    "available_transitions",
    "copy_mark_read",
    "current_round_tasks",
    "delegation_create",
    "delegation_revoke",
    "delegation_shorten",
    "item_add_signer",
    "item_copy",
    "item_create",
    "item_fire",
    "item_link",
    "may_intervene",
    "may_nudge",
    "notification_mark_read",
    "nudgeable",
    "open_step_tasks",
    "phrase_add",
    "phrase_delete",
    "phrases_for",
    "queue_email_delivery",
    "require_amendable",
    "reroute_open_tasks",
    "task_nudge",
    "task_reassign",
    "tasks_approve",
]
