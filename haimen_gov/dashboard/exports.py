"""The dashboard's exports: the monthly PDF report (GB/T 9704 form layout, templates/pdf/form.html) and its tables
as Excel and CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from haimen_gov.exports import neutralise
from haimen_gov.pdf import pdf_response

from .figures import Dashboard

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_title(dash: Dashboard) -> str:
    return f"海门区人民政府工作运行月报（{dash.query.month_label}）"


def _filters(dash: Dashboard) -> list[tuple[str, str]]:
    unit = dash.scope.unit_name(dash.query.unit) if dash.query.unit is not None else ""
    scope = {"office": "全区", "head": "全区", "vice": "分管单位"}[dash.scope.role]
    return [
        ("统计月份", dash.query.month_label),
        ("范围", unit or scope),
        ("视图", dash.scope.title),
        ("生成时间", dash.generated_at.strftime("%Y-%m-%d %H:%M")),
    ]


def pdf(request: HttpRequest, dash: Dashboard) -> HttpResponse:
    return pdf_response(
        "dashboard/report_pdf.html",
        {
            "title": report_title(dash),
            "number": dash.query.month.strftime("%Y-%m"),
            "fields": _filters(dash),
            "printed_at": dash.generated_at,
            "tables": dash.tables(),
        },
        filename=f"{report_title(dash)}.pdf",
        request=request,
    )


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique in the workbook.
    base = re.sub(r"[\[\]:*?/\\]", "", title)[:28] or "表"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}{n}", n + 1
    used.add(name)
    return name


def xlsx(dash: Dashboard) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "说明"
    sheet.append([report_title(dash)])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in _filters(dash):
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 40
    used = {"说明"}
    for table in dash.tables():
        ws = book.create_sheet(_sheet_title(table.title, used))
        ws.append([neutralise(table.title)])
        ws["A1"].font = Font(bold=True)
        ws.append([neutralise(h) for h in table.header])
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([neutralise(cell.value) for cell in row])
        if table.note:
            ws.append([])
            ws.append([neutralise(table.note)])
        for n, _h in enumerate(table.header):
            ws.column_dimensions[chr(ord("A") + n)].width = 22 if n == 0 else 14
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{report_title(dash)}.xlsx") or "attachment"
    return response


def csv_response(dash: Dashboard, table_key: str | None = None) -> HttpResponse:
    """Every table (or the one named ``table_key``) one after the other: a title line, the header, the rows."""
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel on Windows then reads the Chinese text as UTF-8
    writer = csv.writer(out)
    tables = [t for t in dash.tables() if table_key in (None, t.key)]
    for n, table in enumerate(tables):
        if n:
            writer.writerow([])
        rows: list[list[Any]] = [[table.title], table.header, *[[c.value for c in row] for row in table.rows]]
        for row in rows:
            writer.writerow([neutralise(value) for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{report_title(dash)}.csv" if table_key is None else f"{tables[0].title}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
