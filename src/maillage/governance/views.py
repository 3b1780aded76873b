"""Pages of the network's life. No person data anywhere: every view is `@no_person_data`.

Views resolve the network and the object, check the right (governance.permissions) to offer only what can be
done, call a service through `save_once`, and render.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access.door import no_person_data
from maillage.core.forms import GuardedForm, save_once
from maillage.directory.selectors import life_domains
from maillage.governance import contributions, forms, indicators, permissions, privacy_check, selectors, services
from maillage.governance.diff import side_by_side
from maillage.governance.enums import AgreementKind, College, ReviewStatus, VersionStatus
from maillage.governance.models import (
    Agreement,
    AgreementVersion,
    Body,
    BodyMeeting,
    CollegeRights,
    ExperienceReview,
    Network,
    NetworkMember,
    Objective,
    PartnerEvent,
    PracticeSheet,
)
from maillage.governance.reports import activity_report_pdf

GET_POST = require_http_methods(["GET", "POST"])


def _network(public_id) -> Network:
    return get_object_or_404(Network.objects.select_related("organisation"), public_id=public_id)


def _coordinator(request: HttpRequest, network: Network) -> None:
    if not permissions.can_manage(request.actor, network):
        raise PermissionDenied


def _member_or_coordinator(request: HttpRequest, network: Network) -> NetworkMember | None:
    member = permissions.acting_member(request.actor, network)
    if member is None and not permissions.can_manage(request.actor, network):
        raise PermissionDenied
    return member


def _form_page(
    request: HttpRequest,
    form: GuardedForm,
    write: Callable[[], str],
    *,
    success: str,
    template: str = "governance/form.html",
    context: dict[str, Any],
) -> HttpResponse:
    response = save_once(request, form, write, success=success)
    if response is not None:
        return response
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# The network ------------------------------------------------------------------------------------------------


@no_person_data
@login_not_required
@require_GET
def network_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    return render(
        request,
        "governance/network_list.html",
        {
            "networks": selectors.networks(),
            "mine": selectors.network_for_actor(actor) if actor.is_authenticated else None,
            "can_set_up": permissions.can_set_up_network(actor),
        },
    )


@no_person_data
@GET_POST
def network_create(request: HttpRequest) -> HttpResponse:
    """Platform staff or a network coordinator sets a network up, run by a network-coordination organisation."""
    if not permissions.can_set_up_network(request.actor):
        raise PermissionDenied
    form = forms.NetworkCreateForm(_data(request))

    def write() -> str:
        network = services.network_create(request.actor, **form.values)
        return reverse("governance:network_detail", kwargs={"public_id": network.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The network is set up: add its member organisations."),
        context={"network": None, "title": _("Set up a network")},
    )


@no_person_data
@login_not_required
@require_GET
def network_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The network's public page: territory, mission, members, openness, the current charter, its bodies."""
    network = _network(public_id)
    actor = request.actor
    charter = selectors.charter(network)
    adopted = selectors.adopted_version(charter)
    member = permissions.acting_member(actor, network) if actor.is_authenticated else None
    coordinator = permissions.can_manage(actor, network)
    context = {
        "network": network,
        "territories": network.territories.order_by("level", "name"),
        "members": selectors.all_members(network) if coordinator else selectors.current_members(network),
        "rights": network.college_rights.order_by("college"),
        "charter": charter,
        "adopted": adopted,
        "signed_count": adopted.signatures.count() if adopted else 0,
        "bodies": selectors.bodies(network),
        "objectives": selectors.objectives_progress(network),
        "coordinator": coordinator,
        "member": member,
        "insider": coordinator or member is not None,
        "coordinators": network.organisation.memberships.active()
        .filter(role="NETWORK_COORDINATOR")
        .select_related("user")
        .order_by("user__last_name"),
    }
    return render(request, "governance/network_detail.html", context)


@no_person_data
@GET_POST
def network_edit(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _coordinator(request, network)
    initial = {f: getattr(network, f) for f in ("name", "mission", "openness", "founded_on")}
    initial["territories"] = list(network.territories.all())
    form = forms.NetworkForm(_data(request), initial=initial, version=network.version)

    def write() -> str:
        services.network_update(request.actor, network, version=form.read_version, **form.values)
        return reverse("governance:network_detail", kwargs={"public_id": network.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The network is updated."),
        context={"network": network, "title": _("The network")},
    )


@no_person_data
@GET_POST
def college_rights_edit(request: HttpRequest, public_id, college: str) -> HttpResponse:
    """What the members of a non-professional college may do: comment, sign, sit on bodies, attend events."""
    network = _network(public_id)
    _coordinator(request, network)
    if college not in College.values or college == College.PROFESSIONAL:
        raise Http404
    row = CollegeRights.objects.filter(network=network, college=college).first()
    rights = ("may_comment", "may_sign", "may_sit", "may_attend_events")
    initial = {name: getattr(row, name) for name in rights} if row else dict.fromkeys(rights, True)
    form = forms.CollegeRightsForm(_data(request), initial=initial, version=row.version if row else None)

    def write() -> str:
        services.college_rights_update(
            request.actor, network, college=college, version=form.read_version, **form.values
        )
        return reverse("governance:network_detail", kwargs={"public_id": network.public_id}) + "#openness-title"

    return _form_page(
        request,
        form,
        write,
        success=_("The rights of the college are saved."),
        context={
            "network": network,
            "title": _("What “%(college)s” may do") % {"college": College(college).label},
            "back_url": reverse("governance:network_detail", kwargs={"public_id": network.public_id}),
        },
    )


@no_person_data
@GET_POST
def member_add(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _coordinator(request, network)
    form = forms.MemberAddForm(_data(request), network=network)

    def write() -> str:
        services.member_add(request.actor, network, **form.values)
        return reverse("governance:network_detail", kwargs={"public_id": network.public_id}) + "#members"

    return _form_page(
        request,
        form,
        write,
        success=_("The organisation is a member of the network."),
        context={"network": network, "title": _("Add a member organisation")},
    )


@no_person_data
@GET_POST
def member_edit(request: HttpRequest, public_id) -> HttpResponse:
    member = get_object_or_404(NetworkMember.objects.select_related("network", "organisation"), public_id=public_id)
    network = member.network
    _coordinator(request, network)
    initial = {f: getattr(member, f) for f in ("college", "status", "joined_on", "left_on")}
    form = forms.MemberEditForm(_data(request), initial=initial, version=member.version)

    def write() -> str:
        services.member_update(request.actor, member, version=form.read_version, **form.values)
        return reverse("governance:network_detail", kwargs={"public_id": network.public_id}) + "#members"

    return _form_page(
        request,
        form,
        write,
        success=_("The membership is updated."),
        context={"network": network, "title": member.organisation.name},
    )


@no_person_data
@require_GET
def member_detail(request: HttpRequest, public_id) -> HttpResponse:
    """A member's presentation, for the other members: who they are, what they can and cannot do."""
    member = get_object_or_404(NetworkMember.objects.select_related("network", "organisation"), public_id=public_id)
    own = permissions.acting_member(request.actor, member.network)
    _member_or_coordinator(request, member.network)
    return render(
        request,
        "governance/member_detail.html",
        {
            "network": member.network,
            "member": member,
            "presentation": getattr(member, "presentation", None),
            "is_own": own == member,
            "can_name_signatory": permissions.can_name_signatory(request.actor, member),
        },
    )


@no_person_data
@GET_POST
def presentation_edit(request: HttpRequest, public_id) -> HttpResponse:
    member = get_object_or_404(NetworkMember.objects.select_related("network", "organisation"), public_id=public_id)
    if permissions.acting_member(request.actor, member.network) != member:
        raise PermissionDenied
    presentation = getattr(member, "presentation", None)
    fields = ("who_we_are", "what_we_do", "what_we_do_not", "admission_criteria", "how_to_reach")
    initial = {f: getattr(presentation, f) for f in fields} if presentation else {}
    form = forms.PresentationForm(
        _data(request), initial=initial, version=presentation.version if presentation else None
    )

    def write() -> str:
        services.presentation_save(request.actor, member, version=form.read_version, **form.values)
        return reverse("governance:member_detail", kwargs={"public_id": member.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("Your presentation is saved."),
        context={"network": member.network, "title": _("Our presentation")},
    )


@no_person_data
@GET_POST
def signatory_edit(request: HttpRequest, public_id) -> HttpResponse:
    member = get_object_or_404(NetworkMember.objects.select_related("network", "organisation"), public_id=public_id)
    if not permissions.can_name_signatory(request.actor, member):
        raise PermissionDenied
    form = forms.SignatoryForm(
        _data(request),
        organisation=member.organisation,
        initial={"signatory": member.signatory_id},
        version=member.version,
    )

    def write() -> str:
        services.signatory_set(request.actor, member, user=form.values["signatory"], version=form.read_version)
        return reverse("governance:member_detail", kwargs={"public_id": member.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The authorised person is saved."),
        context={"network": member.network, "title": _("Who signs for your organisation")},
    )


# Charter and conventions -------------------------------------------------------------------------------------


@no_person_data
@require_GET
def agreement_list(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _member_or_coordinator(request, network)
    return render(
        request,
        "governance/agreement_list.html",
        {
            "network": network,
            "charter": selectors.charter(network),
            "conventions": selectors.conventions(network),
            "coordinator": permissions.can_manage(request.actor, network),
        },
    )


@no_person_data
@GET_POST
def agreement_create(request: HttpRequest, public_id, kind: str) -> HttpResponse:
    network = _network(public_id)
    _coordinator(request, network)
    if kind not in ("charter", "convention"):
        raise Http404
    convention = kind == "convention"
    form = forms.ConventionForm(_data(request), network=network) if convention else forms.AgreementForm(_data(request))

    def write() -> str:
        values = form.values
        agreement = services.agreement_create(
            request.actor, network, kind=AgreementKind.CONVENTION if convention else AgreementKind.CHARTER, **values
        )
        return reverse("governance:agreement_detail", kwargs={"public_id": agreement.public_id})

    title = _("A new convention between members") if convention else _("The network's charter")
    return _form_page(
        request, form, write, success=_("The first version is drafted."), context={"network": network, "title": title}
    )


@no_person_data
@require_http_methods(["POST"])
def agreement_renew(request: HttpRequest, public_id) -> HttpResponse:
    agreement = _agreement(public_id)
    _coordinator(request, agreement.network)
    if agreement.kind != AgreementKind.CONVENTION:
        raise Http404
    form = forms.RenewalForm(request.POST)
    url = reverse("governance:agreement_detail", kwargs={"public_id": agreement.public_id})

    def write() -> str:
        services.agreement_renew(request.actor, agreement, **form.values)
        return url

    return _form_page(
        request,
        form,
        write,
        success=_("The convention is renewed."),
        context={"network": agreement.network, "title": agreement.title, "back_url": url},
    )


def _agreement(public_id) -> Agreement:
    return get_object_or_404(Agreement.objects.select_related("network"), public_id=public_id)


@no_person_data
@require_GET
def agreement_detail(request: HttpRequest, public_id) -> HttpResponse:
    agreement = _agreement(public_id)
    network = agreement.network
    _member_or_coordinator(request, network)
    return render(
        request,
        "governance/agreement_detail.html",
        {
            "network": network,
            "agreement": agreement,
            "versions": agreement.versions.all(),
            "preparing": selectors.version_in_preparation(agreement),
            "renewal_form": forms.RenewalForm(initial={"read_ends_on": agreement.ends_on})
            if agreement.kind == AgreementKind.CONVENTION and permissions.can_manage(request.actor, network)
            else None,
            "to_renew": agreement in selectors.conventions_to_renew(network, timezone.localdate()),
            "adopted": selectors.adopted_version(agreement),
            "coordinator": permissions.can_manage(request.actor, network),
        },
    )


@no_person_data
@GET_POST
def version_draft(request: HttpRequest, public_id) -> HttpResponse:
    agreement = _agreement(public_id)
    _coordinator(request, agreement.network)
    base = selectors.adopted_version(agreement) or agreement.versions.first()
    form = forms.VersionTextForm(_data(request), initial={"text": base.text if base else ""})

    def write() -> str:
        version = services.version_draft(request.actor, agreement, **form.values)
        return reverse("governance:version_detail", kwargs={"public_id": version.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The new version is drafted."),
        context={"network": agreement.network, "title": _("A new version of %(title)s") % {"title": agreement.title}},
    )


def _version(public_id) -> AgreementVersion:
    return get_object_or_404(
        AgreementVersion.objects.select_related("agreement__network__organisation", "adopted_by"), public_id=public_id
    )


@no_person_data
@login_not_required
@require_GET
def version_detail(request: HttpRequest, public_id) -> HttpResponse:
    """A version: its text, its state, and what can be done with it now. The network's adopted charter is
    public; everything else is for members and coordinators."""
    version = _version(public_id)
    agreement = version.agreement
    network = agreement.network
    actor = request.actor
    coordinator = permissions.can_manage(actor, network)
    member = permissions.acting_member(actor, network) if actor.is_authenticated else None
    public = agreement.kind == AgreementKind.CHARTER and version.status == VersionStatus.ADOPTED
    if not (public or coordinator or member is not None):
        if not actor.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    is_party = agreement.kind == AgreementKind.CHARTER or (
        member is not None and agreement.parties.filter(pk=member.pk).exists()
    )
    can_comment = (
        member is not None
        and is_party
        and version.status == VersionStatus.CONSULTATION
        and (version.consultation_ends_on is None or version.consultation_ends_on >= timezone.localdate())
        and permissions.college_allows(member, "may_comment")
    )
    signed = member is not None and version.signatures.filter(member=member).exists()
    can_sign = (
        member is not None
        and is_party
        and version.status == VersionStatus.ADOPTED
        and not signed
        and permissions.is_authorised_signatory(actor, member)
        and permissions.college_allows(member, "may_sign")
    )
    previous = agreement.versions.filter(number__lt=version.number).order_by("-number").first()
    context = {
        "network": network,
        "agreement": agreement,
        "version": version,
        "paragraphs": [p for p in version.text.split("\n\n") if p.strip()],
        "previous": previous,
        "insider": coordinator or member is not None,
        "coordinator": coordinator,
        "comments": version.comments.select_related("member__organisation", "author")
        if (coordinator or member is not None)
        else [],
        "comment_form": forms.CommentForm() if can_comment else None,
        "sign_form": forms.SignForm() if can_sign else None,
        "signed": signed,
        "member": member,
        "lines": selectors.signature_lines(version)
        if version.status in (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)
        else [],
        "consultation_form": forms.ConsultationForm(version=version.version)
        if coordinator and version.status == VersionStatus.DRAFT
        else None,
        "adoption_form": forms.AdoptionForm(version=version.version)
        if coordinator and version.status == VersionStatus.CONSULTATION
        else None,
    }
    return render(request, "governance/version_detail.html", context)


def _version_action(request: HttpRequest, public_id, form_class, action, success: str) -> HttpResponse:
    version = _version(public_id)
    # The state changes (consultation, adoption) are made from the version shown; a comment or a signature
    # is checked against the state of the version by the service instead.
    versioned = form_class in (forms.ConsultationForm, forms.AdoptionForm)
    form = form_class(request.POST, version=version.version) if versioned else form_class(request.POST)
    url = reverse("governance:version_detail", kwargs={"public_id": version.public_id})

    def write() -> str:
        action(version, form)
        return url

    response = save_once(request, form, write, success=success)
    if response is not None:
        return response
    return render(
        request,
        "governance/form.html",
        {"network": version.agreement.network, "form": form, "title": str(version.agreement), "back_url": url},
        status=400,
    )


@no_person_data
@GET_POST
def version_edit(request: HttpRequest, public_id) -> HttpResponse:
    version = _version(public_id)
    _coordinator(request, version.agreement.network)
    if version.status != VersionStatus.DRAFT:
        raise Http404
    form = forms.VersionTextForm(
        _data(request),
        initial={"text": version.text, "changes_summary": version.changes_summary},
        version=version.version,
    )

    def write() -> str:
        services.version_edit(request.actor, version, read_version=form.read_version, **form.values)
        return reverse("governance:version_detail", kwargs={"public_id": version.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The draft is saved."),
        context={"network": version.agreement.network, "title": str(version)},
    )


@no_person_data
@require_http_methods(["POST"])
def consultation_open(request: HttpRequest, public_id) -> HttpResponse:
    return _version_action(
        request,
        public_id,
        forms.ConsultationForm,
        lambda version, form: services.consultation_open(
            request.actor, version, ends_on=form.values["ends_on"], read_version=form.read_version
        ),
        _("The consultation is open: member organisations can comment."),
    )


@no_person_data
@require_http_methods(["POST"])
def version_adopt(request: HttpRequest, public_id) -> HttpResponse:
    return _version_action(
        request,
        public_id,
        forms.AdoptionForm,
        lambda version, form: services.version_adopt(
            request.actor, version, read_version=form.read_version, **form.values
        ),
        _("The version is adopted: member organisations are asked to sign it."),
    )


@no_person_data
@require_http_methods(["POST"])
def version_comment(request: HttpRequest, public_id) -> HttpResponse:
    return _version_action(
        request,
        public_id,
        forms.CommentForm,
        lambda version, form: services.version_comment(request.actor, version, text=form.values["text"]),
        _("Your organisation's comment is recorded."),
    )


@no_person_data
@require_http_methods(["POST"])
def version_sign(request: HttpRequest, public_id) -> HttpResponse:
    return _version_action(
        request,
        public_id,
        forms.SignForm,
        lambda version, form: services.version_sign(request.actor, version),
        _("Signed for your organisation."),
    )


@no_person_data
@login_not_required
@require_GET
def version_compare(request: HttpRequest, public_id, other_id) -> HttpResponse:
    """Two versions side by side, paragraph by paragraph and word by word."""
    new, old = _version(public_id), _version(other_id)
    network = new.agreement.network
    if old.agreement_id != new.agreement_id:
        raise Http404
    actor = request.actor
    insider = permissions.can_manage(actor, network) or (
        actor.is_authenticated and permissions.acting_member(actor, network) is not None
    )
    public = new.agreement.kind == AgreementKind.CHARTER and {new.status, old.status} <= {
        VersionStatus.ADOPTED,
        VersionStatus.SUPERSEDED,
    }
    if not (insider or public):
        raise Http404
    if old.number > new.number:
        old, new = new, old
    return render(
        request,
        "governance/version_compare.html",
        {
            "network": network,
            "agreement": new.agreement,
            "old": old,
            "new": new,
            "rows": side_by_side(old.text, new.text),
        },
    )


# Bodies ---------------------------------------------------------------------------------------------------------


@no_person_data
@GET_POST
def body_create(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _coordinator(request, network)
    form = forms.BodyForm(_data(request))

    def write() -> str:
        body = services.body_create(request.actor, network, **form.values)
        return reverse("governance:body_detail", kwargs={"public_id": body.public_id})

    return _form_page(
        request, form, write, success=_("The body is created."), context={"network": network, "title": _("A new body")}
    )


@no_person_data
@require_GET
def body_detail(request: HttpRequest, public_id) -> HttpResponse:
    body = get_object_or_404(Body.objects.select_related("network"), public_id=public_id)
    network = body.network
    _member_or_coordinator(request, network)
    coordinator = permissions.can_manage(request.actor, network)
    today = timezone.localdate()
    return render(
        request,
        "governance/body_detail.html",
        {
            "network": network,
            "body": body,
            "mandates": body.mandates.select_related("member__organisation", "holder"),
            "today": today,
            "meetings": body.meetings.select_related("hosted_by__organisation").prefetch_related(
                "decisions", "present__organisation"
            ),
            "coordinator": coordinator,
            "mandate_form": forms.MandateForm(network=network) if coordinator else None,
            "meeting_form": forms.MeetingForm(network=network) if coordinator else None,
        },
    )


@no_person_data
@require_GET
def body_meeting_ics(request: HttpRequest, public_id) -> HttpResponse:
    """A meeting of a network body as an .ics file, for the network's members and coordinators (no person in it)."""
    meeting = get_object_or_404(BodyMeeting.objects.select_related("body__network"), public_id=public_id)
    _member_or_coordinator(request, meeting.body.network)
    response = HttpResponse(services.body_meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reunion-reseau.ics"'
    return response


@no_person_data
@require_http_methods(["POST"])
def mandate_add(request: HttpRequest, public_id) -> HttpResponse:
    body = get_object_or_404(Body.objects.select_related("network"), public_id=public_id)
    _coordinator(request, body.network)
    form = forms.MandateForm(request.POST, network=body.network)
    url = reverse("governance:body_detail", kwargs={"public_id": body.public_id})

    def write() -> str:
        services.mandate_add(request.actor, body, holder=None, **form.values)
        return url

    return _form_page(
        request,
        form,
        write,
        success=_("The mandate is recorded."),
        context={"network": body.network, "title": body.name, "back_url": url},
    )


@no_person_data
@require_http_methods(["POST"])
def meeting_record(request: HttpRequest, public_id) -> HttpResponse:
    body = get_object_or_404(Body.objects.select_related("network"), public_id=public_id)
    _coordinator(request, body.network)
    form = forms.MeetingForm(request.POST, network=body.network)
    url = reverse("governance:body_detail", kwargs={"public_id": body.public_id})

    def write() -> str:
        values = form.values
        decisions = values.pop("decisions", "").splitlines()
        services.meeting_record(request.actor, body, decisions=decisions, **values)
        return url

    return _form_page(
        request,
        form,
        write,
        success=_("The meeting is recorded."),
        context={"network": body.network, "title": body.name, "back_url": url},
    )


# Objectives ----------------------------------------------------------------------------------------------------


@no_person_data
@require_GET
def objective_list(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _member_or_coordinator(request, network)
    return render(
        request,
        "governance/objective_list.html",
        {
            "network": network,
            "progresses": selectors.objectives_progress(network),
            "coordinator": permissions.can_manage(request.actor, network),
            "year": timezone.localdate().year,
        },
    )


@no_person_data
@GET_POST
def objective_create(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _coordinator(request, network)
    form = forms.ObjectiveForm(_data(request))

    def write() -> str:
        objective = services.objective_create(request.actor, network, **form.values)
        return reverse("governance:objective_detail", kwargs={"public_id": objective.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The objective is recorded."),
        context={"network": network, "title": _("A new objective")},
    )


@no_person_data
@require_GET
def objective_detail(request: HttpRequest, public_id) -> HttpResponse:
    objective = get_object_or_404(Objective.objects.select_related("network"), public_id=public_id)
    network = objective.network
    _member_or_coordinator(request, network)
    coordinator = permissions.can_manage(request.actor, network)
    indicator = indicators.get(objective.indicator_key) if objective.indicator_key else None
    return render(
        request,
        "governance/objective_detail.html",
        {
            "network": network,
            "objective": objective,
            "indicator": indicator,
            "progress": selectors.progress(objective),
            "coordinator": coordinator,
            "measure_form": forms.GuardedForm() if coordinator and indicator else None,
            "measurement_form": forms.MeasurementForm() if coordinator and not indicator else None,
        },
    )


@no_person_data
@require_http_methods(["POST"])
def objective_measure(request: HttpRequest, public_id) -> HttpResponse:
    objective = get_object_or_404(Objective.objects.select_related("network"), public_id=public_id)
    _coordinator(request, objective.network)
    indicator = indicators.get(objective.indicator_key) if objective.indicator_key else None
    form = forms.GuardedForm(request.POST) if indicator else forms.MeasurementForm(request.POST)
    url = reverse("governance:objective_detail", kwargs={"public_id": objective.public_id})

    def write() -> str:
        if indicator:
            services.measurement_take(request.actor, objective)
        else:
            services.measurement_enter(request.actor, objective, **form.values)
        return url

    return _form_page(
        request,
        form,
        write,
        success=_("The measurement is recorded."),
        context={"network": objective.network, "title": objective.title, "back_url": url},
    )


@no_person_data
@require_GET
def activity_report(request: HttpRequest, public_id, year: int) -> HttpResponse:
    """The annual activity report, assembled from the objectives and the network's life: aggregates only."""
    network = _network(public_id)
    _member_or_coordinator(request, network)
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    pdf = activity_report_pdf(network, year)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="activity-report-{year}.pdf"'
    return response


# Learning loops -------------------------------------------------------------------------------------------------


@no_person_data
@require_GET
def review_list(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    member = _member_or_coordinator(request, network)
    return render(
        request,
        "governance/review_list.html",
        {"network": network, "reviews": selectors.reviews_for(network, member), "member": member},
    )


def _review_write(request: HttpRequest, network: Network, review: ExperienceReview | None) -> HttpResponse:
    initial = {f: getattr(review, f) for f in ("kind", "title", "what_happened", "what_we_learnt")} if review else {}
    form = forms.ReviewForm(_data(request), initial=initial, version=review.version if review else None)

    def write() -> str:
        saved = services.review_save(
            request.actor, network, review=review, read_version=form.read_version, **form.values
        )
        return reverse("governance:review_detail", kwargs={"public_id": saved.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The review is saved. Check it below before sharing it."),
        template="governance/review_form.html",
        context={"network": network, "title": _("An experience review"), "review": review},
    )


@no_person_data
@GET_POST
def review_create(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    if permissions.acting_member(request.actor, network) is None:
        raise PermissionDenied
    return _review_write(request, network, None)


def _review(request: HttpRequest, public_id) -> tuple[ExperienceReview, NetworkMember | None]:
    review = get_object_or_404(
        ExperienceReview.objects.select_related("network", "member__organisation"), public_id=public_id
    )
    member = _member_or_coordinator(request, review.network)
    if review.status != ReviewStatus.SHARED and (member is None or review.member_id != member.pk):
        raise Http404
    return review, member


@no_person_data
@GET_POST
def review_edit(request: HttpRequest, public_id) -> HttpResponse:
    review, member = _review(request, public_id)
    if member is None or review.member_id != member.pk:
        raise PermissionDenied
    return _review_write(request, review.network, review)


@no_person_data
@require_GET
def review_detail(request: HttpRequest, public_id) -> HttpResponse:
    review, member = _review(request, public_id)
    own = member is not None and review.member_id == member.pk
    return render(
        request,
        "governance/review_detail.html",
        {
            "network": review.network,
            "review": review,
            "own": own,
            "flag_lines": privacy_check.describe(review.flags),
            "share_form": forms.ShareForm() if own and review.status == ReviewStatus.DRAFT else None,
            "comments": review.comments.select_related("member__organisation", "author"),
            "comment_form": forms.CommentForm() if member is not None else None,
            "sheet_url": reverse("governance:sheet_create", kwargs={"public_id": review.network.public_id})
            + f"?from={review.public_id}"
            if member is not None and review.status == ReviewStatus.SHARED
            else "",
        },
    )


@no_person_data
@require_http_methods(["POST"])
def review_share(request: HttpRequest, public_id) -> HttpResponse:
    review, _member = _review(request, public_id)
    form = forms.ShareForm(request.POST)
    url = reverse("governance:review_detail", kwargs={"public_id": review.public_id})

    def write() -> str:
        services.review_share(request.actor, review, flags_checked=form.values["flags_checked"])
        return url

    return _form_page(
        request,
        form,
        write,
        success=_("The review is shared with the network."),
        context={"network": review.network, "title": review.title, "back_url": url},
    )


@no_person_data
@require_http_methods(["POST"])
def review_comment(request: HttpRequest, public_id) -> HttpResponse:
    review, _member = _review(request, public_id)
    form = forms.CommentForm(request.POST)
    url = reverse("governance:review_detail", kwargs={"public_id": review.public_id})

    def write() -> str:
        services.review_comment(request.actor, review, text=form.values["text"])
        return url

    return _form_page(
        request,
        form,
        write,
        success=_("Your comment is recorded."),
        context={"network": review.network, "title": review.title, "back_url": url},
    )


@no_person_data
@require_GET
def sheet_list(request: HttpRequest, public_id) -> HttpResponse:
    """The shared practice library: search words and a life domain, in the URL (no person data in it)."""
    network = _network(public_id)
    member = _member_or_coordinator(request, network)
    query = request.GET.get("q", "")[:200].strip()
    domain = request.GET.get("domain", "")[:40]
    return render(
        request,
        "governance/sheet_list.html",
        {
            "network": network,
            "sheets": selectors.practice_sheets(network, query=query, domain=domain),
            "query": query,
            "domain": domain,
            "domains": life_domains(),
            "member": member,
        },
    )


def _sheet_write(request: HttpRequest, network: Network, sheet: PracticeSheet | None) -> HttpResponse:
    from_review = None
    if sheet is None and (review_id := request.GET.get("from") or request.POST.get("from_review")):
        from_review = ExperienceReview.objects.filter(
            network=network, public_id=review_id if _is_uuid(review_id) else None, status=ReviewStatus.SHARED
        ).first()
    latest = sheet.versions.first() if sheet else None
    initial = (
        {"title": sheet.title, "text": latest.text, "domains": list(sheet.domains.all())}
        if sheet
        else ({"title": from_review.title, "text": from_review.what_we_learnt} if from_review else {})
    )
    form = forms.SheetForm(_data(request), initial=initial)

    def write() -> str:
        saved = services.practice_sheet_save(
            request.actor, network, sheet=sheet, from_review=from_review, **form.values
        )
        return reverse("governance:sheet_detail", kwargs={"public_id": saved.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The practice sheet is saved."),
        context={"network": network, "title": _("A practice sheet"), "from_review": from_review},
    )


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@no_person_data
@GET_POST
def sheet_create(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    if permissions.acting_member(request.actor, network) is None:
        raise PermissionDenied
    return _sheet_write(request, network, None)


@no_person_data
@GET_POST
def sheet_edit(request: HttpRequest, public_id) -> HttpResponse:
    sheet = get_object_or_404(PracticeSheet.objects.select_related("network"), public_id=public_id)
    if permissions.acting_member(request.actor, sheet.network) is None:
        raise PermissionDenied
    return _sheet_write(request, sheet.network, sheet)


@no_person_data
@require_GET
def sheet_detail(request: HttpRequest, public_id) -> HttpResponse:
    sheet = get_object_or_404(
        PracticeSheet.objects.select_related("network", "member__organisation", "from_review"), public_id=public_id
    )
    member = _member_or_coordinator(request, sheet.network)
    versions = list(sheet.versions.all())
    return render(
        request,
        "governance/sheet_detail.html",
        {
            "network": sheet.network,
            "sheet": sheet,
            "current": versions[0] if versions else None,
            "versions": versions,
            "member": member,
        },
    )


# Knowing each other ------------------------------------------------------------------------------------------


@no_person_data
@require_GET
def event_list(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    member = _member_or_coordinator(request, network)
    now = timezone.now()
    events = list(selectors.upcoming_events(network, now))
    mine = set()
    if request.actor.is_authenticated:
        mine = {e.pk for e in events if any(r.user_id == request.actor.user.pk for r in e.registrations.all())}
    return render(
        request,
        "governance/event_list.html",
        {
            "network": network,
            "events": events,
            "mine": mine,
            "member": member,
            "register_form": forms.RegisterForm() if member is not None else None,
        },
    )


@no_person_data
@GET_POST
def event_create(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    if permissions.acting_member(request.actor, network) is None:
        raise PermissionDenied
    form = forms.EventForm(_data(request))

    def write() -> str:
        services.event_create(request.actor, network, **form.values)
        return reverse("governance:event_list", kwargs={"public_id": network.public_id})

    return _form_page(
        request,
        form,
        write,
        success=_("The event is published to the network."),
        context={"network": network, "title": _("Invite partners to meet you")},
    )


@no_person_data
@require_http_methods(["POST"])
def event_register(request: HttpRequest, public_id) -> HttpResponse:
    event = get_object_or_404(PartnerEvent.objects.select_related("network"), public_id=public_id)
    form = forms.RegisterForm(request.POST)
    url = reverse("governance:event_list", kwargs={"public_id": event.network.public_id})
    leaving = request.POST.get("leave") == "yes"

    def write() -> str:
        if leaving:
            services.event_unregister(request.actor, event)
        else:
            services.event_register(request.actor, event)
        return url

    return _form_page(
        request,
        form,
        write,
        success=_("Your registration is cancelled.") if leaving else _("You are registered."),
        context={"network": event.network, "title": event.title, "back_url": url},
    )


@no_person_data
@require_GET
def knowledge_map(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _member_or_coordinator(request, network)
    rows = selectors.knowledge_map(network, timezone.now())
    return render(
        request,
        "governance/knowledge_map.html",
        {"network": network, "rows": rows, "never_met": [row for row in rows if not row.met]},
    )


@no_person_data
@require_GET
def contributions_page(request: HttpRequest, public_id) -> HttpResponse:
    network = _network(public_id)
    _member_or_coordinator(request, network)
    return render(
        request,
        "governance/contributions.html",
        {"network": network, "recognitions": contributions.recognitions(network, selectors.current_members(network))},
    )
