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
- ``links``: typed links between items (来源, 派生自, 取代).

Callers import from here: ``from haimen_gov.workflow.actions import item_fire``.
"""

from .attachments import attachment_add, attachment_remove, attachments_check, attachments_store
from .copies import copy_mark_read, item_copy
from .engine import open_step_tasks
from .errors import CommentRequired, Conflict, Forbidden, ValidationError, WorkflowError
from .items import item_add_signer, item_create, item_fire
from .links import item_link
from .notifications import notification_mark_read, queue_email_delivery
from .permissions import (
    TransitionInfo,
    available_transitions,
    current_round_tasks,
    may_intervene,
    require_amendable,
)
from .reassign import reroute_open_tasks, task_reassign

__all__ = [
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
    "item_add_signer",
    "item_copy",
    "item_create",
    "item_fire",
    "item_link",
    "may_intervene",
    "notification_mark_read",
    "open_step_tasks",
    "queue_email_delivery",
    "require_amendable",
    "reroute_open_tasks",
    "task_reassign",
]
