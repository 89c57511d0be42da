"""用印台账 (第三十二条): the ledger page, its filters, the CSV and PDF exports — each limited to what the viewer may
see — and a query count that does not grow with the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seals import actions
from seals.models import State

from .helpers import advance, apply, pdf_text

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")

# Measured (PostgreSQL): 14 — session, user, permissions, acting posts, nav counts, the page's count and its rows
# (seal, unit and applicant joined), the filter form's choices, the session save. The same with 3 rows as with 30.
LEDGER_QUERY_BOUND = 14


def on(day: str) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ), tick=False)


@pytest.fixture
def ledger(org, seals) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """Five requests. Short titles: a PDF table cell does not wrap them."""
    with on("2026-03-02"):
        archived = advance(
            apply(org.dept1_clerk, seals.gov, document_title="重点项目报告", purpose="报送省发改委"), State.STAMPING
        )
        archived = actions.seal_request_register(archived.pk, actor=org.custodian, stamped_copies=3)
    with on("2026-04-15"):
        offsite = apply(
            org.dept1_clerk,
            seals.office,
            document_title="防汛调拨函",
            purpose="防汛物资调拨",
            offsite=True,
            offsite_place="区防汛指挥部",
            offsite_reason="现场调度",
        )
    with on("2026-05-20"):
        dept2 = apply(org.dept2_clerk, seals.gov, document_title="教育经费说明", purpose="报送市教育局")
    with on("2026-05-21"):
        rejected = apply(org.town1_clerk, seals.gov, document_title="街道规划方案", purpose="报送市规划局")
        actions.seal_request_reject(rejected.pk, actor=org.vice1, comment="请先经街道党工委研究。")
    with on("2026-05-22"):
        draft = apply(org.dept1_clerk, seals.gov, document_title="未提交草稿", submit=False)
    return SimpleNamespace(archived=archived, offsite=offsite, dept2=dept2, rejected=rejected, draft=draft)


def rows(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return sorted(r.document_title for r in response.context["page"])


ALL = ["教育经费说明", "街道规划方案", "重点项目报告", "防汛调拨函"]


# The ledger opens on finished uses; "全部状态" (an empty state) lists every submitted request (issue 10).
EVERY_STATE = {"state": ""}


def test_the_ledger_shows_finished_uses_by_default(org, ledger, client_for):
    response = client_for(org.director).get("/seals/ledger/")
    assert [r.document_title for r in response.context["page"]] == ["重点项目报告"]
    assert response.context["form"]["state"].value() == "archived"
    assert 'value="archived" selected' in response.content.decode()


def test_the_ledger_lists_every_submitted_request_newest_first(org, ledger, client_for):
    response = client_for(org.director).get("/seals/ledger/", EVERY_STATE)
    assert [r.document_title for r in response.context["page"]] == [
        "街道规划方案",
        "教育经费说明",
        "防汛调拨函",
        "重点项目报告",
    ]
    page = response.content.decode()
    assert "用印台账" in page
    assert ledger.archived.archive_number in page
    assert "未提交草稿" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"seal": "office"}, ["防汛调拨函"], id="seal"),
        pytest.param({"unit": "dept2"}, ["教育经费说明"], id="unit"),
        pytest.param({"applicant": "顾佳怡"}, ["重点项目报告", "防汛调拨函"], id="applicant-name"),
        pytest.param({"applicant": "dept2_clerk"}, ["教育经费说明"], id="applicant-username"),
        pytest.param({"start": "2026-05-01"}, ["教育经费说明", "街道规划方案"], id="from"),
        pytest.param({"end": "2026-04-30"}, ["重点项目报告", "防汛调拨函"], id="until"),
        pytest.param({"start": "2026-04-15", "end": "2026-05-20"}, ["教育经费说明", "防汛调拨函"], id="range"),
        pytest.param({"state": "archived"}, ["重点项目报告"], id="state-archived"),
        pytest.param({"state": "rejected"}, ["街道规划方案"], id="state-rejected"),
        pytest.param({"state": "review"}, ["教育经费说明", "防汛调拨函"], id="state-review"),
        pytest.param({"offsite": "1"}, ["防汛调拨函"], id="offsite"),
        pytest.param({"offsite": "0"}, ["教育经费说明", "街道规划方案", "重点项目报告"], id="local"),
        pytest.param({"q": "经费"}, ["教育经费说明"], id="q-title"),
        pytest.param({"q": "规划局"}, ["街道规划方案"], id="q-purpose"),
        pytest.param({"q": "用印〔2026〕"}, ["重点项目报告"], id="q-archive-number"),
        pytest.param({"seal": "gov", "unit": "dept1", "state": "archived"}, ["重点项目报告"], id="combined"),
        pytest.param({"q": "没有这个"}, [], id="nothing"),
    ],
)
def test_the_filters(org, seals, ledger, client_for, query, expected):
    params = {**EVERY_STATE, **query}
    if "seal" in params:
        params["seal"] = getattr(seals, params["seal"]).pk
    if "unit" in params:
        params["unit"] = getattr(org.units, params["unit"]).pk
    assert rows(client_for(org.director).get("/seals/ledger/", params)) == sorted(expected)


def test_no_rows_gives_a_friendly_line(org, ledger, client_for):
    page = client_for(org.director).get("/seals/ledger/", {"q": "没有这个"}).content.decode()
    assert "没有符合条件的用印记录" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param({"start": "2026-13-45"}, "起始日期格式错误（YYYY-MM-DD）。", id="bad-start"),
        pytest.param({"end": "昨天"}, "截止日期格式错误（YYYY-MM-DD）。", id="bad-end"),
        pytest.param({"start": "2026-06-01", "end": "2026-05-01"}, "截止日期不能早于起始日期。", id="end-before-start"),
    ],
)
def test_bad_dates_give_a_chinese_error_and_no_500(org, ledger, client_for, query, message):
    client = client_for(org.director)
    response = client.get("/seals/ledger/", query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get("/seals/ledger.csv", query).status_code == 200
    assert client.get("/seals/ledger.pdf", query).status_code == 200


def test_a_bad_date_does_not_drop_the_other_filters(org, seals, ledger, client_for):
    response = client_for(org.director).get(
        "/seals/ledger/", {**EVERY_STATE, "seal": seals.office.pk, "start": "2026-02-30"}
    )
    assert "起始日期格式错误（YYYY-MM-DD）。" in response.content.decode()
    assert rows(response) == ["防汛调拨函"]


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        pytest.param("dept2_clerk", ["教育经费说明"], id="another-units-clerk"),
        pytest.param("dept1_clerk", ["重点项目报告", "防汛调拨函"], id="applicant"),
        pytest.param("dept1_head", ["重点项目报告", "防汛调拨函"], id="unit-head"),
        pytest.param("vice1", ["街道规划方案", "重点项目报告"], id="reviewer"),
        pytest.param("custodian", ["重点项目报告"], id="custodian"),
        pytest.param("outsider", [], id="outsider"),
        pytest.param("head", ALL, id="head"),
    ],
)
def test_the_ledger_shows_only_what_the_viewer_may_see(org, ledger, client_for, viewer, expected):
    assert rows(client_for(getattr(org, viewer)).get("/seals/ledger/", EVERY_STATE)) == sorted(expected)


def csv_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_export(org, seals, ledger, client_for):
    response = client_for(org.director).get("/seals/ledger.csv", {**EVERY_STATE, "seal": seals.gov.pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=UTF-8''%E7%94%A8%E5%8D%B0%E5%8F%B0%E8%B4%A6.csv" in response["Content-Disposition"]
    table = csv_rows(response)
    assert table[0] == [
        "归档号",
        "印鉴",
        "申请单位",
        "申请人",
        "用印文件",
        "用印事由",
        "申请份数",
        "异地用印",
        "异地地点",
        "状态",
        "申请时间",
        "用印时间",
        "实际份数",
    ]
    assert sorted(r[4] for r in table[1:]) == ["教育经费说明", "街道规划方案", "重点项目报告"]
    archived = next(r for r in table[1:] if r[4] == "重点项目报告")
    assert archived[:4] == [ledger.archived.archive_number, "海门区人民政府印鉴", "海门区发展和改革委员会", "顾佳怡"]
    assert archived[6:10] == ["3", "否", "", "已用印归档"]
    assert archived[10].startswith("2026-03-02 ")
    assert archived[12] == "3"


def test_the_csv_export_respects_visibility(org, ledger, client_for):
    table = csv_rows(client_for(org.dept2_clerk).get("/seals/ledger.csv", EVERY_STATE))
    assert [r[4] for r in table[1:]] == ["教育经费说明"]
    assert "重点项目报告" not in str(table)
    assert len(csv_rows(client_for(org.outsider).get("/seals/ledger.csv"))) == 1  # the header only


def test_the_pdf_ledger(org, seals, ledger, client_for):
    response = client_for(org.director).get("/seals/ledger.pdf", {**EVERY_STATE, "seal": seals.office.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "用印台账" in text
    assert "共1条" in text
    assert "防汛调拨函" in text
    assert "重点项目报告" not in text


def test_the_pdf_ledger_respects_visibility(org, ledger, client_for):
    text = pdf_text(client_for(org.dept2_clerk).get("/seals/ledger.pdf", EVERY_STATE).content)
    assert "教育经费说明" in text
    for title in ("重点项目报告", "防汛调拨函", "街道规划方案"):
        assert title not in text


def make_requests(org, seals, n: int) -> None:  # type: ignore[no-untyped-def]
    applicants = [org.dept1_clerk, org.dept2_clerk, org.town1_clerk, org.dept1_head, org.justice]
    for i in range(n):
        request = apply(
            applicants[i % len(applicants)],
            seals.gov if i % 2 else seals.office,
            document_title=f"文件{i:02d}",
        )
        if i % 3 == 0:
            reviewer = request.tasks.get().post.holder
            assert reviewer is not None
            actions.seal_request_return(request.pk, actor=reviewer, comment="请修改。")


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["director", "dept1_clerk"])
def test_the_ledger_query_count_does_not_grow_with_the_rows(
    org, seals, client_for, django_assert_max_num_queries, viewer
):
    client = client_for(getattr(org, viewer))
    client.get("/seals/ledger/")  # the session is loaded once, as in real use

    url = "/seals/ledger/?state="
    make_requests(org, seals, 3)
    with django_assert_max_num_queries(LEDGER_QUERY_BOUND):
        few = client.get(url)
    few_queries = count_queries(client, url)

    make_requests(org, seals, 27)
    with django_assert_max_num_queries(LEDGER_QUERY_BOUND):
        many = client.get(url)
    many_queries = count_queries(client, url)

    assert 0 < len(few.context["page"]) < len(many.context["page"]) <= 20
    print(
        f"ledger queries as {viewer}: {few_queries} with {len(few.context['page'])} rows, "
        f"{many_queries} with {len(many.context['page'])} rows"
    )
    assert many_queries == few_queries
    assert count_queries(client, "/seals/ledger.csv?state=") == count_queries(client, "/seals/ledger.csv?state=&q=文件")


def test_the_csv_export_neutralises_formulas(org, seals, client_for):
    """Issue 9, item 5: a cell a spreadsheet would run is written with a leading '."""
    request = apply(
        org.dept1_clerk, seals.gov, document_title='=HYPERLINK("http://evil.example","点此")', purpose="+1-2@3"
    )
    table = csv_rows(client_for(org.director).get("/seals/ledger.csv", EVERY_STATE))
    row = next(r for r in table[1:] if "HYPERLINK" in r[4])
    assert row[4] == '\'=HYPERLINK("http://evil.example","点此")'
    assert row[5] == "'+1-2@3"
    assert row[6] == "3"  # numbers stay numbers
    assert request.document_title.startswith("=")  # stored as typed; only the export is neutralised


def test_the_pdf_columns_keep_names_numbers_and_states_whole(org, seals, ledger, client_for):
    """Issue 10: the archive number, the applicant, the state and the times never break inside a cell."""
    from pypdf import PdfReader

    # A long title takes what width it can: the other columns must not be squeezed into breaking.
    apply(org.dept1_clerk, seals.gov, document_title="关于" + "加快推进重点项目建设" * 6 + "的请示")
    response = client_for(org.director).get("/seals/ledger.pdf", EVERY_STATE)
    lines = [
        line.replace(" ", "")
        for page in PdfReader(io.BytesIO(response.content)).pages
        for line in (page.extract_text() or "").splitlines()
    ]
    for whole in (ledger.archived.archive_number, "顾佳怡", "已用印归档", "待审核", "未同意", "2026-03-0210:00"):
        assert any(whole in line for line in lines), (whole, lines)


def test_the_custodians_form_starts_at_the_approved_copies(org, seals, client_for):
    request = advance(apply(org.dept1_clerk, seals.gov, copies=7), State.STAMPING)
    page = client_for(org.custodian).get(f"/items/{request.pk}/").content.decode()
    assert 'name="stamped_copies" value="7"' in page


def test_past_its_count_cap_the_ledger_pages_without_a_total(org, ledger, client_for, monkeypatch):
    """Issue 16: tens of thousands of uses are not counted on every view; past the cap the pager says "N+"."""
    import dataclasses

    from seals import views

    monkeypatch.setattr(views, "LEDGER", dataclasses.replace(views.LEDGER, count_cap=2, page_size=2))
    client = client_for(org.director)
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/seals/ledger/", EVERY_STATE)
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT COUNT(*) FROM (SELECT "seals')]
    assert len(counts) == 1 and "LIMIT 3" in counts[0], counts  # never a full COUNT
    page = first.content.decode()
    assert "共 2+ 条" in page and "page=2" in page
    second = client.get("/seals/ledger/", {**EVERY_STATE, "page": "2"})
    assert "下一页" not in second.content.decode()
    shown = [r.document_title for r in first.context["page"]] + [r.document_title for r in second.context["page"]]
    assert sorted(shown) == ALL  # every row once, newest first across the pages
    # Under the cap the total is exact.
    monkeypatch.setattr(views, "LEDGER", dataclasses.replace(views.LEDGER, count_cap=999))
    assert client.get("/seals/ledger/", EVERY_STATE).context["page"].paginator.count == 4


def _first_page_statements(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("EXECUTE first_page", "PREPARE first_page"))
    ]


@pytest.mark.parametrize("count_cap", [999, 2], ids=["counted", "past-the-cap"])
def test_the_office_opens_the_ledger_from_a_prepared_first_page_equal_to_the_query(
    org, seals, ledger, client_for, monkeypatch, count_cap
):
    """Issue 16: the ledger as the menu opens it, for an overseer (who sees every request), is read by a statement
    compiled once per process and prepared per connection. It shows what the ordinary query shows (``?page=1``, the
    same list through the queryset), in its order; nobody else ever gets it."""
    import dataclasses

    from seals import views

    for title in ("甲文件", "乙文件", "丙文件"):
        archived = advance(apply(org.dept2_clerk, seals.office, document_title=title), State.STAMPING)
        actions.seal_request_register(archived.pk, actor=org.custodian, stamped_copies=1)
    # Four finished uses, two to a page: the first page's rows, and the row after them that tells the pager (past its
    # count cap) that another page follows.
    monkeypatch.setattr(views, "LEDGER", dataclasses.replace(views.LEDGER, page_size=2, count_cap=count_cap))

    def shown(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
        assert response.status_code == 200
        return [(r.number, r.document_title) for r in response.context["page"]]

    for overseer in (org.director, org.head):
        client = client_for(overseer)
        with CaptureQueriesContext(connection) as prepared:
            first = client.get("/seals/ledger/")
        with CaptureQueriesContext(connection) as ordinary:
            queried = client.get("/seals/ledger/", {"page": "1"})
        assert len(_first_page_statements(prepared)) == 1 and not _first_page_statements(ordinary)
        assert shown(first) == shown(queried)
        assert [title for _number, title in shown(first)] == ["丙文件", "乙文件"]  # newest first
        assert first.context["page"].has_next() and queried.context["page"].has_next()
        second = client.get("/seals/ledger/", {"page": "2"})
        assert [title for _number, title in shown(second)] == ["甲文件", "重点项目报告"]

    # A unit's clerk sees their unit's requests only, through the ordinary query, never the office's page.
    client = client_for(org.dept1_clerk)
    with CaptureQueriesContext(connection) as clerk:
        response = client.get("/seals/ledger/")
    assert not _first_page_statements(clerk)
    assert [title for _number, title in shown(response)] == ["重点项目报告"]
