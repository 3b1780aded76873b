"""Login throttling: django-axes with three counters over the cool-off window (`AXES_COOLOFF_TIME`).

1. One account from one address: `AXES_FAILURE_LIMIT` failures lock the pair (someone mistyping).
2. One account from any address: `LOGIN_ACCOUNT_FAILURE_LIMIT` failures lock the account everywhere, so that
   guessing one password from many addresses is slowed too.
3. One address across accounts: `LOGIN_ADDRESS_FAILURE_LIMIT` failures lock the address, so that password
   spraying (a few common passwords tried on many accounts) is slowed.

axes compares one failure count with one limit: `LoginThrottleHandler` reports each counter in units of
`AXES_FAILURE_LIMIT`, so whichever counter reaches its own limit first locks. A success clears only the failures
of its own account and address: a sprayer cannot wipe their address's count by logging into an account of
their own. When a failure locks an account (counter 1 or 2) that was not locked yet, its owner is told by
e-mail, from a background task that finds nobody to mail for an unknown address.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest

COUNTS_ATTRIBUTE = "maillage_login_failures"


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The address as typed, in the form accounts are looked up by: `Bob@X.org ` and `bob@x.org` are one account."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username.strip().lower() if isinstance(username, str) else None


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `LOGIN_TRUSTED_PROXIES` reverse proxies the address the
    outermost of them saw, taken from the right of X-Forwarded-For (what the client itself writes there is
    further left, and ignored). Without this, every user behind the proxy would share one address."""
    proxies = settings.LOGIN_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _limits() -> list[int]:
    """Each lockout parameter set's own limit, in the order of AXES_LOCKOUT_PARAMETERS."""
    by_parameters = {
        ("username", "ip_address"): settings.AXES_FAILURE_LIMIT,
        ("username",): settings.LOGIN_ACCOUNT_FAILURE_LIMIT,
        ("ip_address",): settings.LOGIN_ADDRESS_FAILURE_LIMIT,
    }
    return [
        by_parameters[(parameters,) if isinstance(parameters, str) else tuple(parameters)]
        for parameters in settings.AXES_LOCKOUT_PARAMETERS
    ]


def _is_account_counter(parameters: str | list[str]) -> bool:
    return "username" in ([parameters] if isinstance(parameters, str) else parameters)


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        setattr(request, COUNTS_ATTRIBUTE, counts)
        unit = settings.AXES_FAILURE_LIMIT
        # count * unit // limit reaches `unit` exactly when count reaches limit.
        return max(count * unit // limit for count, limit in zip(counts, _limits(), strict=True))

    def user_login_failed(self, sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
        if request is not None and hasattr(request, COUNTS_ATTRIBUTE):
            delattr(request, COUNTS_ATTRIBUTE)  # counted before this failure: not the counts after it
        super().user_login_failed(sender, credentials, request, **kwargs)
        counts = getattr(request, COUNTS_ATTRIBUTE, None)
        if counts is None:
            return  # not recorded (whitelisted): nothing changed
        account_counters = [
            (count, limit)
            for parameters, count, limit in zip(settings.AXES_LOCKOUT_PARAMETERS, counts, _limits(), strict=True)
            if _is_account_counter(parameters)
        ]
        # This failure added one to each counter: it locked the account if one counter has just reached its limit
        # and none was over its limit before.
        just_locked = any(count == limit for count, limit in account_counters)
        already_locked = any(count > limit for count, limit in account_counters)
        username = get_client_username(request, credentials)
        if just_locked and not already_locked and username:
            transaction.on_commit(lambda: _enqueue_lockout_email(username))

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        count, _deleted = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def _enqueue_lockout_email(username: str) -> None:
    from maillage.accounts.tasks import send_lockout_email

    send_lockout_email.enqueue(username)
