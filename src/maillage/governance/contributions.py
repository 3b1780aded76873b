"""What each member brought to the network, shown as recognition and never as a ranking.

1. A contribution kind has a key, a label and a function `(network, member_ids) -> {member_id: count}`.
2. Members are listed in alphabetical order and only what they brought is named: no totals compared, no
   order by count, no "top contributor".
3. Other apps add their kinds with `register(...)` from their `AppConfig.ready`: the referrals app will add
   "referrals taken up" there once it exists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.core.text import collation_key

type Text = str | Promise


@dataclass(frozen=True)
class ContributionKind:
    key: str
    label: Text
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


register(ContributionKind("meetings_hosted", _("meetings and visits hosted"), _meetings_hosted))
register(ContributionKind("practice_sheets", _("practice sheets contributed"), _sheets))
register(ContributionKind("reviews", _("experience reviews shared"), _reviews))
register(ContributionKind("mandates", _("seats held on the network's bodies"), _mandates))


@dataclass(frozen=True)
class Recognition:
    member: Any
    items: list[tuple[Text, int]]  # (what, how many), only what the member did bring


def recognitions(network: Any, members: Iterable[Any]) -> list[Recognition]:
    members = sorted(members, key=lambda m: collation_key(m.organisation.name))
    ids = [m.pk for m in members]
    counted = [(kind, kind.count(network, ids)) for kind in kinds()]
    return [
        Recognition(member, [(kind.label, counts[member.pk]) for kind, counts in counted if counts.get(member.pk)])
        for member in members
    ]
