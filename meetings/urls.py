from django.urls import path

from . import views, views_minutes

app_name = "meetings"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("board/", views.board, name="board"),
    path("list/", views.meeting_list, name="list"),
    path("list.csv", views.meeting_list_csv, name="list_csv"),
    path("list.pdf", views.meeting_list_pdf, name="list_pdf"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/do/<slug:verb>/", views.meeting_action, name="action"),
    path("<int:pk>/seats/<int:seat>/confirm/", views.seat_confirm, name="seat_confirm"),
    path("<int:pk>/seats/<int:seat>/leave/", views.seat_leave, name="seat_leave"),
    path("topics/new/", views.topic_new, name="topic_new"),
    path("topics/<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("district-meetings/new/", views.district_meeting_new, name="district_meeting_new"),
    path("press/new/", views.press_new, name="press_new"),
    path("dept-meetings/new/", views.dept_meeting_new, name="dept_meeting_new"),
    # 会议纪要 (第十九条)
    path("minutes/", views_minutes.minutes_list, name="minutes_list"),
    path("<int:pk>/minutes/new/", views_minutes.minutes_new, name="minutes_new"),
    path("minutes/<int:pk>/edit/", views_minutes.minutes_edit, name="minutes_edit"),
    path("minutes/<int:pk>/pdf/", views_minutes.minutes_pdf, name="minutes_pdf"),
    path("minutes/<int:pk>/decisions/add/", views_minutes.decision_add, name="decision_add"),
    path("minutes/<int:pk>/decisions/<int:decision>/remove/", views_minutes.decision_remove, name="decision_remove"),
    path(
        "minutes/<int:pk>/decisions/<int:decision>/supervise/",
        views_minutes.decision_supervise,
        name="decision_supervise",
    ),
]
