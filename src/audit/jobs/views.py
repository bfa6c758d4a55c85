"""The administrator's page on background jobs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import JOBS_VIEW, requires
from jobs.selectors import job_overview, outbox_counts


@requires(JOBS_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    # The outbox holds families' addresses and messages: counts of the administrator's
    # own municipality only.
    outbox = outbox_counts(municipality_id=getattr(request.user, "municipality_id", None))
    return render(request, "jobs/overview.html", {"overview": job_overview(), "outbox": outbox})
