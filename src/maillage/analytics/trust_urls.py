from django.urls import path

from maillage.analytics import trust_views as views

app_name = "analytics_trust"

urlpatterns = [
    path("network/<uuid:public_id>/", views.campaign_list, name="campaign_list"),
    path("network/<uuid:public_id>/new/", views.campaign_create, name="campaign_create"),
    path("<uuid:public_id>/", views.campaign_detail, name="campaign_detail"),
    path("<uuid:public_id>/rate/<uuid:partner>/", views.rating_answer, name="rating_answer"),
]
