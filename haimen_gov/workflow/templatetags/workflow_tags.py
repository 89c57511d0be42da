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
