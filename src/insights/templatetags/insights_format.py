"""Display of rates: a whole percentage, or a dash when there is nothing to divide by."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return "–"
    return f"{round(rate * 100)} %"
