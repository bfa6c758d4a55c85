"""The attendance overview: figures per series and cohort, and the retention warning list."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.views.decorators.http import require_GET

from accounts.permissions import INSIGHTS_VIEW, StaffRequest, requires
from insights import selectors
from insights.charts import rate_chart
from insights.forms import PeriodForm


@requires(INSIGHTS_VIEW)
@require_GET
def attendance(request: StaffRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    period = form.period()
    overview = selectors.attendance_overview(user=request.user, period=period)
    series: list[dict[str, Any]] = [
        {
            "row": row,
            "chart_id": f"series-chart-{row.series.pk}",
            "chart": rate_chart(
                [(formats.date_format(month.month, "M y"), month.rate_of_accepted) for month in row.months]
            ),
        }
        for row in overview.series
    ]
    cohorts: list[dict[str, Any]] = [
        {
            "row": row,
            "chart_id": f"cohort-chart-{row.cohort.pk}",
            "chart": rate_chart([(str(session.event.number), session.rate) for session in row.sessions]),
        }
        for row in overview.cohorts
    ]
    return render(
        request,
        "insights/attendance.html",
        {
            "form": form,
            "period": period,
            "series": series,
            "cohorts": cohorts,
            "not_seen": selectors.not_seen_list(user=request.user),
            "not_seen_months": selectors.NOT_SEEN_MONTHS,
        },
    )
