"""The referent's list of the persons who may need attention (over-solicited or abandoned, `attention`).

Person data: the list starts from the persons the door lets the actor know (`persons_visible_to`), keeps those
whose referent is the actor's organisation, and audits every person shown in one `audit_list` batch. Names show
only where the identity is shared, the reasons only where the coordination is; the page is `no-store` (through
`@person_data`), and nothing about a person goes into its address.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from maillage.access.door import audit_list, person_data
from maillage.access.enums import Action, Category
from maillage.analytics import attention
from maillage.people import purposes

PAGE = 25


@person_data(categories=[Category.IDENTITY, Category.COORDINATION], action=Action.LIST)
@require_GET
def attention_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not getattr(actor, "is_authenticated", False) or not actor.memberships:
        raise Http404
    limits = attention.limits_for_actor(actor)
    ids = list(attention.referent_persons(actor).values_list("pk", flat=True))
    found = attention.persons_needing_attention(ids, limits)
    found.sort(key=lambda s: (not s.abandoned, -(s.quiet_days or 0), s.person_id))
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    signals = {s.person_id: s for s in page.object_list}
    persons = list(attention.referent_persons(actor).filter(pk__in=list(signals)).select_related("commune"))
    categories = audit_list(actor, persons, action=Action.LIST, purpose=purposes.ATTENTION_LIST)
    by_id = {p.pk: p for p in persons}
    rows = []
    hidden = 0
    for person_id in signals:
        person = by_id.get(person_id)
        allowed = categories.get(person_id, frozenset())
        if person is None or Category.IDENTITY not in allowed or Category.COORDINATION not in allowed:
            hidden += 1
            continue
        rows.append({"person": person, "signals": signals[person_id]})
    context = {"page": page, "rows": rows, "hidden": hidden, "limits": limits, "window": attention.WINDOW_DAYS}
    return render(request, "analytics/attention_list.html", context)
