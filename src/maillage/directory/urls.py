from django.urls import path

from maillage.directory import views, views_saved

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("places/", views.place_hints, name="place_hints"),
    path("services/<uuid:public_id>/", views.service_detail, name="service_detail"),
    path("saved/", views_saved.saved_searches, name="saved_searches"),
    path("saved/<int:pk>/", views_saved.saved_search_open, name="saved_search_open"),
    path("saved/<int:pk>/delete/", views_saved.saved_search_remove, name="saved_search_delete"),
    path("saved/stop/<str:token>/", views_saved.saved_search_unsubscribe_view, name="saved_search_unsubscribe"),
    path("manage/", views.manage, name="manage"),
    path("manage/services/new/", views.service_edit, name="service_create"),
    path("manage/services/<uuid:public_id>/", views.service_edit, name="service_edit"),
    path("manage/services/<uuid:public_id>/capacity/", views.service_capacity, name="service_capacity"),
    path("manage/services/<uuid:public_id>/confirm/", views.service_confirm, name="service_confirm"),
    path("manage/locations/new/", views.location_edit, name="location_create"),
    path("manage/locations/<uuid:public_id>/", views.location_edit, name="location_edit"),
    path("pending/", views.pending, name="pending"),
    path("pending/locations/<uuid:public_id>/attach/", views.location_attach, name="location_attach"),
    path(
        "pending/services/<uuid:public_id>/publish/",
        views.service_decide,
        {"decision": "publish"},
        name="service_publish",
    ),
    path(
        "pending/services/<uuid:public_id>/refuse/",
        views.service_decide,
        {"decision": "refuse"},
        name="service_refuse",
    ),
    path(
        "pending/<uuid:public_id>/validate/",
        views.organisation_decide,
        {"decision": "validate"},
        name="organisation_validate",
    ),
    path(
        "pending/<uuid:public_id>/reject/",
        views.organisation_decide,
        {"decision": "reject"},
        name="organisation_reject",
    ),
]
