"""Programme, cohort and session views (thin: form → service/selector → template)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import PROGRAMMES_CHANGE, PROGRAMMES_VIEW, StaffRequest, requires
from kernel.forms import form_run_service
from programmes import selectors, services
from programmes.forms import (
    AttendanceForm,
    CohortForm,
    MemberAddForm,
    ProgrammeEditForm,
    ProgrammeForm,
    SessionCancelForm,
    SessionMoveForm,
    SessionRestoreForm,
)
from programmes.models import Cohort, MemberRole, ParticipantKind, Programme, Session


def _status(*forms: Any) -> int:
    return 400 if any(form is not None and form.errors for form in forms) else 200


# --- Programmes ------------------------------------------------------------------------------


@requires(PROGRAMMES_VIEW)
def programme_list(request: StaffRequest) -> HttpResponse:
    return render(
        request, "programmes/programme_list.html", {"programmes": selectors.programme_list(user=request.user)}
    )


@requires(PROGRAMMES_CHANGE)
@require_http_methods(["GET", "POST"])
def programme_create(request: StaffRequest) -> HttpResponse:
    form = ProgrammeForm(
        request.POST or None, initial={"participant_kind": ParticipantKind.STAFF, "start_time": "13:00"}
    )
    if request.method == "POST" and form.is_valid():
        programme = form_run_service(
            form, lambda: services.programme_create(by=request.user, **form.cleaned_data)
        )
        if programme is not None:
            messages.success(request, _("The programme was created. Add its first cohort."))
            return redirect("programmes:programme_detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form}, status=_status(form))


@requires(PROGRAMMES_VIEW)
def programme_detail(request: StaffRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for(user=request.user, id=pk)
    return render(
        request,
        "programmes/programme_detail.html",
        {"programme": programme, "cohorts": selectors.programme_cohorts(programme=programme)},
    )


def _programme_initial(programme: Programme) -> dict[str, Any]:
    return {name: getattr(programme, name) for name in services.PROGRAMME_FIELDS} | {
        "version": programme.version
    }


@requires(PROGRAMMES_CHANGE)
@require_http_methods(["GET", "POST"])
def programme_edit(request: StaffRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for(user=request.user, id=pk)
    form = ProgrammeEditForm(request.POST or None, initial=_programme_initial(programme))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.PROGRAMME_FIELDS}
        if form_run_service(
            form,
            lambda: services.programme_update(
                by=request.user, programme=programme, version=form.cleaned_data["version"], **changes
            ),
        ):
            messages.success(request, _("The programme was saved."))
            return redirect("programmes:programme_detail", pk=programme.pk)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": programme},
        status=_status(form),
    )


# --- Cohorts ---------------------------------------------------------------------------------


@requires(PROGRAMMES_CHANGE)
@require_http_methods(["GET", "POST"])
def cohort_create(request: StaffRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get_for(user=request.user, id=pk)
    form = CohortForm(
        request.POST or None,
        initial={
            "start_time": programme.start_time,
            "duration_minutes": programme.duration_minutes,
            "place": programme.place,
        },
    )
    if request.method == "POST" and form.is_valid():
        cohort = form_run_service(
            form, lambda: services.cohort_create(by=request.user, programme=programme, **form.cleaned_data)
        )
        if cohort is not None:
            messages.success(
                request,
                _("The cohort was created with %(n)s sessions. Add its participants and mentors.")
                % {"n": programme.sessions_per_cohort},
            )
            return redirect("programmes:cohort_detail", pk=cohort.pk)
    return render(
        request, "programmes/cohort_form.html", {"form": form, "programme": programme}, status=_status(form)
    )


def _member_forms(cohort: Cohort, data: Any = None, role: str = "") -> tuple[MemberAddForm, MemberAddForm]:
    staff = cohort.programme.participant_kind == ParticipantKind.STAFF
    participant_form = MemberAddForm(
        data if role == MemberRole.PARTICIPANT else None,
        prefix="participant",
        choices=selectors.participant_choices(cohort=cohort),
        label=_("Staff member") if staff else _("Person with an assignment"),
    )
    mentor_form = MemberAddForm(
        data if role == MemberRole.MENTOR else None,
        prefix="mentor",
        choices=selectors.mentor_choices(cohort=cohort),
        label=_("User-mentor"),
    )
    return participant_form, mentor_form


def _cohort_page(request: StaffRequest, pk: int, **forms: Any) -> HttpResponse:
    detail = selectors.cohort_detail(user=request.user, id=pk)
    participant_form, mentor_form = _member_forms(detail.cohort)
    context = {
        "detail": detail,
        "cohort": detail.cohort,
        "programme": detail.programme,
        "participant_form": forms.get("participant_form") or participant_form,
        "mentor_form": forms.get("mentor_form") or mentor_form,
        "is_staff_programme": detail.programme.participant_kind == ParticipantKind.STAFF,
    }
    return render(request, "programmes/cohort_detail.html", context, status=_status(*forms.values()))


@requires(PROGRAMMES_VIEW)
def cohort_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _cohort_page(request, pk)


def _member_add(request: StaffRequest, pk: int, role: str) -> HttpResponse:
    cohort = selectors.cohort_get_for(user=request.user, id=pk)
    participant_form, mentor_form = _member_forms(cohort, request.POST, role)
    form = participant_form if role == MemberRole.PARTICIPANT else mentor_form
    if form.is_valid():
        chosen = form.cleaned_data["who"]
        is_person = (
            role == MemberRole.MENTOR or cohort.programme.participant_kind == ParticipantKind.ASSIGNEES
        )
        who = {"person": chosen} if is_person else {"user": chosen}
        member = form_run_service(
            form, lambda: services.cohort_member_add(by=request.user, cohort=cohort, role=role, **who)
        )
        if member is not None:
            messages.success(request, _("%(name)s was added to the cohort.") % {"name": chosen})
            return redirect("programmes:cohort_detail", pk=cohort.pk)
    key = "participant_form" if role == MemberRole.PARTICIPANT else "mentor_form"
    return _cohort_page(request, pk, **{key: form})


@requires(PROGRAMMES_CHANGE)
@require_POST
def cohort_participant_add(request: StaffRequest, pk: int) -> HttpResponse:
    return _member_add(request, pk, MemberRole.PARTICIPANT)


@requires(PROGRAMMES_CHANGE)
@require_POST
def cohort_mentor_add(request: StaffRequest, pk: int) -> HttpResponse:
    return _member_add(request, pk, MemberRole.MENTOR)


@requires(PROGRAMMES_CHANGE)
@require_POST
def cohort_member_remove(request: StaffRequest, pk: int) -> HttpResponse:
    member = selectors.member_get_for(user=request.user, id=pk)
    try:
        services.cohort_member_remove(by=request.user, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s has left the cohort.") % {"name": selectors.member_name(member)}
        )
    return redirect("programmes:cohort_detail", pk=member.cohort_id)


# --- Sessions --------------------------------------------------------------------------------


def _session_page(request: StaffRequest, session: Session, **forms: Any) -> HttpResponse:
    row = selectors.session_detail(session=session)
    context = {
        "session": session,
        "row": row,
        "cohort": session.cohort,
        "move_form": forms.get("move_form")
        or SessionMoveForm(
            prefix="move",
            initial={
                "version": session.version,
                "date": row.starts_at.date(),
                "time": row.starts_at.time(),
                "duration_minutes": int((session.ends_at - session.starts_at).total_seconds() // 60),
                "place": session.place,
            },
        ),
        "cancel_form": forms.get("cancel_form")
        or SessionCancelForm(prefix="cancel", initial={"version": session.version}),
        "restore_form": forms.get("restore_form")
        or SessionRestoreForm(prefix="restore", initial={"version": session.version}),
    }
    return render(request, "programmes/session_detail.html", context, status=_status(*forms.values()))


@requires(PROGRAMMES_VIEW)
def session_detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _session_page(request, selectors.session_get_for(user=request.user, id=pk))


@requires(PROGRAMMES_CHANGE)
@require_POST
def session_move(request: StaffRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for(user=request.user, id=pk)
    form = SessionMoveForm(request.POST, prefix="move")
    if form.is_valid():
        data = form.cleaned_data
        if form_run_service(
            form,
            lambda: services.session_move(
                by=request.user,
                session=session,
                version=data["version"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
            ),
        ):
            messages.success(request, _("The session was moved."))
            return redirect("programmes:cohort_detail", pk=session.cohort_id)
    return _session_page(request, session, move_form=form)


@requires(PROGRAMMES_CHANGE)
@require_POST
def session_cancel(request: StaffRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for(user=request.user, id=pk)
    form = SessionCancelForm(request.POST, prefix="cancel")
    if (
        form.is_valid()
        and form_run_service(
            form,
            lambda: services.session_cancel(
                by=request.user,
                session=session,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            ),
        )
        is not None
    ):
        messages.success(request, _("The session was cancelled."))
        return redirect("programmes:cohort_detail", pk=session.cohort_id)
    return _session_page(request, session, cancel_form=form)


@requires(PROGRAMMES_CHANGE)
@require_POST
def session_restore(request: StaffRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for(user=request.user, id=pk)
    form = SessionRestoreForm(request.POST, prefix="restore")
    if (
        form.is_valid()
        and form_run_service(
            form,
            lambda: services.session_restore(
                by=request.user, session=session, version=form.cleaned_data["version"]
            ),
        )
        is not None
    ):
        messages.success(request, _("The session was restored."))
        return redirect("programmes:cohort_detail", pk=session.cohort_id)
    return _session_page(request, session, restore_form=form)


@requires(PROGRAMMES_CHANGE)
@require_http_methods(["GET", "POST"])
def session_attendance(request: StaffRequest, pk: int) -> HttpResponse:
    session = selectors.session_get_for(user=request.user, id=pk)
    roll = selectors.session_roll(user=request.user, session=session)
    form = AttendanceForm(request.POST if request.method == "POST" else None, roll=roll)
    if request.method == "POST" and form.is_valid():
        changed = form_run_service(
            form,
            lambda: services.session_attendance_record(
                by=request.user, session=session, present=form.marks()
            ),
        )
        if changed is not None:
            messages.success(request, _("The attendance was saved."))
            return redirect("programmes:cohort_detail", pk=session.cohort_id)
    return render(
        request,
        "programmes/session_attendance.html",
        {
            "session": session,
            "row": selectors.session_detail(session=session),
            "cohort": session.cohort,
            "form": form,
            "roll": roll,
        },
        status=_status(form),
    )
