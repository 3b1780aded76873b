from django.urls import path

from maillage.access import views, views_check

app_name = "access"

urlpatterns = [
    path("break-glass/", views.break_glass_week, name="break_glass_week"),
    path("check/", views_check.existence_check, name="existence_check"),
    path("check/answer/", views_check.existence_answer, name="existence_answer"),
    path("<uuid:public_id>/who-saw/", views.who_saw, name="who_saw"),
    path("<uuid:public_id>/who-saw/print/", views.who_saw, {"printable": True}, name="who_saw_print"),
    path("<uuid:public_id>/break-glass/", views.break_glass, name="break_glass"),
]
