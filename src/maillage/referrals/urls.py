from django.urls import path

from maillage.referrals import views, views_link, views_network, views_send, views_space

app_name = "referrals"

urlpatterns = [
    path("organisation/<uuid:organisation_id>/inbox/", views.inbox, name="inbox"),
    path("organisation/<uuid:organisation_id>/outbox/", views.outbox, name="outbox"),
    path("person/<uuid:public_id>/send/", views_send.referral_send, name="referral_send"),
    path("service/<uuid:service_id>/orient/", views_send.service_orient, name="service_orient"),
    path("network/<uuid:network_id>/delays/", views_network.network_delays, name="network_delays"),
    path("me/", views_space.space_referrals, name="space_referrals"),
    path("me/<uuid:referral_id>/refuse/", views_space.space_referral_refuse, name="space_referral_refuse"),
    path("link/<str:token>/", views_link.link_answer, name="link_answer"),
    path("link-answered/", views_link.link_answered, name="link_answered"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/link/", views.referral_link_renew, name="referral_link_renew"),
    path("<uuid:referral_id>/move/", views.referral_move, name="referral_move"),
    path("<uuid:referral_id>/redirect/", views_send.referral_redirect, name="referral_redirect"),
]
