from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api, health, views


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a <link rel="icon"> (a PDF, the API): the portal's own icon,
    looked up per request (the hashed name exists once collectstatic has run)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


admin.site.site_header = "海门区人民政府工作平台 · 管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("haimen_gov.workflow.urls")),
    path("seals/", include("seals.urls")),
    path("leave/", include("leave.urls")),
    path("documents/", include("documents.urls")),
    path("supervision/", include("supervision.urls")),
    path("meetings/", include("meetings.urls")),
    path("dashboard/", include("haimen_gov.dashboard.urls")),
    path("api/v1/", include(api.urls())),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's settings as a script file: no inline script (Content-Security-Policy).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", health.healthz),
    path("favicon.ico", favicon),
]

# Under /api/ errors are Chinese JSON like every API answer; elsewhere the portal's own Chinese pages
# (haimen_gov/errors.py), never Django's.
handler400 = api.handler400
handler403 = api.handler403
handler404 = api.handler404
handler500 = api.handler500
