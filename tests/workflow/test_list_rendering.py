"""The list pages' short paths (issue 16) write what Django writes: the filter form's renderer
(``workflow.widgets.PlainWidgetRenderer``) against Django's widget templates, ``{% rows %}`` against ``{% for %}``,
``lists.pk_urls`` against ``reverse``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.template import TemplateSyntaxError, engines
from django.urls import reverse
from django.utils.safestring import mark_safe

from haimen_gov.org.models import Unit
from haimen_gov.workflow.forms import BoundedDateField, style_fields
from haimen_gov.workflow.lists import ListFilterForm, Row, pk_urls
from haimen_gov.workflow.widgets import PlainSelect, PlainWidgetRenderer

NASTY = "\"<b>'&amp; 海门"


class _Fields(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    unit = forms.ModelChoiceField(Unit.objects.all(), label="单位", required=False, empty_label="全部单位")
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("a", NASTY), ("b", "乙")])
    grouped = forms.ChoiceField(
        label="分组", required=False, choices=[("", "全部"), ("甲组", [("1", "一"), ("2", NASTY)]), ("3", "三")]
    )
    number = forms.IntegerField(label="数", required=False)
    start = BoundedDateField(label="起始日期", required=False)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    flag = forms.BooleanField(label="勾选", required=False)  # not written here: the project's renderer
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea)  # likewise


class _Filters(_Fields, ListFilterForm):
    """The same fields as a list page's filters: PlainSelect, PlainWidgetRenderer."""


def _fields(form: forms.Form) -> list[str]:
    return [str(field) for field in form]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": NASTY, "state": "a", "grouped": "2", "number": "12", "start": "2026-03-01", "hidden": NASTY},
        {"state": "nope", "number": "x", "start": "2026-13-01", "unit": "999999", "flag": "on", "note": NASTY},
    ],
)
def test_the_filter_form_is_written_as_djangos_templates_write_it(org: Any, query: dict[str, str]) -> None:
    plain = _Filters(_query(query))
    django = _Fields(_query(query))  # Django's own widgets, templates and renderer
    style_fields(django, small=True)
    assert isinstance(plain.renderer, PlainWidgetRenderer) and isinstance(plain.fields["state"].widget, PlainSelect)
    assert not isinstance(django.renderer, PlainWidgetRenderer)
    assert plain.is_valid() == django.is_valid()
    assert _fields(plain) == _fields(django)
    assert "unit" in plain.fields and any(f'<option value="{u.pk}"' in str(plain["unit"]) for u in Unit.objects.all())


def test_an_attribute_false_is_left_out_and_true_written_bare() -> None:
    class Form(forms.Form):
        q = forms.CharField(required=False, widget=forms.TextInput(attrs={"readonly": True, "disabled": False}))
        s = forms.ChoiceField(choices=[("1", "一")], widget=forms.Select(attrs={"multiple-ish": True}))

    plain = Form(renderer=PlainWidgetRenderer())
    style_fields(plain, small=True)
    django = Form(renderer=get_default_renderer())
    style_fields(django, small=True)
    assert _fields(plain) == _fields(django)
    assert " readonly" in str(plain["q"]) and "disabled" not in str(plain["q"])


def _query(data: dict[str, str]) -> Any:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(data)
    return query


class _Obj:
    title = "对象 <i>"


ROWS: list[Any] = [
    {"title": NASTY, "n": 12345, "day": dt.date(2026, 3, 1), "none": None, "safe": mark_safe("<b>粗</b>"), "on": True},
    {"title": "", "n": 0, "day": None, "none": None, "safe": "", "on": False},
    {"n": 1},  # keys missing: as Django writes a missing variable
    Row(title=NASTY, n="3", on=True),  # what ListPage.page hands the table
    _Obj(),  # not a dict: rendered by Django
]
BODY = (
    "<tr><td>{{ r.title }}</td><td>{{ r.n }}</td><td>{{ r.day }}</td><td>{{ r.none }}</td><td>{{ r.safe }}</td>"
    "<td>{% if r.on %}是{{ r.title }}{% else %}否{% endif %}</td><td>{{ r.title|upper }}</td><td>{{ other }}</td></tr>"
)


@pytest.mark.parametrize("rows", [ROWS, [], None])
@pytest.mark.parametrize("autoescape", [True, False])
def test_rows_writes_what_for_writes(rows: Any, autoescape: bool) -> None:
    engine = engines["django"]
    wrap = (lambda s: s) if autoescape else (lambda s: "{% autoescape off %}" + s + "{% endautoescape %}")
    loop = engine.from_string(wrap("{% for r in rows %}" + BODY + "{% empty %}<tr>空</tr>{% endfor %}"))
    fast = engine.from_string(
        wrap("{% load list_tags %}{% rows r in rows %}" + BODY + "{% empty %}<tr>空</tr>{% endrows %}")
    )
    context = {"rows": rows, "other": "<外>", "r": "outer"}
    assert fast.render(context) == loop.render(context)
    after = "{% load list_tags %}{% rows r in rows %}{% endrows %}{{ r }}"
    assert engine.from_string(after).render(context) == "outer"  # the loop's name does not leak


def test_a_row_reads_as_a_dict_and_as_attributes() -> None:
    row = Row(title="标题")
    assert row["title"] == row.title == "标题"
    with pytest.raises(AttributeError):
        row.missing  # noqa: B018
    assert not hasattr(row, "missing")


def test_rows_needs_a_name_and_a_sequence() -> None:
    with pytest.raises(TemplateSyntaxError):
        engines["django"].from_string("{% load list_tags %}{% rows r page %}{% endrows %}")


def test_pk_urls_are_reverses_urls() -> None:
    item_url = pk_urls("workflow:item")
    assert [item_url(pk) for pk in (1, 42, 987654321)] == [
        reverse("workflow:item", args=[pk]) for pk in (1, 42, 987654321)
    ]
