from django.urls import path

from maillage.consent import views

app_name = "consent"

urlpatterns = [
    path("<uuid:public_id>/new/", views.consent_create, name="consent_create"),
    path("<uuid:public_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("<uuid:public_id>/objections/new/", views.objection_create, name="objection_create"),
    path("<uuid:public_id>/objections/withdraw/", views.objection_withdraw, name="objection_withdraw"),
]
