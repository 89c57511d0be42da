"""The list pages' short paths (issue 16) write what Django writes: the filter form's widgets
(``workflow.widgets``) against Django's widget templates, ``lists.pk_urls`` against ``reverse``; a row reads as the
model did."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.urls import reverse

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
    """The same fields as a list page's filters: PlainSelect, PlainWidgetRenderer, the units from a prepared
    statement."""

    choice_labels = {"unit": "name"}


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


@pytest.mark.django_db
def test_choices_named_in_choice_labels_are_read_fresh_as_key_and_label_and_written_as_django_writes_them(
    org: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    unit = Unit.objects.order_by("pk").first()
    assert unit is not None
    query = _query({"unit": str(unit.pk)})
    assert _fields(_Filters(query)) == _fields(_styled(_Fields(query)))  # the chosen unit selected, as Django does
    with CaptureQueriesContext(connection) as queries:
        str(_Filters(_query({}))["unit"])  # no unit chosen: nothing to validate, the options alone
    assert len(queries) == 1 and queries[0]["sql"].split()[0] == "EXECUTE"
    name = queries[0]["sql"].split()[1]
    assert name.startswith("choices") and "_filters_unit_" in name
    with connection.cursor() as cursor:  # the prepared statement reads the key and the label alone
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        (statement,) = cursor.fetchone()
    assert '"org_unit"."name"' in statement and '"code"' not in statement and '"short_name"' not in statement

    # Options are read on every view (prepared, not cached): a unit added since shows at once.
    added = Unit.objects.create(code="new-unit", name="新设单位<&>", kind=unit.kind)
    written = str(_Filters(_query({}))["unit"])
    assert f'<option value="{added.pk}">新设单位&lt;&amp;&gt;</option>' in written
    assert _fields(_Filters(query)) == _fields(_styled(_Fields(query)))
    chosen = _Filters(_query({"unit": str(added.pk)}))
    assert chosen.is_valid() and chosen.cleaned_data["unit"] == added


def _styled(form: forms.Form) -> forms.Form:
    style_fields(form, small=True)
    return form


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


def test_a_row_reads_as_a_dict_and_as_attributes() -> None:
    row = Row(title="标题")
    assert row["title"] == row.title == "标题"
    with pytest.raises(AttributeError):
        row.missing  # noqa: B018
    assert not hasattr(row, "missing")


def test_pk_urls_are_reverses_urls() -> None:
    item_url = pk_urls("workflow:item")
    assert [item_url(pk) for pk in (1, 42, 987654321)] == [
        reverse("workflow:item", args=[pk]) for pk in (1, 42, 987654321)
    ]
