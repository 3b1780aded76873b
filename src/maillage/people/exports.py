"""Data protection duties: what is held about a person (GDPR art. 15 and 20), and the register's counts (art. 30).

`person_export` gathers every row about the person, history included (superseded consents, ended
involvements, changes of referent, emergency accesses, and the audit of who saw the file), in a
plain JSON-ready structure; `sections` lays it out for the readable page. The caller has let the
actor through the door and records the EXPORT with `audit_export`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.access import audit
from maillage.access.enums import Action, Category, Outcome
from maillage.access.models import AccessEvent, BreakGlassGrant
from maillage.consent.models import Consent, Objection
from maillage.people import purposes
from maillage.people.models import (
    ContactPreference,
    InformationRecord,
    Involvement,
    InvolvementEndProposal,
    Need,
    Person,
    ReferentChange,
    Relation,
    SpaceMessage,
)

FORMAT_VERSION = 1


def retention_days() -> int:
    """Days without activity after which a file is anonymised (`PERSON_RETENTION_DAYS`, 3 years by default)."""
    return int(getattr(settings, "PERSON_RETENTION_DAYS", 3 * 365))


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _organisation_names(ids: set[int]) -> dict[int, str]:
    from maillage.accounts.models import Organisation

    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def person_export(person: Person) -> dict[str, Any]:
    """Everything Maillage holds about `person`, in the person's data model, ready for `json.dumps`."""
    involvements = list(
        Involvement.objects.filter(person=person)
        .select_related("organisation", "professional")
        .prefetch_related("life_domains")
        .order_by("started_on", "pk")
    )
    consents = list(Consent.objects.filter(person=person).select_related("recipient_organisation").order_by("pk"))
    objections = list(Objection.objects.filter(person=person).select_related("organisation").order_by("pk"))
    events = list(AccessEvent.objects.filter(person_id=person.pk).order_by("seq"))
    organisation_ids = {e.organisation_id for e in events if e.organisation_id}
    names = _organisation_names(organisation_ids)
    return {
        "format": "maillage-person-export",
        "version": FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "person": {
            "id": str(person.public_id),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": _iso(person.birth_date),
            "phone": person.phone,
            "email": person.email,
            "preferred_language": person.preferred_language,
            "commune": person.commune.name if person.commune_id else None,
            "file_opened_at": _iso(person.created_at),
            "file_opened_by_organisation": person.opened_by_organisation.name
            if person.opened_by_organisation_id
            else None,
            "last_activity_at": _iso(person.last_activity_at),
        },
        "information_records": [
            {
                "informed_at": _iso(r.informed_at),
                "method": r.get_method_display(),
                "organisation": r.organisation.name if r.organisation_id else None,
                "note": r.note,
            }
            for r in InformationRecord.objects.filter(person=person).select_related("organisation")
        ],
        "contact_preferences": [
            {"channel": c.get_channel_display(), "detail": c.detail, "rank": c.rank}
            for c in ContactPreference.objects.filter(person=person)
        ],
        "messages_to_referent": [
            {"sent_at": _iso(m.sent_at), "organisation": m.organisation.name, "message": m.body}
            for m in SpaceMessage.objects.filter(person=person)
            .select_related("organisation")
            .order_by("sent_at", "pk")
        ],
        "needs": [
            {
                "id": str(n.public_id),
                "life_domain": n.term.name,
                "in_own_words": n.own_words,
                "status": n.get_status_display(),
                "how_heavy": n.weight,
                "opened_on": _iso(n.opened_on),
                "closed_on": _iso(n.closed_on),
            }
            for n in Need.objects.filter(person=person).select_related("term").order_by("opened_on", "pk")
        ],
        "primary_network": [
            {
                "id": str(r.public_id),
                "name": r.name,
                "kind": r.get_kind_display(),
                "detail": r.kind_detail,
                "supports_or_stresses": r.get_quality_display(),
                "strength": r.get_strength_display(),
                "direction_of_support": r.get_support_direction_display(),
                "takes_part": r.takes_part,
                "phone": r.phone,
                "email": r.email,
                "ended_on": _iso(r.ended_on),
            }
            for r in Relation.objects.filter(person=person).order_by("name", "pk")
        ],
        "secondary_network": [
            {
                "id": str(i.public_id),
                "organisation": i.organisation.name,
                "professional": i.professional.get_full_name() if i.professional_id else None,
                "role": i.get_role_display(),
                "life_domains": [t.name for t in i.life_domains.all()],
                "started_on": _iso(i.started_on),
                "ended_on": _iso(i.ended_on),
                "reason_for_ending": i.get_end_reason_display() if i.end_reason else None,
                "status": i.get_status_display(),
                "how_you_agreed": i.get_agreement_display() if i.agreement else None,
            }
            for i in involvements
        ],
        "end_proposals": [
            {
                "organisation": p.involvement.organisation.name,
                "proposed_by": p.proposed_by_organisation.name if p.proposed_by_organisation_id else None,
                "proposed_at": _iso(p.proposed_at),
                "reason": p.get_reason_display(),
                "detail": p.detail,
                "status": p.get_status_display(),
                "answered_at": _iso(p.answered_at),
                "answer": p.answer_comment,
            }
            for p in InvolvementEndProposal.objects.filter(person=person)
            .select_related("involvement__organisation", "proposed_by_organisation")
            .order_by("proposed_at", "pk")
        ],
        "referent_changes": [
            {
                "changed_at": _iso(c.changed_at),
                "from": c.from_involvement.organisation.name if c.from_involvement_id else None,
                "to": c.to_involvement.organisation.name if c.to_involvement_id else None,
                "reason": c.reason,
                "chosen_with_person": c.chosen_with_person,
            }
            for c in ReferentChange.objects.filter(person=person).select_related(
                "from_involvement__organisation", "to_involvement__organisation"
            )
        ],
        "consents": [
            {
                "recipient": c.recipient_organisation.name if c.recipient_organisation_id else _("The care team"),
                "purpose": c.purpose,
                "categories": [str(Category(v).label) for v in c.categories if v in Category.values],
                "legal_basis": c.get_legal_basis_display(),
                "how_given": c.get_how_given_display(),
                "starts_at": _iso(c.starts_at),
                "expires_at": _iso(c.expires_at),
                "revoked_at": _iso(c.revoked_at),
                "recorded_at": _iso(c.created_at),
                "replaced_an_earlier_record": c.supersedes_id is not None,
            }
            for c in consents
        ],
        "objections": [
            {
                "category": o.get_category_display(),
                "organisation": o.organisation.name if o.organisation_id else _("Any organisation"),
                "note": o.note,
                "recorded_at": _iso(o.created_at),
                "withdrawn_at": _iso(o.withdrawn_at),
            }
            for o in objections
        ],
        "emergency_accesses": [
            {
                "organisation": g.organisation.name,
                "reason": g.reason,
                "started_at": _iso(g.started_at),
                "expires_at": _iso(g.expires_at),
            }
            for g in BreakGlassGrant.objects.filter(person=person).select_related("organisation")
        ],
        "accesses": [
            {
                "at": _iso(e.created_at),
                "organisation": names.get(e.organisation_id) if e.organisation_id else None,
                "action": e.get_action_display(),
                "category": e.get_category_display() if e.category else None,
                "purpose": purposes.purpose_words(e.purpose) if e.purpose else None,
                "outcome": e.get_outcome_display(),
                "emergency_access": e.break_glass,
            }
            for e in events
        ],
    }


SECTION_TITLES = {
    "person": gettext_lazy("Identity and contact"),
    "information_records": gettext_lazy("When you were informed"),
    "contact_preferences": gettext_lazy("How you want to be contacted"),
    "needs": gettext_lazy("Needs"),
    "messages_to_referent": gettext_lazy("Your messages to your referent"),
    "primary_network": gettext_lazy("Primary network: people close to you"),
    "secondary_network": gettext_lazy("Secondary network: organisations"),
    "end_proposals": gettext_lazy("Proposals to end an involvement"),
    "referent_changes": gettext_lazy("Changes of referent"),
    "consents": gettext_lazy("Consents and legal bases"),
    "objections": gettext_lazy("Objections"),
    "emergency_accesses": gettext_lazy("Emergency accesses"),
    "accesses": gettext_lazy("Who saw the file"),
}


COLUMN_TITLES = {
    "sent_at": gettext_lazy("Sent at"),
    "message": gettext_lazy("Message"),
    "id": gettext_lazy("Id"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "birth_date": gettext_lazy("Birth date"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "preferred_language": gettext_lazy("Preferred language"),
    "commune": gettext_lazy("Commune"),
    "file_opened_at": gettext_lazy("File opened on"),
    "file_opened_by_organisation": gettext_lazy("File opened by"),
    "last_activity_at": gettext_lazy("Last activity"),
    "informed_at": gettext_lazy("Informed on"),
    "method": gettext_lazy("How"),
    "organisation": gettext_lazy("Organisation"),
    "note": gettext_lazy("Note"),
    "channel": gettext_lazy("Channel"),
    "detail": gettext_lazy("Detail"),
    "rank": gettext_lazy("Order"),
    "life_domain": gettext_lazy("Life domain"),
    "in_own_words": gettext_lazy("In your own words"),
    "status": gettext_lazy("Status"),
    "how_heavy": gettext_lazy("How heavy (1 to 5)"),
    "opened_on": gettext_lazy("Opened on"),
    "closed_on": gettext_lazy("Closed on"),
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind of relation"),
    "supports_or_stresses": gettext_lazy("Supports or stresses"),
    "strength": gettext_lazy("Strength"),
    "direction_of_support": gettext_lazy("Direction of support"),
    "takes_part": gettext_lazy("Takes part"),
    "ended_on": gettext_lazy("Ended on"),
    "professional": gettext_lazy("Professional"),
    "role": gettext_lazy("Role"),
    "life_domains": gettext_lazy("Life domains"),
    "started_on": gettext_lazy("Started on"),
    "reason_for_ending": gettext_lazy("Reason for ending"),
    "how_you_agreed": gettext_lazy("How you agreed"),
    "proposed_by": gettext_lazy("Proposed by"),
    "proposed_at": gettext_lazy("Proposed on"),
    "answered_at": gettext_lazy("Answered on"),
    "answer": gettext_lazy("Answer"),
    "changed_at": gettext_lazy("Changed on"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "reason": gettext_lazy("Reason"),
    "chosen_with_person": gettext_lazy("Chosen with the person"),
    "recipient": gettext_lazy("Recipient"),
    "purpose": gettext_lazy("Purpose"),
    "categories": gettext_lazy("Categories"),
    "legal_basis": gettext_lazy("Legal basis"),
    "how_given": gettext_lazy("How it was given"),
    "starts_at": gettext_lazy("Start"),
    "expires_at": gettext_lazy("Expiry"),
    "revoked_at": gettext_lazy("Revoked on"),
    "recorded_at": gettext_lazy("Recorded on"),
    "replaced_an_earlier_record": gettext_lazy("Replaces an earlier record"),
    "category": gettext_lazy("Category"),
    "withdrawn_at": gettext_lazy("Withdrawn on"),
    "started_at": gettext_lazy("Started on"),
    "at": gettext_lazy("When"),
    "action": gettext_lazy("Action"),
    "outcome": gettext_lazy("Outcome"),
    "emergency_access": gettext_lazy("Emergency access"),
}


def sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The export as titled tables: one row per record, one column per field."""
    result = []
    for key, title in SECTION_TITLES.items():
        value = data[key]
        rows = [value] if isinstance(value, dict) else value
        columns = list(rows[0].keys()) if rows else []
        result.append(
            {
                "key": key,
                "title": str(title),
                "columns": [str(COLUMN_TITLES.get(column, column.replace("_", " "))) for column in columns],
                "rows": [[_cell(row[column]) for column in columns] for row in rows],
            }
        )
    return result


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def audit_export(actor: Any, person: Person) -> None:
    audit.record(
        actor=actor,
        action=Action.EXPORT,
        outcome=Outcome.ALLOWED,
        person=person,
        category=Category.IDENTITY,
        purpose=purposes.EXPORT,
    )


def register_counts() -> dict[str, int]:
    """Live counts for the record of processing activities: numbers only, no personal data."""
    persons = Person.objects.aggregate(
        total=Count("pk"),
        anonymised=Count("pk", filter=~_null("anonymised_at")),
        with_space=Count("pk", filter=~_null("user")),
    )
    return {
        "persons": persons["total"] - persons["anonymised"],
        "anonymised": persons["anonymised"],
        "with_space": persons["with_space"],
        "involvements": Involvement.objects.active().count(),
        "consents": Consent.objects.current().filter(revoked_at__isnull=True).count(),
        "objections": Objection.objects.active().count(),
        "break_glass": BreakGlassGrant.objects.count(),
        "access_events": AccessEvent.objects.count(),
    }


def _null(field: str) -> Q:
    return Q(**{f"{field}__isnull": True})
