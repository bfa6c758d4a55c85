"""Display helpers for meeting pages: a series' rule in words ("första tisdagen varje månad 18:00")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from meetings.models import Frequency

# Swedish inflects the weekday differently in "every Tuesday" (varje tisdag) and
# "the first Tuesday of the month" (första tisdagen), hence two contexts.
_EVERY = [
    lambda: pgettext("every …", "Monday"),
    lambda: pgettext("every …", "Tuesday"),
    lambda: pgettext("every …", "Wednesday"),
    lambda: pgettext("every …", "Thursday"),
    lambda: pgettext("every …", "Friday"),
    lambda: pgettext("every …", "Saturday"),
    lambda: pgettext("every …", "Sunday"),
]
_NTH = [
    lambda: pgettext("the first … of the month", "Monday"),
    lambda: pgettext("the first … of the month", "Tuesday"),
    lambda: pgettext("the first … of the month", "Wednesday"),
    lambda: pgettext("the first … of the month", "Thursday"),
    lambda: pgettext("the first … of the month", "Friday"),
    lambda: pgettext("the first … of the month", "Saturday"),
    lambda: pgettext("the first … of the month", "Sunday"),
]
_ORDINALS = {
    1: lambda: pgettext("week of the month", "first"),
    2: lambda: pgettext("week of the month", "second"),
    3: lambda: pgettext("week of the month", "third"),
    4: lambda: pgettext("week of the month", "fourth"),
    -1: lambda: pgettext("week of the month", "last"),
}


def rule_in_words(series: Any) -> str:
    """E.g. "every Tuesday at 18:00", "the first Tuesday of every month at 18:00"."""
    time = series.start_time.strftime("%H:%M")
    if series.frequency == Frequency.MONTHLY:
        values = {
            "nth": _ORDINALS[series.week_of_month](),
            "weekday": _NTH[series.weekday](),
            "time": time,
            "n": series.interval,
        }
        if series.interval == 1:
            return _("the %(nth)s %(weekday)s of every month at %(time)s") % values
        return _("the %(nth)s %(weekday)s of every %(n)s months at %(time)s") % values
    values = {"weekday": _EVERY[series.weekday](), "time": time, "n": series.interval}
    if series.interval == 1:
        return _("every %(weekday)s at %(time)s") % values
    return _("every %(n)s weeks on %(weekday)s at %(time)s") % values
