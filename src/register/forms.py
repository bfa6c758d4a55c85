"""Forms: parse and validate input field by field; the services make the change."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from geo.models import PostalCode
from geo.services import UnknownPostalCode, postal_code_resolve
from kernel.forms import VersionedForm
from register.domain import (
    HOUSEHOLD_TYPES,
    PERSON_TYPES,
    AssignmentStatus,
    AssignmentType,
    EndReason,
    allowed_transitions,
)
from register.national_id import InvalidNationalId, national_id_format, national_id_normalise


class PostalCodeField(forms.CharField):
    """Five digits ("581 83"), resolved to a known postal code with its municipality."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("label", _("Postal code"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code", "size": "7"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, PostalCode):
            return value.display_code
        if isinstance(value, str) and len(value) == 5 and value.isdigit():
            return f"{value[:3]} {value[3:]}"
        return value

    def clean(self, value: Any) -> PostalCode | None:
        raw = super().clean(value)
        if not raw:
            return None
        try:
            return postal_code_resolve(raw=raw)
        except UnknownPostalCode as error:
            raise forms.ValidationError(error.message, code="unknown_postal_code") from None


class NationalIdField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Personal identity number"))
        kwargs.setdefault("help_text", _("Personnummer or samordningsnummer, e.g. YYYYMMDD-NNNN. Optional."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) == 12 and value.isdigit():
            return national_id_format(value)
        return value

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        if not raw:
            return ""
        try:
            return national_id_normalise(raw)
        except InvalidNationalId as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class HouseholdForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("E.g. “Familjen Lind”."))
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = PostalCodeField()
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, hide_protected: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hide_protected:
            # Protected identity: only the responsible staff may see or change the address.
            for name in ("street_address", "postal_code", "phone", "email"):
                del self.fields[name]


class HouseholdEditForm(VersionedForm, HouseholdForm):
    pass


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    national_id = NationalIdField()
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    has_protected_identity = forms.BooleanField(
        label=_("Protected identity"),
        required=False,
        help_text=_("Skyddade personuppgifter: the address is shown only to the responsible staff."),
    )
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = PostalCodeField(required=False)

    def __init__(
        self, *args: Any, in_household: bool = False, hide_protected: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if in_household:
            # Members live at the household's address.
            del self.fields["street_address"]
            del self.fields["postal_code"]
        if hide_protected:
            for name in ("street_address", "postal_code", "phone", "email"):
                self.fields.pop(name, None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "postal_code" in self.fields and cleaned.get("street_address") and not cleaned.get("postal_code"):
            self.add_error("postal_code", _("Enter the postal code that goes with the address."))
        return cleaned


def _int_field(label: Any, *, max_value: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=max_value)


class PersonEditForm(VersionedForm, PersonForm):
    pass


class AssignmentForm(forms.Form):
    type = forms.ChoiceField(label=_("Assignment type"))
    responsible_secretary = forms.ModelChoiceField(
        label=_("Responsible secretary"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    is_externally_contracted = forms.BooleanField(
        label=_("Externally contracted (konsulentstött)"), required=False
    )
    capacity = _int_field(_("Approved capacity"), max_value=20)
    age_min = _int_field(_("Youngest age"), max_value=120)
    age_max = _int_field(_("Oldest age"), max_value=120)
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=300,
        help_text=_("Separate with commas, e.g. svenska, arabiska."),
    )
    starts_on = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, holder: str, secretaries: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = HOUSEHOLD_TYPES if holder == "household" else PERSON_TYPES
        self.fields["type"].choices = [(t.value, t.label) for t in AssignmentType if t in types]  # type: ignore[attr-defined]  # a ChoiceField; Form.fields is typed Field
        self.fields["responsible_secretary"].queryset = secretaries  # type: ignore[attr-defined]  # a ModelChoiceField; Form.fields is typed Field

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        if (
            cleaned.get("age_min") is not None
            and cleaned.get("age_max") is not None
            and cleaned["age_min"] > cleaned["age_max"]
        ):
            self.add_error("age_max", _("The oldest age cannot be lower than the youngest age."))
        return cleaned


class AssignmentEditForm(VersionedForm, AssignmentForm):
    pass


class TransitionForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.ChoiceField(
        label=_("Reason for ending"), required=False, choices=[("", "—"), *EndReason.choices]
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, current_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]  # a ChoiceField; Form.fields is typed Field
            (status, AssignmentStatus(status).label) for status in allowed_transitions(current_status)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("to_status") == AssignmentStatus.ENDED and not cleaned.get("reason"):
            self.add_error("reason", _("Choose why the assignment ends."))
        if (
            cleaned.get("to_status")
            and cleaned.get("to_status") != AssignmentStatus.ENDED
            and cleaned.get("reason")
        ):
            self.add_error("reason", _("A reason is given only when the assignment ends."))
        if cleaned.get("reason") == EndReason.OTHER and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Describe the reason in the note."))
        return cleaned


class RegisterFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Name, address, e-mail or personal identity number."),
    )
    type = forms.ChoiceField(
        label=_("Assignment type"), required=False, choices=[("", _("All")), *AssignmentType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *AssignmentStatus.choices]
    )
    secretary = forms.ChoiceField(label=_("Responsible secretary"), required=False)
    postal_area = forms.CharField(
        label=_("Postal area"),
        required=False,
        max_length=40,
        help_text=_("Start of a postal code, or a place."),
    )

    def __init__(self, *args: Any, secretaries: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secretary"].choices = [  # type: ignore[attr-defined]  # a ChoiceField; Form.fields is typed Field
            ("", _("Anyone")),
            ("none", _("Nobody")),
            *[(str(user.pk), str(user)) for user in secretaries],
        ]
