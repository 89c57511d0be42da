from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def nav_count(n: int) -> str:
    """A navigation count as shown: the number, or "999+" past the cap where counting stops."""
    from haimen_gov.context_processors import NAV_COUNT_CAP

    return f"{NAV_COUNT_CAP}+" if n > NAV_COUNT_CAP else str(n)


@register.filter
def attachments_editable(item: Any, user: Any) -> bool:
    """Whether ``user`` may add or remove ``item``'s files now (its applicant, in the flow's editable states)."""
    from haimen_gov.workflow.flows import flow_for

    try:
        spec = flow_for(item).attachments
    except LookupError:
        return False
    return spec is not None and item.submitter_id == user.pk and item.state in spec.editable_states


@register.filter
def tone(stage: str) -> str:
    """The badge classes of a state by its meaning: ``<span class="badge {{ item.stage|tone }}">``."""
    from haimen_gov.workflow.tones import stage_tone

    return f"tone-{stage_tone(str(stage or ''))}"


@register.filter
def tone_name(stage: str) -> str:
    """The bare tone of a state (``done``, ``refused`` …), for the timeline's dots."""
    from haimen_gov.workflow.tones import stage_tone

    return stage_tone(str(stage or ""))


@register.filter
def page_window(page: Any) -> list[int | None]:
    """The page numbers a pager links to around the current one (None: a gap), for a pager that knows its total;
    none for one that does not (UncountedPaginator)."""
    paginator = page.paginator
    if getattr(paginator, "total_unknown", False):
        return []
    ellipsis = paginator.ELLIPSIS
    return [
        None if n == ellipsis else n for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


@register.simple_tag(takes_context=True)
def pager(context: Any) -> str:
    """The pager of a list (``page``, and ``querystring``: the list's other parameters) rendered by Jinja2 (issue 16:
    Django's engine spent some 1,200 calls on it on every list page); nothing for a list of one page."""
    from haimen_gov.rows import render_rows

    page = context.get("page")
    if page is None or not page.has_other_pages():
        return ""
    querystring = context.get("querystring") or ""
    paginator = page.paginator
    return render_rows(
        "workflow/pager.jinja",
        {
            "page": page,
            "querystring": querystring,
            "window": page_window(page),
            "total_unknown": getattr(paginator, "total_unknown", False),
            "more_than": getattr(paginator, "more_than", None),
        },
    )


@register.filter
def minutes_zh(value: Any) -> str:
    """A duration as people say it: ``timedelta(minutes=15)`` → "15 分钟" (never ISO 8601's "PT15M")."""
    import datetime as dt

    if isinstance(value, dt.timedelta):
        minutes = max(1, round(value.total_seconds() / 60))
    else:
        from django.conf import settings

        minutes = max(1, round(float(getattr(settings, "AXES_COOLOFF_TIME", 0.25)) * 60))
    if minutes % 60 == 0:
        return f"{minutes // 60} 小时"
    return f"{minutes} 分钟"


@register.filter
def item_url(pk: int) -> str:
    """An item's page, for rows of a list: the URL prefix is reversed once per process, not once per row (a
    ``{% url %}`` in a row loop resolves the whole URLconf every time)."""
    return f"{_item_url_prefix()}{pk}/"


def _item_url_prefix() -> str:
    global _ITEM_URL_PREFIX
    if _ITEM_URL_PREFIX is None:
        from django.urls import reverse

        _ITEM_URL_PREFIX = reverse("workflow:item", args=[0])[: -len("0/")]
    return _ITEM_URL_PREFIX


_ITEM_URL_PREFIX: str | None = None
