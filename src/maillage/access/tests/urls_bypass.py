"""A URLconf with one undeclared view, to prove the enumeration test fails on a route bypassing the door."""

from django.http import HttpResponse
from django.urls import path

from maillage.access.door import no_person_data


def leaky_person_view(request, public_id):
    return HttpResponse("a person's data, read without the door")


@no_person_data
def declared_view(request):
    return HttpResponse("nothing personal")


urlpatterns = [
    path("leak/<uuid:public_id>/", leaky_person_view),
    path("fine/", declared_view),
]
