"""Pages shared by every workflow: the queues (待办/已办/我发起的/传阅), the item page with its timeline and
actions, notifications, and the processing slip (处理笺) PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import prefetch_related_objects
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from haimen_gov import context_processors
from haimen_gov.middleware import client_ip
from haimen_gov.org.models import User
from haimen_gov.org.routing import acting_posts
from haimen_gov.rows import render_rows

from . import actions, selectors
from .filters import InboxFilter
from .flows import flow_for
from .forms import (
    AddSignerForm,
    CopyCommentForm,
    CopyForm,
    NotificationsReadForm,
    ReassignForm,
    TransitionCommentForm,
    first_error,
)
from .limits import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from .models import Attachment, Item, Notification, Phrase, Task, TaskStatus
from .paging import CountedPaginator, KeysFirst, UncountedPaginator
from .timeline import describe_history, describe_tasks, timeline

PAGE_SIZE = 20

T = TypeVar("T")


def viewer_posts(request: HttpRequest) -> list[tuple[int, str]]:
    """(id, kind) of the posts the user acts for today, looked up once per request. A page (a GET of a signed-in
    user) reads them from the navigation's statement, which it runs anyway (``context_processors.nav_counts``): no
    query of their own; anything else (a form's POST, the API) with ``acting_posts``."""
    posts: list[tuple[int, str]] | None = getattr(request, "_acting_posts", None)
    if posts is None:
        if request.method == "GET" and request.user.is_authenticated and not getattr(request, "htmx", False):
            # The navigation's one statement reads them too (every page renders it): one query for both.
            posts = list(context_processors.request_nav_counts(request)["posts"])
        else:
            posts = acting_posts(request.user)  # type: ignore[arg-type]
        request._acting_posts = posts  # type: ignore[attr-defined]
    return posts


def errors_to_form(form: Form, exc: ValidationError) -> None:
    """An action's ValidationError shown on the form that called it: on its field when the form has one, else at
    the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def get_visible_item(request: HttpRequest, pk: int) -> Item:
    """The item, as its app's own model (e.g. the SealRequest), if this user may see it; 404 otherwise (never reveal
    that it exists). Two queries whatever the number of apps: the visibility check reads the item's kind (a
    statement prepared once), then the app's row is loaded through its own flow's declared joins (``page_related``)
    and collections (``page_prefetch``)."""
    user: User = request.user  # type: ignore[assignment]
    kind_id = selectors.visible_item_kind(user, pk, posts=viewer_posts(request))
    if kind_id is None:
        raise Http404("未找到该事项，或您无权查看。")
    model = ContentType.objects.get_for_id(kind_id).model_class()
    try:
        flow = flow_for(model) if model is not None else None
    except LookupError:
        flow = None
    if model is None or flow is None:
        return Item.objects.select_related("unit", "submitter", "kind").get(pk=pk)
    item = model._default_manager.select_related("unit", "submitter", "kind", *flow.page_related).get(pk=pk)
    if flow.page_prefetch:
        prefetch_related_objects([item], *flow.page_prefetch)
    return item  # type: ignore[return-value]


def form_action(form: Any, run: Callable[[], T]) -> T | None:
    """Run an action for a valid form: its result, or None with its refusal shown on the form."""
    try:
        return run()
    except ValidationError as exc:
        errors_to_form(form, exc)
    except actions.WorkflowError as exc:
        form.add_error(None, exc.message)
    return None


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    filters = InboxFilter(request.GET or None)
    post_ids = [pk for pk, _kind in viewer_posts(request)]
    tasks = filters.apply(selectors.inbox(user, post_ids), today=today)
    tasks = tasks.values(*selectors.INBOX_ROW_FIELDS)  # what the rows show: plain values, no model objects
    listed: Any = tasks
    if not request.GET and len(post_ids) == 1 and connection.vendor == "postgresql":
        # The inbox as the menu opens it (no filter, no sort, the first page) of one who acts for one post (most
        # people, most days): its rows from a prepared statement.
        rows_first = PAGE_SIZE + 1  # an uncounted pager reads one row more, to learn whether another page follows
        listed = KeysFirst(tasks, first=(rows_first, lambda: selectors.inbox_first_page(post_ids[0], rows_first)))
    paginator: Paginator
    if filters.active:
        paginator = Paginator(tasks, PAGE_SIZE)  # a narrowed list counts its own rows (one COUNT)
    else:
        # The navigation counts these very rows (up to its cap) in the query it runs anyway: the pager takes that
        # count instead of a COUNT(*) of its own; past the cap the inbox pages without a total.
        total = context_processors.request_nav_counts(request)["inbox"]
        cap = context_processors.NAV_COUNT_CAP
        if total > cap:
            paginator = UncountedPaginator(listed, PAGE_SIZE, more_than=cap)
        else:
            paginator = CountedPaginator(listed, PAGE_SIZE, count=total)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.decorate_inbox_rows(list(page.object_list), today, viewer_id=user.pk)
    query = request.GET.copy()
    query.pop("page", None)
    any_batchable = any(row["batchable"] for row in rows)
    rows_html = render_rows(
        "workflow/inbox_rows.jinja", {"rows": rows, "any_batchable": any_batchable, "filters_active": filters.active}
    )
    return render(
        request,
        "workflow/inbox.html",
        {
            "page": page,
            "rows_html": rows_html,
            "filters": filters,
            "querystring": query.urlencode(),
            "any_batchable": any_batchable,
            "today": today,
            "tab": "inbox",
        },
    )


@require_POST
def batch_approve(request: HttpRequest) -> HttpResponse:
    """批量审批 from the inbox: each chosen task approved as if one by one; what could not be done is named with the
    reason (another person acted first: 409)."""
    ids = [int(v) for v in request.POST.getlist("tasks") if v.isdigit() and len(v) <= 18]
    if not ids:
        messages.error(request, "请先勾选要同意的待办。")
        return redirect("workflow:inbox")
    if len(ids) > actions.batch.BATCH_MAX:
        messages.error(request, f"一次最多批量审批 {actions.batch.BATCH_MAX} 件。")
        return redirect("workflow:inbox")
    results = actions.tasks_approve(ids, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    done_count = sum(r.ok for r in results)
    if done_count:
        messages.success(request, f"批量审批：已同意 {done_count} 件。")
    for r in results:
        if not r.ok:
            messages.error(request, f"“{r.title or r.task_id}”未办理：{r.message}")
    return redirect("workflow:inbox")


def done(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.done_by(request.user))  # type: ignore[arg-type]
    return render(request, "workflow/done.html", {"page": page, "tab": "done"})


def mine(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.submitted_by(request.user))  # type: ignore[arg-type]
    return render(request, "workflow/mine.html", {"page": page, "tab": "mine"})


def copies(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.copies_for(request.user))  # type: ignore[arg-type]
    return render(request, "workflow/copies.html", {"page": page, "tab": "copies"})


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_item(request, pk)
    user: User = request.user  # type: ignore[assignment]
    context = item_context(item, user, viewer_posts(request))
    if any(c.user_id == user.pk and c.read_at is None for c in context["copies"]):
        actions.copy_mark_read(item, user)  # 传阅 read receipt
    # The page's rows, the timeline's tasks and the history's entries, rendered by Jinja2 (haimen_gov.rows).
    context["timeline_html"] = render_rows(
        "workflow/item_timeline.jinja", {"timeline": context["timeline"], "csrf_token": get_token(request)}
    )
    context["history_html"] = render_rows("workflow/item_history.jinja", {"history": context["history"]})
    return render(request, "workflow/item.html", context)


def item_context(item: Item, user: User, posts: list[tuple[int, str]]) -> dict[str, Any]:
    """Everything the item page shows, from one query each for tasks, history and copies (the page runs a fixed
    number of queries however long its history), each row with what the page shows of it worked out here."""
    flow = flow_for(item)
    today = timezone.localdate()
    tasks = selectors.item_page_tasks(item.pk, today)
    history = selectors.item_page_history(item.pk)
    copies = selectors.item_page_copies(item.pk)
    my_posts = {pk for pk, _kind in posts}
    post_kinds = [kind for _pk, kind in posts]
    open_tasks = [t for t in tasks if t.status == TaskStatus.OPEN]
    my_task = next((t for t in open_tasks if t.post_id in my_posts and not t.extra), None)
    can_nudge = actions.may_nudge(user, submitter_id=item.submitter_id, post_kinds=post_kinds)
    describe_tasks(tasks, today=today, can_nudge=can_nudge)
    describe_history(history)
    available = actions.available_transitions(item, user, post_ids=my_posts, tasks=tasks)
    # A transition's own form (e.g. the custodian's register) is built only when its button is shown.
    shown = {t.verb for t in available}
    return {
        "item": item,
        "flow": flow,
        "labels": flow.all_labels,
        "detail_template": flow.detail_template,
        "available": available,
        "action_forms": {
            verb: form_class(item=item, actor=user) for verb, form_class in flow.action_forms.items() if verb in shown
        },
        "timeline": timeline(item, flow, tasks=tasks, history=history),
        "history": history,
        "open_tasks": open_tasks,
        "my_task": my_task,
        "can_intervene": actions.may_intervene(user, kinds=post_kinds),
        "can_nudge": can_nudge,
        "copies": copies,
        "may_copy": actions.may_copy(item, user, posts=posts, tasks=tasks, history=history),
        "my_copy": next((c for c in copies if c.user_id == user.pk), None),
        "limits": {"text": TEXT_MAX_LENGTH, "note": NOTE_MAX_LENGTH},
        "links": selectors.item_links(item, user, posts=posts) if item.has_links else [],
        "today": today,
    }


def post_options(request: HttpRequest) -> HttpResponse:
    """<option>s of every post, loaded when the 加签/改派 form is opened (not with every item page)."""
    groups = selectors.post_choices(request.user)  # type: ignore[arg-type]
    return render(request, "workflow/_options.html", {"groups": groups})


def user_options(request: HttpRequest) -> HttpResponse:
    """<option>s of everyone who holds a post, loaded when the 传阅 form is opened."""
    groups = selectors.user_choices(request.user)  # type: ignore[arg-type]
    return render(request, "workflow/_options.html", {"groups": groups})


def _refuse(request: HttpRequest, item: Item, message: str, *, status: int = 303) -> HttpResponse:
    """Back to the item page with ``message``: 303 for a refusal of the engine, 302 for a form's bad input."""
    messages.error(request, message)
    # redirect() has no status argument (it passed status=303 on to reverse() and answered 302).
    return HttpResponseRedirect(item.get_absolute_url(), status=status)


def _bad_input(request: HttpRequest, item: Item, form: Any) -> HttpResponse:
    return _refuse(request, item, first_error(form), status=302)


def _safe_next(request: HttpRequest, target: str) -> str | None:
    """``next`` only when it is a path on this site: never a redirect to another host after an action."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_POST
def item_transition(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    item = get_visible_item(request, pk)
    body = TransitionCommentForm(request.POST)
    if not body.is_valid():
        return _bad_input(request, item, body)
    try:
        actions.item_fire(
            type(item),
            item.pk,
            verb=verb,
            actor=request.user,  # type: ignore[arg-type]
            comment=body.cleaned_data["comment"],
            ip=client_ip(request),
            expected_state=body.cleaned_data["state"] or None,
            data=request.POST,
            files=request.FILES,
        )
    except actions.WorkflowError as exc:
        return _refuse(request, item, exc.message)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(item.get_absolute_url())
    messages.success(request, "已办理。")
    return redirect(_safe_next(request, body.cleaned_data["next"]) or item.get_absolute_url())


@require_POST
def item_add_signer(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_item(request, pk)
    form = AddSignerForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, item, form)
    post = form.cleaned_data["post"]
    try:
        actions.item_add_signer(
            type(item),
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            post=post,
            comment=form.cleaned_data["comment"],
            ip=client_ip(request),
        )
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已请{post.title}提出意见。")
    return redirect(item.get_absolute_url())


@require_POST
def item_copy(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_item(request, pk)
    form = CopyForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, item, form)
    try:
        actions.item_copy(
            type(item),
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            users=list(form.cleaned_data["users"]),
            note=form.cleaned_data["note"],
            ip=client_ip(request),
        )
    except actions.WorkflowError as exc:
        return _refuse(request, item, exc.message)
    messages.success(request, "已传阅。")
    return redirect(item.get_absolute_url())


@require_POST
def item_copy_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """阅示: a 传阅 recipient comments on what they read."""
    item = get_visible_item(request, pk)
    form = CopyCommentForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, item, form)
    try:
        actions.copy_comment(
            type(item),
            item.pk,
            actor=request.user,  # type: ignore[arg-type]
            comment=form.cleaned_data["comment"],
            ip=client_ip(request),
        )
    except actions.WorkflowError as exc:
        return _refuse(request, item, exc.message)
    messages.success(request, "已阅示。")
    return redirect(item.get_absolute_url())


@require_POST
def task_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task, pk=pk)
    item = get_visible_item(request, task.item_id)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return _bad_input(request, item, form)
    return _reassign(request, item, task, form)


@require_POST
def item_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """流程干预 from the item page's one form: the open task chosen in it, moved to another post."""
    item = get_visible_item(request, pk)
    form = ReassignForm(request.POST, item_id=item.pk)
    if not form.is_valid():
        return _bad_input(request, item, form)
    return _reassign(request, item, form.cleaned_data["task"], form)


def _reassign(request: HttpRequest, item: Item, task: Task, form: ReassignForm) -> HttpResponse:
    post = form.cleaned_data["post"]
    try:
        actions.task_reassign(
            task.pk,
            actor=request.user,  # type: ignore[arg-type]
            post=post,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except PermissionDenied:
        raise
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已改派至{post.title}。")
    return redirect(item.get_absolute_url())


@require_POST
def task_nudge(request: HttpRequest, pk: int) -> HttpResponse:
    """催办 an overdue or due-today step of an item the user can see."""
    task = Task.objects.filter(pk=pk).only("item_id").first()
    if task is None:
        raise Http404("该待办不存在。")
    item = get_visible_item(request, task.item_id)
    try:
        actions.task_nudge(pk, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已催办，承办人将收到提醒。")
    return redirect(item.get_absolute_url())


def phrases(request: HttpRequest) -> HttpResponse:
    """常用意见: the user's own saved phrases, added and removed here."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        try:
            actions.phrase_add(user=user, text=request.POST.get("text", "")[:1000])
        except actions.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存常用意见。")
        return redirect("workflow:phrases")
    own = list(Phrase.objects.filter(user=user).order_by("order", "id"))
    return render(request, "workflow/phrases.html", {"phrases": own, "defaults": actions.DEFAULT_PHRASES})


@require_POST
def phrase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        actions.phrase_delete(user=request.user, phrase_id=pk)  # type: ignore[arg-type]
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除。")
    return redirect("workflow:phrases")


def phrase_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the user's phrases, loaded when the picker beside a comment box is first used."""
    texts = actions.phrases_for(request.user)  # type: ignore[arg-type]
    return render(request, "workflow/_phrase_options.html", {"texts": texts})


def delegations(request: HttpRequest) -> HttpResponse:
    """委托: the user's own posts' delegations (the office: every leader's), set up, shortened and revoked here."""
    from haimen_gov.org.models import Delegation

    from .actions.delegations import DELEGATING_KINDS, is_office
    from .delegation_forms import DelegationForm, ShortenForm

    user: User = request.user  # type: ignore[assignment]
    office = is_office(user, [kind for _pk, kind in viewer_posts(request)])
    form = DelegationForm(request.POST or None, viewer=user, office=office)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.delegation_create(
                    actor=user,
                    post=data["post"],
                    delegate=data["delegate"],
                    start=data["start"],
                    end=data["end"],
                    reason=data["reason"],
                )
            except actions.WorkflowError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已委托{data['delegate'].display_name}代为办理{data['post'].title}。")
                return redirect("workflow:delegations")
        status = 400
    else:
        status = 200
    rows = (
        Delegation.objects.filter(
            revoked_at__isnull=True, end__gte=timezone.localdate(), post__kind__in=DELEGATING_KINDS
        )
        .select_related("post", "post__holder", "post__unit", "delegate", "created_by")
        .order_by("start", "id")
    )
    if not office:
        rows = rows.filter(post__holder=user)
    context = {
        "form": form,
        "rows": list(rows),
        "office": office,
        "shorten": ShortenForm(),
        "today": timezone.localdate(),
    }
    return render(request, "workflow/delegations.html", context, status=status)


@require_POST
def delegation_change(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    """Shortens (``end``) or revokes one delegation."""
    from .delegation_forms import ShortenForm

    user: User = request.user  # type: ignore[assignment]
    try:
        if change == "revoke":
            actions.delegation_revoke(pk, actor=user)
            messages.success(request, "已撤销委托。")
        else:
            form = ShortenForm(request.POST)
            if not form.is_valid():
                messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
                return redirect("workflow:delegations")
            actions.delegation_shorten(pk, actor=user, end=form.cleaned_data["end"])
            messages.success(request, "已缩短委托期限。")
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect("workflow:delegations")


def item_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """处理笺: the item's fields and every opinion, in order, as a PDF."""
    from haimen_gov.pdf import pdf_response

    item = get_visible_item(request, pk)
    context = slip_context(item)
    return pdf_response("workflow/slip_pdf.html", context, filename=f"处理笺-{item.pk}.pdf", request=request)


def slip_context(item: Item) -> dict[str, Any]:
    fields = [
        ("事项", item.title),
        ("类别", item.kind_label),
        (flow_for(item).label("unit"), item.unit.name),
        (flow_for(item).label("submitter"), item.submitter.display_name),
        ("当前状态", item.stage_label),
        ("提交时间", timezone.localtime(item.submitted_at).strftime("%Y-%m-%d %H:%M") if item.submitted_at else ""),
    ]
    extra = getattr(item, "slip_fields", None)
    if callable(extra):
        fields += extra()
    opinions = [
        {
            "step": h.step_label or h.verb_label,
            "post": h.post.title if h.post else "",
            "actor": h.actor.display_name if h.actor else "",
            "acting_for": h.acting_label if h.acting_label.startswith("受") else "",
            "decision": h.verb_label,
            "comment": h.comment,
            "at": timezone.localtime(h.at),
        }
        for h in item.history.exclude(verb="create").select_related("actor", "post").order_by("at", "id")
    ]
    return {"title": "处理笺", "number": item.number, "fields": fields, "opinions": opinions, "item": item}


def notifications(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    page = _page(request, selectors.notifications_for(user))
    template = "workflow/_notifications.html" if request.htmx else "workflow/notifications.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    form = NotificationsReadForm(request.POST, user=request.user)  # type: ignore[arg-type]
    if not form.is_valid():
        return HttpResponseBadRequest(first_error(form))
    ids = [row.pk for row in form.cleaned_data["ids"]] or None
    actions.notification_mark_read(request.user, ids)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse('<span id="bell-count"></span>')
    return redirect("workflow:notifications")


def _open_notification(request: HttpRequest, pk: int) -> Notification | None:
    """The user's own notification, marked read (None when it is not theirs or does not exist)."""
    row = Notification.objects.filter(pk=pk, user=request.user).first()  # type: ignore[misc]
    if row is not None and row.read_at is None:
        actions.notification_mark_read(request.user, [row.pk])  # type: ignore[arg-type]
    return row


def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    row = _open_notification(request, pk)
    if row is None:
        return HttpResponseBadRequest("通知不存在。")
    return redirect(row.link)  # its item, or the page listing the tasks of a gathered reminder


def notification_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """The tasks a gathered reminder is about (e.g. "您有 30 件待办已超过办理期限"), a page of them at a time, each with
    where it stands now."""
    row = _open_notification(request, pk)
    if row is None:
        raise Http404("通知不存在。")
    page = Paginator(row.task_ids or [], PAGE_SIZE).get_page(request.GET.get("page"))
    found = Task.objects.filter(pk__in=list(page.object_list)).select_related("item", "item__kind", "post")
    by_id = {t.pk: t for t in found}
    tasks = [by_id[i] for i in page.object_list if i in by_id]
    tasks.sort(key=lambda t: (t.status != TaskStatus.OPEN, t.due_date, t.pk))
    return render(
        request,
        "workflow/notification_tasks.html",
        {"notification": row, "page": page, "tasks": tasks, "today": timezone.localdate()},
    )


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An item's attachment, for those who may see the item (404 otherwise, as for the item itself)."""
    item_id = Attachment.objects.filter(pk=pk).values_list("item_id", flat=True).first()
    if item_id is None:
        raise Http404("附件不存在。")
    user: User = request.user  # type: ignore[assignment]
    if not selectors.visible_items(user, posts=viewer_posts(request)).filter(pk=item_id).exists():
        raise Http404("附件不存在。")
    row = Attachment.objects.get(pk=pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件已丢失，请联系区政府办公室。") from exc
    response = FileResponse(handle, content_type=row.content_type, as_attachment=False, filename=row.download_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant removes a file from their draft or returned item (then back to where they came from)."""
    item_id = Attachment.objects.filter(pk=pk).values_list("item_id", flat=True).first()
    if item_id is None:
        raise Http404("附件不存在。")
    item = get_visible_item(request, item_id)
    try:
        actions.attachment_remove(pk, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    except actions.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除附件。")
    back = request.POST.get("next") or ""
    return redirect(back if back.startswith("/") and not back.startswith("//") else item.get_absolute_url())
