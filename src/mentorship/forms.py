"""Mentorship forms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from kernel.forms import VersionedForm
from mentorship.models import (
    AgeGroup,
    CheckInMood,
    FamilyForm,
    Fit,
    MentorProfile,
    Need,
    OfferAnswer,
    PairingEndReason,
)
from register.models import Person

PAIR_VALUE = re.compile(r"\A([0-9]{1,18}):([0-9]{1,18})\Z")


def batch_pairs_parse(values: list[str]) -> list[tuple[int, int]] | None:
    """The ticked ``offer:mentor`` pairs of the batch proposal; None when any value is malformed."""
    pairs = []
    for value in values:
        match = PAIR_VALUE.match(value)
        if match is None:
            return None
        pairs.append((int(match.group(1)), int(match.group(2))))
    return pairs


def _multi(label: Any, choices: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class MentorProfileForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Families at most"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Empty: the municipality's default."),
    )
    mentors = forms.MultipleChoiceField(
        label=_("Mentors in the household"), required=False, widget=forms.CheckboxSelectMultiple
    )
    age_groups = _multi(_("Age groups cared for"), AgeGroup.choices)
    needs = _multi(_("Experience of needs"), Need.choices)
    family_form = forms.ChoiceField(
        label=_("Family form"), required=False, choices=[("", "—"), *FamilyForm.choices]
    )
    years_as_foster_home = forms.IntegerField(
        label=_("Years as a foster home"), min_value=0, max_value=60, initial=0
    )
    availability = forms.CharField(
        label=_("Availability"), required=False, max_length=200, help_text=_("E.g. “evenings and weekends”.")
    )
    is_available = forms.BooleanField(label=_("Takes new families"), required=False, initial=True)

    def __init__(self, *args: Any, members: Iterable[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentors"].choices = [(str(m.pk), m.full_name) for m in members]  # type: ignore[attr-defined]  # a ChoiceField; Form.fields is typed Field


class OfferAnswerForm(VersionedForm):
    answer = forms.ChoiceField(
        label=_("The family's answer"),
        choices=[
            (value, label)
            for value, label in OfferAnswer.choices
            if value not in (OfferAnswer.PENDING, OfferAnswer.WITHDRAWN)
        ],
        widget=forms.RadioSelect,
    )


class OfferNeedsForm(VersionedForm):
    age_groups = _multi(_("Children's age groups"), AgeGroup.choices)
    needs = _multi(_("Needs"), Need.choices)
    family_form = forms.ChoiceField(
        label=_("Family form"), required=False, choices=[("", "—"), *FamilyForm.choices]
    )
    preferred_mentor = forms.ChoiceField(label=_("Secretary's preferred mentor"), required=False)

    def __init__(self, *args: Any, mentors: Iterable[MentorProfile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_mentor"].choices = [("", "—"), *[(str(m.pk), str(m)) for m in mentors]]  # type: ignore[attr-defined]  # a ChoiceField; Form.fields is typed Field


class ConfirmForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label=_("Reason for overriding a limit"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the families live far apart or an earlier pairing ended badly."),
    )


class IntroductionForm(VersionedForm):
    at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=pgettext_lazy("meeting", "Place"), max_length=200)
    secretary = forms.ChoiceField(label=_("Secretary present"))

    def __init__(self, *args: Any, secretaries: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secretary"].choices = [(str(u.pk), str(u)) for u in secretaries]  # type: ignore[attr-defined]  # a ChoiceField; Form.fields is typed Field
        self.fields["at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]  # a DateTimeField; Form.fields is typed Field


class IntroductionHeldForm(VersionedForm):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    mentor_fit = forms.ChoiceField(
        label=_("The mentor family's view of the fit"), choices=Fit.choices, widget=forms.RadioSelect
    )
    mentee_fit = forms.ChoiceField(
        label=_("The new family's view of the fit"), choices=Fit.choices, widget=forms.RadioSelect
    )


class CheckInForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    mood = forms.ChoiceField(label=_("How it goes"), choices=CheckInMood.choices, widget=forms.RadioSelect)
    needs_support = forms.BooleanField(label=_("Needs support from the secretary"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(VersionedForm):
    reason = forms.ChoiceField(
        label=_("Why does the pairing end?"), choices=[("", "—"), *PairingEndReason.choices]
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How valuable is the mentorship for you?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not at all, 5 = very valuable."),
    )
    contact_frequency = forms.ChoiceField(
        label=_("How often are you in contact?"),
        choices=[
            ("weekly", _("Every week")),
            ("monthly", _("Every month")),
            ("rarely", _("More rarely")),
            ("never", _("We have not been in contact")),
        ],
        widget=forms.RadioSelect,
    )
    wants_to_continue = forms.TypedChoiceField(
        label=_("Do you want to continue?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
