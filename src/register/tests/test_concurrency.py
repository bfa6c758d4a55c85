"""Concurrent edits with real concurrent connections (SQLite file, PostgreSQL): no change is lost silently."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from kernel.records import ConcurrentEdit
from register import services
from register.models import Household
from tenancy.scope import municipality_scope

WRITERS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_household_save_exactly_one_and_tell_the_others(
    reference_geography: None, secretary: Any, make_family: Any
) -> None:
    family = make_family(secretary)
    barrier = threading.Barrier(WRITERS)

    def edit(n: int) -> str:
        try:
            with municipality_scope("0580"):
                household = Household.objects.get(pk=family.household.pk)
                barrier.wait(timeout=30)
                services.household_update(by=secretary, household=household, version=1, name=f"Familjen {n}")
            return "saved"
        except ConcurrentEdit:
            return "conflict"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        outcomes = list(pool.map(edit, range(WRITERS)))

    assert sorted(outcomes).count("saved") == 1
    assert outcomes.count("conflict") == WRITERS - 1
    with municipality_scope("0580"):
        stored = Household.objects.get(pk=family.household.pk)
    winner = outcomes.index("saved")
    assert (stored.name, stored.version) == (f"Familjen {winner}", 2)
