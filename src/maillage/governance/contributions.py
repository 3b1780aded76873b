"""What each member brought to the network, shown as recognition and never as a ranking.

1. A contribution kind has a key, a label and a function `(network, member_ids) -> {member_id: count}`.
2. Members are listed in alphabetical order and only what they brought is named: no totals compared, no
   order by count, no "top contributor".
3. Other apps add their kinds with `register(...)` from their `AppConfig.ready`. The referrals are counted here,
   registered from governance's own `ready` when the referrals app is installed (`register_referrals`): two
   aggregate counts per member organisation (referrals sent, referrals accepted), never a person, a need or a row.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count
from django.utils.translation import ngettext

from maillage.core.text import collation_key


@dataclass(frozen=True)
class ContributionKind:
    """`describe(n)` says it in words, in the page's language: "2 practice sheets contributed"."""

    key: str
    describe: Callable[[int], str]
    count: Callable[[Any, list[int]], dict[int, int]]


_kinds: dict[str, ContributionKind] = {}


def register(kind: ContributionKind) -> ContributionKind:
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[ContributionKind]:
    return list(_kinds.values())


def _counts(queryset: Any, field: str) -> dict[int, int]:
    return {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk")) if row[field]}


def _meetings_hosted(network: Any, member_ids: list[int]) -> dict[int, int]:
    from maillage.governance.models import BodyMeeting, PartnerEvent

    hosted = _counts(BodyMeeting.objects.filter(body__network=network, hosted_by_id__in=member_ids), "hosted_by_id")
    for member_id, n in _counts(
        PartnerEvent.objects.filter(network=network, host_id__in=member_ids), "host_id"
    ).items():
        hosted[member_id] = hosted.get(member_id, 0) + n
    return hosted


def _sheets(network: Any, member_ids: list[int]) -> dict[int, int]:
    from maillage.governance.models import PracticeSheet

    return _counts(PracticeSheet.objects.filter(network=network, member_id__in=member_ids), "member_id")


def _reviews(network: Any, member_ids: list[int]) -> dict[int, int]:
    from maillage.governance.enums import ReviewStatus
    from maillage.governance.models import ExperienceReview

    shared = ExperienceReview.objects.filter(network=network, member_id__in=member_ids, status=ReviewStatus.SHARED)
    return _counts(shared, "member_id")


def _mandates(network: Any, member_ids: list[int]) -> dict[int, int]:
    from maillage.governance.models import Mandate

    return _counts(Mandate.objects.filter(body__network=network, member_id__in=member_ids), "member_id")


def _hosted(n: int) -> str:
    return ngettext("%(count)s meeting or visit hosted", "%(count)s meetings and visits hosted", n) % {"count": n}


def _sheets_words(n: int) -> str:
    return ngettext("%(count)s practice sheet contributed", "%(count)s practice sheets contributed", n) % {"count": n}


def _reviews_words(n: int) -> str:
    return ngettext("%(count)s experience review shared", "%(count)s experience reviews shared", n) % {"count": n}


def _mandates_words(n: int) -> str:
    return ngettext(
        "%(count)s seat held on the network's bodies", "%(count)s seats held on the network's bodies", n
    ) % {"count": n}


def _organisations(member_ids: list[int]) -> dict[int, int]:
    """{organisation id: member id} for the members counted."""
    from maillage.governance.models import NetworkMember

    rows = NetworkMember.objects.filter(pk__in=member_ids).values_list("organisation_id", "pk")
    return dict(rows)


def _by_member(member_ids: list[int], field: str, rows: Any) -> dict[int, int]:
    """Count the referrals `rows` per member, by the organisation in `field`: one aggregate query, no person."""
    members = _organisations(member_ids)
    counted = _counts(rows.filter(**{f"{field}__in": list(members)}).order_by(), field)
    return {members[organisation]: n for organisation, n in counted.items()}


def _referrals_sent(network: Any, member_ids: list[int]) -> dict[int, int]:
    # Aggregates only: the rows never leave this function, only a count per organisation.
    from maillage.referrals.models import Referral  # noqa: TID251

    return _by_member(member_ids, "sender_organisation_id", Referral.objects.filter(sent_at__isnull=False))


def _referrals_accepted(network: Any, member_ids: list[int]) -> dict[int, int]:
    from maillage.referrals.enums import ReferralStatus
    from maillage.referrals.models import Referral  # noqa: TID251

    taken = (ReferralStatus.ACCEPTED, ReferralStatus.FIRST_CONTACT_DONE, ReferralStatus.COMPLETED)
    return _by_member(member_ids, "receiver_organisation_id", Referral.objects.filter(status__in=taken))


def _sent_words(n: int) -> str:
    return ngettext("%(count)s referral sent", "%(count)s referrals sent", n) % {"count": n}


def _accepted_words(n: int) -> str:
    return ngettext("%(count)s referral taken up", "%(count)s referrals taken up", n) % {"count": n}


def register_referrals() -> None:
    """Count the referrals each member sent and took up, when the referrals app is installed."""
    if apps.is_installed("maillage.referrals"):
        register(ContributionKind("referrals_sent", _sent_words, _referrals_sent))
        register(ContributionKind("referrals_accepted", _accepted_words, _referrals_accepted))


register(ContributionKind("meetings_hosted", _hosted, _meetings_hosted))
register(ContributionKind("practice_sheets", _sheets_words, _sheets))
register(ContributionKind("reviews", _reviews_words, _reviews))
register(ContributionKind("mandates", _mandates_words, _mandates))


@dataclass(frozen=True)
class Recognition:
    member: Any
    items: list[str]  # what the member brought, in words ("2 practice sheets contributed"); only what it did bring


def recognitions(network: Any, members: Iterable[Any]) -> list[Recognition]:
    members = sorted(members, key=lambda m: collation_key(m.organisation.name))
    ids = [m.pk for m in members]
    counted = [(kind, kind.count(network, ids)) for kind in kinds()]
    return [
        Recognition(member, [kind.describe(counts[member.pk]) for kind, counts in counted if counts.get(member.pk)])
        for member in members
    ]
