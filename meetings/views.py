"""Meeting pages: the calendar (month/week) and its .ics feed, the meeting page, the office's agenda board, and the
forms that start a topic, a leave request, a press release or a department's meeting."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.views.decorators.http import require_POST

from haimen_gov.org.models import User
from haimen_gov.rows import render_rows
from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.flows import choice_labels
from haimen_gov.workflow.lists import Column, ListPage, cell_text, display_name_in, pk_urls
from haimen_gov.workflow.templatetags.workflow_tags import item_url
from haimen_gov.workflow.views import client_ip, errors_to_form, viewer_posts

from . import actions, composition, selectors
from .forms import (
    DeptMeetingForm,
    DistrictMeetingForm,
    LeaveForm,
    MeetingForm,
    MeetingListFilter,
    PressForm,
    ReasonForm,
    RescheduleForm,
    TopicForm,
)
from .models import Meeting, MeetingKind, MeetingMode, MeetingState, Topic, minutes_between

T = TypeVar("T")

ICS_SALT = "meetings.ics"
WEEKDAYS = "一二三四五六日"

# A choice's label as the pages show it (get_FOO_display), and a weekday's name ({{ day|date:"l" }}), read from a dict
# per row rather than through the model and a lazy translation each time (issue 16); Chinese is the only language,
# so the texts are fixed for the process.
KIND_LABELS = choice_labels(MeetingKind.choices)
MODE_LABELS = choice_labels(MeetingMode.choices)
STATE_LABELS = choice_labels(MeetingState.choices)
WEEKDAY_LABELS = tuple(str(WEEKDAY_NAMES[n]) for n in range(7))

meeting_url = pk_urls("meetings:meeting")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _flash_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()


def _password_mark(user: User) -> str:
    # Changing one's password changes the mark, which retires every feed address given out before.
    return salted_hmac(ICS_SALT, user.password).hexdigest()[:16]


def feed_token(user: User) -> str:
    return signing.dumps([user.pk, _password_mark(user)], salt=ICS_SALT)


def calendar(request: HttpRequest) -> HttpResponse:
    """会议日历: a month grid, or a week (``?view=week``); everyone sees the meetings they attend, the office all."""
    user, posts = _user(request), viewer_posts(request)
    office = selectors.sees_all_meetings(user, posts)
    day = _day(request.GET.get("date"))
    view = "week" if request.GET.get("view") == "week" else "month"
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
        prev_day, next_day = start - dt.timedelta(days=7), start + dt.timedelta(days=7)
    else:
        first = day.replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
        end = last + dt.timedelta(days=6 - last.weekday())
        prev_day = (first - dt.timedelta(days=1)).replace(day=1)
        next_day = last + dt.timedelta(days=1)
    today = timezone.localdate()
    # Each meeting's link and texts, and each day's cell, worked out here once and written by Jinja2, rather than
    # with {% url %}, date filters and choice labels per chip, per list entry and per day (issue 16).
    meetings = [_calendar_entry(m) for m in selectors.calendar_meetings(user, start, end, posts, sees_all=office)]
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for entry in meetings:
        by_day.setdefault(entry["date"], []).append(entry)
    weeks: list[list[dict[str, Any]]] = []
    for n in range((end - start).days + 1):
        d = start + dt.timedelta(days=n)
        if n % 7 == 0:
            weeks.append([])
        if d == today:
            tone = "table-warning"
        elif view == "month" and d.month != day.month:
            tone = "text-muted bg-light"  # the days of the months around it
        else:
            tone = ""
        weeks[-1].append({"day": d.day, "tone": tone, "meetings": by_day.get(d, ())})
    feed = request.build_absolute_uri(reverse("meetings:feed", args=[feed_token(user)]))
    return render(
        request,
        "meetings/calendar.html",
        {
            "view": view,
            "day": day,
            "month": day.replace(day=1),
            "start": start,
            "weeks_html": render_rows("meetings/calendar_weeks.jinja", {"weeks": weeks}),
            "list_html": render_rows("meetings/calendar_list.jinja", {"meetings": meetings}),
            "weekdays": WEEKDAYS,
            "prev": prev_day,
            "next": next_day,
            "today": today,
            "feed": feed,
            "office": office,
        },
    )


def _calendar_entry(m: dict[str, Any]) -> dict[str, Any]:
    """What the calendar shows of a meeting (selectors.CALENDAR_FIELDS): its chip in the grid, its line in the
    phone's list."""
    start, end = f"{m['start_time']:%H:%M}", f"{m['end_time']:%H:%M}"
    day = m["date"]
    return {
        "date": day,
        "url": meeting_url(m["pk"]),
        "title": m["title"],
        "kind": m["kind"],
        "cancelled": m["state"] == MeetingState.CANCELLED,
        "start": start,
        # {{ date|date:"n月j日 l" }} {{ start|time:"H:i" }}–{{ end|time:"H:i" }}
        "when": f"{_month_day(day)} {WEEKDAY_LABELS[day.weekday()]} {start}–{end}",
        "place": m["place"],
        "mode": MODE_LABELS.get(m["mode"], m["mode"]),
    }


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's meetings as an iCalendar feed; the signed token in the URL stands for the login."""
    try:
        pk, mark = signing.loads(token, salt=ICS_SALT)
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise Http404("日历订阅地址无效。") from exc
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or mark != _password_mark(user):
        raise Http404("日历订阅地址无效或已失效。")
    today = timezone.localdate()
    meetings = selectors.meetings_between(user, today - dt.timedelta(days=90), today + dt.timedelta(days=400))
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Haimen//Meetings//ZH", "X-WR-CALNAME:海门区政府会议"]
    utc = dt.UTC
    for m in meetings:
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{m.pk}@haimen-gov",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{m.starts_at.astimezone(utc):%Y%m%dT%H%M%SZ}",
            f"DTEND:{m.ends_at.astimezone(utc):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{_ics_text(m.title)}",
            f"LOCATION:{_ics_text(m.place)}",
            f"DESCRIPTION:{_ics_text(f'{m.get_kind_display()}，{m.chair_label}{m.chair.display_name}主持，{m.get_mode_display()}')}",
            f"STATUS:{'CANCELLED' if m.state == 'cancelled' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = selectors.meetings_for(_user(request), viewer_posts(request)).filter(pk=pk).first()
    if meeting is None:
        raise Http404("未找到该会议，或您无权查看。")
    return meeting


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """会议页: time, place, chair, the agenda with its cut-off, the attendees and their leave."""
    m = _meeting(request, pk)
    user = _user(request)
    seats = selectors.attendees(m)
    topics = selectors.agenda(m)
    last = composition.cutoff(m.kind, m.date)
    late = {t.pk for t, _last in actions.late_topics(m, m.date, topics)}
    # Attending is personal: a delegate sees the meeting but does not answer for the seat.
    mine = [s for s in seats if s.user_id == user.pk or (s.post is not None and s.post.holder_id == user.pk)]
    office = selectors.sees_all_meetings(user, viewer_posts(request)) and bool(actions.office_post_ids(user))
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": m,
            "seats": seats,
            "topics": topics,
            "cutoff": last,
            "late": late,
            "mine": mine,
            "office": office,
            "log": list(m.log.select_related("actor").order_by("at", "id")),
            "leave_form": LeaveForm(),
            "reschedule_form": RescheduleForm(
                initial={"date": m.date, "start_time": m.start_time, "end_time": m.end_time}
            ),
            "today": timezone.localdate(),
        },
    )


MEETING_VERBS = {
    "notify": actions.meeting_notify,
    "hold": actions.meeting_hold,
    "archive": actions.meeting_archive,
}


def _attempt(request: HttpRequest, call: Callable[[], T], success: str) -> T | None:
    """Run an action for a POST: its refusal becomes a message on the page it returns to, never a 500."""
    try:
        result = call()
    except engine.WorkflowError as exc:
        messages.error(request, exc.message)
        return None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None
    messages.success(request, success)
    return result


@require_POST
def meeting_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    m = _meeting(request, pk)
    user = _user(request)
    call: Callable[[], Meeting]
    if verb in MEETING_VERBS:
        call = partial(MEETING_VERBS[verb], m.pk, actor=user)
    elif verb == "cancel":
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        call = partial(actions.meeting_cancel, m.pk, actor=user, reason=reason)
    elif verb == "reschedule":
        reschedule = RescheduleForm(request.POST)
        if not reschedule.is_valid():
            _flash_errors(request, reschedule)
            return redirect(m.get_absolute_url())
        call = partial(actions.meeting_reschedule, m.pk, actor=user, **reschedule.cleaned_data)
    else:
        raise Http404("未知操作。")
    _attempt(request, call, "已办理。")
    return redirect(m.get_absolute_url())


@require_POST
def seat_confirm(request: HttpRequest, pk: int, seat: int) -> HttpResponse:
    m = _meeting(request, pk)
    _attempt(request, partial(actions.attendee_confirm, seat, actor=_user(request)), "已确认参会。")
    return redirect(m.get_absolute_url())


@require_POST
def seat_leave(request: HttpRequest, pk: int, seat: int) -> HttpResponse:
    m = _meeting(request, pk)
    form = LeaveForm(request.POST)
    attendee = m.attendees.filter(pk=seat).select_related("post", "meeting").first()
    if attendee is None:
        raise Http404("未找到该席位。")
    if not form.is_valid():
        _flash_errors(request, form)
        return redirect(m.get_absolute_url())
    leave = _attempt(
        request,
        partial(
            actions.leave_request_create,
            actor=_user(request),
            attendee=attendee,
            ip=client_ip(request),
            **form.cleaned_data,
        ),
        "请假申请已提交区长或会议主持人。",
    )
    return redirect(leave.get_absolute_url() if leave is not None else m.get_absolute_url())


def meeting_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not actions.office_post_ids(user):
        return render(request, "meetings/forbidden.html", {"reason": "会议由区政府办公室筹备和管理。"}, status=403)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            m = actions.meeting_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "会议已创建，参会人员已按组织机构生成。")
            return redirect(m.get_absolute_url())
    return render(request, "meetings/form.html", {"form": form, "title": "筹备会议"})


def board(request: HttpRequest) -> HttpResponse:
    """议题看板: the office's view of the next meetings and their topics, with each cut-off."""
    user = _user(request)
    if not selectors.sees_all_meetings(user, viewer_posts(request)):
        return render(request, "meetings/forbidden.html", {"reason": "议题看板仅供区政府办公室使用。"}, status=403)
    today = timezone.localdate()
    rows = []
    for m in selectors.board(today):
        last = composition.cutoff(m.kind, m.date)
        late = {t.pk for t, _l in actions.late_topics(m, m.date, m.agenda)}  # type: ignore[attr-defined]
        # What each card shows, worked out here once rather than with {% url %} and date filters per card and topic.
        rows.append(
            {
                "url": meeting_url(m.pk),
                "title": m.title,
                "when": f"{_month_day(m.date)} {WEEKDAY_LABELS[m.date.weekday()]} {m.start_time:%H:%M}",
                "state": m.get_state_display(),
                "cutoff": _month_day(last) if last else "",
                "cutoff_passed": last is not None and last < today,
                "topics": [
                    {
                        "url": item_url(t.pk),
                        "title": t.title,
                        "stage": t.stage_label,
                        "late": t.pk in late,
                        "exception_granted": t.exception_granted,
                        "unit": t.unit.short_name or t.unit.name,
                    }
                    for t in m.agenda  # type: ignore[attr-defined]
                ],
            }
        )
    cadences = [
        {
            "label": c.label,
            "rule": c.rule,
            "last_held": cell_text(c.last_held) or "—",
            "next_planned": cell_text(c.next_planned),
            "behind": c.behind,
            "due_by": _month_day(c.due_by) if c.due_by else "",
        }
        for c in selectors.cadences(today)
    ]
    context = {
        "cards_html": render_rows("meetings/board_cards.jinja", {"rows": rows}),
        "today": today,
        "cadences": cadences,
        "frugality": selectors.frugality(today.year),
    }
    return render(request, "meetings/board.html", context)


def _month_day(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"  # {{ day|date:"n月j日" }}


def _item_form(
    request: HttpRequest,
    form: Form,
    title: str,
    create: Any,
    success: str,
    intro: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            item = create(actor=_user(request), ip=client_ip(request), **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        except engine.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect(item.get_absolute_url())
    return render(request, "meetings/form.html", {"form": form, "title": title, "intro": intro, **(extra or {})})


def topic_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    upcoming = [(m, composition.cutoff(m.kind, m.date)) for m in selectors.open_for_topics(today)]
    return _item_form(
        request,
        TopicForm(request.POST or None, request.FILES or None, user=_user(request)),
        "申报议题",
        actions.topic_create,
        "议题已提交，请在“我发起的”中查看进度。",
        "第十四条：议题由单位文书起草、单位负责人确认，经分管副区长专题研究、区政府办公室审核后报区长确定。"
        "第十六条：提交常务会议的议题须在会前5个工作日送达区政府办公室。",
        {"upcoming": upcoming, "today": today},
    )


def press_new(request: HttpRequest) -> HttpResponse:
    return _item_form(
        request,
        PressForm(request.POST or None),
        "会议新闻稿",
        actions.press_release_create,
        "新闻稿已提交区政府办公室审定。",
        "第二十条：新闻稿须经区政府办公室主任或相关副主任审定；如有需要，报区长、副区长审定。",
    )


def dept_meeting_new(request: HttpRequest) -> HttpResponse:
    return _item_form(
        request,
        DeptMeetingForm(request.POST or None),
        "部门本系统全区性会议",
        actions.dept_meeting_create,
        "已提交。",
        "第二十一条：各部门召开本系统全区性会议每年不超过1次；邀请区镇（街道）负责同志或请区政府领导出席须报区政府批准。",
    )


def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The sponsor amends their draft or returned topic — its 申报表 and materials — and submits it again."""
    user = _user(request)
    topic = Topic.objects.select_related("meeting", "unit").filter(pk=pk, submitter=user).first()
    if topic is None:
        raise Http404("未找到该议题，或您不是申报人。")
    if topic.state not in actions.TOPIC_EDITABLE:
        return render(request, "meetings/forbidden.html", {"reason": "议题已在办理中，不能修改。"}, status=409)
    initial = {
        f: getattr(topic, f)
        for f in ("title", "background", "proposed_decision", "units_consulted", "funding", "is_normative")
    }
    initial.update(meeting=topic.meeting_id, document=topic.document_id, unit_opinion=topic.unit_opinion)
    form = TopicForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    return _item_form(
        request,
        form,
        "修改议题申报表",
        partial(actions.topic_update, topic.pk, submit=True),
        "议题已修改并重新提交。",
        "修改后提交，议题重新进入申报流程；已上传的材料可删除，新选择的材料一并上传。",
        {"item": topic},
    )


def district_meeting_new(request: HttpRequest) -> HttpResponse:
    """以区政府名义召开全区性会议的申请 (第二十一条)."""
    return _item_form(
        request,
        DistrictMeetingForm(request.POST or None),
        "申请以区政府名义召开全区性会议",
        actions.district_meeting_create,
        "申请已提交。",
        "第二十一条：以区政府名义召开的全区性会议，须经区政府常务会议或区长办公会议讨论决定，根据需要也可经分管副区长"
        "审核同意、报区长批准。第二十三条：全区性会议应尽可能采用电视电话、网络视频会议形式召开。",
        {
            "warning": "副区长召开的全区性会议，原则上不得要求各区镇（街道）主要负责同志参加；确需参加的，须写明理由，"
            "理由随申请送审。"
        },
    )


# ------------------------------------------------------------------ 会议台账 (the dashboard's figures link here)


def _list_rows(request: HttpRequest) -> Any:
    """The meetings the viewer sees, with their seats counted in the same query (one query per page). From a vice
    head's dashboard (``portfolio=1``) only those its panel counts: concerning their portfolio."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from haimen_gov.dashboard.scope import Query, scope_for

    from .dashboard import scoped
    from .models import Attendee

    user, posts = _user(request), viewer_posts(request)
    seats = Attendee.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk"))
    qs: Any = selectors.meetings_for(user, posts).annotate(
        seat_count=Coalesce(Subquery(seats.values("n"), output_field=IntegerField()), Value(0))
    )
    if request.GET.get("portfolio") == "1":
        scope = scope_for(user, posts)
        if scope is not None and scope.role == "vice":
            qs = scoped(Query(scope=scope), qs)
    return qs


def _list_row(m: dict[str, Any]) -> dict[str, object]:
    """What a row of the meetings list shows (meetings/_list_table.html), from MEETING_LIST.fields."""
    return {
        "when": f"{cell_text(m['date'])} {m['start_time']:%H:%M}",
        "url": meeting_url(m["pk"]),
        "title": m["title"],
        "kind": KIND_LABELS.get(m["kind"], m["kind"]),
        "minutes": minutes_between(m["start_time"], m["end_time"]),
        "mode": MODE_LABELS.get(m["mode"], m["mode"]),
        "seats": m["seat_count"],
        "chair": f"{m['chair_label']} {display_name_in(m, 'chair')}",
        "state": STATE_LABELS.get(m["state"], m["state"]),
    }


MEETING_LIST = ListPage(
    title="会议台账",
    url_name="meetings:list",
    ascii_name="meetings",
    filter_form=MeetingListFilter,
    queryset=_list_rows,
    table_template="meetings/_list_table.html",
    ordering=("-date", "-start_time", "-id"),
    columns=(
        Column("日期", lambda m: m.date, width="6em", nowrap=True),
        Column("开始", lambda m: m.start_time.strftime("%H:%M"), width="3.5em", nowrap=True),
        Column("会议", lambda m: m.title),
        Column("类别", lambda m: m.get_kind_display(), width="8em", nowrap=True),
        Column("时长（分钟）", lambda m: m.length_minutes, width="4em", nowrap=True),
        Column("形式", lambda m: m.get_mode_display(), width="5em", nowrap=True),
        Column("参会人数", lambda m: m.seat_count, width="4em", nowrap=True),
        Column("地点", lambda m: m.place, pdf=False),
        Column("主持", lambda m: f"{m.chair_label} {m.chair.display_name}", width="9em"),
        Column("状态", lambda m: m.get_state_display(), width="4.5em", nowrap=True),
    ),
    note="依据《南通市海门区人民政府工作规则》第二十三条统计。",
    fields=(
        "pk",
        "date",
        "start_time",
        "end_time",
        "title",
        "kind",
        "mode",
        "seat_count",
        "chair_label",
        "chair__full_name",
        "chair__username",
        "state",
    ),
    row=_list_row,
    rows_template="meetings/list_rows.jinja",
)


def meeting_list(request: HttpRequest) -> HttpResponse:
    return MEETING_LIST.page(request)


def meeting_list_csv(request: HttpRequest) -> StreamingHttpResponse:
    return MEETING_LIST.csv(request)


def meeting_list_pdf(request: HttpRequest) -> HttpResponse:
    return MEETING_LIST.pdf(request)
