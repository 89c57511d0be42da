"""What the 会议台账 rows show, worked out in Python and written by Jinja2 (issue 16), checked against the meetings
themselves as the Django template read them before: every column, the link, the state, the empty list; and queries
that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haimen_gov.org.models import User
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
