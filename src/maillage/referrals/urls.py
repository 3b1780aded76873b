from django.urls import path

from maillage.referrals import views

app_name = "referrals"

urlpatterns = [
    path("organisation/<uuid:organisation_id>/inbox/", views.inbox, name="inbox"),
    path("organisation/<uuid:organisation_id>/outbox/", views.outbox, name="outbox"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<uuid:referral_id>/move/", views.referral_move, name="referral_move"),
]
