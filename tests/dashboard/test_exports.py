"""The dashboard's exports: the monthly PDF report (Chinese text as pdftotext reads it), the Excel workbook (read back
with openpyxl) and the CSV, with formula injection neutralised; and the API schema."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from openpyxl import load_workbook

from haimen_gov.exports import neutralise
from haimen_gov.workflow.models import Item

pytestmark = pytest.mark.django_db


def pdftotext(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def test_the_monthly_pdf_report(data, client_for):
    response = client_for(data.org.director).get("/dashboard/report.pdf?month=2026-11")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    for words in (
        "海门区人民政府工作运行月报（2026年11月）",
        "在办事项",
        "逾期待办（按申请单位）",
        "区教体局",
        "办理最慢的环节",
        "无人可办的事项",
        "副区长（空缺）",
        "海门区人民政府印鉴",
    ):
        assert words in text, words


def test_the_excel_workbook_reads_back_in_chinese(data, client_for):
    response = client_for(data.org.director).get("/dashboard/tables.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "说明"
    assert book["说明"]["A1"].value == "海门区人民政府工作运行月报（2026年11月）"
    sheet = next(book[name] for name in book.sheetnames if name.startswith("逾期待办（按申请单位）"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("单位", "逾期")
    assert rows[2][:2] == ("区教体局", 1)  # numbers stay numbers
    seals = next(book[name] for name in book.sheetnames if name.startswith("用印情况（按印鉴"))
    assert list(seals.iter_rows(values_only=True))[2][:2] == ("海门区人民政府印鉴", 2)


def test_the_csv_has_every_table(data, client_for):
    response = client_for(data.org.director).get("/dashboard/tables.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    titles = [row[0] for row in rows if len(row) == 1]  # each table opens with its title alone on a line
    assert [t.split("（")[0] for t in titles] == [
        "在办事项",
        "待办时限分布",
        "逾期待办",
        "逾期待办",
        "办理最慢的环节",
        "无人可办的事项",
        "督办事项",
        "红灯事项最多的牵头单位",
        "交办公文办理时效",
        "以区政府、区政府办公室名义发文",
        "用印情况",
        "用印情况",
        "会议情况",
        "会议数量",
        "近期会议与议题申报截止",
        "领导外出",
        "基层调研天数",
    ]


def test_a_title_that_is_a_formula_is_neutralised(data, client_for):
    Item.objects.filter(pk=data.stuck.pk).update(title='=HYPERLINK("http://evil","点我")')
    csv_text = client_for(data.org.director).get("/dashboard/tables.csv").content.decode("utf-8")
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    book = load_workbook(io.BytesIO(client_for(data.org.director).get("/dashboard/tables.xlsx").content))
    stuck = next(book[name] for name in book.sheetnames if name.startswith("无人可办"))
    cell = next(iter(stuck.iter_rows(min_row=3, max_row=3)))[0]
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_formula_starts(text):
    assert neutralise(text) == "'" + text


def test_neutralise_keeps_numbers_and_plain_text():
    assert (neutralise(-3), neutralise(2.5), neutralise("区政府"), neutralise(None)) == (-3, 2.5, "区政府", "")


def test_a_vice_heads_exports_stay_inside_the_portfolio(data, client_for):
    text = client_for(data.org.vice1).get("/dashboard/tables.csv").content.decode("utf-8")
    assert "区发改委" in text and "区教体局" not in text


def test_the_schema_documents_the_dashboard(org, client_for):
    schema = client_for(org.director).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/dashboard/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"month", "unit"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    dashboard = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    panels_ref = dashboard["properties"]["panels"]["$ref"].rsplit("/", 1)[1]
    panels = schema["components"]["schemas"][panels_ref]["properties"]
    assert set(panels) == {
        "queue",
        "work",
        "ageing",
        "overdue",
        "slow",
        "stuck",
        "seals",
        "people",
        "supervision",
        "meetings",
        "documents",
    }
