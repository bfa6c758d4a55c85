"""The period filter of the attendance overview."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insights.selectors import Period

MAX_PERIOD_DAYS = 5 * 366
# Beyond these the period's bounds would not fit a date (9999-12-31 + 1 day overflows).
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        default = Period.last_months(12)
        kwargs.setdefault("initial", {"start": default.start, "end": default.end})
        super().__init__(data or None, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        for name, day in (("start", start), ("end", end)):
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Choose a date between 1900 and 2999."))
                return cleaned
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The period must start before it ends."))
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("Choose a period of at most five years."))
        return cleaned

    def period(self) -> Period:
        """The chosen period, or the last 12 months when none (or an invalid one) was given."""
        if self.is_bound and self.is_valid():
            return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])
        return Period.last_months(12)
