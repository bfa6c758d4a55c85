"""Programme, cohort and session forms: parse input; the services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.forms import VersionedForm
from programmes.models import ParticipantKind
from programmes.services import DURATION_MAX, DURATION_MIN, SESSIONS_MAX, SESSIONS_MIN, local_datetime

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET, **kwargs)


def _time(label: Any, **kwargs: Any) -> forms.TimeField:
    return forms.TimeField(label=label, widget=TIME_WIDGET, **kwargs)


def _duration(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Session length (minutes)"), min_value=DURATION_MIN, max_value=DURATION_MAX, **kwargs
    )


def _place() -> forms.CharField:
    return forms.CharField(label=pgettext_lazy("meeting", "Place"), max_length=200, required=False)


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=160, help_text=_("E.g. “Brukarmentorer för nya socialsekreterare”.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    participant_kind = forms.ChoiceField(
        label=_("Participants are"), choices=ParticipantKind.choices, widget=forms.RadioSelect
    )
    sessions_per_cohort = forms.IntegerField(
        label=_("Sessions per cohort"), min_value=SESSIONS_MIN, max_value=SESSIONS_MAX, initial=8
    )
    start_time = _time(_("Sessions start at"))
    duration_minutes = _duration(initial=120)
    place = _place()
    starts_on = _date(_("The programme runs from"))
    ends_on = _date(_("The programme runs until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The programme cannot end before it starts."))
        return data


class ProgrammeEditForm(VersionedForm, ProgrammeForm):
    pass


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("E.g. “Höstgruppen 2026”."))
    starts_on = _date(
        _("First session"),
        help_text=_("The sessions are weekly on this weekday; weeks with a public holiday are skipped."),
    )
    start_time = _time(_("Sessions start at"))
    duration_minutes = _duration()
    place = _place()


class MemberAddForm(forms.Form):
    """Choose one staff member or person from the eligible ones (the services check again)."""

    who: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Who"), queryset=None, empty_label="—")

    def __init__(self, *args: Any, choices: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["who"]
        field.queryset = choices  # type: ignore[attr-defined]  # a ModelChoiceField
        if label is not None:
            field.label = label


class SessionMoveForm(VersionedForm):
    date = _date(_("Date"))
    time = _time(_("Starts at"))
    duration_minutes = _duration()
    place = _place()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day: datetime.date | None = data.get("date")
        at: datetime.time | None = data.get("time")
        if day is not None and at is not None:
            data["starts_at"] = local_datetime(day, at)
        return data


class SessionCancelForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why is the session cancelled?"),
        max_length=200,
        help_text=_("Shown in the participants' calendars."),
    )


class SessionRestoreForm(VersionedForm):
    pass


class AttendanceForm(forms.Form):
    """One checkbox per member: ticked is present, unticked absent."""

    def __init__(self, *args: Any, roll: list[tuple[Any, str, bool | None]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for member, name, mark in roll:
            self.fields[f"member_{member.pk}"] = forms.BooleanField(
                label=f"{name} ({member.get_role_display().lower()})", required=False, initial=bool(mark)
            )

    def marks(self) -> dict[int, bool]:
        return {
            int(name.removeprefix("member_")): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("member_")
        }
