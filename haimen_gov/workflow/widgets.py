"""Widgets written in Python for forms a hot page renders on every view (a list page's filters, issue 16): the same
HTML as Django's widget templates, without a template per widget and an ``include`` per attribute and option."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape as html_escape
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.safestring import SafeString, mark_safe

_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "search", "number", "email", "url", "tel", "date", "datetime", "time", "hidden")
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _escaped(value: Any) -> str:
    # What {{ value }} writes: django.utils.html.conditional_escape without its lazy-string wrapper, here run for
    # every option of every select of a list page.
    return value.__html__() if hasattr(value, "__html__") else html_escape(str(value))


def _attrs_html(attrs: Mapping[str, Any]) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainWidgetRenderer(BaseRenderer):
    """Django's form renderer, except that text, date and select inputs are written here in Python, to the character
    what Django's widget templates write. Those templates include ``attrs.html`` per widget and
    ``select_option.html`` per option: a list page's filter form of ten fields and forty options cost as much as its
    table (issue 16). Any other template goes to the project's renderer."""

    def get_template(self, template_name: str) -> Any:
        return get_default_renderer().get_template(template_name)

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        written: str | None = None
        if widget is not None and widget.get("template_name") == template_name:
            if template_name in _INPUT_TEMPLATES:
                value = widget["value"]
                shown = "" if value is None else f' value="{_escaped(value)}"'
                written = f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{shown}'
                written += f"{_attrs_html(widget['attrs'])}>"
            elif template_name == _SELECT_TEMPLATE:
                written = _select_html(widget)
        if written is None:
            return get_default_renderer().render(template_name, context, request=request)
        return written


def _select_html(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html and select_option.html; None for options of another template."""
    parts = [f'<select name="{_escaped(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{_escaped(group)}">')
        for option in options:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            attrs = option["attrs"]
            # select_option.html ends with a newline
            parts.append(
                f'\n  <option value="{_escaped(option["value"])}"{_attrs_html(attrs) if attrs else ""}>'
                f"{_escaped(option['label'])}</option>\n"
            )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PlainSelect(forms.Select):
    """A single select written straight from its choices: Django's Select builds a dict of nine keys per option
    (``optgroups``) for its template; this writes the option. Same HTML, groups included."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if self.allow_multiple_selected or self.option_template_name != _OPTION_TEMPLATE:
            return super().render(name, value, attrs, renderer)
        values = self.format_value(value)
        parts = [f'<select name="{_escaped(name)}"{_attrs_html(self.build_attrs(self.attrs, attrs))}>']
        has_selected = False

        def option(option_value: Any, label: Any) -> str:
            nonlocal has_selected
            selected = not has_selected and str(option_value) in values
            has_selected |= selected
            shown = f'value="{_escaped(option_value)}"{" selected" if selected else ""}'
            return f"\n  <option {shown}>{_escaped(label)}</option>\n"  # select_option.html ends with a newline

        for option_value, label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(label, list | tuple):  # a group
                parts.append(f'\n  <optgroup label="{_escaped(option_value)}">')
                parts.extend(option("" if v is None else v, sublabel) for v, sublabel in label)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))
