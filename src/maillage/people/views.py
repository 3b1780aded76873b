"""The professional's person pages: list, open a file, the file itself, its forms, the ecomap, exports.

The secondary network follows the door's rule 8: a page offers only the changes the viewer may make
(`PersonPage.network_rows`), and the services refuse the others with a message shown on the page.

Every view resolves the person through the door (`person_for`, or `persons_visible_to` + `audit_list`),
answers 404 for an unknown or forbidden person (never 403), and is declared with `@person_data` or
`@no_person_data`. Writes are POST only; a form with errors is shown again with what was typed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from maillage.access import existence
from maillage.access.door import (
    audit_list,
    no_person_data,
    open_file,
    person_data,
    person_for,
    persons_visible_to,
)
from maillage.access.enums import Action, Category, Reason
from maillage.accounts.models import Organisation
from maillage.core.forms import save_once
from maillage.directory.selectors import life_domains
from maillage.people import ecomap, exports, joins, purposes, selectors, services
from maillage.people.enums import InvolvementRole
from maillage.people.forms import (
    EndAnswerForm,
    EndProposalForm,
    InvolvementEndForm,
    InvolvementForm,
    NeedForm,
    PersonCreateForm,
    PersonIdentityForm,
    PersonSearchForm,
    ReferentForm,
    RelationForm,
)
from maillage.people.presenters import person_page
from maillage.people.selectors import addable_organisations
from maillage.referrals import services as referral_services

if TYPE_CHECKING:
    from maillage.people.models import Person  # noqa: TID251 -- annotations only: the door hands out the instances

PAGE_SIZE = 25


# --- list and search ---------------------------------------------------------------------------------------


@person_data(categories=[Category.IDENTITY], action=Action.LIST)
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponse:
    """The persons my organisations follow now. Search is POSTed, so that no name ends up in a URL or a log."""
    actor = request.actor
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    query = form.cleaned_data["q"].strip() if form.is_bound and form.is_valid() else ""
    page_number = request.POST.get("page") if request.method == "POST" else request.GET.get("page")
    if query:
        found, action, purpose = selectors.person_search(actor, query), Action.SEARCH, purposes.PERSON_SEARCH
    else:
        found = persons_visible_to(actor).select_related("commune").by_name()
        action, purpose = Action.LIST, purposes.PERSON_LIST
    page = Paginator(found, PAGE_SIZE).get_page(page_number)
    persons = list(page.object_list)
    categories = audit_list(actor, persons, action=action, purpose=purpose)
    # A list never shows a row that cannot be opened (the file needs the identity). Filtered per page: deciding
    # the identity of a whole caseload on every list would cost a decision per person followed.
    shown = [p for p in persons if Category.IDENTITY in categories[p.pk]]
    hidden = len(persons) - len(shown)
    awaited = selectors.end_answers_awaited(actor, shown)
    rows = [{"person": p, "identity": True, "answer_awaited": p.pk in awaited} for p in shown]
    context = {"form": form, "page": page, "rows": rows, "query": query, "hidden": hidden}
    template = "people/person_list.html#results" if request.htmx else "people/person_list.html"
    return render(request, template, context)


# --- open a file ---------------------------------------------------------------------------------------------


@person_data(categories=[Category.IDENTITY], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not actor.is_professional:
        raise Http404
    form = PersonCreateForm(request.POST or None)
    duplicate = None
    if form.is_bound and form.is_valid() and not form.cleaned_data["open_anyway"]:
        data = form.cleaned_data
        duplicate = existence.duplicates(
            actor, first_name=data["first_name"], last_name=data["last_name"], birth_date=data["birth_date"]
        )
        if duplicate.found != existence.Found.NONE:
            form.ask_to_confirm()  # the form is now invalid: save_once shows it again, nothing is written

    def write() -> str:
        data = form.values
        person = services.person_create(
            actor,
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            phone=data["phone"],
            email=data["email"],
            preferred_language=data["preferred_language"],
            commune=data["commune"],
            role=InvolvementRole.REFERENT if data["is_referent"] else InvolvementRole.INTERVENING,
            informed_method=data["information_method"],
            information_note=data["information_note"],
            sharing_categories=data["shared_categories"],
            purpose=purposes.PERSON_CREATE,
        )
        return reverse("people:person_detail", kwargs={"public_id": person.public_id})

    if response := save_once(request, form, write, success=_("The file was opened.")):
        return response
    return render(
        request,
        "people/person_create.html",
        {"form": form, "organisation": actor.organisation, "duplicate": duplicate, "found": existence.Found},
        status=422 if form.errors else 200,
    )


# --- the file ------------------------------------------------------------------------------------------------


@person_data(categories=list(Category), action=Action.VIEW)
@require_GET
def person_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The person's file, one section per data category, masked by what the door allows now."""
    actor = request.actor
    person, categories = open_file(actor, public_id, purpose=purposes.PERSON_PAGE)
    page = person_page(actor, person, categories=categories)
    picture = page.ecomap()
    context = {
        "page": page,
        "person": person,
        "ecomap_svg": ecomap.render_svg(picture, id_prefix="ecomap"),
        "ecomap_rows": ecomap.table_rows(picture),
        "join_requests": joins.join_requests_waiting(person) if page.is_referent else [],
        # The door lets whoever reads a category through an involvement change it too; break-the-glass only reads.
        "can_edit_identity": Category.IDENTITY in categories and not page.grant,
        # "Orienter" a need to a partner (the referrals app decides again when the form is sent).
        "can_refer": referral_services.may_refer(actor, person, viewable=categories, emergency=bool(page.grant)),
        # Over-solicited or abandoned: to the referent only (maillage.analytics.attention).
        "attention": _attention(actor, person, page, categories),
        # Only the referent organisation the person wrote to reads their messages.
        "space_messages": (
            selectors.space_messages_to(person, [page.referent.organisation_id])
            if page.is_referent and Category.COORDINATION in categories
            else []
        ),
    }
    return render(request, "people/person_detail.html", context)


def _attention(actor: Any, person: Person, page: Any, categories: frozenset[Category]) -> Any:
    from django.apps import apps

    if not apps.is_installed("maillage.analytics"):
        return None
    from maillage.analytics import attention

    # The referent's organisation, or the user the referent involvement names (a coordinator or admin counts only
    # so: door rule 5).
    referent = page.referent
    is_referent = page.is_referent or (referent is not None and referent.pk in page.own_involvement_ids)
    return attention.for_person_page(actor, person, is_referent=is_referent, categories=categories)


@person_data(categories=[Category.IDENTITY], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Correct the person's identity, contact details and commune, from the version the form was read at."""
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.EDIT, category=Category.IDENTITY, purpose=purposes.PERSON_UPDATE
    )
    fields = ("first_name", "last_name", "birth_date", "phone", "email", "preferred_language", "commune")
    initial = {name: getattr(person, name) for name in fields}
    form = PersonIdentityForm(request.POST or None, initial=initial, version=person.version)

    def write() -> str:
        data = form.values
        data["commune"] = data["commune"] or None
        services.person_update(actor, person=person, version=form.read_version, purpose=purposes.PERSON_UPDATE, **data)
        return _file_section(person, "identity")

    if response := save_once(request, form, write, success=_("The identity and contact details were saved.")):
        return response
    return _form_page(request, person, form, title=_("Change the identity and contact details"))


@person_data(categories=[Category.IDENTITY, Category.SOCIAL, Category.COORDINATION], action=Action.EXPORT)
@require_GET
def person_ecomap(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The ecomap as an SVG file to download (what the page shows, no more)."""
    actor = request.actor
    person, categories = open_file(actor, public_id, purpose=purposes.ECOMAP_DOWNLOAD, action=Action.EXPORT)
    page = person_page(actor, person, categories=categories)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + ecomap.render_svg(page.ecomap())
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ecomap-{timezone.localdate():%Y-%m-%d}.svg"'
    return response


# --- needs ---------------------------------------------------------------------------------------------------


def _need_terms():
    return life_domains()


def _form_page(
    request: HttpRequest,
    person: Person,
    form: Any,
    *,
    title: str,
    intro: str = "",
    submit: str = "",
    danger: bool = False,
):
    context = {
        "person": person,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit or _("Save"),
        "danger": danger,
    }
    return render(request, "people/form_page.html", context, status=422 if form.errors else 200)


@person_data(categories=[Category.SOCIAL, Category.HEALTH], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _need_form(request, public_id, None)


@person_data(categories=[Category.SOCIAL, Category.HEALTH], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, public_id: UUID, need_id: UUID) -> HttpResponse:
    return _need_form(request, public_id, need_id)


def _need_form(request: HttpRequest, public_id: UUID, need_id: UUID | None) -> HttpResponse:
    actor = request.actor
    person = person_for(actor, public_id, action=Action.VIEW, category=Category.IDENTITY, purpose=purposes.NEED_WRITE)
    page = person_page(actor, person)
    need = None
    if need_id is not None:
        need = next((n for n in page.needs if n.public_id == need_id), None)
        if need is None:
            raise Http404
    elif not page.shows_needs:
        raise Http404
    initial = {}
    if need is not None:
        initial = {"term": need.term_id, "own_words": need.own_words, "status": need.status, "weight": need.weight}
    version = need.version if need is not None else None
    form = NeedForm(request.POST or None, initial=initial, terms=_need_terms(), version=version)

    def write() -> str:
        data = form.values
        try:
            if need is None:
                services.need_create(actor, person=person, purpose=purposes.NEED_WRITE, **data)
            else:
                if data["term"] != need.term:
                    raise ValidationError({"term": _("The life domain of a need cannot change: add a new need.")})
                services.need_update(
                    actor,
                    need=need,
                    own_words=data["own_words"],
                    weight=data["weight"],
                    status=data["status"],
                    version=form.read_version,
                    purpose=purposes.NEED_WRITE,
                )
        except Http404 as denied:
            raise ValidationError(
                {"term": _("You may not record needs of this life domain for this person.")}
            ) from denied
        return _file_section(person, "needs")

    if response := save_once(request, form, write, success=_("The need was saved.")):
        return response
    title = _("Change a need") if need else _("Add a need")
    return _form_page(request, person, form, title=title, intro=_("Write the need as the person says it."))


def _file_section(person: Person, section: str) -> str:
    return reverse("people:person_detail", kwargs={"public_id": person.public_id}) + f"#{section}"


# --- primary network -----------------------------------------------------------------------------------------


@person_data(categories=[Category.SOCIAL], action=Action.CREATE)
@require_http_methods(["GET", "POST"])
def relation_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _relation_form(request, public_id, None)


@person_data(categories=[Category.SOCIAL], action=Action.EDIT)
@require_http_methods(["GET", "POST"])
def relation_edit(request: HttpRequest, public_id: UUID, relation_id: UUID) -> HttpResponse:
    return _relation_form(request, public_id, relation_id)


def _relation_form(request: HttpRequest, public_id: UUID, relation_id: UUID | None) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.VIEW, category=Category.SOCIAL, purpose=purposes.RELATION_WRITE
    )
    relation = None
    if relation_id is not None:
        relation = selectors.relation_of(person, relation_id)
        if relation is None:
            raise Http404
    initial = {}
    if relation is not None:
        initial = {name: getattr(relation, name) for name in services.RELATION_FIELDS}
    form = RelationForm(request.POST or None, initial=initial, version=relation.version if relation else None)

    def write() -> str:
        fields = {name: form.cleaned_data[name] for name in services.RELATION_FIELDS}
        if relation is None:
            services.relation_create(actor, person=person, purpose=purposes.RELATION_WRITE, **fields)
        else:
            services.relation_update(
                actor, relation=relation, version=form.read_version, purpose=purposes.RELATION_WRITE, **fields
            )
        return _file_section(person, "primary")

    if response := save_once(request, form, write, success=_("The relation was saved.")):
        return response
    title = _("Change a relation") if relation else _("Add someone close to the person")
    intro = _("Family, friends, neighbours, peer helpers: a first name is enough.")
    return _form_page(request, person, form, title=title, intro=intro)


# --- secondary network ---------------------------------------------------------------------------------------


def _secondary(person: Person) -> str:
    return reverse("people:person_detail", kwargs={"public_id": person.public_id}) + "#secondary"


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def involvement_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.COORDINATION, purpose=purposes.INVOLVEMENT_WRITE
    )
    form = InvolvementForm(
        request.POST or None,
        initial={"started_on": timezone.localdate()},
        organisations=addable_organisations(person),
        terms=_need_terms(),
    )

    def write() -> str:
        services.involvement_start(actor, person=person, purpose=purposes.INVOLVEMENT_WRITE, **form.values)
        return _secondary(person)

    success = _("The organisation now takes part in the person's network. The person and their referent are told.")
    if response := save_once(request, form, write, success=success):
        return response
    intro = _("Record it with the person's agreement: the organisation will see the file as the consents allow.")
    return _form_page(request, person, form, title=_("Add an organisation to the network"), intro=intro)


def _network_row(request: HttpRequest, public_id: UUID, involvement_id: UUID, purpose: str):
    """The person (through the door) and the row of this active involvement on their page; 404 otherwise."""
    actor = request.actor
    person = person_for(actor, public_id, action=Action.SHARE, category=Category.COORDINATION, purpose=purpose)
    page = person_page(actor, person)
    row = next((r for r in page.network_rows if r.involvement.public_id == involvement_id), None)
    if row is None:
        raise Http404
    return person, row


def _refused(request: HttpRequest, person: Person, row: Any, message: str) -> HttpResponse:
    """A network change this actor may not make: say why, and offer the way that exists (door rule 8)."""
    context = {"person": person, "row": row, "message": message}
    return render(request, "people/network_refused.html", context, status=403)


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def involvement_end(request: HttpRequest, public_id: UUID, involvement_id: UUID) -> HttpResponse:
    """End one's own organisation's involvement (door rule 8a); another's is proposed by the referent."""
    actor = request.actor
    person, row = _network_row(request, public_id, involvement_id, purposes.INVOLVEMENT_WRITE)
    involvement = row.involvement
    if not row.can_end:
        return _refused(request, person, row, str(services.REFUSALS[Reason.OTHER_ORGANISATION]))
    form = InvolvementEndForm(
        request.POST or None, initial={"ended_on": timezone.localdate()}, version=involvement.version
    )

    def write() -> str:
        data = form.values
        services.involvement_end(
            actor,
            involvement=involvement,
            reason=data["end_reason"],
            detail=data["end_detail"],
            ended_on=data["ended_on"],
            version=form.read_version,
            purpose=purposes.INVOLVEMENT_WRITE,
        )
        return _secondary(person)

    if response := save_once(request, form, write, success=_("The involvement has ended; it stays in the history.")):
        return response
    title = _("End the involvement of %(organisation)s") % {"organisation": involvement.organisation.name}
    intro = _(
        "Your organisation will no longer see the person's file from the next page on. This cannot be undone: "
        "to work with the person again, an organisation must be added anew."
    )
    return _form_page(request, person, form, title=title, intro=intro, submit=_("End the involvement"), danger=True)


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def involvement_end_propose(request: HttpRequest, public_id: UUID, involvement_id: UUID) -> HttpResponse:
    """The referent proposes to end another organisation's involvement (door rule 8b)."""
    actor = request.actor
    person, row = _network_row(request, public_id, involvement_id, purposes.INVOLVEMENT_END_PROPOSAL)
    if not row.can_propose_end:
        message = (
            _("A proposal to end this involvement already awaits the organisation's answer.")
            if row.pending is not None
            else _("This is your own organisation's involvement: end it directly.")
            if row.own
            else str(services.REFUSALS[Reason.NOT_REFERENT])
        )
        return _refused(request, person, row, message)
    form = EndProposalForm(request.POST or None)

    def write() -> str:
        services.involvement_end_propose(
            actor, involvement=row.involvement, purpose=purposes.INVOLVEMENT_END_PROPOSAL, **form.values
        )
        return _secondary(person)

    success = _("Your proposal was sent. The organisation is told and will answer.")
    if response := save_once(request, form, write, success=success):
        return response
    organisation = row.involvement.organisation.name
    title = _("Propose to end the involvement of %(organisation)s") % {"organisation": organisation}
    intro = _(
        "As the referent, you propose; %(organisation)s decides. Nothing ends until it agrees. If it disagrees, "
        "its involvement stays open and its comment stays visible to you and to the person."
    ) % {"organisation": organisation}
    return _form_page(request, person, form, title=title, intro=intro, submit=_("Send the proposal"))


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def involvement_end_answer(request: HttpRequest, public_id: UUID, involvement_id: UUID) -> HttpResponse:
    """The affected organisation answers the referent's proposal: agree (it ends) or object (door rule 8b)."""
    actor = request.actor
    person, row = _network_row(request, public_id, involvement_id, purposes.INVOLVEMENT_END_PROPOSAL)
    if not row.can_answer or row.pending is None:
        message = (
            _("No proposal to end this involvement awaits an answer.")
            if row.pending is None
            else str(services.REFUSALS[Reason.OTHER_ORGANISATION])
        )
        return _refused(request, person, row, message)
    form = EndAnswerForm(request.POST or None)

    def agreed() -> bool:
        return form.cleaned_data["answer"] == EndAnswerForm.AGREE

    def write() -> str:
        services.involvement_end_answer(
            actor,
            proposal=row.pending,
            agree=agreed(),
            comment=form.cleaned_data["comment"],
            purpose=purposes.INVOLVEMENT_END_PROPOSAL,
        )
        return reverse("people:person_list") if agreed() else _secondary(person)

    def success() -> str:
        if agreed():
            return _("Your organisation's involvement has ended. The referent is told.")
        return _("Your disagreement was recorded. The involvement stays open; the referent is told.")

    if response := save_once(request, form, write, success=success):
        return response
    title = _("Answer the proposal to end your organisation's involvement")
    return render(
        request,
        "people/end_answer.html",
        {"person": person, "form": form, "title": title, "proposal": row.pending},
        status=422 if form.errors else 200,
    )


@person_data(categories=[Category.COORDINATION], action=Action.SHARE)
@require_http_methods(["GET", "POST"])
def referent_change(request: HttpRequest, public_id: UUID) -> HttpResponse:
    actor = request.actor
    person = person_for(
        actor, public_id, action=Action.SHARE, category=Category.COORDINATION, purpose=purposes.REFERENT_CHANGE
    )
    if not person_page(actor, person).can_change_referent:
        return _refused(request, person, None, str(services.REFERENT_REFUSAL))
    organisations = (
        Organisation.objects.filter(involvements__person=person, involvements__status="ACTIVE")
        .distinct()
        .order_by("name")
    )
    # The referent history is append-only: its latest row is the version this form is read at (ADR 5).
    latest = selectors.referent_change_latest(person)
    form = ReferentForm(request.POST or None, organisations=organisations, version=latest.pk if latest else 0)

    def write() -> str:
        data = form.values
        target = selectors.involvement_active(person, data["organisation"])
        if target is None:
            raise ValidationError({"organisation": _("Choose an organisation already involved with the person.")})
        services.referent_change(
            actor,
            person=person,
            to_involvement=target,
            reason=data["reason"],
            chosen_with_person=data["chosen_with_person"],
            seen_change=form.read_version,
            purpose=purposes.REFERENT_CHANGE,
        )
        return _secondary(person)

    if response := save_once(request, form, write, success=_("The referent was changed.")):
        return response
    intro = _("The referent is the one professional the person chose as main contact. Choose them with the person.")
    return _form_page(request, person, form, title=_("Change the referent"), intro=intro)


# --- data protection duties ----------------------------------------------------------------------------------


@person_data(categories=list(Category), action=Action.EXPORT)
@require_GET
def person_export(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Everything held about the person (GDPR art. 15 and 20), as a readable page or as JSON."""
    actor = request.actor
    person = person_for(actor, public_id, action=Action.EXPORT, category=Category.IDENTITY, purpose=purposes.EXPORT)
    page = person_page(actor, person)
    if not (page.is_referent or page.is_self):
        raise Http404
    data = exports.person_export(person)
    exports.audit_export(actor, person)
    if request.GET.get("format") == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="maillage-export-{timezone.localdate():%Y-%m-%d}.json"'
        )
        return response
    return render(
        request, "people/person_export.html", {"person": person, "data": data, "sections": exports.sections(data)}
    )


@no_person_data
@require_GET
def processing_register(request: HttpRequest) -> HttpResponse:
    """The record of processing activities (GDPR art. 30) for the data-protection officer: no personal data."""
    actor = request.actor
    if not (actor.is_platform_staff or actor.is_organisation_admin or actor.is_network_coordinator):
        raise Http404
    context = {"counts": exports.register_counts(), "retention_days": exports.retention_days()}
    return render(request, "people/processing_register.html", context)
