"""Display formatting for the register's templates."""

from __future__ import annotations

from django import template

from register.national_id import national_id_format

register = template.Library()


@register.filter(name="national_id")
def national_id_display(value: str | None) -> str:
    """``YYYYMMDDNNNC`` → ``YYYYMMDD-NNNC``; anything else as it is."""
    if value and len(value) == 12 and value.isdigit():
        return national_id_format(value)
    return value or ""
