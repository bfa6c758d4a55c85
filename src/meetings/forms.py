"""Forms for series, meetings, answers and attendance (parsing only; the services validate)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from geo.models import Municipality
from kernel.forms import VersionedForm
from meetings.models import Frequency, Series, Weekday, WeekOfMonth
from meetings.services import NO, SERIES_FIELDS, YES, SeriesValues
from register.domain import AssignmentType
from register.models import Household

TYPES, CONSTELLATION = "types", "constellation"
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class HouseholdsField(forms.ModelMultipleChoiceField):
    """Household ids; one outside the database's 64-bit range is an invalid choice, not a
    crash (SQLite cannot even bind it in the ``IN`` query)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            text = str(pk)
            if text.isascii() and text.isdigit() and int(text) >= 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SeriesForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=160, help_text=_("E.g. “Samtalsträff för familjehem och jourhem”.")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the invitations."),
    )
    place = forms.CharField(label=pgettext_lazy("meeting", "Place"), required=False, max_length=200)
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("Give a place, a video link, or both."),
    )
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, max_value=1000, help_text=_("Empty: no limit.")
    )
    frequency = forms.ChoiceField(label=_("Repeats"), choices=Frequency.choices, widget=forms.RadioSelect)
    interval = forms.IntegerField(
        label=_("Every how many weeks or months"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1: every week (month); 2: every other week (month)."),
    )
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    week_of_month = forms.TypedChoiceField(
        label=_("Which week of the month"),
        choices=[("", "—"), *WeekOfMonth.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Monthly meetings only, e.g. the first Tuesday."),
    )
    starts_on = forms.DateField(label=_("First date"), widget=_date())
    ends_on = forms.DateField(label=_("Last date"), widget=_date(), help_text=_("At most two years later."))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=480, initial=120
    )
    # Querysets are set in __init__: the choices depend on the user's municipality.
    responsible: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Responsible secretary"), queryset=None
    )
    invite_days_before = forms.IntegerField(
        label=_("Send invitations this many days before"), min_value=1, max_value=90, initial=21
    )
    remind_days_before = forms.IntegerField(
        label=_("Send reminders this many days before"),
        min_value=0,
        max_value=14,
        initial=2,
        help_text=_("To those who said yes. 0: on the day of the meeting."),
    )
    audience_kind = forms.ChoiceField(
        label=_("Who is invited"),
        choices=[
            (TYPES, _("Assignees of chosen types in chosen municipalities")),
            (CONSTELLATION, _("A constellation: one hub family and its satellite families")),
        ],
        initial=TYPES,
        widget=forms.RadioSelect,
    )
    audience_types = forms.MultipleChoiceField(
        label=_("Assignment types invited"),
        choices=AssignmentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone with an approved, active or paused assignment of these types."),
    )
    audience_municipalities: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Municipalities invited"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your municipality, and municipalities you share a region with."),
    )
    hub_household: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Hub family"),
        queryset=None,
        required=False,
        help_text=_("Constellations only: the experienced family at the centre."),
    )
    satellite_households: forms.ModelMultipleChoiceField[Any] = HouseholdsField(
        label=_("Satellite families"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Constellations only: 1 to 12 families around the hub family."),
    )

    def __init__(
        self,
        *args: Any,
        responsible: QuerySet[User],
        municipalities: QuerySet[Municipality],
        households: QuerySet[Household],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible  # type: ignore[attr-defined]  # a ModelChoiceField; Form.fields is typed Field
        self.fields["audience_municipalities"].queryset = municipalities  # type: ignore[attr-defined]  # a ModelChoiceField; Form.fields is typed Field
        self.fields["hub_household"].queryset = households  # type: ignore[attr-defined]  # a ModelChoiceField; Form.fields is typed Field
        self.fields["satellite_households"].queryset = households  # type: ignore[attr-defined]  # a ModelChoiceField; Form.fields is typed Field

    @staticmethod
    def initial_for(series: Series) -> dict[str, Any]:
        # The series' own values; its relations are given as ids below.
        initial: dict[str, Any] = {
            name: getattr(series, name)
            for name in SERIES_FIELDS
            if name not in ("hub_household", "responsible")
        }
        initial.update(
            responsible=series.responsible_id,
            audience_kind=CONSTELLATION if series.is_constellation else TYPES,
            audience_municipalities=list(series.audience_municipalities.values_list("pk", flat=True)),
            hub_household=series.hub_household_id,
            satellite_households=list(series.satellite_households.values_list("pk", flat=True)),
            version=series.version,
        )
        return initial

    def values(self) -> SeriesValues:
        """The cleaned input as the services take it; the audience kind decides which fields count."""
        data = self.cleaned_data
        constellation = data["audience_kind"] == CONSTELLATION
        return SeriesValues(
            title=data["title"],
            description=data["description"],
            place=data["place"],
            video_url=data["video_url"],
            capacity=data["capacity"],
            frequency=data["frequency"],
            interval=data["interval"],
            weekday=data["weekday"],
            week_of_month=data["week_of_month"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            responsible=data["responsible"],
            invite_days_before=data["invite_days_before"],
            remind_days_before=data["remind_days_before"],
            audience_types=() if constellation else tuple(data["audience_types"]),
            audience_municipality_ids=()
            if constellation
            else tuple(m.pk for m in data["audience_municipalities"]),
            hub_household=data["hub_household"] if constellation else None,
            satellite_households=tuple(data["satellite_households"]) if constellation else (),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience_kind") == CONSTELLATION and not data.get("hub_household"):
            self.add_error("hub_household", _("Choose the hub family of the constellation."))
        return data


class SeriesEditForm(SeriesForm, VersionedForm):
    pass


class MoveForm(VersionedForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480)
    place = forms.CharField(label=pgettext_lazy("meeting", "Place"), required=False, max_length=200)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")


class CancelForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why is the meeting cancelled?"),
        max_length=200,
        help_text=_("The invitees are told by e-mail."),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[(YES, _("Coming")), (NO, _("Not coming"))],
        widget=forms.RadioSelect,
    )


class AttendanceForm(forms.Form):
    """One checkbox per invitee: present or not."""

    def __init__(self, *args: Any, rows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            person = row.invitation.person
            self.fields[f"p{person.pk}"] = forms.BooleanField(
                label=person.full_name, required=False, initial=bool(row.is_present)
            )

    def marks(self) -> dict[int, bool]:
        return {
            row.invitation.person_id: bool(self.cleaned_data[f"p{row.invitation.person_id}"])
            for row in self.rows
        }
