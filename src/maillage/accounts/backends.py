"""Logging in with a username: only for a person's own space, when they have no e-mail address of their own."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from maillage.accounts.enums import UserKind
from maillage.accounts.models import User


class PersonUsernameBackend(ModelBackend):
    """Accepts the username a person chose at activation, where the login form asks for an e-mail address.

    Anything with an "@" is left to the e-mail login (`ModelBackend`); professionals never log in this way.
    Throttling is unchanged: django-axes counts failures per login as typed, a username as an address.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password or "@" in username:
            return None
        user = User.objects.filter(kind=UserKind.PERSON, username__iexact=username.strip()).first()
        if user is None:
            User().set_password(password)  # the same time whether the name exists or not
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
