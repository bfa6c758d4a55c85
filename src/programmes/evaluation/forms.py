"""Forms of programme evaluation: questions, sending, the filter, the export and the
questionnaire a member answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.evaluation.services import TEXT_ANSWER_MAX_LENGTH, answer_field_name
from programmes.models import MemberRole, Phase, Question, QuestionKind


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Answered with"),
        choices=QuestionKind.choices,
        initial=QuestionKind.LIKERT,
        widget=forms.RadioSelect,
    )
    low_label = forms.CharField(
        label=_("Label for 1"),
        required=False,
        max_length=60,
        help_text=_("Scale questions only. E.g. “Not at all”."),
    )
    high_label = forms.CharField(
        label=_("Label for 5"),
        required=False,
        max_length=60,
        help_text=_("Scale questions only. E.g. “Completely”."),
    )


class QuestionEditForm(QuestionForm):
    """The wording only: a question's kind stays what it was."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class SendForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices, widget=forms.HiddenInput)
    include_mentors = forms.BooleanField(label=_("Send to the mentors too"), required=False)


ALL_ROLES = "all"


class EvaluationFilterForm(forms.Form):
    """Which answers the comparison counts (a GET form; invalid input falls back to the defaults)."""

    kohort = forms.ChoiceField(label=_("Cohort"), required=False)
    roll = forms.ChoiceField(
        label=_("Answers from"),
        required=False,
        choices=[
            (MemberRole.PARTICIPANT.value, _("Participants")),
            (MemberRole.MENTOR.value, _("Mentors")),
            (ALL_ROLES, _("Everyone")),
        ],
        initial=MemberRole.PARTICIPANT.value,
    )

    def __init__(self, *args: Any, cohorts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kohort"].choices = [("", _("All cohorts")), *[(str(c.pk), c.name) for c in cohorts]]  # type: ignore[attr-defined]  # a ChoiceField; Form.fields is typed Field

    def role(self) -> str:
        """The role counted: a member role, or "" for everyone."""
        chosen = (self.cleaned_data.get("roll") if self.is_valid() else "") or MemberRole.PARTICIPANT.value
        return "" if chosen == ALL_ROLES else chosen

    def cohort_id(self) -> int | None:
        chosen = self.cleaned_data.get("kohort") if self.is_valid() else ""
        return int(chosen) if chosen else None


class ExportForm(forms.Form):
    fritext = forms.BooleanField(
        label=_("Include free-text answers"),
        required=False,
        help_text=_(
            "Free text may name people. Read the answers below before you hand the file to anyone "
            "outside the municipality."
        ),
    )


class QuestionnaireForm(forms.Form):
    """One field per asked question: scale questions as radio buttons 1–5, free text as a text area."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = answer_field_name(question)
            if question.kind == QuestionKind.LIKERT:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.text,
                    choices=_scale_choices(question),
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose a value from 1 to 5.")},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=TEXT_ANSWER_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    def values(self) -> dict[int, int | None]:
        return {
            question.pk: self.cleaned_data.get(answer_field_name(question))
            for question in self.questions
            if question.kind == QuestionKind.LIKERT
        }

    def texts(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(answer_field_name(question)) or ""
            for question in self.questions
            if question.kind == QuestionKind.TEXT
        }


def _scale_choices(question: Question) -> list[tuple[str, str]]:
    choices = [(str(n), str(n)) for n in range(1, 6)]
    if question.low_label:
        choices[0] = ("1", f"1 – {question.low_label}")
    if question.high_label:
        choices[4] = ("5", f"5 – {question.high_label}")
    return choices
