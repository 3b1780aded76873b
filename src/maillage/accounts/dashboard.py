"""The dashboard's cards for an organisation admin (registered in AccountsConfig.ready): members and the
invitations not accepted yet. No person data."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.accounts.actors import Actor
from maillage.accounts.models import Membership
from maillage.accounts.selectors import invitations_pending_for
from maillage.core.dashboard import Card, Row

ROWS = 5


def admin_cards(actor: Actor) -> Iterable[Card]:
    if not actor.is_organisation_admin or actor.organisation is None:
        return []
    organisation = actor.organisation
    members_url = reverse("accounts:members")
    active = Membership.objects.active().filter(organisation=organisation).count()
    invitations = list(invitations_pending_for(organisation).order_by("expires_at", "pk"))
    return [
        Card(
            key="members",
            title=_("Active members of your organisation"),
            order=10,
            count=active,
            more_url=members_url,
            more_label=_("Manage the members"),
        ),
        Card(
            key="invitations",
            title=_("Invitations not accepted yet"),
            order=20,
            count=len(invitations),
            rows=[
                Row(
                    invitation.email,
                    members_url,
                    when=invitation.expires_at,
                    when_label=_("expires on"),
                    detail=invitation.get_role_display(),
                )
                for invitation in invitations[:ROWS]
            ],
            more_url=reverse("accounts:invitation_create"),
            more_label=_("Invite a colleague"),
            empty=_("Every invitation was accepted. Invite a colleague so that they can work with you here."),
        ),
    ]
