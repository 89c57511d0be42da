from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .org.routing import posts_acted_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from .workflow import selectors

    user = request.user
    acting = posts_acted_for(user)  # type: ignore[arg-type]
    post_ids = [a.post.pk for a in acting]
    return render(
        request,
        "home.html",
        {
            "held": [a for a in acting if not a.by_delegation],
            "delegated": [a for a in acting if a.by_delegation],
            "tasks": list(selectors.inbox(user, post_ids)[:6]),  # type: ignore[arg-type]
            "today": timezone.localdate(),
        },
    )
