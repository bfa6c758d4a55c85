"""Series, meeting, invitation and attendance views (thin: form → service/selector → template)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import MEETINGS_CHANGE, MEETINGS_VIEW, StaffRequest, public, requires
from kernel.email import email_resend_about
from kernel.forms import form_run_service
from kernel.links import public_link_view
from meetings import selectors, services
from meetings.attendance import attendance_record
from meetings.forms import AnswerForm, AttendanceForm, CancelForm, MoveForm, SeriesEditForm, SeriesForm
from meetings.links import RSVP_LINK, RsvpClaim, RsvpLinkInvalid, rsvp_refusal
from meetings.models import Invitation, InvitationStatus


@requires(MEETINGS_VIEW)
def series_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "meetings/series_list.html",
        {
            "series_list": selectors.series_list(user=request.user),
            "invited_meetings": selectors.invited_meetings(user=request.user),
        },
    )


def _series_form(request: StaffRequest, form_class: Any, *, data: Any = None, series: Any = None) -> Any:
    include = []
    initial = None
    if series is not None:
        initial = form_class.initial_for(series)
        include = [pk for pk in [series.hub_household_id, *initial["satellite_households"]] if pk]
    return form_class(
        data,
        initial=initial,
        responsible=selectors.responsible_choices(user=request.user),
        municipalities=selectors.municipality_choices(user=request.user),
        households=selectors.household_choices(user=request.user, include=include),
    )


@requires(MEETINGS_CHANGE)
@require_http_methods(["GET", "POST"])
def series_create(request: StaffRequest) -> HttpResponse:
    form = _series_form(request, SeriesForm, data=request.POST or None)
    if not request.POST:
        form.initial.setdefault("responsible", request.user.pk)
        form.initial.setdefault("audience_municipalities", [request.user.municipality_id])
    if request.method == "POST" and form.is_valid():
        series = form_run_service(form, lambda: services.series_create(by=request.user, values=form.values()))
        if series is not None:
            messages.success(request, _("The series was created and its meetings planned."))
            return redirect("meetings:series_detail", pk=series.pk)
    status = 400 if form.errors else 200
    return render(request, "meetings/series_form.html", {"form": form, "series": None}, status=status)


@requires(MEETINGS_VIEW)
def series_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return render(
        request, "meetings/series_detail.html", {"page": selectors.series_detail(user=request.user, id=pk)}
    )


@requires(MEETINGS_CHANGE)
@require_http_methods(["GET", "POST"])
def series_edit(request: StaffRequest, pk: int) -> HttpResponse:
    series = selectors.series_get_for(user=request.user, id=pk)
    form = _series_form(request, SeriesEditForm, data=request.POST or None, series=series)
    if request.method == "POST" and form.is_valid():
        saved = form_run_service(
            form,
            lambda: services.series_update(
                by=request.user, series=series, version=form.cleaned_data["version"], values=form.values()
            ),
        )
        if saved is not None:
            messages.success(request, _("The series was saved."))
            return redirect("meetings:series_detail", pk=series.pk)
    status = 400 if form.errors else 200
    return render(request, "meetings/series_form.html", {"form": form, "series": series}, status=status)


@requires(MEETINGS_VIEW)
def meeting_detail(request: StaffRequest, pk: int) -> HttpResponse:
    page = selectors.meeting_detail(user=request.user, id=pk)
    return render(request, "meetings/meeting_detail.html", {"page": page, "answer_form": AnswerForm()})


@requires(MEETINGS_CHANGE)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: StaffRequest, pk: int) -> HttpResponse:
    """Move the meeting (time, length, place) or cancel it: two forms, one page."""
    event = selectors.meeting_get_for(user=request.user, id=pk)
    length = int((event.ends_at - event.starts_at).total_seconds() // 60)
    action = request.POST.get("action") if request.method == "POST" else None
    move_form = MoveForm(
        request.POST if action == "move" else None,
        initial={
            "version": event.version,
            "starts_at": event.starts_at,
            "duration_minutes": length,
            "place": event.place,
            "video_url": event.video_url,
        },
    )
    cancel_form = CancelForm(request.POST if action == "cancel" else None, initial={"version": event.version})
    if action == "move" and move_form.is_valid():
        data = move_form.cleaned_data
        if form_run_service(
            move_form,
            lambda: services.event_move(
                by=request.user,
                event=event,
                version=data["version"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                video_url=data["video_url"],
            ),
        ):
            messages.success(request, _("The meeting was changed. Those invited are told by e-mail."))
            return redirect("meetings:meeting_detail", pk=pk)
    elif action == "cancel" and cancel_form.is_valid():
        data = cancel_form.cleaned_data
        if form_run_service(
            cancel_form,
            lambda: services.event_cancel(
                by=request.user, event=event, version=data["version"], reason=data["reason"]
            ),
        ):
            messages.success(request, _("The meeting was cancelled. Those invited are told by e-mail."))
            return redirect("meetings:meeting_detail", pk=pk)
    status = 400 if move_form.errors or cancel_form.errors or action not in (None, "move", "cancel") else 200
    return render(
        request,
        "meetings/meeting_edit.html",
        {"event": event, "move_form": move_form, "cancel_form": cancel_form},
        status=status,
    )


@requires(MEETINGS_CHANGE)
@require_POST
def meeting_invite(request: StaffRequest, pk: int) -> HttpResponse:
    event = selectors.meeting_get_for(user=request.user, id=pk)
    try:
        run = services.event_invitations_create(by=request.user, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:meeting_detail", pk=pk)
    messages.success(
        request,
        _(
            "%(created)s new invitations; %(queued)s e-mails are being sent. "
            "%(without)s have no e-mail address."
        )
        % {"created": run.created, "queued": run.queued, "without": run.without_email},
    )
    return redirect("meetings:meeting_detail", pk=pk)


@requires(MEETINGS_CHANGE)
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: StaffRequest, pk: int) -> HttpResponse:
    event = selectors.meeting_get_for(user=request.user, id=pk)
    rows = selectors.attendance_rows(user=request.user, event=event)
    form = AttendanceForm(request.POST or None, rows=rows)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and form_run_service(
            form, lambda: attendance_record(by=request.user, event=event, persons=form.marks())
        )
        is not None
    )
    if saved:
        messages.success(request, _("The attendance was saved."))
        return redirect("meetings:meeting_detail", pk=pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "meetings/meeting_attendance.html",
        {"event": event, "form": form, "rows": rows},
        status=status,
    )


def _back_to(invitation: Invitation) -> HttpResponse:
    return redirect("meetings:meeting_detail", pk=invitation.event_id)


@requires(MEETINGS_CHANGE)
@require_POST
def invitation_answer(request: StaffRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get_for(user=request.user, id=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose coming or not coming."))
        return _back_to(invitation)
    try:
        answered = services.invitation_answer_on_behalf(
            by=request.user, invitation=invitation, answer=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(answer)s.")
            % {"name": invitation.person.full_name, "answer": InvitationStatus(answered.status).label},
        )
    return _back_to(invitation)


@requires(MEETINGS_CHANGE)
@require_POST
def invitation_withdraw(request: StaffRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get_for(user=request.user, id=pk)
    try:
        services.invitation_withdraw(by=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is no longer invited; the links sent stop working.")
            % {"name": invitation.person.full_name},
        )
    return _back_to(invitation)


@requires(MEETINGS_CHANGE)
@require_POST
def invitation_email_resend(request: StaffRequest, pk: int) -> HttpResponse:
    """Send one invitation's failed or possibly sent e-mail again (the secretary checked with the family)."""
    invitation = selectors.invitation_get_for(user=request.user, id=pk)
    try:
        email_resend_about(by=request.user, about=invitation, message_id=_message_id(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The e-mail to %(name)s is sent again.") % {"name": invitation.person.full_name}
        )
    return _back_to(invitation)


def _message_id(request: HttpRequest) -> int:
    value = request.POST.get("message", "")
    return int(value) if value.isdigit() else 0


def _open_invitation(claim: RsvpClaim) -> Invitation:
    invitation = (
        Invitation.objects.select_related("event__series", "person").filter(pk=claim.invitation_id).first()
    )
    refusal = rsvp_refusal(invitation=invitation, claim=claim)
    if refusal is not None or invitation is None:
        raise RsvpLinkInvalid(refusal, status=410)
    return invitation


@public
@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's answer, from the e-mail's link, without logging in.

    GET only shows the meeting and the buttons (mail scanners open links); POST answers.
    """

    def page(invitation: Invitation) -> HttpResponse:
        form = AnswerForm(request.POST or None)
        error = None
        answered = False
        if request.method == "POST":
            if form.is_valid():
                try:
                    invitation = services.invitation_answer(
                        invitation=invitation, answer=form.cleaned_data["answer"]
                    )
                    answered = True
                except ValidationError as refused:
                    error = " ".join(refused.messages)
            else:
                error = _("Choose coming or not coming.")
        suggested = {"ja": services.YES, "nej": services.NO}.get(request.GET.get("svar", ""), "")
        return render(
            request,
            "meetings/rsvp.html",
            {
                "invitation": invitation,
                "event": invitation.event,
                "series": invitation.event.series,
                "answered": answered,
                "error": error,
                "suggested": suggested,
                "has_started": invitation.event.starts_at <= timezone.now(),
            },
            status=400 if error else 200,
        )

    return public_link_view(
        request,
        token,
        link=RSVP_LINK,
        closed_template="meetings/rsvp_closed.html",
        fetch=_open_invitation,
        page=page,
    )
