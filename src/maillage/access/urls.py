from django.urls import path

from maillage.access import views

app_name = "access"

urlpatterns = [
    path("break-glass/", views.break_glass_week, name="break_glass_week"),
    path("<uuid:public_id>/who-saw/", views.who_saw, name="who_saw"),
    path("<uuid:public_id>/who-saw/print/", views.who_saw, {"printable": True}, name="who_saw_print"),
    path("<uuid:public_id>/break-glass/", views.break_glass, name="break_glass"),
]
