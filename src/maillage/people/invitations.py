"""Invitation secrets for the person's own space: an e-mail link, or a short code printed on paper.

Both are stateless HMACs over the person's login, its current password hash and the day the
invitation was issued, so nothing secret is stored:
- single-use: choosing a password changes the hash, which voids the link and the code;
- a new invitation voids the previous ones (issuing resets the login to a fresh unusable password);
- they expire after `PERSON_INVITATION_DAYS` days (7 by default).
The code is short enough to type from a sheet of paper: 4 + 4 + 4 characters from an alphabet
without look-alike letters (no 0/O, 1/I/L).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from maillage.accounts.models import User

KEY_SALT = "maillage.people.space-invitation"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
EPOCH_DAY = 20_000  # days since 1970-01-01 (2024-10-04): keeps the encoded day short


def invitation_days() -> int:
    return int(getattr(settings, "PERSON_INVITATION_DAYS", 7))


def _today() -> int:
    return int(timezone.now().timestamp() // 86400)


def _digest(user: User, day: int) -> bytes:
    value = f"{user.pk}|{user.password}|{user.email}|{day}"
    return salted_hmac(KEY_SALT, value, algorithm="sha256").digest()


def _in_time(day: int) -> bool:
    return 0 <= _today() - day <= invitation_days()


# E-mail link: /people/space/activate/<token>/ with token = "<user pk b36>-<day b36>-<hmac hex>".


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def link_token(user: User) -> str:
    day = _today()
    return f"{_b36(user.pk)}-{_b36(day)}-{_digest(user, day).hex()[:40]}"


def user_for_link_token(token: str) -> User | None:
    try:
        user_part, day_part, mac = token.split("-")
        user_pk, day = int(user_part, 36), int(day_part, 36)
    except ValueError:
        return None
    user = User.objects.filter(pk=user_pk, kind="PERSON", is_active=True).first()
    if user is None or not _in_time(day):
        return None
    if not constant_time_compare(mac, _digest(user, day).hex()[:40]):
        return None
    return user


# Printed code: "<user><day>-<mac>" in CODE_ALPHABET, grouped by four for reading aloud.


def _encode(number: int) -> str:
    base = len(CODE_ALPHABET)
    text = ""
    while True:
        number, rest = divmod(number, base)
        text = CODE_ALPHABET[rest] + text
        if not number:
            return text


def _decode(text: str) -> int:
    number = 0
    for char in text:
        number = number * len(CODE_ALPHABET) + CODE_ALPHABET.index(char)
    return number


def _mac_chars(user: User, day: int, count: int) -> str:
    number = int.from_bytes(_digest(user, day)[:8], "big")
    return _encode(number).rjust(count, CODE_ALPHABET[0])[-count:]


def printed_code(user: User) -> str:
    """A code like `K7QX-M2PD-9CHA`: the login, the day it was issued, and 8 characters of HMAC."""
    day = _today()
    head = _encode(user.pk) + "Z" + _encode(day - EPOCH_DAY).rjust(3, CODE_ALPHABET[0])
    raw = head + _mac_chars(user, day, 8)
    return "-".join(raw[index : index + 4] for index in range(0, len(raw), 4))


def normalise_code(code: str) -> str:
    return "".join(char for char in code.upper() if char.isalnum())


def user_for_code(code: str) -> User | None:
    raw = normalise_code(code)
    if len(raw) < 13 or any(char not in CODE_ALPHABET for char in raw):
        return None
    mac, head = raw[-8:], raw[:-8]
    # head = <user pk> "Z" <day, 3 characters>: fixed positions from the end ("Z" is also a digit).
    user_part, day_part = head[:-4], head[-3:]
    if head[-4] != "Z" or not user_part:
        return None
    user_pk, day = _decode(user_part), _decode(day_part) + EPOCH_DAY
    user = User.objects.filter(pk=user_pk, kind="PERSON", is_active=True).first()
    if user is None or not _in_time(day):
        return None
    expected = _mac_chars(user, day, 8)
    if not hmac.compare_digest(mac.encode(), expected.encode()):
        return None
    return user


def login_identifier_for_person_without_email(public_id: str) -> str:
    """A login for a person without e-mail: shown on the printed sheet, never used to send mail."""
    short = base64.b32encode(hashlib.sha256(str(public_id).encode()).digest()).decode()[:6].lower()
    return f"personne-{short}@maillage.invalid"


def needs_username(user: User) -> bool:
    """A person without an e-mail address of their own chooses a username when they activate their space."""
    return user.email.endswith(".invalid") and not user.username


def login_of(user: User) -> str:
    """What the person types to log in: their username, or their own e-mail address."""
    return user.username or user.email
