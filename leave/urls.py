from django.urls import path

from . import views

app_name = "leave"

urlpatterns = [
    path("absences/new/", views.absence_new, name="absence_new"),
    path("absences/mine/", views.absence_mine, name="absence_mine"),
    path("absences/<int:pk>/edit/", views.absence_edit, name="absence_edit"),
    path("absences/<int:pk>/shorten/", views.absence_shorten, name="absence_shorten"),
    path("board/", views.board, name="board"),
    path("absences/", views.absences_list, name="absences"),
    path("absences.csv", views.absences_csv, name="absences_csv"),
    path("absences.pdf", views.absences_pdf, name="absences_pdf"),
    path("exceptions/", views.exception_list, name="exceptions"),
    path("exceptions/new/", views.exception_new, name="exception_new"),
    path("research/", views.research_list, name="research"),
    path("research/new/", views.research_new, name="research_new"),
    path("research/<int:pk>/edit/", views.research_edit, name="research_edit"),
    path("visits/", views.visits, name="visits"),
    path("visits.csv", views.visits_csv, name="visits_csv"),
    path("visits.pdf", views.visits_pdf, name="visits_pdf"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/plan/", views.visit_plan, name="visit_plan"),
    path("visits/plan/approve/", views.visit_plan_approve, name="visit_plan_approve"),
    path("visits/plan/<int:pk>/remove/", views.visit_plan_remove, name="visit_plan_remove"),
    path("research/progress/", views.research_progress, name="research_progress"),
]
