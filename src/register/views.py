"""Register views: parse input, call one service or selector, render."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.navigation import safe_next_url
from accounts.permissions import REGISTER_CHANGE, REGISTER_EXPORT, REGISTER_VIEW, StaffRequest, requires
from kernel.forms import form_run_service
from register import selectors, services
from register.forms import (
    AssignmentEditForm,
    AssignmentForm,
    HouseholdEditForm,
    HouseholdForm,
    PersonEditForm,
    PersonForm,
    RegisterFilterForm,
    TransitionForm,
)
from register.selectors import RegisterFilters


def _filters_from(form: RegisterFilterForm) -> RegisterFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return RegisterFilters(
        **{key: data.get(key) or "" for key in ("q", "type", "status", "secretary", "postal_area")}
    )


@requires(REGISTER_VIEW)
def assignee_list(request: StaffRequest) -> HttpResponse:
    secretaries = selectors.secretary_choices(user=request.user)
    form = RegisterFilterForm(request.GET or None, secretaries=secretaries)
    filters = _filters_from(form)
    paginator = Paginator(
        selectors.assignee_search(user=request.user, filters=filters),
        settings.BOLLPLANK["REGISTER_PAGE_SIZE"],
    )
    page = paginator.get_page(request.GET.get("page"))
    selectors.assignee_search_logged(user=request.user, filters=filters, count=paginator.count)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = (
        "register/_results.html" if request.headers.get("HX-Request") else "register/assignee_list.html"
    )
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@requires(REGISTER_EXPORT)
def assignee_export(request: StaffRequest) -> StreamingHttpResponse:
    secretaries = selectors.secretary_choices(user=request.user)
    filters = _filters_from(RegisterFilterForm(request.GET or None, secretaries=secretaries))
    rows = selectors.assignee_export_rows(user=request.user, filters=filters)
    header = {
        "holder": _("Assignee"),
        "type": _("Assignment type"),
        "status": _("Status"),
        "responsible_secretary": _("Responsible secretary"),
        "postal_code": _("Postal code"),
        "place": _("Place"),
        "externally_contracted": _("Externally contracted"),
        "status_changed": _("Status changed"),
    }
    writer = csv.DictWriter(_Echo(), fieldnames=list(header), delimiter=";")

    def lines() -> Any:
        yield "\ufeff"  # BOM, so Excel opens the file as UTF-8
        yield writer.writerow(header)
        for row in rows:
            row = {**row, "externally_contracted": _("Yes") if row["externally_contracted"] else _("No")}
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="uppdragstagare.csv"'
    return response


@requires(REGISTER_CHANGE)
@require_http_methods(["GET", "POST"])
def household_create(request: StaffRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = form_run_service(form, lambda: services.household_create(by=request.user, **data))
        if household is not None:
            messages.success(request, _("The household was created. Add its members and assignments."))
            return redirect("register:household_detail", pk=household.pk)
    return render(request, "register/household_form.html", {"form": form})


@requires(REGISTER_VIEW)
def household_detail(request: StaffRequest, pk: int) -> HttpResponse:
    detail = selectors.household_detail(user=request.user, id=pk)
    return render(
        request, "register/household_detail.html", {"detail": detail, "household": detail.household}
    )


@requires(REGISTER_CHANGE)
@require_http_methods(["GET", "POST"])
def household_edit(request: StaffRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for(user=request.user, id=pk)
    hide = selectors.household_is_protected(household=household) and not selectors.is_responsible_for(
        user=request.user,
        household=household,
    )
    initial = {name: getattr(household, name) for name in services.HOUSEHOLD_FIELDS}
    form = HouseholdEditForm(
        request.POST or None, initial={**initial, "version": household.version}, hide_protected=hide
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.pop("version")
        changes = {k: v for k, v in form.cleaned_data.items() if k in services.HOUSEHOLD_FIELDS}
        if form_run_service(
            form,
            lambda: services.household_update(
                by=request.user, household=household, version=version, **changes
            ),
        ):
            messages.success(request, _("The changes were saved."))
            return redirect("register:household_detail", pk=household.pk)
    return render(request, "register/household_form.html", {"form": form, "household": household})


@requires(REGISTER_CHANGE)
@require_http_methods(["GET", "POST"])
def person_create(request: StaffRequest, household_pk: int | None = None) -> HttpResponse:
    household = selectors.household_get_for(user=request.user, id=household_pk) if household_pk else None
    form = PersonForm(request.POST or None, in_household=household is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = form_run_service(
            form, lambda: services.person_create(by=request.user, household=household, **data)
        )
        if person is not None:
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            if household is not None:
                return redirect("register:household_detail", pk=household.pk)
            return redirect("register:person_detail", pk=person.pk)
    return render(request, "register/person_form.html", {"form": form, "household": household})


@requires(REGISTER_VIEW)
def person_detail(request: StaffRequest, pk: int) -> HttpResponse:
    detail = selectors.person_detail(user=request.user, id=pk)
    return render(request, "register/person_detail.html", {"detail": detail, "person": detail.person})


@requires(REGISTER_CHANGE)
@require_http_methods(["GET", "POST"])
def person_edit(request: StaffRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for(user=request.user, id=pk)
    protected = person.has_protected_identity or (
        person.household is not None and selectors.household_is_protected(household=person.household)
    )
    hide = protected and not selectors.is_responsible_for(user=request.user, person=person)
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    form = PersonEditForm(
        request.POST or None,
        initial={**initial, "version": person.version},
        in_household=person.household_id is not None,
        hide_protected=hide,
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.pop("version")
        changes = {k: v for k, v in form.cleaned_data.items() if k in services.PERSON_FIELDS}
        if form_run_service(
            form, lambda: services.person_update(by=request.user, person=person, version=version, **changes)
        ):
            messages.success(request, _("The changes were saved."))
            return redirect("register:person_detail", pk=person.pk)
    return render(
        request, "register/person_form.html", {"form": form, "person": person, "household": person.household}
    )


def _assignment_holder(
    request: StaffRequest, household_pk: int | None, person_pk: int | None
) -> dict[str, Any]:
    if household_pk is not None:
        return {"household": selectors.household_get_for(user=request.user, id=household_pk)}
    if person_pk is None:
        raise Http404
    return {"person": selectors.person_get_for(user=request.user, id=person_pk)}


@requires(REGISTER_CHANGE)
@require_http_methods(["GET", "POST"])
def assignment_create(
    request: StaffRequest, household_pk: int | None = None, person_pk: int | None = None
) -> HttpResponse:
    holder = _assignment_holder(request, household_pk, person_pk)
    form = AssignmentForm(
        request.POST or None,
        holder="household" if "household" in holder else "person",
        secretaries=selectors.secretary_choices(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assignment = form_run_service(
            form, lambda: services.assignment_create(by=request.user, **holder, **data)
        )
        if assignment is not None:
            messages.success(request, _("The assignment was registered with the status “Interest”."))
            return redirect("register:assignment_detail", pk=assignment.pk)
    return render(request, "register/assignment_form.html", {"form": form, **holder})


@requires(REGISTER_VIEW)
def assignment_detail(request: StaffRequest, pk: int) -> HttpResponse:
    detail = selectors.assignment_detail(user=request.user, id=pk)
    assignment = detail.assignment
    transition_form = TransitionForm(
        current_status=assignment.status, initial={"version": assignment.version}
    )
    return render(
        request,
        "register/assignment_detail.html",
        {
            "detail": detail,
            "assignment": assignment,
            "transition_form": transition_form,
            "mentee_types": ("foster_home", "emergency_home"),
            "offerable_statuses": ("approved", "active", "paused"),
        },
    )


@requires(REGISTER_CHANGE)
@require_http_methods(["GET", "POST"])
def assignment_edit(request: StaffRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get_for(user=request.user, id=pk)
    initial: dict[str, Any] = {name: getattr(assignment, name) for name in services.ASSIGNMENT_FIELDS}
    initial["languages"] = ", ".join(assignment.languages or [])
    initial["version"] = assignment.version
    form = AssignmentEditForm(
        request.POST or None,
        initial=initial,
        holder="household" if assignment.household_id else "person",
        secretaries=selectors.secretary_choices(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.pop("version")
        changes = {k: v for k, v in form.cleaned_data.items() if k in services.ASSIGNMENT_FIELDS}
        if form_run_service(
            form,
            lambda: services.assignment_update(
                by=request.user, assignment=assignment, version=version, **changes
            ),
        ):
            messages.success(request, _("The changes were saved."))
            return redirect("register:assignment_detail", pk=assignment.pk)
    return render(request, "register/assignment_form.html", {"form": form, "assignment": assignment})


@requires(REGISTER_CHANGE)
@require_POST
def assignment_transition(request: StaffRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get_for(user=request.user, id=pk)
    form = TransitionForm(request.POST, current_status=assignment.status)
    if form.is_valid():
        data = form.cleaned_data
        result = form_run_service(
            form,
            lambda: services.assignment_transition(
                by=request.user,
                assignment=assignment,
                to_status=data["to_status"],
                version=data["version"],
                reason=data.get("reason") or "",
                note=data.get("note") or "",
            ),
        )
        if result is not None:
            messages.success(
                request, _("The status is now “%(status)s”.") % {"status": result.get_status_display()}
            )
            return HttpResponseRedirect(
                safe_next_url(request, request.POST.get("next")) or assignment_url(assignment.pk)
            )
    detail = selectors.assignment_detail(user=request.user, id=pk)
    return render(
        request,
        "register/assignment_detail.html",
        {"detail": detail, "assignment": detail.assignment, "transition_form": form},
        status=400,
    )


def assignment_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("register:assignment_detail", kwargs={"pk": pk})
