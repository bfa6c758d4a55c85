"""Programme evaluation pages: the questionnaire editor and before/after comparison,
a cohort's questionnaires, the pseudonymised export, and the questionnaire a
member answers through the link in their e-mail."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import PROGRAMMES_CHANGE, PROGRAMMES_VIEW, StaffRequest, public, requires
from kernel.email import email_resend_about
from kernel.forms import form_run_service
from kernel.links import ObjectClaim, public_link_view
from programmes import selectors as programme_selectors
from programmes.evaluation import selectors, services
from programmes.evaluation.forms import (
    EvaluationFilterForm,
    ExportForm,
    QuestionEditForm,
    QuestionForm,
    QuestionnaireForm,
    SendForm,
)
from programmes.evaluation.links import QUESTIONNAIRE_LINK, QuestionnaireLinkInvalid
from programmes.models import Phase, Question, QuestionKind, QuestionnaireResponse

# --- The chart: a dot plot of the means, drawn on the server (no script needed) ----

CHART_WIDTH = 640
CHART_LEFT = 56  # room for the item labels ("1.", "2.", ...)
CHART_RIGHT = 24
CHART_TOP = 56  # room for the legend and the scale labels
CHART_ROW = 34


@dataclass(frozen=True)
class ChartRow:
    label: str
    title: str
    y: float
    before_x: float | None
    after_x: float | None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    ticks: list[tuple[int, float]]
    rows: list[ChartRow]
    axis_y: int
    leaves_out: bool  # a marker is left out because too few answered


def _scale_x(value: float) -> float:
    span = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    return round(CHART_LEFT + (value - 1) / 4 * span, 1)


def _mean_text(value: float | None) -> str:
    return "–" if value is None else number_format(value, decimal_pos=2)


def _chart(items: list[selectors.ItemComparison]) -> Chart:
    rows = []
    for index, item in enumerate(items):
        title = _("Item %(n)s: before %(before)s (n=%(nb)s), after %(after)s (n=%(na)s)") % {
            "n": item.number,
            "before": _mean_text(item.before.mean),
            "nb": item.before.n,
            "after": _mean_text(item.after.mean),
            "na": item.after.n,
        }
        rows.append(
            ChartRow(
                label=f"{item.number}.",
                title=title,
                y=CHART_TOP + index * CHART_ROW + CHART_ROW / 2,
                before_x=_scale_x(item.before.mean) if item.before.mean is not None else None,
                after_x=_scale_x(item.after.mean) if item.after.mean is not None else None,
            )
        )
    height = CHART_TOP + len(items) * CHART_ROW + 8
    return Chart(
        width=CHART_WIDTH,
        height=height,
        plot_left=CHART_LEFT,
        plot_right=CHART_WIDTH - CHART_RIGHT,
        ticks=[(n, _scale_x(n)) for n in range(1, 6)],
        rows=rows,
        axis_y=CHART_TOP - 8,
        leaves_out=any(item.before.is_withheld or item.after.is_withheld for item in items),
    )


# --- The programme's evaluation page ------------------------------------------------


def _evaluation_page(
    request: StaffRequest, programme: Any, *, question_form: QuestionForm | None = None
) -> HttpResponse:
    cohorts = list(selectors.cohort_choices(programme=programme))
    filter_form = EvaluationFilterForm(request.GET or None, cohorts=cohorts)
    cohort_id, role = filter_form.cohort_id(), filter_form.role()
    cohort = next((c for c in cohorts if c.pk == cohort_id), None)
    items = selectors.evaluation_comparison(programme=programme, cohort=cohort, role=role)
    questions = list(selectors.question_list(programme=programme))
    counts = selectors.response_counts(programme=programme, cohort=cohort, role=role)
    context = {
        "programme": programme,
        "cohorts": cohorts,
        "cohort": cohort,
        "filter_form": filter_form,
        "items": items,
        "chart": _chart(items),
        "has_withheld": any(item.has_withheld for item in items),
        "min_answers": selectors.MIN_ANSWERS_SHOWN,
        "counts": counts,
        "free_texts": selectors.free_text_answers(
            programme=programme, cohort=cohort, role=role, counts=counts
        ),
        "has_text_question": any(q.kind == QuestionKind.TEXT for q in questions),
        "questions": questions,
        "has_active_question": any(q.is_active for q in questions),
        "question_form": question_form or QuestionForm(),
        "export_form": ExportForm(),
    }
    status = 400 if question_form is not None and question_form.errors else 200
    return render(request, "programmes/evaluation.html", context, status=status)


@requires(PROGRAMMES_VIEW)
@require_GET
def evaluation(request: StaffRequest, pk: int) -> HttpResponse:
    return _evaluation_page(request, programme_selectors.programme_get_for(user=request.user, id=pk))


@requires(PROGRAMMES_CHANGE)
@require_POST
def question_add(request: StaffRequest, pk: int) -> HttpResponse:
    programme = programme_selectors.programme_get_for(user=request.user, id=pk)
    form = QuestionForm(request.POST)
    if (
        form.is_valid()
        and form_run_service(
            form, lambda: services.question_add(by=request.user, programme=programme, **form.cleaned_data)
        )
        is not None
    ):
        messages.success(request, _("The question was added."))
        return redirect("programmes:evaluation", pk=programme.pk)
    return _evaluation_page(request, programme, question_form=form)


def _back_to_evaluation(question: Question) -> HttpResponse:
    return redirect("programmes:evaluation", pk=question.programme_id)


@requires(PROGRAMMES_CHANGE)
@require_http_methods(["GET", "POST"])
def question_edit(request: StaffRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, id=pk)
    initial = {"text": question.text, "low_label": question.low_label, "high_label": question.high_label}
    form = QuestionEditForm(request.POST or None, initial=initial)
    if question.kind != QuestionKind.LIKERT:
        del form.fields["low_label"], form.fields["high_label"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_run_service(
            form,
            lambda: services.question_update(
                by=request.user,
                question=question,
                text=data["text"],
                low_label=data.get("low_label", ""),
                high_label=data.get("high_label", ""),
            ),
        ):
            messages.success(request, _("The question was changed."))
            return _back_to_evaluation(question)
    return render(
        request,
        "programmes/evaluation_question_form.html",
        {"form": form, "question": question, "programme": question.programme},
        status=400 if form.errors else 200,
    )


def _question_action(request: StaffRequest, question: Question, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back_to_evaluation(question)


@requires(PROGRAMMES_CHANGE)
@require_POST
def question_remove(request: StaffRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, id=pk)
    return _question_action(
        request,
        question,
        lambda: services.question_remove(by=request.user, question=question),
        _("The question was removed."),
    )


@requires(PROGRAMMES_CHANGE)
@require_POST
def question_retire(request: StaffRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, id=pk)
    ask_again = request.POST.get("asked") == "1"
    return _question_action(
        request,
        question,
        lambda: services.question_set_active(by=request.user, question=question, is_active=ask_again),
        _("The question is asked again.")
        if ask_again
        else _("The question is retired: it is no longer asked, and its answers are kept."),
    )


@requires(PROGRAMMES_CHANGE)
@require_POST
def question_move(request: StaffRequest, pk: int) -> HttpResponse:
    question = selectors.question_get_for(user=request.user, id=pk)
    services.question_move(by=request.user, question=question, up=request.POST.get("direction") == "up")
    return _back_to_evaluation(question)


# --- The export ---------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Free text that a spreadsheet would run as a formula is written as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


@requires(PROGRAMMES_CHANGE)
@require_GET
def evaluation_export(request: StaffRequest, pk: int) -> StreamingHttpResponse:
    programme = programme_selectors.programme_get_for(user=request.user, id=pk)
    form = ExportForm(request.GET or None)
    include_free_text = bool(form.is_valid() and form.cleaned_data["fritext"])
    table = selectors.evaluation_export(
        user=request.user, programme=programme, include_free_text=include_free_text
    )
    writer = csv.writer(_Echo(), delimiter=";")

    def lines() -> Any:
        yield "\ufeff"  # BOM, so Excel opens the file as UTF-8
        yield writer.writerow([_cell(value) for value in table.header])
        for row in table.rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"utvardering-{slugify(programme.name)[:60] or 'program'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- A cohort's questionnaires ------------------------------------------------------


@requires(PROGRAMMES_VIEW)
@require_GET
def cohort_questionnaires(request: StaffRequest, pk: int) -> HttpResponse:
    cohort = programme_selectors.cohort_get_for(user=request.user, id=pk)
    rows = selectors.cohort_questionnaires(user=request.user, cohort=cohort)
    has_question = bool(selectors.asked_questions(programme_id=cohort.programme_id))
    return render(
        request,
        "programmes/evaluation_cohort.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "rows": rows,
            "has_question": has_question,
            "send_form": SendForm(),
        },
    )


@requires(PROGRAMMES_CHANGE)
@require_POST
def questionnaires_send(request: StaffRequest, pk: int) -> HttpResponse:
    cohort = programme_selectors.cohort_get_for(user=request.user, id=pk)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the before or the after questionnaire."))
        return redirect("programmes:cohort_questionnaires", pk=cohort.pk)
    try:
        outcome = services.questionnaires_send(
            by=request.user,
            cohort=cohort,
            phase=form.cleaned_data["phase"],
            include_mentors=form.cleaned_data["include_mentors"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:cohort_questionnaires", pk=cohort.pk)
    if outcome.queued:
        messages.success(
            request,
            ngettext(
                "%(n)s e-mail is being sent. Its state is shown below.",
                "%(n)s e-mails are being sent. Their state is shown below.",
                outcome.queued,
            )
            % {"n": outcome.queued},
        )
    elif not outcome.without_address:
        messages.info(request, _("Everyone already has this questionnaire: nothing new was sent."))
    if outcome.without_address:
        messages.warning(
            request,
            ngettext(
                "%(n)s member has no e-mail address. Copy their link below and give it to them.",
                "%(n)s members have no e-mail address. Copy their links below and give them to them.",
                outcome.without_address,
            )
            % {"n": outcome.without_address},
        )
    return redirect("programmes:cohort_questionnaires", pk=cohort.pk)


# --- The questionnaire, answered without logging in -------------------------------


@dataclass(frozen=True)
class _Questionnaire:
    response: QuestionnaireResponse
    questions: list[Question]


def _open_questionnaire(claim: ObjectClaim) -> _Questionnaire:
    response = selectors.questionnaire_for_answer(response_id=claim.object_id)
    if response is None:
        raise QuestionnaireLinkInvalid(_("This questionnaire no longer exists."), status=404)
    if response.answered_at is not None:
        raise QuestionnaireLinkInvalid(_("This questionnaire has already been answered. Thank you!"))
    questions = selectors.asked_questions(programme_id=response.cohort.programme_id)
    if not questions:
        raise QuestionnaireLinkInvalid(_("The questionnaire has no questions right now. Try again later."))
    return _Questionnaire(response, questions)


@public
@require_http_methods(["GET", "POST"])
def questionnaire_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The member's questionnaire, reached from the e-mail; shows nothing personal but the programme."""

    def page(opened: _Questionnaire) -> HttpResponse:
        response = opened.response
        form = QuestionnaireForm(request.POST or None, questions=opened.questions)
        if request.method == "POST" and form.is_valid():
            saved = form_run_service(
                form,
                lambda: services.questionnaire_answer(
                    response=response, values=form.values(), texts=form.texts()
                ),
            )
            if saved is not None:
                return render(request, "programmes/questionnaire_thanks.html", {})
        context = {
            "form": form,
            "programme_name": response.cohort.programme.name,
            "is_after": response.phase == Phase.AFTER,
        }
        return render(
            request, "programmes/questionnaire_form.html", context, status=400 if form.errors else 200
        )

    return public_link_view(
        request,
        token,
        link=QUESTIONNAIRE_LINK,
        closed_template="programmes/questionnaire_closed.html",
        fetch=_open_questionnaire,
        page=page,
    )


@requires(PROGRAMMES_CHANGE)
@require_POST
def questionnaire_email_resend(request: StaffRequest, pk: int) -> HttpResponse:
    """Send one member's failed or possibly sent questionnaire e-mail again (checked with the member)."""
    response = selectors.response_get_for(user=request.user, id=pk)
    value = request.POST.get("message", "")
    try:
        email_resend_about(by=request.user, about=response, message_id=int(value) if value.isdigit() else 0)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The questionnaire e-mail is sent again."))
    return redirect("programmes:cohort_questionnaires", pk=response.cohort_id)
