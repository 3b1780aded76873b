from django.urls import path

from maillage.analytics import views, views_attention, views_snapshots, views_thresholds

app_name = "analytics"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/", views.organisation_view, name="organisation"),
    path("attention/", views_attention.attention_list, name="attention"),
    path("network/<uuid:public_id>/", views.dashboard, name="dashboard"),
    path("network/<uuid:public_id>/compute/", views_snapshots.compute_now, name="compute"),
    path(
        "network/<uuid:public_id>/compute/<uuid:snapshot_id>/",
        views_snapshots.compute_status,
        name="compute_status",
    ),
    path("network/<uuid:public_id>/map/", views.network_map, name="map"),
    path("network/<uuid:public_id>/organisations/", views.organisation_list, name="organisation_list"),
    path("network/<uuid:public_id>/alerts/<slug:kind>/", views.alert_list, name="alert_list"),
    path("network/<uuid:public_id>/thresholds/", views_thresholds.thresholds_edit, name="thresholds"),
    path(
        "network/<uuid:public_id>/thresholds/restore/", views_thresholds.thresholds_restore, name="thresholds_restore"
    ),
    path("network/<uuid:public_id>/report.csv", views.report_csv, name="report_csv"),
    path("network/<uuid:public_id>/report.pdf", views.report_pdf, name="report_pdf"),
]
