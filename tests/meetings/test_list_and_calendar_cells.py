"""What the 会议台账 rows and the calendar's cells show, worked out in Python and written by Jinja2 (issue 16), checked
against the meetings themselves as the Django templates read them before: every column, the link, the state, the
empty list; each meeting on its day, its chip, its line on a phone; and queries that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat

from haimen_gov.org.models import User
from meetings import actions
from meetings.models import Meeting, MeetingKind, MeetingMode
from meetings.views import _list_row

from .helpers import meeting

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 14, 10, 0)


# ---------------------------------------------------------------------------------------------- reading the HTML


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, **attrs: str) -> Node:
        found = self.all(**attrs)
        assert found, f"nothing with {attrs}"
        return found[0]

    def all(self, tag: str = "", **attrs: str) -> list[Node]:
        """The descendants with this tag (any, if empty) whose attributes have these values (``class_`` for class)."""
        wanted = {k.rstrip("_"): v for k, v in attrs.items()}
        result = []
        for child in self.children:
            if (not tag or child.tag == tag) and all(child.attrs.get(k) == v for k, v in wanted.items()):
                result.append(child)
            result += child.all(tag, **attrs)
        return result

    @property
    def words(self) -> str:
        """The text inside, whitespace collapsed."""
        return " ".join((self.text + "".join(" " + c.words + " " for c in self.children)).split())


class _Tree(HTMLParser):
    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = Node("root", {})
        self.stack = [self.root]
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1 and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def parse(html: str) -> Node:
    return _Tree(html).root


# ---------------------------------------------------------------------------------------------- 会议台账


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _held(org: Any, day: dt.date, kind: str = MeetingKind.EXECUTIVE, **extra: Any) -> Meeting:
    return meeting(org, day, kind, held=True, **extra)


def _expected_row(m: Meeting) -> list[str]:
    """A row as meetings/_list_table.html showed it from the model (its {{ }} and filters), cell by cell."""
    return [
        f"{m.date:%Y-%m-%d} {m.start_time:%H:%M}",
        m.title,
        m.get_kind_display(),
        f"{m.length_minutes}分钟",
        m.get_mode_display(),
        str(m.attendees.count()),
        f"{m.chair_label} {m.chair.display_name}",
        m.get_state_display(),
    ]


def _rows(html: str) -> list[Node]:
    return parse(html).find(id="meeting-list").all("tbody")[0].all("tr")


def test_each_row_shows_every_column_its_link_and_state(org, client_for, frozen):  # type: ignore[no-untyped-def]
    executive = _held(org, dt.date(2026, 9, 7), title="区政府第九次常务会议 <b>&“要点”'")
    topical = _held(
        org,
        dt.date(2026, 9, 21),
        MeetingKind.TOPICAL,
        convener=org.posts.vice2,
        units=[org.units.dept2],
        mode=MeetingMode.HYBRID,
        start_time=dt.time(14, 30),
        end_time=dt.time(15, 15),
    )
    ahead = meeting(org, dt.date(2026, 10, 26), MeetingKind.HEAD_OFFICE, mode=MeetingMode.VIDEO)
    # A chair without a full name is shown by their username, as User.display_name does.
    User.objects.filter(pk=topical.chair_id).update(full_name="")
    client = client_for(org.director)
    html = client.get("/meetings/list/?state=").content.decode()
    assert "&lt;b&gt;&amp;“要点”" in html and "<b>&" not in html  # escaped, as Django's templates did
    rows = _rows(html)
    newest_first = [ahead, topical, executive]
    assert [[td.words for td in row.all("td")] for row in rows] == [
        _expected_row(Meeting.objects.get(pk=m.pk)) for m in newest_first
    ]
    for row, m in zip(rows, newest_first, strict=True):
        [link] = row.all("a")
        assert link.attrs["href"] == f"/meetings/{m.pk}/" == m.get_absolute_url()
        [badge] = row.all("span")
        assert badge.attrs["class"] == "badge text-bg-light"
        labels = [td.attrs.get("data-label") for td in row.all("td")]
        assert labels == ["日期", None, "类别", "时长", "形式", "参会人数", "主持", "状态"]
    assert rows[1].all("td")[6].words == f"{topical.chair_label} {topical.chair.username}"
    assert rows[1].all("td")[3].words == "45分钟" and rows[0].all("td")[7].words == "筹备中"
    # The default filter (held, with archived) and the table alone for htmx read the same rows.
    assert [r.all("a")[0].attrs["href"] for r in _rows(client.get("/meetings/list/").content.decode())] == [
        topical.get_absolute_url(),
        executive.get_absolute_url(),
    ]
    alone = client.get("/meetings/list/?state=", headers={"HX-Request": "true"}).content.decode()
    assert [[td.words for td in r.all("td")] for r in _rows(alone)] == [[td.words for td in r.all("td")] for r in rows]


def test_no_rows_gives_the_friendly_line(org, client_for, frozen):  # type: ignore[no-untyped-def]
    _held(org, dt.date(2026, 9, 7))
    [row] = _rows(client_for(org.director).get("/meetings/list/?q=没有这样的会议").content.decode())
    [cell] = row.all("td")
    assert cell.words == "没有符合条件的会议" and cell.attrs["colspan"] == "8"


def test_a_row_is_worked_out_from_plain_values() -> None:
    row = _list_row(
        {
            "pk": 7,
            "date": dt.date(2026, 3, 2),
            "start_time": dt.time(8, 45),
            "end_time": dt.time(10, 0),
            "title": "会议",
            "kind": "plenary",
            "mode": "video",
            "seat_count": 0,
            "chair_label": "受区长委托",
            "chair__full_name": "",
            "chair__username": "exec_vice",
            "state": "archived",
        }
    )
    assert row == {
        "when": "2026-03-02 08:45",
        "url": "/meetings/7/",
        "title": "会议",
        "kind": "区政府全体会议",
        "minutes": 75,
        "mode": "视频会议",
        "seats": 0,
        "chair": "受区长委托 exec_vice",
        "state": "已归档",
    }


def test_the_lists_queries_do_not_grow_with_its_rows_or_chairs(  # type: ignore[no-untyped-def]
    org, client_for, frozen, django_assert_max_num_queries
):
    _held(org, dt.date(2026, 1, 5))
    client = client_for(org.director)
    client.get("/meetings/list/?state=")
    with CaptureQueriesContext(connection) as few:
        client.get("/meetings/list/?state=")
    # Two pages of meetings of every kind, chaired by the head, the executive vice head and the vice heads.
    for n in range(30):
        day = dt.date(2026, 1, 6) + dt.timedelta(days=n)
        if n % 3 == 0:
            _held(org, day, MeetingKind.TOPICAL, convener=org.posts.vice1, units=[org.units.dept1], title=f"专题{n}")
        else:
            _held(org, day, MeetingKind.EXECUTIVE if n % 3 == 1 else MeetingKind.HEAD_OFFICE, title=f"补录{n}")
    for url in ("/meetings/list/?state=", "/meetings/list/?state=&page=2"):
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(_rows(client.get(url).content.decode())) in (20, 11)


# ---------------------------------------------------------------------------------------------- 会议日历


def _calendar(client: Any, url: str) -> tuple[list[Node], list[Node]]:
    tree = parse(client.get(url).content.decode())
    return tree.find(id="calendar-grid").all("tbody")[0].all("td"), tree.find(id="calendar-list").all("li")


@time_machine.travel(NOW, tick=False)
def test_the_calendar_shows_each_meeting_on_its_day(org, client_for):  # type: ignore[no-untyped-def]
    ours = [
        meeting(org, dt.date(2026, 10, 19), title="常务会议<一>"),
        meeting(
            org, dt.date(2026, 10, 19), MeetingKind.HEAD_OFFICE, start_time=dt.time(15, 0), end_time=dt.time(16, 0)
        ),
        meeting(org, dt.date(2026, 10, 30), MeetingKind.PLENARY, mode=MeetingMode.HYBRID, place="行政中心大礼堂"),
        # The grid's first and last weeks show the days of the months around it, and their meetings.
        meeting(org, dt.date(2026, 11, 1), MeetingKind.HEAD_OFFICE),
    ]
    cancelled = actions.meeting_cancel(ours[1].pk, actor=org.office_clerk, reason="改期")
    meeting(org, dt.date(2026, 11, 2), title="下个月的会议")  # past the grid's last day (Sunday 1 November)
    cells, items = _calendar(client_for(org.director), "/meetings/?date=2026-10-05")
    # October 2026 starts on a Thursday: the grid runs from Monday 28 September to Sunday 1 November.
    days = [dt.date(2026, 9, 28) + dt.timedelta(days=n) for n in range(35)]
    assert [c.all("div")[0].words for c in cells] == [str(d.day) for d in days]
    shown = Meeting.objects.filter(pk__in=[m.pk for m in ours]).order_by("date", "start_time", "id")
    for cell, d in zip(cells, days, strict=True):
        tone = "table-warning" if d == NOW.date() else "text-muted bg-light" if d.month != 10 else ""
        assert cell.attrs["class"] == tone
        chips = [(a.attrs["class"], a.attrs["href"], a.words) for a in cell.all("a")]
        assert chips == [
            (
                f"meeting-chip kind-{m.kind}" + (" cancelled" if m.pk == cancelled.pk else ""),
                m.get_absolute_url(),
                f"{m.start_time:%H:%M} {m.title}",
            )
            for m in shown
            if m.date == d
        ]
    # A phone's list: the same meetings, each with its day ({{ date|date:"n月j日 l" }}), times, place and form.
    assert [(li.all("a")[0].attrs["href"], li.words) for li in items] == [
        (
            m.get_absolute_url(),
            f"{m.title}{' 已取消' if m.pk == cancelled.pk else ''} "
            f"{dateformat.format(m.date, 'n月j日 l')} {m.start_time:%H:%M}–{m.end_time:%H:%M} · {m.place} · "
            f"{m.get_mode_display()}",
        )
        for m in shown
    ]
    assert "常务会议&lt;一&gt;" in client_for(org.director).get("/meetings/?date=2026-10-05").content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_week_and_an_empty_period(org, client_for):  # type: ignore[no-untyped-def]
    m = meeting(org, dt.date(2026, 10, 21), MeetingKind.TOPICAL, convener=org.posts.vice2, units=[org.units.dept2])
    cells, items = _calendar(client_for(org.dept2_head), "/meetings/?view=week&date=2026-10-22")
    assert [c.all("div")[0].words for c in cells] == ["19", "20", "21", "22", "23", "24", "25"]
    assert [c.attrs["class"] for c in cells] == [""] * 7  # a week mutes no day
    assert [a.attrs["href"] for a in cells[2].all("a")] == [m.get_absolute_url()]
    assert [li.all("a")[0].attrs["href"] for li in items] == [m.get_absolute_url()]
    # Someone who does not sit at it sees an empty week.
    cells, items = _calendar(client_for(org.dept1_head), "/meetings/?view=week&date=2026-10-22")
    assert not any(c.all("a") for c in cells)
    assert [li.words for li in items] == ["本期间没有会议"]


@time_machine.travel(NOW, tick=False)
def test_the_calendars_queries_do_not_grow_with_its_meetings(  # type: ignore[no-untyped-def]
    org, client_for, django_assert_max_num_queries
):
    meeting(org, dt.date(2026, 10, 19))
    for user in (org.director, org.vice1):
        client = client_for(user)
        client.get("/meetings/")
        with CaptureQueriesContext(connection) as few:
            client.get("/meetings/")
        for n in range(12):
            meeting(org, dt.date(2026, 10, 20) + dt.timedelta(days=n % 10), MeetingKind.HEAD_OFFICE, title=f"会{n}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get("/meetings/").status_code == 200
