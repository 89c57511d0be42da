"""List pages (台账, registers) with filters and CSV/PDF export, for every chapter.

A chapter declares a :class:`ListPage`: the filter form (a :class:`ListFilterForm` whose ``lookups`` map each field
to a queryset filter), the rows a viewer may see (a selector), the :class:`Column` s, the page's table template (also
served alone to htmx) and what each of its rows shows (``row``: the row's texts, link and tone worked out once in
Python; ``rows_template``: the rows' Jinja2 template, which reads them). The engine does the rest, the same way for
every list:

- the filter form → queryset → a paginated page (``workflow/list_page.html``);
- CSV: Chinese headers, a BOM so Excel opens it, streamed, every text cell neutralised against formula injection
  (:func:`csv_cell`, issue 9);
- PDF through ``haimen_gov/pdf.py`` (``workflow/list_pdf.html``), landscape, columns sized by the declaration so names,
  numbers and states never break mid-word, at most ``pdf_limit`` rows.

An invalid filter field (a mistyped date) is reported on the page and left out; the valid ones still filter, so a
typo never widens the list, or its export, to everything.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import quote

from django import forms
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from haimen_gov.pdf import pdf_response
from haimen_gov.prepared import PreparedValues
from haimen_gov.rows import render_rows

from .forms import style_fields
from .paging import KeysFirst, keys_first
from .widgets import PlainSelect, PlainWidgetRenderer

#: A spreadsheet reads a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Lookup = str | tuple[str, ...] | Callable[[QuerySet[Any], Any], QuerySet[Any]]


def cell_text(value: object) -> str:
    """A cell as text: local time for datetimes, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def display_name_in(row: Mapping[str, Any], path: str) -> str:
    """``User.display_name`` of the user at ``path`` in a ``values()`` row, from ``<path>__full_name`` and
    ``<path>__username``: the full name, else the login name ("" for nobody). What a list row shows of a person."""
    return row[f"{path}__full_name"] or row[f"{path}__username"] or ""


def pk_urls(url_name: str) -> Callable[[int], str]:
    """``reverse(url_name, args=[pk])`` for each row of a page: the URLconf is walked once, at the first call, not
    once per row. Reversing waits for that call, so a module may hold one for its ``ListPage.row`` (its URLconf is
    still loading when the module is imported); like ``item_url`` it then keeps the prefix for the process."""
    parts: list[str] = []

    def url(pk: int) -> str:
        if not parts:
            head, _, tail = reverse(url_name, args=[_SAMPLE_PK]).rpartition(str(_SAMPLE_PK))
            parts[:] = (head, tail)
        return f"{parts[0]}{pk}{parts[1]}"

    return url


_SAMPLE_PK = 987654321


def csv_cell(value: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula: text starting with = + - @ tab or CR gets a leading '.
    Numbers are written as they are."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = cell_text(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class Row(dict[str, Any]):
    """A row of a list page's table, as ``ListPage.row`` worked it out: its texts by name, read as ``row["title"]``
    or ``row.title`` (as the model's attributes were)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Column:
    """One column of a list's export. ``value`` takes a row and returns its cell (text, number, date, None).
    ``width``: the PDF column's CSS width (e.g. ``"7em"``); ``nowrap``: never break the cell (names, numbers,
    states); ``pdf=False`` leaves a long column (free text) out of the PDF."""

    header: str
    value: Callable[[Any], object]
    width: str = ""
    nowrap: bool = False
    pdf: bool = True


class _FetchedChoices(forms.models.ModelChoiceIterator):
    """A filter's choices (seals, units: a few dozen rows) read in one plain query. Django's own iterator reads them
    through ``QuerySet.iterator()``, which on PostgreSQL is a server-side cursor: DECLARE … WITH HOLD, FETCH and
    CLOSE, three round trips and a materialised result for each select on every list page (issue 16).

    A field named in its form's ``choice_labels`` reads each option's key and label alone, through a statement
    compiled once per process and prepared once per connection (``_prepared_choices``), not as model instances."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        prepared: PreparedValues | None = getattr(self.field, "prepared_choices", None)
        if prepared is not None:
            for row in prepared():
                # No instance: PlainSelect writes the option's value and label alone.
                yield (forms.models.ModelChoiceIteratorValue(row["pk"], None), row["label"])  # type: ignore[arg-type]
            return
        for obj in list(self.queryset):
            yield self.choice(obj)


_PREPARED_CHOICES: dict[tuple[type, str], PreparedValues] = {}


def _prepared_choices(form: type[ListFilterForm], name: str, label: str) -> PreparedValues:
    """The options of ``form``'s field ``name`` (its declared queryset, in its order) as (pk, ``label``) rows."""
    key = (form, name)
    if key not in _PREPARED_CHOICES:
        queryset = form.base_fields[name].queryset  # type: ignore[attr-defined]
        _PREPARED_CHOICES[key] = PreparedValues(
            f"choices_{form.__name__}_{name}".lower()[:40],
            lambda: queryset.values("pk", label=F(label)),
        )
    return _PREPARED_CHOICES[key]


class ListFilterForm(forms.Form):
    """The filters of a list page, declared by the chapter.

    ``lookups``: field name → a lookup (``"seal"``: ``filter(seal=value)``), a tuple of text lookups searched with
    ``icontains`` and OR-ed (``("title", "purpose")``), or a callable ``(qs, value) -> qs``.
    ``defaults``: values used when the query string does not name the field at all (the page's first load); a
    submitted empty value still means "all". ``ranges``: (start, end) field pairs whose end may not precede the start.
    """

    default_renderer = PlainWidgetRenderer()  # the page renders this form on every view (issue 16)
    lookups: ClassVar[dict[str, Lookup]] = {}
    defaults: ClassVar[dict[str, str]] = {}
    ranges: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Model choice fields whose option labels are one column of the model (what its ``__str__`` returns): field name
    # → that column. Their options, read on every view of the page, come from a prepared statement (issue 16).
    choice_labels: ClassVar[dict[str, str]] = {}

    def __init__(self, query: QueryDict | None = None, **kwargs: Any) -> None:
        data = QueryDict(mutable=True)
        data.update(self.defaults)
        if query is not None:
            for key in query:
                data.setlist(key, query.getlist(key))
        super().__init__(data, **kwargs)
        style_fields(self, small=True)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.iterator = _FetchedChoices
                if name in self.choice_labels:
                    field.prepared_choices = _prepared_choices(type(self), name, self.choice_labels[name])  # type: ignore[attr-defined]
                field.widget.choices = field.choices  # the widget took its choices from the default iterator
            if type(field.widget) is forms.Select:
                field.widget.__class__ = PlainSelect  # the same widget (its attrs, its choices), written in Python

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for start, end in self.ranges:
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, f"{self.fields[end].label}不能早于{self.fields[start].label}。")
        return data

    def filter(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for name, lookup in self.lookups.items():
            value = data.get(name)
            if value is None or value == "" or name in self.errors:
                continue
            if callable(lookup):
                qs = lookup(qs, value)
            elif isinstance(lookup, tuple):
                query = Q()
                for field in lookup:
                    query |= Q(**{f"{field}__icontains": value})
                qs = qs.filter(query)
            else:
                qs = qs.filter(**{lookup: value})
        return qs


@dataclass(frozen=True)
class ListPage:
    """A chapter's list page with its exports; ``url_name`` names the page, ``<url_name>_csv`` and ``<url_name>_pdf``
    the exports. ``queryset(request)`` returns the rows the viewer may see, with what the columns read joined."""

    title: str
    url_name: str
    filter_form: type[ListFilterForm]
    queryset: Callable[[HttpRequest], QuerySet[Any]]
    columns: tuple[Column, ...]
    table_template: str
    ordering: tuple[str, ...] = ("-created_at", "-id")
    page_size: int = 20
    pdf_limit: int = 2000
    note: str = ""
    ascii_name: str = "export"  # the download's file name for clients that ignore ``filename*``
    # Count at most this many rows (a COUNT over a LIMITed subquery); past it the pager shows "共 N+ 条" and pages
    # without a total, as the inbox does (paging.UncountedPaginator). None: count every row. For a register of tens
    # of thousands of rows, where a full COUNT on every page view costs more than the page (issue 16).
    count_cap: int | None = None
    # The fields the page's table reads, ``"unit__name"`` for a joined model's: the page then reads these columns
    # alone (QuerySet.values), each row a dict handed to ``row``, instead of every column of the chapter's model and
    # of each joined one, made into model instances (a third of the Python). The exports read the models.
    fields: tuple[str, ...] = ()
    # What the table shows of each row of the page (a model instance, or with ``fields`` a dict of them): its cells'
    # texts, its link, its tone, worked out here once per row rather than with {% url %}, filters and attribute
    # chains in the loop (issue 16). None: the table reads the objects themselves.
    row: Callable[[Any], Any] | None = None
    # The Jinja2 template of the table's rows (templates/jinja2/…, haimen_gov.rows.render_rows), handed ``rows``
    # (what ``row`` worked out); the table template puts them in with {{ rows_html }}.
    rows_template: str = ""
    # For a list opened without a query string (the menu's link): whether this request's rows are the ones everyone
    # it holds for gets (an overseer, who sees every item, and the default filters), whose queryset depends on nothing
    # else of the request. The first page's rows then come from a statement compiled once per process (from the first
    # such request) and prepared once per connection, its plan kept, as the supervision board's (issue 16).
    prepared_first_page: Callable[[HttpRequest], bool] | None = None

    @property
    def first_page_rows(self) -> int:
        """The rows a pager reads for the first page: one more than it shows (a pager without a total learns from the
        last whether another page follows)."""
        return self.page_size + 1

    def filtered(self, request: HttpRequest) -> tuple[ListFilterForm, QuerySet[Any]]:
        form = self.filter_form(request.GET)
        return form, form.filter(self.queryset(request)).order_by(*self.ordering)

    def page(self, request: HttpRequest) -> HttpResponse:
        form, qs = self.filtered(request)
        # The page's keys first, then its rows joined (paging.KeysFirst).
        first = None
        if (
            self.fields
            and self.prepared_first_page is not None
            and not request.GET
            and self.prepared_first_page(request)
        ):
            first = (self.first_page_rows, _first_page(self, qs))
        shown = KeysFirst(qs.values(*self.fields) if self.fields else qs, qs, first=first)
        paginator: Paginator = Paginator(shown, self.page_size)
        if self.count_cap is not None:
            from .paging import CountedPaginator, UncountedPaginator

            counted = qs.order_by()[: self.count_cap + 1].count()
            if counted > self.count_cap:
                paginator = UncountedPaginator(shown, self.page_size, more_than=self.count_cap)
            else:
                paginator = CountedPaginator(shown, self.page_size, count=counted)
        page = paginator.get_page(request.GET.get("page"))
        if self.row is not None:
            page.object_list = [Row(self.row(obj)) for obj in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "list": self,
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "page_url": reverse(self.url_name),
            "csv_url": reverse(f"{self.url_name}_csv"),
            "pdf_url": reverse(f"{self.url_name}_pdf"),
        }
        if self.rows_template:
            context["rows_html"] = render_rows(self.rows_template, {"rows": page.object_list})
        if getattr(request, "htmx", False):
            return render(request, self.table_template, context)  # the table alone
        # The filters as the page shows them, each worked out once.
        filters = [
            Row(id=field.id_for_label, label=field.label, widget=str(field), errors=field.errors)
            for field in form.visible_fields()
        ]
        context["filters_html"] = render_rows("workflow/list_filters.jinja", {"filters": filters})
        return render(request, "workflow/list_page.html", context)

    def rows(self, qs: QuerySet[Any]) -> Iterator[list[object]]:
        for row in qs.iterator(chunk_size=500):
            yield [column.value(row) for column in self.columns]

    def csv(self, request: HttpRequest) -> StreamingHttpResponse:
        _form, qs = self.filtered(request)
        writer = csv.writer(_Echo())

        def lines() -> Iterator[str]:
            yield "\ufeff"  # BOM: Excel on Windows then opens the Chinese text correctly
            yield writer.writerow([csv_cell(c.header) for c in self.columns])
            for row in self.rows(qs):
                yield writer.writerow([csv_cell(v) for v in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _disposition(self.title, self.ascii_name, "csv")
        return response

    def pdf(self, request: HttpRequest) -> HttpResponse:
        _form, qs = self.filtered(request)
        columns = [(i, c) for i, c in enumerate(self.columns) if c.pdf]
        rows = [[(cell_text(row[i]), c.nowrap) for i, c in columns] for row in self.rows(qs[: self.pdf_limit])]
        return pdf_response(
            "workflow/list_pdf.html",
            {
                "columns": [c for _i, c in columns],
                "rows": rows,
                "truncated": len(rows) >= self.pdf_limit,
                "printed_at": timezone.localtime(),
                "title": self.title,
                "note": self.note,
            },
            filename=f"{self.title}.pdf",
            request=request,
        )


_FIRST_PAGES: dict[tuple[str, int, tuple[str, ...]], PreparedValues] = {}


def _first_page(page: ListPage, qs: QuerySet[Any]) -> PreparedValues:
    """The first ``first_page_rows`` rows of ``qs`` (``page``'s rows, ordered, for a request ``prepared_first_page``
    holds for) as ``KeysFirst`` reads them, from a statement compiled from the first ``qs`` given."""
    key = (page.url_name, page.first_page_rows, page.fields)
    statement = _FIRST_PAGES.get(key)
    if statement is None:
        statement = PreparedValues(
            f"first_page_{page.ascii_name}".replace("-", "_")[:40],
            lambda: keys_first(qs.values(*page.fields), qs, slice(0, page.first_page_rows)),
        )
        _FIRST_PAGES[key] = statement
    return statement


class _Echo:
    def write(self, value: str) -> str:
        return value


def _disposition(title: str, ascii_name: str, ext: str) -> str:
    return f"attachment; filename=\"{ascii_name}.{ext}\"; filename*=UTF-8''{quote(f'{title}.{ext}')}"
