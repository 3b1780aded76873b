"""The shell's pages: the dashboard, the language switch and the error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from maillage.access.door import no_person_data, person_data
from maillage.access.enums import Action, Category
from maillage.accounts.mfa import MfaState, mfa_step
from maillage.core.dashboard import cards_for


@person_data(categories=[Category.IDENTITY], action=Action.LIST)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point: the work waiting for them, in cards the apps contribute (core.dashboard).

    The cards that name persons list them through the door and audit the listing (`audit_list`)."""
    actor = request.actor
    context = {
        "cards": cards_for(actor),
        "other_memberships": [m for m in actor.memberships if m != actor.membership],
    }
    return render(request, "core/home.html", context)


@no_person_data
@login_not_required
@require_POST
@mfa_step(MfaState.ENROL, MfaState.VERIFY)
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, open to anonymous visitors too (the login page offers it).

    A logged-in user's choice is also their preferred language: the e-mails they get follow it, and the
    person's own space, which always speaks the person's preferred language, follows the switch.
    """
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


@login_not_required
@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


@login_not_required
@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: usually an expired session or page."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever failed may fail again while rendering a full page.
    return HttpResponseServerError(loader.get_template("500.html").render())
