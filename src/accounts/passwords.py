"""Password rules after NIST SP 800-63B 5.1.1.2 (and ASVS 4.0 2.1).

* at least ``min_length`` characters (12), at most ``max_length`` (128, well over 64);
  every character counts, spaces and any Unicode included;
* not on a list of common and breached passwords: Django's 20,000 (Royce Williams'
  list) and the 30,000 most common passwords from the Xato leak corpus that the
  zxcvbn package ships (MIT licence), also when only digits and signs are added
  around such a password ("sommar2026!" is "sommar" with a year);
* not a repetition or a run ("aaaaaaaaaaaa", "abcabcabcabc", "123456789012",
  "qwertyuiopå1");
* not containing the user's own username, names, e-mail address or municipality, nor
  the service's name;
* no composition rules (no "one digit and one capital"): they make passwords
  harder to remember, not harder to guess.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import re
import unicodedata
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SERVICE_WORDS = ("bollplank",)
KEYBOARD_ROWS = ("1234567890+", "qwertyuiopå", "asdfghjklöä", "<zxcvbnm,.-", "abcdefghijklmnopqrstuvwxyzåäö")
MIN_DISTINCT_CHARACTERS = 5
SHORTEST_OWN_WORD = 4  # "Li" or "Åsa" inside a passphrase is a coincidence, "Anna" is not


@functools.cache
def common_passwords() -> frozenset[str]:
    """Django's list and zxcvbn's, lower case (loaded once, ~40,000 words)."""
    django_list = Path(CommonPasswordValidator().DEFAULT_PASSWORD_LIST_PATH)
    with gzip.open(django_list, "rt", encoding="utf-8") as file:
        words = {line.strip().lower() for line in file if line.strip()}
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words.update(word.lower() for word in FREQUENCY_LISTS["passwords"])
    return frozenset(words)


def _fold(text: str) -> str:
    """Lower case without accents (å→a, é→e), for comparing names and words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _core(password: str) -> str:
    """The password without the digits and signs around it ("Sommar2026!" -> "sommar")."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def is_common(password: str) -> bool:
    words = common_passwords()
    lowered = password.lower()
    core = _core(password)
    return lowered in words or (len(core) >= SHORTEST_OWN_WORD and core in words)


def is_repetitive(password: str) -> bool:
    """Few distinct characters, or one short block said again and again."""
    lowered = password.lower()
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        return True
    n = len(lowered)
    return any(n % size == 0 and lowered == lowered[:size] * (n // size) for size in range(1, n // 2 + 1))


def _neighbours(a: str, b: str) -> bool:
    if abs(ord(a) - ord(b)) == 1 and (a.isalnum() and b.isalnum()):
        return True
    return any(
        (i := row.find(a)) >= 0 and (j := row.find(b)) >= 0 and abs(i - j) == 1 for row in KEYBOARD_ROWS
    )


def is_sequential(password: str) -> bool:
    """Mostly a run along the alphabet, the digits or a keyboard row (three steps in four)."""
    lowered = password.lower()
    steps = list(itertools.pairwise(lowered))
    if not steps:
        return False
    in_sequence = sum(1 for a, b in steps if _neighbours(a, b))
    return in_sequence * 4 >= len(steps) * 3


def own_words(user: Any) -> list[str]:
    """The user's username, names, e-mail address (and its parts) and municipality, folded."""
    if user is None:
        return list(SERVICE_WORDS)
    values = [
        getattr(user, "username", ""),
        getattr(user, "first_name", ""),
        getattr(user, "last_name", ""),
        getattr(user, "email", ""),
    ]
    email = getattr(user, "email", "") or ""
    values += re.split(r"[@.+_-]", email)
    values += re.split(r"[.@+_-]", getattr(user, "username", "") or "")
    municipality = getattr(user, "municipality", None) if getattr(user, "municipality_id", None) else None
    if municipality is not None:
        values += [municipality.name, municipality.short_name]
    words = {_fold(value).strip() for value in values if value}
    words.update(SERVICE_WORDS)
    return sorted(word for word in words if len(word) >= SHORTEST_OWN_WORD)


class NistPasswordValidator:
    def __init__(self, min_length: int = 12, max_length: int = 128) -> None:
        if max_length < 64:
            raise ValueError("NIST SP 800-63B: allow passwords of at least 64 characters.")
        self.min_length = min_length
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        errors: list[ValidationError] = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "The password must be at least %(min)d character long.",
                        "The password must be at least %(min)d characters long.",
                        self.min_length,
                    )
                    % {"min": self.min_length},
                    code="password_too_short",
                )
            )
        if len(password) > self.max_length:
            errors.append(
                ValidationError(
                    _("The password can be at most %(max)d characters long.") % {"max": self.max_length},
                    code="password_too_long",
                )
            )
        if is_common(password):
            errors.append(
                ValidationError(
                    _("This password is on a list of common or leaked passwords. Choose another."),
                    code="password_too_common",
                )
            )
        elif is_repetitive(password) or is_sequential(password):
            errors.append(
                ValidationError(
                    _("The password is a repetition or a run of characters (like “aaaa” or “1234”)."),
                    code="password_repetitive",
                )
            )
        folded = _fold(password)
        if any(word in folded for word in own_words(user)):
            errors.append(
                ValidationError(
                    _(
                        "The password must not contain your name, username, e-mail address, "
                        "your municipality or the name of the service."
                    ),
                    code="password_too_similar",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "At least %(min)d characters; a few unrelated words make a good password. "
            "Common or leaked passwords, runs like “1234” and your own name are not accepted."
        ) % {"min": self.min_length}
