"""Benchmark of the network-meeting and programme pages at growing size. See bench/README.md.

    uv run python bench/attendance.py                  # S = 200, 800, 3200 on a throwaway SQLite file
    uv run python bench/attendance.py --quick          # S = 200 and 800
    uv run python bench/attendance.py --quick \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_attendance

For each size S it builds one municipality (Linköping, 0580) with S invited persons in
households of one or two members, each household holding a foster-home or emergency-home
assignment; a monthly network-meeting series over the last 12 months (made by
``meetings.services.series_create``, so its meetings are the real planned ones) with every
person invited to every meeting and an attendance mark for about half of the invitations
of the meetings held; and one programme cohort with 8 sessions and 10 members. Then it
measures, warm, as a long-running web worker would see them:

* ``attendance_overview``: ``insights.selectors.attendance_overview`` (last 12 months);
* ``not_seen_list``: ``insights.selectors.not_seen_list``;
* ``person_feed``: GET of one invited person's calendar feed (``/kalender/<token>/mitt.ics``);
* ``series_feed``: GET of the series' calendar feed (``/kalender/<token>/serie/<pk>.ics``);
* ``meeting_detail``: GET of one held meeting's page (``/traffar/traff/<pk>/``), logged in as
  the responsible secretary;
* ``series_detail``: GET of the series page (``/traffar/serie/<pk>/``), the same secretary.

Each is called once to warm up, then ``--repeats`` (5) times for the median wall time, the
first of them under ``CaptureQueriesContext`` to count its SQL queries. A measure gets at
most ``--budget`` (60) seconds per size: fewer runs when a call is slow, and none (the
record says "skipped") when one call, extrapolated from the smaller sizes, would take
longer. Absolute times are noisy on a shared machine, so every time is also given as a
ratio to the smallest size measured in the same run, next to the data ratio S/200: query
counts should not change with S (no N+1) and the time ratio should stay at or below the
data ratio (at most linear growth).

It prints a table and writes one JSON record per size and measure.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_SIZES = (200, 800, 3200)
QUICK_SIZES = (200, 800)
REPEATS = 5
MONTHS = 12
COHORT_SESSIONS = 8
COHORT_MEMBERS = 10
CODE = "0580"  # Linköping
POSTAL_CODE = "58183"
DEFAULT_OUT = HERE / "results" / "attendance.json"
MEASURES = (
    "attendance_overview",
    "not_seen_list",
    "person_feed",
    "series_feed",
    "meeting_detail",
    "series_detail",
)
# Tables the benchmark empties between sizes: everything but the reference geography
# (loaded by a migration) and Django's own bookkeeping.
KEEP_TABLE_PREFIXES = ("geo_", "django_content_type", "auth_permission", "django_q_schedule")
# "At most linear": allow this much noise on the time ratio before calling it worse.
LINEAR_TOLERANCE = 1.25
# Seconds of calls one measure may take at one size; a measure whose single call is
# expected (extrapolated from the smaller sizes) to take longer is skipped and says so.
BUDGET_S = 60.0
# A call expected to take longer than this is not warmed up first: the warm-up would
# cost more than the milliseconds it saves.
WARM_UP_LIMIT_S = 5.0


# --- the database ---------------------------------------------------------------------


def _postgres_recreate(url: str) -> None:
    """Drop and create the benchmark's own PostgreSQL database (refused unless it is named bench*)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to drop and recreate database {name!r}: its name must start with 'bench'")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _postgres_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/")))
        )


@contextmanager
def throwaway_database(database_url: str | None, keep: bool) -> Iterator[str]:
    """Point Django at a fresh database (before ``django.setup()``), migrate it, and remove it after."""
    sqlite_file: Path | None = None
    if database_url:
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise SystemExit("--database-url must be a postgres:// URL (SQLite is the default)")
        _postgres_recreate(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        sqlite_file = ROOT / "var" / f"bench_attendance_{uuid.uuid4().hex[:8]}.sqlite3"
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
    # Development settings, but without DEBUG's per-query bookkeeping and debug templates.
    os.environ["DJANGO_ENV"] = "development"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated a fresh {connection.vendor} database in {time.perf_counter() - start:.1f} s", flush=True)
    try:
        yield connection.vendor
    finally:
        connections.close_all()
        if keep:
            print(f"kept the database: {os.environ['DATABASE_URL']}")
        elif sqlite_file is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        elif database_url:
            _postgres_drop(database_url)


def empty_tables() -> None:
    """Empty every table the benchmark fills (the geography stays), so each size starts clean."""
    from django.core.management.color import no_style
    from django.db import connection

    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
        if not table.startswith(KEEP_TABLE_PREFIXES)
    ]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=False))


# --- the data ---------------------------------------------------------------------------


@dataclass
class Dataset:
    size: int
    households: int
    persons: int
    invitations: int
    attendances: int
    meetings: int
    held: int
    sessions: int
    build_seconds: float
    secretary: Any
    series: Any
    meeting: Any  # a held meeting, for its page
    person: Any  # an invited person who is also in the cohort, for their feed


def _months_back(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 - months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def build(size: int) -> Dataset:
    """One municipality with ``size`` invited persons, a 12-month series and one cohort."""
    from django.utils import timezone

    from accounts.models import Role, User
    from meetings import services as meeting_services
    from meetings.models import Attendance, Event, Invitation, InvitationStatus
    from programmes import services as programme_services
    from register.models import Assignment, Household, Person
    from tenancy.scope import municipality_scope, scopes_disabled

    start = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    secretary = User(
        username="bench-secretary",
        first_name="Sara",
        last_name="Sekreterare",
        email="sara@bench.invalid",
        municipality_id=CODE,
        role=Role.SECRETARY,
    )
    secretary.set_unusable_password()
    secretary.save()

    # Benchmark set-up: thousands of rows are bulk-created directly, outside the
    # per-row services (which validate, log and lock one row at a time), so scoping
    # is disabled here as in test set-up. The series, the cohort and its marks below
    # go through the services.
    with scopes_disabled():
        sizes: list[int] = []
        while sum(sizes) < size:
            sizes.append(min(1 if len(sizes) % 3 == 0 else 2, size - sum(sizes)))
        households = Household.objects.bulk_create(
            [
                Household(
                    municipality_id=CODE,
                    name=f"Familjen Bench{h:05d}",
                    street_address=f"Storgatan {h + 1}",
                    postal_code_id=POSTAL_CODE,
                    email=f"hem{h}@bench.invalid",
                )
                for h in range(len(sizes))
            ]
        )
        persons = Person.objects.bulk_create(
            [
                Person(
                    municipality_id=CODE,
                    household=household,
                    first_name=f"Vuxen{k + 1}",
                    last_name=f"Bench{h:05d}",
                    email=f"vuxen{k + 1}.{h}@bench.invalid" if k == 0 else "",
                )
                for h, (household, members) in enumerate(zip(households, sizes, strict=True))
                for k in range(members)
            ]
        )
        statuses = ("active", "active", "active", "approved", "paused")
        Assignment.objects.bulk_create(
            [
                Assignment(
                    municipality_id=CODE,
                    household=household,
                    type="emergency_home" if h % 4 == 3 else "foster_home",
                    status=statuses[h % len(statuses)],
                    status_changed_at=now - datetime.timedelta(days=400),
                    responsible_secretary=secretary,
                    capacity=2,
                )
                for h, household in enumerate(households)
            ]
        )

    with municipality_scope(CODE):
        first = _months_back(today, MONTHS - 1)
        series = meeting_services.series_create(
            by=secretary,
            values=meeting_services.SeriesValues(
                title="Samtalsträff för familjehem och jourhem",
                place="Familjens hus, Storgatan 3",
                frequency="monthly",
                weekday=1,  # Tuesday
                week_of_month=1,
                starts_on=first,
                ends_on=_months_back(today, -1) - datetime.timedelta(days=1),
                start_time=datetime.time(18, 0),
                responsible=secretary,
                audience_types=("foster_home", "emergency_home"),
                audience_municipality_ids=(CODE,),
            ),
        )
        meetings = list(Event.objects.filter(series=series).order_by("starts_at"))

    invitations: list[Invitation] = []
    marks: list[Attendance] = []
    accepted: dict[int, int] = {}
    with scopes_disabled():  # benchmark set-up, as above
        for e, event in enumerate(meetings):
            held = event.starts_at <= now
            sent = event.starts_at - datetime.timedelta(days=21)
            for i, person in enumerate(persons):
                marked = held and (i + e) % 2 == 0  # about half the invitations of a held meeting
                # Every tenth person is marked absent whenever marked: "not seen in six months".
                present = marked and i % 10 != 0
                if present:
                    status = InvitationStatus.ACCEPTED
                else:
                    status = (
                        InvitationStatus.DECLINED,
                        InvitationStatus.PENDING,
                        InvitationStatus.ACCEPTED,
                        InvitationStatus.ACCEPTED,
                    )[(i + 3 * e) % 4]
                accepted[event.pk] = accepted.get(event.pk, 0) + (status == InvitationStatus.ACCEPTED)
                invitations.append(
                    Invitation(
                        municipality_id=CODE,
                        event=event,
                        person=person,
                        household_id=person.household_id,
                        status=status,
                        nonce=f"b{event.pk}x{person.pk}",
                        send_queued_at=sent,
                        sent_at=sent,
                        send_attempts=1,
                        answered_at=None if status == InvitationStatus.PENDING else sent,
                    )
                )
                if marked:
                    marks.append(
                        Attendance(
                            municipality_id=CODE,
                            event=event,
                            person=person,
                            is_present=present,
                            recorded_by=secretary,
                        )
                    )
        Invitation.objects.bulk_create(invitations, batch_size=2000)
        Attendance.objects.bulk_create(marks, batch_size=2000)
        for event in meetings:
            Event.objects.filter(pk=event.pk).update(
                accepted_count=accepted[event.pk],
                invitations_queued_at=event.starts_at - datetime.timedelta(days=21),
            )

    with municipality_scope(CODE):
        programme = programme_services.programme_create(
            by=secretary,
            name="Introduktion för nya familjehem",
            participant_kind="assignees",
            sessions_per_cohort=COHORT_SESSIONS,
            starts_on=today - datetime.timedelta(days=365),
            ends_on=today + datetime.timedelta(days=365),
            start_time=datetime.time(17, 30),
            place="Familjens hus",
        )
        cohort = programme_services.cohort_create(
            by=secretary,
            programme=programme,
            name="Vårgruppen",
            starts_on=today - datetime.timedelta(weeks=COHORT_SESSIONS + 4),
        )
        members = [
            programme_services.cohort_member_add(
                by=secretary, cohort=cohort, role="participant", person=person
            )
            for person in persons[1 : COHORT_MEMBERS + 1]
        ]
        sessions = list(Event.objects.filter(cohort=cohort).order_by("starts_at"))
        for n, session in enumerate(sessions):
            if session.starts_at <= now:
                programme_services.session_attendance_record(
                    by=secretary,
                    session=session,
                    present={member.pk: (j + n) % 4 != 0 for j, member in enumerate(members)},
                )
        held_meetings = [event for event in meetings if event.starts_at <= now]
        meeting = Event.objects.get(pk=held_meetings[-1].pk)

    return Dataset(
        size=size,
        households=len(households),
        persons=len(persons),
        invitations=len(invitations),
        attendances=len(marks),
        meetings=len(meetings),
        held=len(held_meetings),
        sessions=len(sessions),
        build_seconds=time.perf_counter() - start,
        secretary=secretary,
        series=series,
        meeting=meeting,
        person=persons[1],
    )


# --- the measures -----------------------------------------------------------------------


def measures(data: Dataset) -> dict[str, Callable[[], str]]:
    """Each measure: a call returning a short description of what it got (checked for sanity)."""
    from django.test import Client

    from insights import selectors as insights
    from meetings.calendar import links as calendar_links
    from meetings.calendar import services as calendar_services
    from tenancy.scope import municipality_scope

    with municipality_scope(CODE):
        person_url = calendar_links.person_feed_url(person=data.person)
        key = calendar_services.calendar_key_for_user(user=data.secretary)
        series_url = calendar_links.group_feed_url(key=key, feed_name="series", group_id=data.series.pk)
    # ALLOWED_HOSTS of the development settings; the feeds need no login.
    feed_client = Client(SERVER_NAME="127.0.0.1")
    staff_client = Client(SERVER_NAME="127.0.0.1")
    staff_client.force_login(data.secretary)
    period = insights.Period.last_months(MONTHS)

    def get(client: Client, url: str) -> Any:
        response = client.get(urlsplit(url).path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        return response

    def overview() -> str:
        with municipality_scope(CODE):
            result = insights.attendance_overview(user=data.secretary, period=period)
        meetings = sum(row.total.meetings for row in result.series)
        invited = sum(row.total.invited for row in result.series)
        present = sum(row.total.present for row in result.series)
        sessions = sum(len(row.sessions) for row in result.cohorts)
        return f"{meetings} meetings, {invited:,} invited, {present:,} present; {sessions} sessions"

    def not_seen() -> str:
        with municipality_scope(CODE):
            rows = insights.not_seen_list(user=data.secretary)
        return f"{len(rows):,} persons"

    def feed(url: str) -> Callable[[], str]:
        def run() -> str:
            body = get(feed_client, url).content
            return f"{body.count(b'BEGIN:VEVENT')} VEVENTs, {len(body):,} bytes"

        return run

    def page(path: str) -> Callable[[], str]:
        def run() -> str:
            body = get(staff_client, path).content
            return f"{body.count(b'<tr'):,} table rows, {len(body):,} bytes"

        return run

    return {
        "attendance_overview": overview,
        "not_seen_list": not_seen,
        "person_feed": feed(person_url),
        "series_feed": feed(series_url),
        "meeting_detail": page(f"/traffar/traff/{data.meeting.pk}/"),
        "series_detail": page(f"/traffar/serie/{data.series.pk}/"),
    }


def estimate_seconds(history: list[tuple[int, float]], size: int) -> float | None:
    """One call's time at ``size`` extrapolated from the sizes already run: the growth exponent
    of the last two sizes (at least 1), or linear from one size."""
    if not history:
        return None
    (n1, t1) = history[-1]
    exponent = 1.0
    if len(history) >= 2:
        (n0, t0) = history[-2]
        if t0 > 0 and n1 > n0:
            exponent = max(1.0, math.log(t1 / t0) / math.log(n1 / n0))
    return t1 * (size / n1) ** exponent


def run_measure(
    call: Callable[[], str], repeats: int, budget: float, estimate: float | None
) -> dict[str, Any]:
    """Warm up (unless one call is expected to be slow, when warming up is moot), then time up to
    ``repeats`` calls, the first under CaptureQueriesContext (its overhead is microseconds per
    query); stop early once another call would exceed ``budget`` seconds in all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spent = 0.0
    if estimate is None or estimate < WARM_UP_LIMIT_S:
        start = time.perf_counter()
        call()  # templates, URL resolvers, translations, caches
        spent += time.perf_counter() - start
    seconds: list[float] = []
    queries: list[str] = []
    sql_seconds = 0.0
    result = ""
    for run in range(repeats):
        if seconds and spent + seconds[-1] > budget:
            break
        start = time.perf_counter()
        if run == 0:
            with CaptureQueriesContext(connection) as captured:
                result = call()
            queries = [query["sql"] for query in captured.captured_queries]
            sql_seconds = sum(float(query["time"]) for query in captured.captured_queries)
        else:
            call()
        seconds.append(time.perf_counter() - start)
        spent += seconds[-1]
    return {
        "median_s": statistics.median(seconds),
        "runs_s": [round(s, 5) for s in seconds],
        "queries": len(queries),
        "sql_s": round(sql_seconds, 5),
        "result": result,
        "_sql": queries,
    }


# --- main -------------------------------------------------------------------------------


def _measured(records: list[dict[str, Any]], measure: str) -> list[dict[str, Any]]:
    return sorted(
        (r for r in records if r["measure"] == measure and not r.get("skipped")), key=lambda r: r["size"]
    )


def add_ratios(records: list[dict[str, Any]]) -> None:
    """time_ratio and size_ratio against the smallest size of the same measure in this run."""
    for record in records:
        record.setdefault("size_ratio", None)
        record.setdefault("time_ratio", None)
        record.setdefault("growth_exponent", None)
    for measure in MEASURES:
        rows = _measured(records, measure)
        if not rows:
            continue
        base = rows[0]
        for r in rows:
            r["size_ratio"] = round(r["size"] / base["size"], 3)
            r["time_ratio"] = round(r["median_s"] / base["median_s"], 3)
            # log(time ratio) / log(size ratio): 1 is linear growth, 2 quadratic, 0 flat.
            r["growth_exponent"] = (
                round(math.log(r["time_ratio"]) / math.log(r["size_ratio"]), 2)
                if r["size_ratio"] > 1 and r["time_ratio"] > 0
                else None
            )


def render_table(records: list[dict[str, Any]]) -> str:
    header = (
        f"{'S':>6} {'measure':<20} {'median ms':>10} {'runs':>4} {'queries':>7} {'SQL ms':>7} "
        f"{'time ratio':>10} {'S ratio':>7} {'exponent':>8}  result"
    )
    lines = [header, "-" * (len(header) + 36)]
    for r in sorted(records, key=lambda r: (MEASURES.index(r["measure"]), r["size"])):
        if r.get("skipped"):
            lines.append(f"{r['size']:>6,} {r['measure']:<20} skipped: {r['reason']}")
            continue
        exponent = "" if r["growth_exponent"] is None else f"{r['growth_exponent']:.2f}"
        lines.append(
            f"{r['size']:>6,} {r['measure']:<20} {r['median_s'] * 1000:>10.1f} {len(r['runs_s']):>4} "
            f"{r['queries']:>7} {r['sql_s'] * 1000:>7.0f} {r['time_ratio']:>10.2f} {r['size_ratio']:>7.0f} "
            f"{exponent:>8}  {r['result']}"
        )
    return "\n".join(lines)


def check_targets(records: list[dict[str, Any]], sql: dict[tuple[int, str], list[str]]) -> list[str]:
    lines = []
    for measure in MEASURES:
        rows = _measured(records, measure)
        if not rows:
            continue
        skipped = [r["size"] for r in records if r["measure"] == measure and r.get("skipped")]
        counts = [r["queries"] for r in rows]
        if len(set(counts)) == 1:
            lines.append(f"{measure}: {counts[0]} queries at every size measured: constant (no N+1)")
        else:
            lines.append(
                f"{measure}: queries CHANGE with S ({' -> '.join(str(c) for c in counts)}): look for an N+1"
            )
            small, big = sql[(rows[0]["size"], measure)], sql[(rows[-1]["size"], measure)]
            for query in [q for q in big if q not in small][:3]:
                lines.append(f"    e.g. {query[:300]}")
        worst = max(r["time_ratio"] / r["size_ratio"] for r in rows)
        exponents = [r["growth_exponent"] for r in rows if r["growth_exponent"] is not None]
        verdict = (
            "at most linear"
            if worst <= LINEAR_TOLERANCE
            else f"FASTER THAN LINEAR (growth exponent up to {max(exponents):.2f})"
        )
        lines.append(
            f"{measure}: time ratio / S ratio at most {worst:.2f} (tolerance {LINEAR_TOLERANCE}): {verdict}"
            + (f"; skipped at S = {', '.join(f'{s:,}' for s in skipped)}" if skipped else "")
        )
    return lines


def write_records(path: Path, records: list[dict[str, Any]], database: str) -> None:
    """Replace the file's records of this database and these measures; keep the others (the other
    database's, or measures this run left out), so one file holds the SQLite and PostgreSQL runs."""
    replaced = {(database, r["measure"]) for r in records}
    kept: list[dict[str, Any]] = []
    if path.exists():
        kept = [
            r
            for r in json.loads(path.read_text(encoding="utf-8"))
            if (r.get("database"), r.get("measure")) not in replaced
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kept + records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {len(records)} {database} records to {path} (kept {len(kept)} others)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES))
    parser.add_argument("--quick", action="store_true", help="sizes 200 and 800 only")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed runs per measure (median)")
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET_S,
        help="seconds of calls per measure and size: fewer runs when slow, skipped when one call "
        "is expected to take longer (default: %(default)s)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL (its database is dropped and recreated; the name must start with "
        "'bench'); default: a throwaway SQLite file under var/",
    )
    parser.add_argument("--keep-database", action="store_true", help="do not remove the database afterwards")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="the JSON records (default: %(default)s)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, write no JSON")
    parser.add_argument(
        "--show-sql", action="store_true", help="print each measure's queries at the largest size"
    )
    parser.add_argument("--measures", default=",".join(MEASURES), help="a subset of " + ", ".join(MEASURES))
    args = parser.parse_args(argv)
    chosen = [m for m in args.measures.split(",") if m]
    unknown = set(chosen) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))}")
    sizes = QUICK_SIZES if args.quick else tuple(sorted(int(s) for s in args.sizes.split(",")))
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    started = time.perf_counter()
    records: list[dict[str, Any]] = []
    sql: dict[tuple[int, str], list[str]] = {}
    history: dict[str, list[tuple[int, float]]] = {}
    with throwaway_database(args.database_url, args.keep_database) as vendor:
        import django
        from django.db import connection

        version = (
            ".".join(str(part) for part in connection.Database.sqlite_version_info)
            if vendor == "sqlite"
            else (f"{connection.pg_version // 10000}.{connection.pg_version % 10000}")
        )
        print(
            f"python {platform.python_version()}, django {django.get_version()}, {vendor} {version}, "
            f"{os.cpu_count()} cpu(s); median of {args.repeats} warm runs per measure",
            flush=True,
        )
        for size in sizes:
            empty_tables()
            data = build(size)
            print(
                f"\nS = {size:,}: {data.households:,} households, {data.persons:,} persons, "
                f"{data.meetings} meetings ({data.held} held), {data.invitations:,} invitations, "
                f"{data.attendances:,} attendance marks, a cohort of {COHORT_MEMBERS} with "
                f"{data.sessions} sessions; built in {data.build_seconds:.1f} s",
                flush=True,
            )
            for measure, call in measures(data).items():
                if measure not in chosen:
                    continue
                base = {
                    "size": size,
                    "measure": measure,
                    "database": vendor,
                    "database_version": version,
                    "persons": data.persons,
                    "invitations": data.invitations,
                    "attendances": data.attendances,
                }
                estimate = estimate_seconds(history.setdefault(measure, []), size)
                if estimate is not None and estimate > args.budget:
                    reason = (
                        f"estimated {estimate:,.0f} s per call from the smaller sizes, "
                        f"over the {args.budget:.0f} s budget"
                    )
                    records.append(
                        {**base, "skipped": True, "reason": reason, "median_s": None, "queries": None}
                    )
                    print(f"  {measure:<20} skipped: {reason}", flush=True)
                    continue
                result = run_measure(call, args.repeats, args.budget, estimate)
                sql[(size, measure)] = result.pop("_sql")
                history[measure].append((size, result["median_s"]))
                records.append({**base, **result})
                print(
                    f"  {measure:<20} {result['median_s'] * 1000:9.1f} ms  {result['queries']:3} queries  "
                    f"{len(result['runs_s'])} run(s)  {result['result']}",
                    flush=True,
                )
        if args.show_sql:
            for (size, measure), queries in sql.items():
                if size == max(s for s, m in sql if m == measure):
                    print(f"\n{measure} at S = {size:,}:")
                    for query in queries:
                        print(f"  {query}")
    add_ratios(records)
    print()
    print(render_table(records))
    print()
    for line in check_targets(records, sql):
        print(line)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if not args.no_write:
        write_records(args.out, records, vendor)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
