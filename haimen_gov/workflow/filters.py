"""The inbox's search, filters and sort (GET parameters), bounded like every other input: a bad value is reported
and left out, never a 500 and never a wider list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from .flows import all_flows
from .models import Task

SORTS = {
    "due": ("due_date", "id"),  # 办理期限 soonest first (the default)
    "-due": ("-due_date", "-id"),
    "arrived": ("-created_at", "-id"),  # newest arrival first
}


def kind_choices() -> list[tuple[str, str]]:
    """(content type id, 类别) of every registered workflow."""
    types = ContentType.objects.get_for_models(*[flow.model for flow in all_flows()])
    return [(str(ct.pk), str(model._meta.verbose_name)) for model, ct in types.items()]


def urgency_choices() -> list[tuple[str, str]]:
    """缓急 values of the workflows whose items have one (``Flow.urgency_field``), without repeats."""
    seen: dict[str, str] = {}
    for flow in all_flows():
        if flow.urgency_field:
            for value, label in flow.model._meta.get_field(flow.urgency_field).choices or ():  # type: ignore[union-attr]
                seen.setdefault(str(value), str(label))
    return list(seen.items())


class InboxFilter(forms.Form):
    q = forms.CharField(label="搜索", max_length=50, required=False, strip=True)
    kind = forms.ChoiceField(label="类别", required=False)
    urgency = forms.ChoiceField(label="缓急", required=False)
    overdue = forms.BooleanField(label="仅看逾期", required=False)
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[("due", "期限由近到远"), ("-due", "期限由远到近"), ("arrived", "最新到达")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类别"), *kind_choices()]  # type: ignore[attr-defined]
        urgencies = urgency_choices()
        if urgencies:
            self.fields["urgency"].choices = [("", "全部缓急"), *urgencies]  # type: ignore[attr-defined]
        else:
            del self.fields["urgency"]  # no workflow has 缓急 yet: no filter to offer

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (the pager must then count the rows itself)."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("q", "kind", "urgency", "overdue"))

    def apply(self, tasks: QuerySet[Task], *, today: Any) -> QuerySet[Task]:
        self.is_valid()  # an invalid field is reported on the page and left out; the valid ones still filter
        data = getattr(self, "cleaned_data", {})
        q = data.get("q")
        if q:
            match = (
                Q(item__title__icontains=q)
                | Q(item__number__icontains=q)  # the item's one visible number (海政发〔2026〕3号 …)
                | Q(item__unit__name__icontains=q)
                | Q(item__unit__short_name=q)
            )
            tasks = tasks.filter(match)
        if data.get("kind"):
            tasks = tasks.filter(item__kind_id=int(data["kind"]))
        if data.get("urgency"):
            by_flow = Q()
            for flow in all_flows():
                if flow.urgency_field:
                    name = flow.model._meta.model_name
                    by_flow |= Q(**{f"item__{name}__{flow.urgency_field}": data["urgency"]})
            tasks = tasks.filter(by_flow)
        if data.get("overdue"):
            tasks = tasks.filter(due_date__lt=today)
        return tasks.order_by(*SORTS[data.get("sort") or "due"])
