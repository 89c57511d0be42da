"""PDF base of the portal: haimen_gov/pdf.py and templates/pdf/{official,minutes,form}.html.

The PDFs are checked through pypdf: extracted text, embedded font names, page boxes, and the position, size and
fill colour of every text run (so that the GB/T 9704 grid, the margins and the red header are measured, not
assumed). None of these tests needs the database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import socket
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import RequestFactory
from pypdf import PdfReader

from haimen_gov import pdf as pdfmod

MM = 72 / 25.4  # points per mm
A4 = (595.28, 841.89)
TZ = ZoneInfo("Asia/Shanghai")
RED = (0.8667, 0.0, 0.0)  # #d00

PARAGRAPHS = [
    "为深入贯彻落实党的二十大精神，进一步加强和改进区政府机关工作，提高行政效能，根据《中华人民共和国地方各级"
    "人民代表大会和地方各级人民政府组织法》和《南通市人民政府工作规则》，结合本区实际，制定本规则。",
    "区政府工作的指导思想是：坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的基本理论、基本路线、"
    "基本方略，坚持和加强党的全面领导，忠实践行以人民为中心的发展思想。",
    "区政府组成人员要做到对党忠诚、勇于担当、廉洁奉公，以身作则，带头遵守宪法和法律法规，严格执行各项规定，"
    "自觉接受各方面监督，着力建设人民满意的法治政府、创新政府、廉洁政府和服务型政府。",
    "本规则自2026年12月1日起施行。2019年3月印发的《南通市海门区人民政府工作规则》（海政发〔2019〕8号）同时废止。",
]

OFFICIAL: dict[str, Any] = {
    "doc_number": "海政发〔2026〕14号",
    "title": "南通市海门区人民政府\n关于印发《海门区人民政府工作规则》的通知",
    "recipients": "各镇人民政府，区各委办局，区各直属单位：",
    "paragraphs": PARAGRAPHS,
    "attachments": ["海门区人民政府工作规则"],
    "signer": "南通市海门区人民政府",
    "date": dt.date(2026, 11, 25),
    "note": "（此件公开发布）",
    "cc": "区委各部门，区人大常委会办公室，区政协办公室，区法院，区检察院，区人武部。",
    "printer": "南通市海门区人民政府办公室",
    "print_date": dt.date(2026, 11, 25),
}

FORM: dict[str, Any] = {
    "title": "用印申请单",
    "number": "YY-2026-0147",
    "printed_at": dt.datetime(2026, 11, 25, 15, 30, tzinfo=TZ),
    "fields": [
        ("申请单位", "区政府办公室秘书科"),
        ("申请人", "周敏"),
        ("用印类型", "区政府印章"),
        ("用印份数", "5 份"),
        ("文件名称", "关于印发《海门区人民政府工作规则》的通知"),
        ("用印事由", "报送市政府备案，并印发各镇人民政府、区各委办局。"),
    ],
    "opinions": [
        {
            "step": "科室审核",
            "post": "秘书科科长",
            "actor": "吴刚",
            "acting_for": "",
            "decision": "同意",
            "comment": "材料齐全，请领导审批",
            "at": dt.datetime(2026, 11, 24, 9, 12, tzinfo=TZ),
        },
        {
            "step": "办公室审核",
            "post": "区政府办公室主任",
            "actor": "郑洁",
            "acting_for": "",
            "decision": "退回",
            "comment": "请补充备案函",
            "at": dt.datetime(2026, 11, 24, 14, 3, tzinfo=TZ),
        },
        {
            "step": "领导审批",
            "post": "副区长",
            "actor": "钱伟",
            "acting_for": "受区长委托",
            "decision": "同意",
            "comment": "同意用印，按规定登记",
            # UTC: printed in Asia/Shanghai as 2026-11-25 08:45.
            "at": dt.datetime(2026, 11, 25, 0, 45, tzinfo=dt.UTC),
        },
    ],
}


# --------------------------------------------------------------------------------------------------------------
# Reading PDFs


@dataclass
class Run:
    """One piece of text as drawn: baseline origin in PDF points (origin bottom left), size in pt, fill colour."""

    text: str
    x: float
    y: float
    size: float
    color: tuple[float, ...]
    font: str

    @property
    def top_mm(self) -> float:
        """Baseline distance from the top edge of the page, in mm."""
        return (A4[1] - self.y) / MM


@dataclass
class Rendered:
    data: bytes
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reader = PdfReader(BytesIO(self.data))

    @property
    def pages(self) -> list[Any]:
        return list(self.reader.pages)

    def text(self, page: int | None = None) -> str:
        pages = self.pages if page is None else [self.pages[page]]
        return "\n".join(p.extract_text() for p in pages)

    def fonts(self) -> set[str]:
        names = set()
        for page in self.pages:
            for font in page["/Resources"]["/Font"].values():
                names.add(str(font.get_object()["/BaseFont"]).lstrip("/"))
        return names

    def runs(self, page: int) -> list[Run]:
        return text_runs(self.pages[page])

    def run(self, page: int, containing: str) -> Run:
        matches = [run for run in self.runs(page) if containing in run.text]
        assert matches, f"{containing!r} not drawn on page {page + 1}: {[r.text for r in self.runs(page)]}"
        return matches[0]


def text_runs(page: Any) -> list[Run]:
    """Text runs of a page with their position, size and the fill colour in force (rg, saved/restored by q/Q)."""
    runs: list[Run] = []
    stack: list[tuple[float, ...]] = []
    color: list[tuple[float, ...]] = [(0.0, 0.0, 0.0)]

    def before(operator: bytes, operands: list[Any], cm: list[float], tm: list[float]) -> None:
        if operator == b"q":
            stack.append(color[0])
        elif operator == b"Q":
            color[0] = stack.pop() if stack else (0.0, 0.0, 0.0)
        elif operator == b"rg":
            color[0] = tuple(round(float(value), 4) for value in operands)
        elif operator == b"g":
            color[0] = (round(float(operands[0]), 4),) * 3

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = text.strip()
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        name = str(font["/BaseFont"]).lstrip("/") if font else ""
        runs.append(Run(text, x, y, size * abs(cm[0] or cm[1]), color[0], name))

    page.extract_text(visitor_operand_before=before, visitor_text=visit)
    return runs


def lines(runs: list[Run], *, bottom: float = 0, top: float = A4[1]) -> list[tuple[float, str, float]]:
    """(baseline y, text, left x) of each line between ``bottom`` and ``top`` (pt), top to bottom."""
    by_y: dict[float, list[Run]] = {}
    for run in runs:
        if bottom <= run.y <= top:
            by_y.setdefault(round(run.y, 1), []).append(run)
    return [
        (y, "".join(r.text for r in sorted(rs, key=lambda r: r.x)), min(r.x for r in rs))
        for y, rs in sorted(by_y.items(), reverse=True)
    ]


def is_noto_cjk(font: str) -> bool:
    # WeasyPrint writes "ABCDEF+Noto-Serif-CJK-SC-Bold": subset tag, then the name with hyphens.
    name = font.split("+", 1)[-1].replace("-", "").replace(" ", "")
    return "NotoSerifCJK" in name or "NotoSansCJK" in name


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render(template: str, context: dict[str, Any], **kwargs: Any) -> Rendered:
    """render_pdf, collecting WeasyPrint's warnings (missing glyphs, refused resources, CSS errors)."""
    handler = _Collect()
    weasy = logging.getLogger("weasyprint")
    weasy.addHandler(handler)
    try:
        data = pdfmod.render_pdf(template, context, **kwargs)
    finally:
        weasy.removeHandler(handler)
    return Rendered(data, handler.messages)


def grid_text(chars: int) -> str:
    """Han characters only: no punctuation, so no line-breaking rule moves a character to the next line."""
    source = "海门区人民政府工作规则坚持依法行政提高效能"
    return (source * (chars // len(source) + 1))[:chars]


# --------------------------------------------------------------------------------------------------------------
# Fixtures: each sample PDF is rendered once per module


@pytest.fixture(scope="module")
def cjk_fonts() -> None:
    missing = pdfmod.missing_fonts()
    if missing:
        pytest.fail(str(pdfmod.PDFFontsMissingError(missing)), pytrace=False)


@pytest.fixture(scope="module")
def official(cjk_fonts: None) -> Rendered:
    return render("pdf/official.html", {**OFFICIAL, "copy_number": "000123", "urgency": "特急"})


@pytest.fixture(scope="module")
def long_official(cjk_fonts: None) -> Rendered:
    paragraphs = [f"第{i + 1}段。{PARAGRAPHS[i % len(PARAGRAPHS)]}" for i in range(30)]
    return render("pdf/official.html", {**OFFICIAL, "paragraphs": paragraphs})


@pytest.fixture(scope="module")
def grid(cjk_fonts: None) -> Rendered:
    # No header, title or recipients: page 2 onwards is the bare text block.
    return render("pdf/official.html", {"omit_red_header": True, "paragraphs": [grid_text(28 * 60)]})


@pytest.fixture(scope="module")
def form(cjk_fonts: None) -> Rendered:
    return render("pdf/form.html", FORM)


# --------------------------------------------------------------------------------------------------------------
# Fonts


def test_noto_cjk_fonts_are_installed() -> None:
    assert pdfmod.missing_fonts() == [], "install fonts-noto-cjk: the PDFs would show boxes for Chinese text"


def test_missing_fonts_names_the_absent_families(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfmod, "installed_font_families", lambda: {"DejaVu Sans", "Noto Sans CJK SC"})
    assert pdfmod.missing_fonts() == ["Noto Serif CJK SC"]
    monkeypatch.setattr(pdfmod, "installed_font_families", lambda: set())
    assert pdfmod.missing_fonts() == ["Noto Serif CJK SC", "Noto Sans CJK SC"]
    assert "FandolFang" in pdfmod.missing_fonts(include_optional=True) or pdfmod._optional_font_files()


def test_missing_fonts_without_fc_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: None)
    assert pdfmod.installed_font_families() == set()
    assert pdfmod.missing_fonts() == list(pdfmod.REQUIRED_FONTS)


def test_installed_font_families_reads_every_name_of_fc_list(monkeypatch: pytest.MonkeyPatch) -> None:
    class Done:
        stdout = "Noto Serif CJK SC,Noto Serif CJK SC Bold\nDejaVu Sans\nFZXiaoBiaoSong\\-B05S\n"

    monkeypatch.setattr(pdfmod.subprocess, "run", lambda *args, **kwargs: Done())
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: "/usr/bin/fc-list")
    assert {"Noto Serif CJK SC", "Noto Serif CJK SC Bold", "DejaVu Sans", "FZXiaoBiaoSong-B05S"} <= (
        pdfmod.installed_font_families()
    )


def test_render_pdf_refuses_without_cjk_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfmod, "installed_font_families", lambda: {"DejaVu Sans"})
    pdfmod._fonts_checked.cache_clear()
    try:
        with pytest.raises(pdfmod.PDFFontsMissingError, match="fonts-noto-cjk") as excinfo:
            pdfmod.render_pdf("pdf/official.html", OFFICIAL)
        assert excinfo.value.missing == ["Noto Serif CJK SC", "Noto Sans CJK SC"]
    finally:
        pdfmod._fonts_checked.cache_clear()


def test_css_font_stacks_put_the_gbt9704_faces_first() -> None:
    css = (Path(settings.BASE_DIR) / "static/css/pdf/common.css").read_text(encoding="utf-8")
    assert '--font-fangsong: "FandolFang", "Noto Serif CJK SC", serif;' in css
    assert '--font-xiaobiaosong: "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", serif;' in css
    assert '--font-heiti: "Noto Sans CJK SC", sans-serif;' in css


# --------------------------------------------------------------------------------------------------------------
# Official document (GB/T 9704-2012)


def test_official_text(official: Rendered) -> None:
    text = official.text()
    for expected in (
        "南通市海门区人民政府文件",
        "海政发〔2026〕14号",
        "南通市海门区人民政府",
        "关于印发《海门区人民政府工作规则》的通知",
        "各镇人民政府，区各委办局，区各直属单位：",
        "为深入贯彻落实党的二十大精神",
        "附件：海门区人民政府工作规则",
        "2026年11月25日",
        "（此件公开发布）",
        "抄送：区委各部门",
        "2026年11月25日印发",
        "— 1 —",
        "000123",
        "特急",
    ):
        assert expected in text, expected
    assert "〔2026〕" in official.text(0)


def test_official_pages_are_a4(official: Rendered) -> None:
    assert len(official.pages) >= 1
    for page in official.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)


def test_official_fonts_are_noto_cjk_and_every_glyph_renders(official: Rendered) -> None:
    fonts = official.fonts()
    assert fonts and all(is_noto_cjk(font) for font in fonts), fonts
    assert not any("DejaVu" in font for font in fonts)
    assert any("Serif" in font and font.endswith("Bold") for font in fonts), "小标宋 stand-in is Noto Serif Bold"
    assert official.warnings == []  # no .notdef glyph, refused resource or CSS error


def test_official_red_header(official: Rendered) -> None:
    mark = official.run(0, "南通市海门区人民政府文件")
    assert mark.color == RED
    # §7.2.3: the mark's top edge is 35 mm under the text block's (37 mm from the page top); baseline just under.
    assert 72 < mark.top_mm < 72 + 20
    # Centred on the text block (28 mm + 156 mm / 2 from the left edge); CJK glyphs are one em wide.
    width = len("南通市海门区人民政府文件") * mark.size
    assert mark.x + width / 2 == pytest.approx((28 + 78) * MM, abs=2)
    assert mark.x >= 28 * MM and mark.x + width <= (28 + 156) * MM
    number = official.run(0, "海政发〔2026〕14号")
    assert number.color == (0.0, 0.0, 0.0) and number.size == pytest.approx(16, abs=0.1)
    assert number.top_mm - mark.top_mm > 2 * 10  # 发文字号 two empty lines under the mark
    title = official.run(0, "关于印发")
    assert title.size == pytest.approx(22, abs=0.1) and title.font.endswith("Bold")


def test_official_body_sits_in_the_text_block(official: Rendered) -> None:
    body = official.run(0, "机关工作，提高行政效能")
    assert body.size == pytest.approx(16, abs=0.05)  # 3号
    assert body.color == (0.0, 0.0, 0.0)
    assert body.x == pytest.approx(28 * MM, abs=0.5)  # 左边距 28 mm, lines 顶格
    first = official.run(0, "为深入贯彻落实")
    assert first.x == pytest.approx(28 * MM + 2 * (16 - 0.22), abs=0.5)  # 左空二字
    for page in official.pages:
        for run in text_runs(page):
            if "—" in run.text:
                continue
            assert 28 * MM - 0.5 <= run.x < (28 + 156) * MM, run
            assert 35 * MM < run.y < A4[1] - 37 * MM, run  # inside the 37 mm / 35 mm margins


def test_official_grid_is_22_lines_of_28_characters(grid: Rendered) -> None:
    assert len(grid.pages) >= 3
    page = grid.runs(1)  # a full page of body text
    body = lines(page, bottom=35 * MM, top=A4[1] - 37 * MM)
    assert len(body) == 22, [text for _, text, _ in body]
    assert [len(text) for _, text, _ in body] == [28] * 22
    assert all(x == pytest.approx(28 * MM, abs=0.3) for _, _, x in body)
    baselines = [y for y, _, _ in body]
    pitches = [a - b for a, b in itertools.pairwise(baselines)]
    assert all(p == pytest.approx(10.22 * MM, abs=0.1) for p in pitches)  # 225 mm / 22, less 0.007 mm of slack
    assert baselines[0] - baselines[-1] == pytest.approx(21 * 10.22 * MM, abs=0.2)
    # The first line box starts at the 37 mm top margin: its baseline lies below the glyphs' ascent (about 0.9 em
    # = 5 mm, font-dependent) and inside the 10.22 mm line box; the same holds for the last line.
    first_offset = (A4[1] - baselines[0]) / MM - 37
    assert 4.5 < first_offset < 10.22
    assert (A4[1] - baselines[-1]) / MM - (37 + 21 * 10.22) == pytest.approx(first_offset, abs=0.1)
    # 28 characters fill the 156 mm line: the next character would not fit.
    pitch = 16 - 0.22
    assert 27 * pitch + 16 <= 156 * MM < 29 * pitch
    first_page = lines(grid.runs(0), bottom=35 * MM, top=A4[1] - 37 * MM)
    assert len(first_page) == 22 and len(first_page[0][1]) == 26  # first line indented two characters


def test_long_document_paginates_with_gbt9704_page_numbers(long_official: Rendered) -> None:
    pages = long_official.pages
    assert 3 <= len(pages) < 10  # one-digit page numbers below
    text = long_official.text()
    assert "— 2 —" in text and "第30段" in text
    for index in range(len(pages)):
        number = long_official.run(index, f"— {index + 1} —")
        assert number.size == pytest.approx(14, abs=0.1)  # 4号
        # Under the text block (which ends 262 mm from the top): the dashes about 7 mm below it.
        assert 262 + 7 < number.top_mm < 262 + 7 + 14 * 0.35 / MM + 1
        width = 2.75 * number.size  # "— 1 —": two full-width dashes, a half-width digit, two thin spaces
        if index % 2 == 0:  # odd pages: right, one character in from the block's edge
            assert number.x > (28 + 78) * MM
            assert number.x + width == pytest.approx((28 + 156) * MM - 14, abs=2)
        else:  # even pages: left, one character in
            assert number.x == pytest.approx(28 * MM + 14, abs=1)
    assert long_official.warnings == []


def test_footer_notes_sit_at_the_foot_of_the_last_page_only(long_official: Rendered) -> None:
    last = len(long_official.pages) - 1
    printed = long_official.run(last, "印发")
    assert printed.size == pytest.approx(14, abs=0.1)  # 4号仿宋
    assert 35 * MM < printed.y < (35 + 15) * MM  # last line of the text block
    for page in range(last):
        assert "抄送" not in long_official.text(page)


def test_page_numbers_centered_flag(cjk_fonts: None) -> None:
    rendered = render("pdf/official.html", {"page_numbers_centered": True, "paragraphs": [grid_text(28 * 30)]})
    for index in range(2):
        number = rendered.run(index, f"— {index + 1} —")
        assert number.x + 2.75 * number.size / 2 == pytest.approx((28 + 78) * MM, abs=2)


def test_omit_red_header(cjk_fonts: None) -> None:
    rendered = render("pdf/official.html", {**OFFICIAL, "omit_red_header": True})
    text = rendered.text()
    assert "南通市海门区人民政府文件" not in text and "海政发〔2026〕14号" not in text
    title = rendered.run(0, "关于印发")
    assert title.top_mm < 37 + 30  # the title starts the page


def test_issuer_font_size_fits_long_marks(cjk_fonts: None) -> None:
    issuer = "南通市海门区人民政府办公室文件"
    size = pdfmod.fit_mark_font_size(issuer)
    assert len(issuer) * size <= 156 * MM
    rendered = render("pdf/official.html", {"issuer": issuer, "doc_number": "海政办发〔2026〕3号"})
    mark = rendered.run(0, issuer)
    assert mark.size == pytest.approx(size, abs=0.1)
    assert mark.x >= 28 * MM and mark.x + len(issuer) * mark.size <= (28 + 156) * MM


def test_minutes(cjk_fonts: None) -> None:
    rendered = render(
        "pdf/minutes.html",
        {
            "meeting_number": "第15次",
            "date": dt.date(2026, 11, 25),
            "paragraphs": PARAGRAPHS[:2],
            "attendees": "张明、李华、王强",
            "absentees": "孙丽（公务）",
            "observers": "区发改委、区财政局主要负责同志",
            "cc": "区委办公室。",
            "printer": "南通市海门区人民政府办公室",
            "print_date": dt.date(2026, 11, 26),
        },
    )
    text = rendered.text()
    for expected in ("海门区人民政府常务会议纪要", "第15次", "2026年11月25日", "出席：张明", "请假：", "列席："):
        assert expected in text, expected
    assert "南通市海门区人民政府文件" not in text
    mark = rendered.run(0, "海门区人民政府常务会议纪要")
    assert mark.color == RED and mark.x >= 28 * MM
    assert all(is_noto_cjk(font) for font in rendered.fonts())
    labels = [run.text for page in rendered.pages for run in text_runs(page) if "Sans" in run.font]
    assert labels == ["出席：", "请假：", "列席："]  # 3号黑体 labels, names in 仿宋
    assert rendered.warnings == []


# --------------------------------------------------------------------------------------------------------------
# Form


def test_form_text(form: Rendered) -> None:
    text = form.text()
    for expected in (
        "用印申请单",
        "编号：YY-2026-0147",
        "打印时间：2026-11-25 15:30",
        "申请单位",
        "区政府办公室秘书科",
        "用印事由",
        "报送市政府备案，并印发各镇人民政府、区各委办局。",
        "步骤",
        "意见",
        "签名",
        "日期",
        "科室审核",
        "秘书科科长",
        "材料齐全，请领导审批",
        "退回",
        "请补充备案函",
        "钱伟",
        "（受区长委托）",
        "2026-11-24 09:12",
        "2026-11-25 08:45",  # aware UTC datetime shown in Asia/Shanghai
        "第 1 页 / 共 1 页",
        "海门区人民政府工作平台",
    ):
        assert expected in text, expected


def test_form_layout(form: Rendered) -> None:
    assert len(form.pages) == 1
    page = form.pages[0]
    assert float(page.mediabox.width) == pytest.approx(A4[0], abs=1)
    assert float(page.mediabox.height) == pytest.approx(A4[1], abs=1)
    title = form.run(0, "用印申请单")
    assert title.size == pytest.approx(18, abs=0.1) and "Serif" in title.font and title.font.endswith("Bold")
    assert title.top_mm == pytest.approx(20 + 7, abs=4)  # first line under the 20 mm top margin
    for run in form.runs(0):
        assert 20 * MM - 0.5 <= run.x <= A4[0] - 20 * MM, run
    assert form.run(0, "退回").color != (0.0, 0.0, 0.0)  # returned / refused decisions stand out
    assert all(is_noto_cjk(font) for font in form.fonts()), form.fonts()
    assert form.warnings == []


def test_form_many_opinions_paginate(cjk_fonts: None) -> None:
    opinions = [dict(FORM["opinions"][i % 3], step=f"第{i + 1}步审核") for i in range(40)]
    rendered = render("pdf/form.html", {**FORM, "opinions": opinions, "hide_portal_footer": True})
    count = len(rendered.pages)
    assert count >= 2
    assert f"第 2 页 / 共 {count} 页" in rendered.text(1)
    assert "第40步审核" in rendered.text()
    assert "步骤" in rendered.text(1)  # the table header repeats
    assert "海门区人民政府工作平台" not in rendered.text()


def test_form_without_opinions_and_fields(cjk_fonts: None) -> None:
    rendered = render("pdf/form.html", {"title": "处理笺", "opinions": []})
    assert "处理笺" in rendered.text() and "（暂无意见）" in rendered.text()


def test_field_rows() -> None:
    rows = pdfmod.field_rows([("甲", "1"), ("乙", "2"), ("丙", "很长的事由" * 5), ("丁", "4"), ("戊", "5", True)])
    assert [[cell["label"] for cell in row] for row in rows] == [["甲", "乙"], ["丙"], ["丁"], ["戊"]]
    assert [[cell["colspan"] for cell in row] for row in rows] == [[1, 1], [3], [3], [3]]
    two = pdfmod.field_rows([("甲", "1"), ("乙", "2")], columns=2)
    assert [[cell["colspan"] for cell in row] for row in two] == [[1], [1]]
    with pytest.raises(ValueError):
        pdfmod.field_rows([], columns=3)


# --------------------------------------------------------------------------------------------------------------
# The checks above can fail


def test_missing_glyph_is_reported(cjk_fonts: None) -> None:
    # U+0378 is unassigned: no font has it, WeasyPrint draws .notdef (tofu) and says so.
    rendered = render("pdf/form.html", {"title": "缺字\u0378测试"})
    assert any(".notdef" in message for message in rendered.warnings), rendered.warnings


def test_font_fallback_is_detected(cjk_fonts: None) -> None:
    # U+2714 is not in Noto CJK: fontconfig falls back to another font (or to .notdef when none has it).
    rendered = render("pdf/form.html", {"title": "核验 \u2714"})
    fallback = [font for font in rendered.fonts() if not is_noto_cjk(font)]
    assert fallback or any(".notdef" in message for message in rendered.warnings)


# --------------------------------------------------------------------------------------------------------------
# Resources: local files only, never the network


@pytest.fixture
def fetcher() -> Any:
    return pdfmod.local_url_fetcher(pdfmod.default_base_url())


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://cdn.example.com/static/css/pdf/common.css",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        "file://remote-host/work/x.css",
        "static/css/pdf/common.css",
    ],
)
def test_fetcher_refuses_non_local_urls(fetcher: Any, url: str) -> None:
    with pytest.raises(pdfmod.BlockedResourceError):
        fetcher.fetch(url)


def test_fetcher_refuses_hidden_and_outside_project_files(fetcher: Any, tmp_path: Path) -> None:
    base = Path(settings.BASE_DIR).resolve()
    hidden = next((p for p in (base / ".venv/pyvenv.cfg", base / ".git/HEAD") if p.is_file()), None)
    if hidden is not None:
        with pytest.raises(pdfmod.BlockedResourceError):
            fetcher.fetch(hidden.as_uri())
    outside = tmp_path / "x.css"
    outside.write_text("body { color: red }")
    with pytest.raises(pdfmod.BlockedResourceError):
        fetcher.fetch(outside.as_uri())
    with pytest.raises(pdfmod.BlockedResourceError):
        fetcher.fetch((base / "static" / ".." / ".." / "etc" / "passwd").as_uri())
    for url in ("file:///static/../haimen_gov/settings.py", "file:///static/%2e%2e/%2e%2e/etc/passwd"):
        with pytest.raises(pdfmod.BlockedResourceError):
            fetcher.fetch(url)  # the static URL space cannot be left with ..


def test_fetcher_serves_static_and_project_files(fetcher: Any) -> None:
    static = fetcher.fetch(pdfmod.default_base_url() + "static/css/pdf/common.css")
    assert b"FandolFang" in static.read() and static.content_type == "text/css"
    # {% static %} gives "/static/...", which the base URL turns into file:///static/...
    rooted = fetcher.fetch("file:///static/css/pdf/official.css")
    assert b"@page" in rooted.read()
    own = fetcher.fetch((Path(settings.BASE_DIR) / "templates/pdf/official.html").as_uri())
    assert b"GB/T 9704" in own.read()
    data = fetcher.fetch("data:text/plain;base64,5rW36Zeo")
    assert data.read().decode() == "海门"


def test_request_base_url_maps_static_urls() -> None:
    request = RequestFactory().get("/documents/1/pdf/")
    fetcher = pdfmod.local_url_fetcher(pdfmod.default_base_url(request))
    assert b"@page" in fetcher.fetch("http://testserver/static/css/pdf/form.css").read()
    with pytest.raises(pdfmod.BlockedResourceError):
        fetcher.fetch("http://testserver/documents/1/")


def test_rendering_never_opens_a_socket(cjk_fonts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access while rendering a PDF")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    html = (
        '<html><head><link rel="stylesheet" href="https://cdn.example.com/x.css"></head>'
        '<body><p style="font-family: Noto Serif CJK SC">外链</p><img src="http://example.com/x.png"></body></html>'
    )
    handler = _Collect()
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        data = pdfmod.html_to_pdf(html)
    finally:
        logging.getLogger("weasyprint").removeHandler(handler)
    assert "外链" in Rendered(data).text()
    refused = [message for message in handler.messages if "refused" in message]
    assert len(refused) == 2, handler.messages


# --------------------------------------------------------------------------------------------------------------
# HTTP response


def test_content_disposition() -> None:
    value = pdfmod.content_disposition("海政发〔2026〕14号.pdf")
    assert value == (
        "inline; filename=\"2026_14.pdf\"; filename*=UTF-8''"
        "%E6%B5%B7%E6%94%BF%E5%8F%91%E3%80%942026%E3%80%9514%E5%8F%B7.pdf"
    )
    assert pdfmod.content_disposition("用印申请单", inline=False) == (
        "attachment; filename=\"document.pdf\"; filename*=UTF-8''%E7%94%A8%E5%8D%B0%E7%94%B3%E8%AF%B7%E5%8D%95.pdf"
    )
    hostile = pdfmod.content_disposition('a"b\r\n/../c.pdf')
    assert hostile == "inline; filename=\"a_b_.._c.pdf\"; filename*=UTF-8''a_b_.._c.pdf"


def test_pdf_response(cjk_fonts: None) -> None:
    request = RequestFactory().get("/seals/1/pdf/")
    response = pdfmod.pdf_response("pdf/form.html", FORM, filename="用印申请单 YY-2026-0147.pdf", request=request)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="YY-2026-0147.pdf"; ')
    assert "filename*=UTF-8''%E7%94%A8%E5%8D%B0%E7%94%B3%E8%AF%B7%E5%8D%95%20YY-2026-0147.pdf" in disposition
    assert response.content.startswith(b"%PDF-")
    assert int(response["Content-Length"]) == len(response.content)
    assert "用印申请单" in Rendered(response.content).text()
    download = pdfmod.pdf_response("pdf/form.html", FORM, filename="x.pdf", inline=False)
    assert download["Content-Disposition"].startswith('attachment; filename="x.pdf"')
