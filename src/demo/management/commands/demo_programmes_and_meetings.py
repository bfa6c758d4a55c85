"""``manage.py demo_programmes_and_meetings``: Helsingborg's programme, Karlstad's meetings.

See demo.gatherings.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.gatherings import demo_gatherings_build


class Command(BaseCommand):
    help = (
        "Create the demo programme (Helsingborg: two cohorts of new secretaries with user-mentors, "
        "attendance and before/after answers) and a year of network meetings (Karlstad), once."
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
        self.stdout.write(
            "Logins: helsingborg.chef, helsingborg.sekreterare1, karlstad.sekreterare1, karlstad.chef"
        )
