from django.urls import path

from . import views

app_name = "seals"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("mine/", views.mine, name="mine"),
    path("stamp-queue/", views.stamp_queue, name="stamp_queue"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.csv", views.ledger_csv, name="ledger_csv"),
    path("ledger.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("register/", views.register, name="register"),
    path("requests/<int:pk>/edit/", views.edit, name="edit"),
    path("requests/<int:pk>/form.pdf", views.request_pdf, name="request_pdf"),
]
