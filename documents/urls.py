from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.home, name="home"),
    path("incoming/", views.incoming_list, name="incoming"),
    path("incoming.csv", views.incoming_csv, name="incoming_csv"),
    path("incoming.pdf", views.incoming_pdf, name="incoming_pdf"),
    path("incoming/submit/", views.submit_incoming, name="submit_incoming"),
    path("incoming/register/", views.register_incoming, name="register_incoming"),
    path("outgoing/", views.outgoing_list, name="outgoing"),
    path("outgoing.csv", views.outgoing_csv, name="outgoing_csv"),
    path("outgoing.pdf", views.outgoing_pdf_list, name="outgoing_pdf"),
    path("outgoing/new/", views.outgoing_new, name="outgoing_new"),
    path("outgoing/<int:pk>/document.pdf", views.outgoing_pdf, name="document_pdf"),
    path("outgoing/<int:pk>/distribute/", views.distribute, name="distribute"),
    path("outgoing/<int:pk>/materials/", views.material_upload, name="material_upload"),
    path("incoming/<int:pk>/supervise/", views.supervise, name="supervise"),
    path("received/", views.received, name="received"),
    path("board/", views.board, name="board"),
    path("received/<int:pk>/read/", views.distribution_read, name="distribution_read"),
]
