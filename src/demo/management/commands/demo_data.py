"""``manage.py demo_data``: the Östergötland demo (see demo.register), created once."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.register import DemoDataError, DemoSummary, demo_build
from register.domain import AssignmentStatus, AssignmentType

DEFAULT_ASSIGNEES = 3000
DEFAULT_SEED = 20261125


class Command(BaseCommand):
    help = (
        "Create deterministic demo data: the Östergötland cooperation (13 municipalities), "
        "staff of every role and about --assignees households and persons with their "
        "assignments. Does nothing but print the logins if the demo region already exists."
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
        try:
            summary = demo_build(seed=seed, assignees=assignees)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
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
        self._write_logins(summary)
        self._write_counts(summary)

    def _write_logins(self, summary: DemoSummary) -> None:
        self.stdout.write("")
        self.stdout.write(f"Logins (password for every demo account: {summary.password})")
        width = max((len(login.username) for login in summary.logins), default=8)
        role_width = max((len(login.role) for login in summary.logins), default=4)
        self.stdout.write(f"  {'username':<{width}}  {'role':<{role_width}}  municipality")
        for login in summary.logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.role:<{role_width}}  {login.municipality}"
            )

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
