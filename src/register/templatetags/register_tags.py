"""Display formatting for the register's templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from register.national_id import national_id_format

register = template.Library()


@register.filter(name="national_id")
def national_id_display(value: str | None) -> str:
    """``YYYYMMDDNNNC`` → ``YYYYMMDD-NNNC``; anything else as it is."""
    if value and len(value) == 12 and value.isdigit():
        return national_id_format(value)
    return value or ""


@register.filter
def history_value(value: Any) -> str:
    """A change-history value for display: yes/no for booleans, a dash for nothing."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if value is None or value == "":
        return "—"
    return str(value)
