from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/batch-approve/", views.batch_approve, name="batch_approve"),
    path("done/", views.done, name="done"),
    path("mine/", views.mine, name="mine"),
    path("copies/", views.copies, name="copies"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/transitions/<slug:verb>/", views.item_transition, name="transition"),
    path("items/<int:pk>/add-signer/", views.item_add_signer, name="add_signer"),
    path("items/<int:pk>/copy/", views.item_copy, name="copy"),
    path("items/<int:pk>/reassign/", views.item_reassign, name="reassign_item"),
    path("items/<int:pk>/slip.pdf", views.item_slip, name="slip"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("tasks/<int:pk>/reassign/", views.task_reassign, name="reassign"),
    path("tasks/<int:pk>/nudge/", views.task_nudge, name="nudge"),
    path("phrases/", views.phrases, name="phrases"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/shorten/", views.delegation_change, {"change": "shorten"}, name="delegation_shorten"),
    path("delegations/<int:pk>/revoke/", views.delegation_change, {"change": "revoke"}, name="delegation_revoke"),
    path("phrases/<int:pk>/delete/", views.phrase_delete, name="phrase_delete"),
    path("options/phrases/", views.phrase_options, name="phrase_options"),
    path("options/posts/", views.post_options, name="post_options"),
    path("options/users/", views.user_options, name="user_options"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/tasks/", views.notification_tasks, name="notification_tasks"),
]
