"""Mentorship views: thin wrappers around the services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import (
    MENTORSHIP_CHANGE,
    MENTORSHIP_VIEW,
    StaffRequest,
    public,
    requires,
)
from kernel.email import email_resend_about
from kernel.forms import form_run_service
from kernel.links import ObjectClaim, public_link_view
from mentorship import selectors, services
from mentorship.forms import (
    CheckInForm,
    ConfirmForm,
    EndForm,
    IntroductionForm,
    IntroductionHeldForm,
    MentorProfileForm,
    OfferAnswerForm,
    OfferNeedsForm,
    SurveyForm,
    batch_pairs_parse,
)
from mentorship.links import SURVEY_LINK, SurveyLinkInvalid
from mentorship.models import FollowUpSurvey, MentorProfile
from mentorship.suggestions import mentor_suggestions, mentorship_batch_proposal
from register import selectors as register_selectors
from register.domain import AssignmentType


@requires(MENTORSHIP_VIEW)
def overview(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "mentorship/overview.html",
        {
            "overview": selectors.mentorship_overview(user=request.user),
            "waiting": selectors.waiting_offers(user=request.user)[:20],
            "open_offers": selectors.open_offers(user=request.user)[:20],
            "mentors": selectors.mentors_with_load(user=request.user),
        },
    )


@requires(MENTORSHIP_CHANGE)
@require_http_methods(["GET", "POST"])
def mentor_profile_edit(request: StaffRequest, assignment_pk: int) -> HttpResponse:
    assignment = register_selectors.assignment_get_for(user=request.user, id=assignment_pk)
    if assignment.type != AssignmentType.MENTOR_FAMILY or assignment.household is None:
        messages.error(request, _("Only a household with a mentor-family assignment can be a mentor family."))
        return redirect("register:assignment_detail", pk=assignment.pk)
    profile = MentorProfile.objects.filter(assignment=assignment).first()
    members = list(assignment.household.members.all())
    initial: dict[str, Any] = {}
    if profile is not None:
        initial = {
            "capacity": profile.capacity,
            "mentors": [str(pk) for pk in profile.mentors.values_list("pk", flat=True)],
            "age_groups": profile.age_groups,
            "needs": profile.needs,
            "family_form": profile.family_form,
            "years_as_foster_home": profile.years_as_foster_home,
            "availability": profile.availability,
            "is_available": profile.is_available,
        }
    form = MentorProfileForm(request.POST or None, initial=initial or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_run_service(
            form,
            lambda: services.mentor_profile_save(
                by=request.user,
                assignment=assignment,
                capacity=data["capacity"],
                age_groups=data["age_groups"],
                needs=data["needs"],
                family_form=data["family_form"],
                years_as_foster_home=data["years_as_foster_home"],
                availability=data["availability"],
                is_available=data["is_available"],
                mentor_person_ids=[int(pk) for pk in data["mentors"]],
            ),
        )
        if saved is not None:
            messages.success(request, _("The mentor family's profile was saved."))
            return redirect("mentorship:overview")
    return render(request, "mentorship/mentor_form.html", {"form": form, "assignment": assignment})


@requires(MENTORSHIP_CHANGE)
@require_POST
def offer_create(request: StaffRequest, assignment_pk: int) -> HttpResponse:
    assignment = register_selectors.assignment_get_for(user=request.user, id=assignment_pk)
    try:
        offer = services.mentor_offer_create(by=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("register:assignment_detail", pk=assignment.pk)
    messages.success(request, _("A mentor was offered. Record the family's answer."))
    return redirect("mentorship:offer_detail", pk=offer.pk)


def _offer_page(request: StaffRequest, offer: Any, **forms: Any) -> HttpResponse:
    mentors = selectors.mentors_with_load(user=request.user)
    context = {
        "offer": offer,
        "answer_form": forms.get("answer_form")
        or OfferAnswerForm(initial={"version": offer.version, "answer": offer.answer}),
        "needs_form": forms.get("needs_form")
        or OfferNeedsForm(
            initial={
                "version": offer.version,
                "age_groups": offer.age_groups,
                "needs": offer.needs,
                "family_form": offer.family_form,
                "preferred_mentor": str(offer.preferred_mentor_id or ""),
            },
            mentors=mentors,
        ),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "is_waiting": services.offer_is_waiting(offer),
        "pairings": offer.pairings.select_related("mentor__household").order_by("-proposed_at"),
        "suggestions": mentor_suggestions(user=request.user, offer=offer)
        if services.offer_is_waiting(offer)
        else [],
    }
    status = 400 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "mentorship/offer_detail.html", context, status=status)


@requires(MENTORSHIP_VIEW)
def offer_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _offer_page(request, selectors.offer_get_for(user=request.user, id=pk))


@requires(MENTORSHIP_CHANGE)
@require_POST
def offer_answer(request: StaffRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for(user=request.user, id=pk)
    form = OfferAnswerForm(request.POST)
    if (
        form.is_valid()
        and form_run_service(
            form,
            lambda: services.mentor_offer_answer(
                by=request.user,
                offer=offer,
                answer=form.cleaned_data["answer"],
                version=form.cleaned_data["version"],
            ),
        )
        is not None
    ):
        messages.success(request, _("The answer was saved."))
        return redirect("mentorship:offer_detail", pk=offer.pk)
    return _offer_page(request, offer, answer_form=form)


@requires(MENTORSHIP_CHANGE)
@require_POST
def offer_needs(request: StaffRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for(user=request.user, id=pk)
    mentors = selectors.mentors_with_load(user=request.user)
    form = OfferNeedsForm(request.POST, mentors=mentors)
    if form.is_valid():
        data = form.cleaned_data
        preferred = (
            mentors.filter(pk=int(data["preferred_mentor"])).first() if data["preferred_mentor"] else None
        )
        if form_run_service(
            form,
            lambda: services.mentor_offer_update_needs(
                by=request.user,
                offer=offer,
                version=data["version"],
                age_groups=data["age_groups"],
                needs=data["needs"],
                family_form=data["family_form"],
                preferred_mentor=preferred,
            ),
        ):
            messages.success(request, _("The family's needs were saved; the suggestions are updated."))
            return redirect("mentorship:offer_detail", pk=offer.pk)
    return _offer_page(request, offer, needs_form=form)


@requires(MENTORSHIP_CHANGE)
@require_POST
def offer_confirm(request: StaffRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for(user=request.user, id=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        mentor = selectors.mentor_get_for(user=request.user, id=form.cleaned_data["mentor"])
        suggestion = next(
            (
                s
                for s in mentor_suggestions(user=request.user, offer=offer, limit=None)
                if s.mentor.pk == mentor.pk
            ),
            None,
        )
        pairing = form_run_service(
            form,
            lambda: services.pairing_confirm(
                by=request.user,
                offer=offer,
                mentor=mentor,
                override_reason=form.cleaned_data["override_reason"],
                cost=suggestion.cost if suggestion else None,
                explanation=suggestion.reasons if suggestion else [],
            ),
        )
        if pairing is not None:
            messages.success(request, _("The pairing was confirmed. Book the introduction meeting."))
            return redirect("mentorship:pairing_detail", pk=pairing.pk)
    return _offer_page(request, offer, confirm_form=form)


@requires(MENTORSHIP_CHANGE)
@require_http_methods(["GET", "POST"])
def batch_proposal(request: StaffRequest) -> HttpResponse:
    method = "stable" if request.GET.get("metod") == "stabil" else "optimal"
    proposal = mentorship_batch_proposal(user=request.user, method=method)
    errors: list[str] = []
    chosen = batch_pairs_parse(request.POST.getlist("pair")) if request.method == "POST" else []
    if chosen is None:
        errors.append(_("The ticked pairings could not be read. Reload the page and try again."))
    elif request.method == "POST":
        # Every family and mentor family is fetched (404 for another municipality's)
        # before anything is saved; then the batch is saved whole or not at all.
        plans = []
        for offer_id, mentor_id in chosen:
            offer = selectors.offer_get_for(user=request.user, id=offer_id)
            mentor = selectors.mentor_get_for(user=request.user, id=mentor_id)
            planned = next(
                (p for p in proposal.pairs if p.offer.pk == offer.pk and p.mentor.pk == mentor.pk), None
            )
            plans.append(
                services.PlannedPairing(
                    offer=offer,
                    mentor=mentor,
                    cost=planned.cost if planned else None,
                    explanation=planned.reasons if planned else [],
                )
            )
        try:
            confirmed = services.pairings_confirm_batch(by=request.user, planned=plans)
        except services.BatchRefused as refused:
            errors = [_("Nothing was saved. Untick these families or choose again:"), *refused.problems]
            proposal = mentorship_batch_proposal(user=request.user, method=method)
        else:
            if confirmed:
                messages.success(request, _("%(n)s pairings were confirmed.") % {"n": len(confirmed)})
            return redirect("mentorship:overview")
    return render(
        request,
        "mentorship/batch.html",
        {"proposal": proposal, "method": method, "errors": errors},
        status=400 if errors else 200,
    )


@requires(MENTORSHIP_VIEW)
def pairing_list(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    return render(
        request,
        "mentorship/pairing_list.html",
        {"pairings": selectors.pairing_list(user=request.user, status=status), "status": status},
    )


def _pairing_page(request: StaffRequest, pk: int, **forms: Any) -> HttpResponse:
    pairing = selectors.pairing_detail(user=request.user, id=pk)
    secretaries = register_selectors.secretary_choices(user=request.user)
    context = {
        "pairing": pairing,
        "check_ins": pairing.check_ins.select_related("recorded_by", "handled_by"),
        "survey_rows": selectors.survey_rows(pairing=pairing),
        "intro_form": forms.get("intro_form")
        or IntroductionForm(
            initial={
                "version": pairing.version,
                "at": pairing.introduction_at,
                "place": pairing.introduction_place,
                "secretary": str(pairing.introduction_secretary_id or request.user.pk),
            },
            secretaries=secretaries,
        ),
        "held_form": forms.get("held_form") or IntroductionHeldForm(initial={"version": pairing.version}),
        "check_in_form": forms.get("check_in_form") or CheckInForm(),
        "end_form": forms.get("end_form") or EndForm(initial={"version": pairing.version}),
    }
    status = 400 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "mentorship/pairing_detail.html", context, status=status)


@requires(MENTORSHIP_VIEW)
def pairing_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _pairing_page(request, pk)


@requires(MENTORSHIP_CHANGE)
@require_POST
def pairing_introduction(request: StaffRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(user=request.user, id=pk)
    secretaries = register_selectors.secretary_choices(user=request.user)
    form = IntroductionForm(request.POST, secretaries=secretaries)
    if form.is_valid():
        data = form.cleaned_data
        secretary = secretaries.filter(pk=int(data["secretary"])).first()
        if form_run_service(
            form,
            lambda: services.pairing_book_introduction(
                by=request.user,
                pairing=pairing,
                version=data["version"],
                at=data["at"],
                place=data["place"],
                secretary=secretary,
            ),
        ):
            messages.success(request, _("The introduction meeting is booked."))
            return redirect("mentorship:pairing_detail", pk=pk)
    return _pairing_page(request, pk, intro_form=form)


@requires(MENTORSHIP_CHANGE)
@require_POST
def pairing_introduction_held(request: StaffRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(user=request.user, id=pk)
    form = IntroductionHeldForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        result = form_run_service(
            form,
            lambda: services.pairing_record_introduction(
                by=request.user,
                pairing=pairing,
                version=data["version"],
                held_on=data["held_on"],
                mentor_fit=data["mentor_fit"],
                mentee_fit=data["mentee_fit"],
            ),
        )
        if result is not None:
            if result.status == "ended":
                messages.warning(
                    request,
                    _("Not a fit: the pairing has ended and the family is waiting for a new proposal."),
                )
                return redirect("mentorship:offer_detail", pk=result.offer_id)
            messages.success(
                request, _("The pairing is active. The families keep contact themselves from now on.")
            )
            return redirect("mentorship:pairing_detail", pk=pk)
    return _pairing_page(request, pk, held_form=form)


@requires(MENTORSHIP_CHANGE)
@require_POST
def pairing_check_in(request: StaffRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(user=request.user, id=pk)
    form = CheckInForm(request.POST)
    if (
        form.is_valid()
        and form_run_service(
            form, lambda: services.check_in_record(by=request.user, pairing=pairing, **form.cleaned_data)
        )
        is not None
    ):
        messages.success(request, _("The check-in was saved."))
        return redirect("mentorship:pairing_detail", pk=pk)
    return _pairing_page(request, pk, check_in_form=form)


@requires(MENTORSHIP_CHANGE)
@require_POST
def pairing_end(request: StaffRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_get_for(user=request.user, id=pk)
    form = EndForm(request.POST)
    if (
        form.is_valid()
        and form_run_service(
            form,
            lambda: services.pairing_end(
                by=request.user,
                pairing=pairing,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
        )
        is not None
    ):
        messages.success(request, _("The pairing has ended."))
        return redirect("mentorship:pairing_detail", pk=pk)
    return _pairing_page(request, pk, end_form=form)


@requires(MENTORSHIP_CHANGE)
@require_POST
def survey_email_resend(request: StaffRequest, pk: int) -> HttpResponse:
    """Send a follow-up survey's failed or possibly sent e-mail again (checked with the family)."""
    survey = selectors.survey_get_for(user=request.user, id=pk)
    value = request.POST.get("message", "")
    try:
        email_resend_about(by=request.user, about=survey, message_id=int(value) if value.isdigit() else 0)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The survey e-mail is sent again."))
    return redirect("mentorship:pairing_detail", pk=survey.pairing_id)


@requires(MENTORSHIP_CHANGE)
@require_POST
def check_in_support_handle(request: StaffRequest, pk: int) -> HttpResponse:
    check_in = selectors.check_in_get_for(user=request.user, id=pk)
    try:
        services.check_in_support_handle(by=request.user, check_in=check_in)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The support is marked as seen to. It is no longer on the start page."))
    return redirect("mentorship:pairing_detail", pk=check_in.pairing_id)


@requires(MENTORSHIP_CHANGE)
@require_POST
def survey_follow_up(request: StaffRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get_for(user=request.user, id=pk)
    try:
        services.survey_follow_up(by=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The answer is marked as followed up. It is no longer on the start page.")
        )
    return redirect("mentorship:pairing_detail", pk=survey.pairing_id)


def _open_survey(claim: ObjectClaim) -> FollowUpSurvey:
    survey = FollowUpSurvey.objects.filter(pk=claim.object_id).first()
    if survey is None:
        raise SurveyLinkInvalid(_("The survey no longer exists."), status=404)
    if survey.answered_at is not None:
        raise SurveyLinkInvalid(_("This survey has already been answered. Thank you!"))
    return survey


@public
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The follow-up survey, reached from the e-mail without logging in."""

    def page(survey: FollowUpSurvey) -> HttpResponse:
        form = SurveyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.survey_answer(survey=survey, **form.cleaned_data)
            return render(request, "mentorship/survey_thanks.html", {})
        return render(request, "mentorship/survey_form.html", {"form": form, "survey": survey})

    return public_link_view(
        request,
        token,
        link=SURVEY_LINK,
        closed_template="mentorship/survey_closed.html",
        fetch=_open_survey,
        page=page,
    )
