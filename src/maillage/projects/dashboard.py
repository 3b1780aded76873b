"""The dashboard's card about personalised projects (registered in ProjectsConfig.ready).

A professional sees the project reviews planned this week, and those overdue, for the persons they follow:
persons come from the door (`persons_visible_to`), the listing is audited in one `audit_list` batch as PROJECT
data, and a review is shown only where the door shares the project; the name only where it shares the identity.
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.door import audit_list, persons_visible_to
from maillage.access.enums import Action, Category
from maillage.accounts.actors import Actor
from maillage.core.dashboard import Card, Row
from maillage.people import purposes
from maillage.projects import selectors

ROWS = 5
MASKED = _("Person (identity not shared with you)")


def professional_cards(actor: Actor) -> Iterable[Card]:
    if not actor.is_professional:
        return []
    today = timezone.localdate()
    end_of_week = today + dt.timedelta(days=6 - today.weekday())
    due = list(selectors.reviews_due(persons_visible_to(actor), start=today, end=end_of_week)[: ROWS * 4])
    persons = {review.project.person_id: None for review in due}
    if persons:
        found = {p.pk: p for p in persons_visible_to(actor).filter(pk__in=list(persons))}
        categories = audit_list(
            actor, found.values(), action=Action.LIST, category=Category.PROJECT, purpose=purposes.DASHBOARD
        )
    else:
        found, categories = {}, {}
    rows = []
    for review in due:
        person = found.get(review.person_id)
        if person is None or Category.PROJECT not in categories.get(person.pk, ()):
            continue
        name = (
            f"{person.last_name.upper()} {person.first_name}".strip()
            if Category.IDENTITY in categories[person.pk]
            else str(MASKED)
        )
        overdue = review.planned_on < today
        rows.append(
            Row(
                name,
                reverse("projects:project_detail", kwargs={"public_id": person.public_id}) + "#reviews",
                when=review.planned_on,
                when_label=_("planned on"),
                detail=_("Overdue: record the review or plan a new date.") if overdue else "",
            )
        )
    return [
        Card(
            key="project-reviews",
            title=_("Project reviews this week"),
            order=25,
            count=len(rows),
            urgent=any(r.when and r.when < today for r in rows),
            rows=rows[:ROWS],
            empty=_(
                "No project review is planned this week for the persons you follow. Plan reviews from a "
                "person's project page."
            ),
        )
    ]
