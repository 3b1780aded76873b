from django.urls import path

from maillage.projects import views, views_share

app_name = "projects"

urlpatterns = [
    path("<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("<uuid:public_id>/start/", views.project_start, name="project_start"),
    path("<uuid:public_id>/close/", views.project_close, name="project_close"),
    path("<uuid:public_id>/matrix/", views.project_matrix, name="project_matrix"),
    path("<uuid:public_id>/history/", views.project_history, name="project_history"),
    path("<uuid:public_id>/objectives/new/", views.objective_create, name="objective_create"),
    path("<uuid:public_id>/objectives/<uuid:objective_id>/", views.objective_edit, name="objective_edit"),
    path("<uuid:public_id>/objectives/<uuid:objective_id>/close/", views.objective_close, name="objective_close"),
    path(
        "<uuid:public_id>/objectives/<uuid:objective_id>/partners/",
        views.objective_suggestions,
        name="objective_suggestions",
    ),
    path("<uuid:public_id>/objectives/<uuid:objective_id>/actions/new/", views.action_create, name="action_create"),
    path("<uuid:public_id>/actions/<uuid:action_id>/", views.action_edit, name="action_edit"),
    path(
        "<uuid:public_id>/objectives/<uuid:objective_id>/divergences/new/",
        views.divergence_create,
        name="divergence_create",
    ),
    path(
        "<uuid:public_id>/divergences/<uuid:divergence_id>/views/new/",
        views.divergence_view_add,
        name="divergence_view_add",
    ),
    path(
        "<uuid:public_id>/divergences/<uuid:divergence_id>/resolve/",
        views.divergence_resolve,
        name="divergence_resolve",
    ),
    path("<uuid:public_id>/versions/new/", views.version_create, name="version_create"),
    path("<uuid:public_id>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<uuid:public_id>/versions/<int:number>/answer/", views.agreement_record, name="agreement_record"),
    path("<uuid:public_id>/reviews/new/", views.review_create, name="review_create"),
    path("<uuid:public_id>/reviews/<uuid:review_id>/", views.review_record, name="review_record"),
    path("<uuid:public_id>/reviews/<uuid:review_id>/cancel/", views.review_cancel, name="review_cancel"),
]

# The project shown outward (views_share): the person's own space, the readable document and its PDF.
urlpatterns += [
    path("me/", views_share.space_project, name="space_project"),
    path("me/answer/", views_share.space_project_answer, name="space_project_answer"),
    path("me/rate/", views_share.space_project_rate, name="space_project_rate"),
    path("me/view/", views_share.space_project_view, name="space_project_view"),
    path("<uuid:public_id>/document/", views_share.project_document, name="project_document"),
    path("<uuid:public_id>/document.pdf", views_share.project_document_pdf, name="project_document_pdf"),
]
