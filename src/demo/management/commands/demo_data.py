"""``manage.py demo_data``: the Östergötland demo (demo.register), Örebro and Umeå (demo.towns)
and the mentor-family scheme in Linköping and Örebro (demo.mentorship), each created once,
dated from the day it is loaded."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from demo.mentorship import mentorship_build
from demo.register import DemoDataError, DemoLogin, DemoSummary, demo_build, demo_logins
from demo.towns import OREBRO, towns_build
from register.domain import AssignmentStatus, AssignmentType

LINKOPING = "0580"

DEFAULT_ASSIGNEES = 3000
DEFAULT_SEED = 20261125


class Command(BaseCommand):
    help = (
        "Create deterministic demo data, dated from today: the Östergötland cooperation (13 "
        "municipalities), staff of every role and about --assignees households and persons with "
        "their assignments; Örebro (mentor families) and Umeå (support) with their own staff; and "
        "the mentor-family scheme in Linköping and Örebro. Each part is created once; run again, "
        "it changes nothing and prints the logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--assignees",
            type=int,
            default=DEFAULT_ASSIGNEES,
            help=f"households and persons holding assignments (default {DEFAULT_ASSIGNEES})",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"same seed, same data (default {DEFAULT_SEED})"
        )

    def handle(self, *args: Any, assignees: int, seed: int, **options: Any) -> None:
        if getattr(settings, "IS_PRODUCTION", False):
            # Every demo account has a published password.
            raise CommandError("demo_data never runs in production (DJANGO_ENV=production).")
        if assignees < 0:
            raise CommandError("--assignees must be zero or more.")
        started = time.perf_counter()
        today = timezone.localdate()
        try:
            summary = demo_build(seed=seed, assignees=assignees, today=today)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        towns = towns_build(seed=seed, today=today)
        schemes = [
            mentorship_build(municipality_id=code, seed=seed + n, today=today)
            for n, code in enumerate((LINKOPING, OREBRO.code), start=1)
        ]
        elapsed = time.perf_counter() - started
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {summary.region_name}: {assignees} assignees (seed {seed}) in {elapsed:.1f} s."
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"{summary.region_name} already exists: nothing created "
                    "(--seed and --assignees are ignored; start from an empty database to change them)."
                )
            )
        for town in towns:
            self.stdout.write(self.style.SUCCESS(f"Created {town.name}: its staff and register."))
        for scheme in schemes:
            if scheme is not None:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Created the mentor-family scheme in {scheme.municipality}: "
                        f"{scheme.mentor_families} mentor families, {scheme.offers} offers, "
                        f"{scheme.pairings} pairings, {scheme.check_ins} check-ins."
                    )
                )
        write_logins(self.stdout, demo_logins(), summary.password)
        self._write_counts(summary)

    def _write_counts(self, summary: DemoSummary) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"In the region: {summary.households} households, {summary.persons} persons, "
            f"{summary.assignments} assignments, {summary.status_changes} status changes."
        )
        statuses = [status.value for status in AssignmentStatus]
        width = max(len(t.value) for t in AssignmentType)
        column = max(len(s) for s in statuses)
        header = "".join(f"{status:>{column + 1}}" for status in statuses)
        self.stdout.write(f"  {'type':<{width}}{header}{'total':>{column + 1}}")
        for assignment_type in AssignmentType:
            row = [summary.counts.get((assignment_type.value, status), 0) for status in statuses]
            cells = "".join(f"{n:>{column + 1}}" for n in row)
            self.stdout.write(f"  {assignment_type.value:<{width}}{cells}{sum(row):>{column + 1}}")
        totals = [sum(n for (_, status), n in summary.counts.items() if status == s) for s in statuses]
        cells = "".join(f"{n:>{column + 1}}" for n in totals)
        self.stdout.write(f"  {'total':<{width}}{cells}{sum(totals):>{column + 1}}")


def write_logins(out: Any, logins: tuple[DemoLogin, ...], password: str) -> None:
    """The table of demo logins (both demo commands print it; ``scripts/demo`` shows it)."""
    out.write("")
    out.write(f"Logins (password for every demo account: {password})")
    width = max((len(login.username) for login in logins), default=8)
    role_width = max((len(login.role) for login in logins), default=4)
    out.write(f"  {'username':<{width}}  {'role':<{role_width}}  municipality")
    for login in logins:
        out.write(f"  {login.username:<{width}}  {login.role:<{role_width}}  {login.municipality}")
