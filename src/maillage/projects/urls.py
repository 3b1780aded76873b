from django.urls import path

from maillage.projects import views_share

app_name = "projects"

urlpatterns: list = []

# The project shown outward (views_share): the person's own space, the readable document and its PDF.
urlpatterns += [
    path("me/", views_share.space_project, name="space_project"),
    path("me/answer/", views_share.space_project_answer, name="space_project_answer"),
    path("me/rate/", views_share.space_project_rate, name="space_project_rate"),
    path("me/view/", views_share.space_project_view, name="space_project_view"),
    path("<uuid:public_id>/document/", views_share.project_document, name="project_document"),
    path("<uuid:public_id>/document.pdf", views_share.project_document_pdf, name="project_document_pdf"),
]
