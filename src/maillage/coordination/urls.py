from django.urls import path

from maillage.coordination import views

app_name = "coordination"

urlpatterns = [
    path("persons/<uuid:public_id>/", views.thread, name="thread"),
    path("persons/<uuid:public_id>/notes/new/", views.note_create, name="note_create"),
    path("persons/<uuid:public_id>/notes/<uuid:note_id>/reply/", views.note_create, name="note_reply"),
    path("persons/<uuid:public_id>/notes/<uuid:note_id>/correct/", views.note_correct, name="note_correct"),
    path("persons/<uuid:public_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("persons/<uuid:public_id>/crisis/new/", views.crisis_open, name="crisis_open"),
    path("persons/<uuid:public_id>/crisis/<uuid:crisis_id>/close/", views.crisis_close, name="crisis_close"),
    path("persons/<uuid:public_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("persons/<uuid:public_id>/meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("persons/<uuid:public_id>/meetings/<uuid:meeting_id>/invitation.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "persons/<uuid:public_id>/meetings/<uuid:meeting_id>/move/",
        views.meeting_reschedule,
        name="meeting_reschedule",
    ),
    path("persons/<uuid:public_id>/meetings/<uuid:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path(
        "persons/<uuid:public_id>/meetings/<uuid:meeting_id>/minutes/", views.meeting_minutes, name="meeting_minutes"
    ),
    path(
        "persons/<uuid:public_id>/meetings/<uuid:meeting_id>/points/", views.agenda_point_add, name="agenda_point_add"
    ),
    path(
        "persons/<uuid:public_id>/meetings/<uuid:meeting_id>/decisions/<int:number>/action/",
        views.decision_action,
        name="decision_action",
    ),
    path("persons/<uuid:public_id>/mediations/new/", views.mediation_create, name="mediation_create"),
    path(
        "persons/<uuid:public_id>/mediations/<uuid:mediation_id>/follow/",
        views.mediation_follow,
        name="mediation_follow",
    ),
    path(
        "persons/<uuid:public_id>/mediations/<uuid:mediation_id>/close/", views.mediation_close, name="mediation_close"
    ),
    path("attachments/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
    path("meetings/<uuid:meeting_id>/", views.meeting_open, name="meeting_open"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/address/", views.feed_manage, name="feed_manage"),
    path("calendar/feed/<str:key>.ics", views.feed, name="feed"),
]
