from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .org.routing import posts_acted_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    acting = posts_acted_for(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "home.html",
        {
            "held": [a for a in acting if not a.by_delegation],
            "delegated": [a for a in acting if a.by_delegation],
        },
    )
