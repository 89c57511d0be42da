from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("open/", views.open_item, name="open"),
    path("similar/", views.similar, name="similar"),
    path("mine/", views.mine, name="mine"),
    path("board/", views.board, name="board"),
    path("bulletin.pdf", views.bulletin_pdf, name="bulletin_pdf"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>.pdf", views.bulletin_issued, name="bulletin_issued"),
    path("appraisal/", views.appraisal, name="appraisal"),
    path("appraisal.csv", views.appraisal_csv, name="appraisal_csv"),
    path("appraisal.pdf", views.appraisal_pdf, name="appraisal_pdf"),
    path("items/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
]
