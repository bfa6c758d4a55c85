"""``manage.py demo_programmes_and_meetings``: Helsingborg's programme, Karlstad's meetings and
mentor families, and the Östergötland coordinator's regional network.

See demo.gatherings. Ends with every demo login, so ``scripts/demo`` shows the whole list last.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.gatherings import demo_gatherings_build
from demo.management.commands.demo_data import write_logins
from demo.register import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = (
        "Create the demo programme (Helsingborg: three cohorts of new secretaries with user-mentors, "
        "attendance and before/after answers), network meetings and mentor families (Karlstad) and "
        "the county coordinator's regional network (Östergötland), once, dated from today."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("Demo data never runs in production (DJANGO_ENV=production).")
        started = time.perf_counter()
        summary = demo_gatherings_build()
        took = time.perf_counter() - started
        verb = "Created" if summary.created else "Already there (nothing created)"
        self.stdout.write(
            f"{verb}: {summary.programme} with {summary.cohorts} cohorts and {summary.sessions} sessions "
            f"(Helsingborg); {summary.series} meeting series with {summary.meetings} meetings and "
            f"{summary.invitations} invitations (Karlstad); {summary.attendances} attendance marks "
            f"({took:.1f} s)."
        )
        if summary.regional:
            self.stdout.write(
                "Created the county coordinator's regional network for mentor families (Östergötland)."
            )
        write_logins(self.stdout, demo_logins(), DEMO_PASSWORD)
