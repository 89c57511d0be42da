"""The portal's URLs plus one view that fails, for the 500 page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from haimen_gov.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401 (the handlers are used)


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail")


urlpatterns = [*urlpatterns, path("boom/", boom)]
