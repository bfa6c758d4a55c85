"""Postal-code lookups."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from geo.models import PostalCode

_POSTAL_RE = re.compile(r"^\s*(?:SE-?)?\s*(\d{3})\s?(\d{2})\s*$", re.IGNORECASE)


class UnknownPostalCode(ValueError):
    """The postal code is malformed or not in the reference data."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def postal_code_normalise(raw: str) -> str:
    """``"581 83"``, ``"58183"`` or ``"SE-581 83"`` → ``"58183"``; raises UnknownPostalCode."""
    match = _POSTAL_RE.match(raw or "")
    if not match:
        raise UnknownPostalCode(str(_("Enter a postal code with five digits, e.g. 581 83.")))
    return match.group(1) + match.group(2)


def postal_code_resolve(*, raw: str) -> PostalCode:
    """The postal code with its municipality and coordinates; raises UnknownPostalCode."""
    code = postal_code_normalise(raw)
    try:
        return PostalCode.objects.select_related("municipality").get(code=code)
    except PostalCode.DoesNotExist:
        raise UnknownPostalCode(
            str(
                _("The postal code %(code)s does not exist. Check the number.")
                % {"code": f"{code[:3]} {code[3:]}"}
            )
        ) from None
