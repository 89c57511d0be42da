"""Supervision pages: open (with similar titles and refusals), the lists in constant queries, the item page's
report with its percentage, the CSV (formula-neutral) and the PDFs' text (pdftotext)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess

import pytest
import time_machine

from haimen_gov.workflow.models import Task, TaskStatus
from supervision.models import Feedback, Source, SupervisionItem

from .conftest import SHANGHAI, open_item, signed_item

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout
    return out.decode().replace(" ", "").replace("\n", "")


def form_data(org, **extra):  # type: ignore[no-untyped-def]
    data = {
        "title": "关于加快推进老旧小区改造的督办",
        "source": Source.PUBLIC,
        "source_reference": "12345热线 202609280017",
        "requirement": "11月底前完成改造方案。",
        "lead_unit": org.units.dept1.pk,
        "co_units": [org.units.town1.pk],
        "due_workdays": "20",
        "cadence_days": "5",
    }
    data.update(extra)
    return data


def test_the_office_opens_an_item_from_the_page(org, client_for):
    response = client_for(org.director).post("/supervision/open/", form_data(org))
    item = SupervisionItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/items/{item.pk}/"
    assert (item.source, item.lead_unit, list(item.co_units.all())) == (
        Source.PUBLIC,
        org.units.dept1,
        [org.units.town1],
    )


def test_a_unit_is_refused_the_page_with_article_39(org, client_for):
    response = client_for(org.dept1_head).get("/supervision/open/")
    assert response.status_code == 403
    assert "区政府各工作部门未经区政府指定不得开展政府督查（第三十九条）" in response.content.decode()
    assert client_for(org.dept1_head).get("/supervision/board/").status_code == 403


def test_a_designated_unit_sees_its_scope_and_is_refused_outside_it_on_the_page(org, client_for):
    from supervision import actions

    today = dt.date.today()
    designation = actions.designation_create(
        actor=org.director,
        unit=org.units.justice,
        scope="行政执法",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=30),
    )
    client = client_for(org.justice)
    page = client.get("/supervision/open/").content.decode()
    assert "行政执法" in page and "严禁越权督查" in page and 'name="designation"' in page
    data = form_data(org, source=Source.SPECIAL, designation=designation.pk, confirm_similar="on")
    refused = client.post("/supervision/open/", data)
    assert refused.status_code == 200 and "不在指定的督查范围" in refused.content.decode()
    assert client.post("/supervision/open/", {**data, "title": "行政执法案卷评查"}).status_code == 302
    assert SupervisionItem.objects.get().designation == designation


def test_similar_titles_are_shown_before_saving_and_need_a_confirmation(org, client_for):
    open_item(org, title="关于加快老旧小区改造进度的督办", lead_unit=org.units.dept2)
    client = client_for(org.director)
    response = client.post("/supervision/open/", form_data(org))
    body = response.content.decode()
    assert response.status_code == 200 and "关于加快老旧小区改造进度的督办" in body and "确认不重复" in body
    assert SupervisionItem.objects.count() == 1
    assert client.post("/supervision/open/", form_data(org, confirm_similar="on")).status_code == 302
    fragment = client.get("/supervision/similar/", {"title": "老旧小区改造"}).content.decode()
    assert "关于加快老旧小区改造进度的督办" in fragment


def test_a_duplicate_is_refused_on_the_page_with_a_link(org, client_for):
    first = open_item(org, title="关于加快推进老旧小区改造的督办")
    body = client_for(org.deputy1).post("/supervision/open/", form_data(org, confirm_similar="on")).content.decode()
    assert f"/items/{first.pk}/" in body and "严禁重复督查" in body


@pytest.mark.parametrize(
    "bad", [{"cadence_days": "0"}, {"due_workdays": "", "due_on": "1999-01-01"}, {"title": "x" * 201}]
)
def test_bad_input_is_a_chinese_message_not_a_500(org, client_for, bad):
    response = client_for(org.director).post("/supervision/open/", form_data(org, **bad))
    assert response.status_code == 200 and not SupervisionItem.objects.exists()


def test_opening_from_a_source_item_prefills_and_links(org, client_for):
    from haimen_gov.workflow import actions as engine
    from tests.workflow_app.models import Memo

    memo = engine.item_create(Memo, actor=org.director, title="常务会议议定：推进污水管网建设", unit=org.units.office)
    client = client_for(org.director)
    assert "常务会议议定：推进污水管网建设" in client.get(f"/supervision/open/?from={memo.pk}").content.decode()
    data = form_data(org, title=memo.title, **{"from": memo.pk})
    assert client.post("/supervision/open/", data).status_code == 302
    item = SupervisionItem.objects.get()
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "来源事项" in page and memo.title in page


def test_the_item_page_reports_with_a_percentage(org, client_for):
    item = signed_item(org)
    client = client_for(org.dept1_head)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert 'data-verb="feedback"' in page and 'name="percent"' in page and "反馈记录" in page
    response = client.post(
        f"/items/{item.pk}/transitions/feedback/", {"comment": "已完成立项", "percent": "40", "state": "in_progress"}
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.text, feedback.percent, feedback.is_lead) == ("已完成立项", 40, True)
    assert "已完成立项" in client.get(f"/items/{item.pk}/").content.decode()
    bad = client.post(f"/items/{item.pk}/transitions/feedback/", {"comment": "x", "percent": "140"})
    assert bad.status_code == 302 and Feedback.objects.count() == 1


def test_lists_run_constant_queries(org, client_for, django_assert_max_num_queries):
    client = client_for(org.director)
    dept1 = client_for(org.dept1_head)
    signed_item(org, title="一")
    client.get("/supervision/board/")
    dept1.get("/supervision/mine/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few_board:
        assert client.get("/supervision/board/").status_code == 200
    with CaptureQueriesContext(connection) as few_mine:
        assert dept1.get("/supervision/mine/").status_code == 200
    for n in range(6):
        signed_item(org, title=f"事项{n}", co_units=[org.units.dept2])
    with django_assert_max_num_queries(len(few_board)):
        body = client.get("/supervision/board/").content.decode()
    assert body.count('data-label="事项"') == 7
    with django_assert_max_num_queries(len(few_mine)):
        body = dept1.get("/supervision/mine/").content.decode()
    assert body.count('data-label="事项"') == 7


def test_appraisal_csv_is_formula_neutral_and_the_pdf_reads(org, client_for):
    org.units.dept1.name = '=HYPERLINK("x")发改委'
    org.units.dept1.save()
    signed_item(org)
    client = client_for(org.director)
    year = dt.date.today().year
    assert "交办事项" in client.get(f"/supervision/appraisal/?year={year}").content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(f"/supervision/appraisal.csv?year={year}").content.decode("utf-8-sig")))
    )
    assert rows[0][0] == "单位" and rows[1][0].startswith("'=HYPERLINK")
    text = pdf_text(client.get(f"/supervision/appraisal.pdf?year={year}").content)
    # Narrow columns wrap the headers; the title, the unit row and the office's signature read whole.
    assert f"{year}年度督查考核情况表" in text and "HYPERLINK" in text and "南通市海门区人民政府办公室" in text
    assert client.get("/supervision/appraisal/?year=abc").status_code == 200


def test_the_notice_and_the_bulletin_pdfs(org, client_for):
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        red = signed_item(org, title="关于推进重点项目开工建设的督办", due_on=dt.date(2026, 9, 30))
        signed_item(org, title="校园安全隐患排查整治", lead_unit=org.units.dept2, due_on=dt.date(2026, 11, 30))
    client = client_for(org.director)
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI), tick=False):
        notice = pdf_text(client.get(f"/supervision/items/{red.pk}/notice.pdf").content)
        bulletin = pdf_text(client.get("/supervision/bulletin.pdf").content)
    assert "督办单" in notice.replace(" ", "") and "海门区发展和改革委员会" in notice and "每5个工作日" in notice
    assert "红灯（逾期）1件" in bulletin and "关于推进重点项目开工建设的督办" in bulletin
    # The education bureau's item: green (due 11-30) but its first feedback (due 09-08) was never reported: amber.
    assert "黄灯（临期或反馈逾期）1件" in bulletin and "校园安全隐患排查整治" in bulletin


def test_an_item_is_404_to_a_unit_not_on_it(org, client_for):
    item = signed_item(org)
    assert client_for(org.dept2_head).get(f"/items/{item.pk}/").status_code == 404
    assert client_for(org.dept2_head).get(f"/supervision/items/{item.pk}/notice.pdf").status_code == 404
    assert Task.objects.filter(item=item, status=TaskStatus.OPEN).count() == 1


def test_seed_demo_adds_the_items_one_of_them_red_and_is_idempotent(db, monkeypatch, settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from haimen_gov.workflow.actions import notifications
    from supervision import selectors

    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())
    rows = list(selectors.items())
    # The supervision demo's four (one by a designated unit), the 区长办公会议纪要's decision the office turned into one
    # (第十九条), and the head's 批示 the documents demo opened as one (linked to its 请示).
    assert sorted(r.source for r in rows) == ["leader", "leader", "meeting", "public", "special", "special"]
    red = [r.title for r in rows if r.light == selectors.RED]  # type: ignore[attr-defined]
    assert red == ["校园食品安全专项督查"]
    feedback = Feedback.objects.get()
    assert [a.original_name for a in feedback.attachments.all()] == ["项目用地预审意见.pdf"]
    designated = SupervisionItem.objects.get(title="行政执法案卷评查专项督查")
    assert designated.designation is not None and designated.unit.code == "justice"
    from supervision.models import Bulletin

    bulletin = Bulletin.objects.get()
    assert bulletin.red == 1 and bulletin.recipients > 0


def test_the_board_pages_and_keeps_its_filters_and_counts(org, client_for, monkeypatch, django_assert_max_num_queries):
    """The board pages as the other lists do (issue 16): its pager's total, summed from the figures by source, is
    what the filtered list holds, for every light and source; a unit's or a week's filter counts the rows itself;
    the pager's links keep the filters; each row shows its light, link, source, unit, dates, progress and state."""
    from supervision import selectors, views

    monkeypatch.setattr(views, "BOARD_PAGE_SIZE", 2)
    monday = dt.datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI)  # amber until Thursday 11-19
    with time_machine.travel(monday, tick=False):
        made = {
            "red_leader": signed_item(org, title="红一", source=Source.LEADER),
            "red_special": signed_item(org, title="红二", source=Source.SPECIAL),
            "amber_leader": signed_item(org, title="黄一", source=Source.LEADER),
            "green_leader": signed_item(org, title="绿一", source=Source.LEADER, co_units=[org.units.dept2]),
            "green_public": signed_item(org, title="绿二", source=Source.PUBLIC, lead_unit=org.units.dept2),
        }
        due = {"red": dt.date(2026, 11, 13), "amber": dt.date(2026, 11, 19), "green": dt.date(2026, 12, 31)}
        for key, item in made.items():
            SupervisionItem.objects.filter(pk=item.pk).update(due_on=due[key.split("_")[0]])
        client = client_for(org.director)

        page = client.get("/supervision/board/")
        body = page.content.decode()
        assert [r["title"] for r in page.context["rows"]] == ["红一", "红二"]
        assert "第 1 / 3 页，共 5 条" in body and 'href="?page=2"' in body
        red = made["red_leader"]
        row = next(r for r in body.split("<tr>") if f'<a href="/items/{red.pk}/">红一</a>' in r).split("</tr>")[0]
        for text in ("红灯：已逾期", "领导交办", "海门区发展和改革委员会", "2026-11-13", "2026-11-23", "0%", "办理中"):
            assert text in row, text
        assert [r["title"] for r in client.get("/supervision/board/?page=3").context["rows"]] == ["绿二"]

        leader = client.get("/supervision/board/?source=leader&page=2")
        assert [r["title"] for r in leader.context["rows"]] == ["绿一"]
        assert "第 2 / 2 页，共 3 条" in leader.content.decode()
        assert 'href="?source=leader&page=1"' in leader.content.decode()

        client.get("/supervision/board/")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as unfiltered:
            client.get("/supervision/board/")
        for light in ("", "red", "amber", "green", "purple"):
            for source in ("", *Source.values, "nowhere"):
                with django_assert_max_num_queries(len(unfiltered)):
                    response = client.get("/supervision/board/", {"light": light, "source": source})
                expected = selectors.items(light=light, source=source).count()
                assert response.context["page"].paginator.count == expected, (light, source)

        dept2 = client.get(f"/supervision/board/?unit={org.units.dept2.pk}")
        assert dept2.context["page"].paginator.count == 2  # led by, or with, the unit
        assert {r["title"] for r in dept2.context["rows"]} == {"绿一", "绿二"}
        week = client.get("/supervision/board/?due=week")
        assert week.context["page"].paginator.count == 1 and week.context["rows"][0]["title"] == "黄一"
