from django.urls import path

from maillage.people import views, views_join, views_space

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("register/", views.processing_register, name="processing_register"),
    path("<uuid:public_id>/", views.person_detail, name="person_detail"),
    path("<uuid:public_id>/identity/", views.person_edit, name="person_edit"),
    path("<uuid:public_id>/ecomap.svg", views.person_ecomap, name="person_ecomap"),
    path("<uuid:public_id>/export/", views.person_export, name="person_export"),
    path("<uuid:public_id>/needs/new/", views.need_create, name="need_create"),
    path("<uuid:public_id>/needs/<uuid:need_id>/", views.need_edit, name="need_edit"),
    path("<uuid:public_id>/relations/new/", views.relation_create, name="relation_create"),
    path("<uuid:public_id>/relations/<uuid:relation_id>/", views.relation_edit, name="relation_edit"),
    path("<uuid:public_id>/involvements/new/", views.involvement_create, name="involvement_create"),
    path("<uuid:public_id>/involvements/<uuid:involvement_id>/end/", views.involvement_end, name="involvement_end"),
    path(
        "<uuid:public_id>/involvements/<uuid:involvement_id>/propose-end/",
        views.involvement_end_propose,
        name="involvement_end_propose",
    ),
    path(
        "<uuid:public_id>/involvements/<uuid:involvement_id>/answer/",
        views.involvement_end_answer,
        name="involvement_end_answer",
    ),
    path("<uuid:public_id>/referent/", views.referent_change, name="referent_change"),
    path("<uuid:public_id>/join/", views_join.join_request_create, name="join_request_create"),
    path("<uuid:public_id>/join/<uuid:request_id>/", views_join.join_request_answer, name="join_request_answer"),
    path("<uuid:public_id>/invite/", views_space.space_invite, name="space_invite"),
    # The person's own space.
    path("me/", views_space.space_home, name="space_home"),
    path("me/activate/", views_space.space_code, name="space_code"),
    path("me/activate/<str:token>/", views_space.space_activate, name="space_activate"),
    path("me/password/", views_space.space_password, name="space_password"),
    path("me/consents/new/", views_space.space_consent_grant, name="space_consent_grant"),
    path("me/consents/revoke/", views_space.space_consent_revoke, name="space_consent_revoke"),
    path("me/objections/new/", views_space.space_objection, name="space_objection"),
    path("me/objections/withdraw/", views_space.space_objection_withdraw, name="space_objection_withdraw"),
    path("me/network/add/", views_space.space_involvement_add, name="space_involvement_add"),
    path("me/network/end/", views_space.space_involvement_end, name="space_involvement_end"),
    path("me/message/", views_space.space_message, name="space_message"),
    path("me/export/", views_space.space_export, name="space_export"),
]
