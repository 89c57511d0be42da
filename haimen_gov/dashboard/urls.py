from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("items/", views.items, name="items"),
    path("tasks/", views.tasks, name="tasks"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("tables.xlsx", views.tables_xlsx, name="tables_xlsx"),
    path("tables.csv", views.tables_csv, name="tables_csv"),
]
