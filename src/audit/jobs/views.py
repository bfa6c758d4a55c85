"""The administrator's page on background jobs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import JOBS_VIEW, requires
from jobs.selectors import job_overview


@requires(JOBS_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/overview.html", {"overview": job_overview()})
