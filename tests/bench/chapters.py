"""Rows for the chapters' list pages (issue 16): each chapter's own records multiplied from the ones ``seed_demo`` made,
so that the meetings board, the documents registers, the supervision board and the leave board show full pages and
their query counts can be compared with the demo's few rows. Runs inside a Django process on the bench database
(``tests.bench.phases chapters``).

Copies go through the ORM (multi-table inheritance: a new ``workflow_item`` row and the chapter's row each), with a
numbered title so that rules such as supervision's one open item per matter and unit hold; a copy that a constraint
still refuses is skipped. Related rows (attendees, tasks, history) are not copied: the list pages show the chapters'
own columns. A few thousand rows, not the seal requests' hundred thousand: these pages page or cap their lists.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction

# (app label, model name): the models behind the chapters' list pages.
MODELS = [
    ("meetings", "Meeting"),
    ("meetings", "Topic"),
    ("documents", "IncomingDocument"),
    ("documents", "OutgoingDocument"),
    ("supervision", "SupervisionItem"),
    ("leave", "Absence"),
]
TITLE_FIELDS = ("title", "normalised_title", "name")


def _clone(obj: Any, n: int, spread: dict[Any, list[int]]) -> Any:
    new = copy.copy(obj)
    new._state = copy.copy(obj._state)
    new._state.adding = True
    new._state.fields_cache = {}
    # Every primary key up the inheritance chain (the item's id, the chapter row's item_ptr_id).
    meta = type(obj)._meta
    new.pk = None
    for parent, link in meta.parents.items():
        setattr(new, parent._meta.pk.attname, None)
        if link is not None:
            setattr(new, link.attname, None)
    if hasattr(new, "id"):
        new.id = None
    for field in meta.concrete_fields:  # a one-to-one (an absence's delegation) belongs to the original only
        if field.one_to_one and field.null and not field.primary_key and field not in meta.parents.values():
            setattr(new, field.attname, None)
    # A foreign key to a model copied before (a topic's meeting): spread over the copies, so that one demo meeting
    # does not end up with a thousand topics on its agenda.
    for field in meta.concrete_fields:
        if field.many_to_one and field.related_model in spread and spread[field.related_model]:
            choices = spread[field.related_model]
            setattr(new, field.attname, choices[n % len(choices)])
    for name in TITLE_FIELDS:
        try:
            field = meta.get_field(name)
        except Exception:
            continue
        if isinstance(field, models.CharField) and getattr(new, name, None):
            suffix = f"（{n}）"
            setattr(new, name, str(getattr(new, name))[: (field.max_length or 200) - len(suffix)] + suffix)
    return new


def multiply(rows: int, log: Callable[[str], None]) -> dict[str, int]:
    from django.apps import apps

    counts: dict[str, int] = {}
    spread: dict[Any, list[int]] = {}
    for app_label, model_name in MODELS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        started = time.perf_counter()
        sources = list(model._default_manager.all()[:200])
        have = model._default_manager.count()
        made = skipped = 0
        n = 0
        while sources and have + made < rows and skipped < rows:
            for obj in sources:
                if have + made >= rows:
                    break
                n += 1
                try:
                    with transaction.atomic():
                        copy_ = _clone(obj, n, spread)
                        copy_.save()
                    made += 1
                    spread.setdefault(model, []).append(copy_.pk)
                except (IntegrityError, ValueError):
                    skipped += 1
        counts[f"{app_label}.{model_name}"] = have + made
        log(
            f"  {app_label}.{model_name}: {have} rows from seed_demo, {made:,} copies"
            + (f" ({skipped} refused by a constraint)" if skipped else "")
            + f" in {time.perf_counter() - started:.1f} s"
        )
    return counts
