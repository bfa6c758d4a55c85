"""Fault probe for e-mail: how many messages reach a real SMTP server, and how many twice,
when the server, the worker or the database fails (issue 12).

    uv run python bench/mail_faults.py --label after                       # this checkout
    uv run python bench/mail_faults.py --label before --src /tmp/main/src  # another checkout's code
    ... --postgres postgres://postgres@127.0.0.1:5432/bollplank_mail_bench  # adds the database cut

Each fault runs in its own process on a fresh copy of a migrated SQLite database (the
database cut: PostgreSQL), with the settings the code under test reads from the
environment, and a local SMTP server (``src/jobs/tests/smtp_sink.py``, aiosmtpd) that
counts what it accepted per recipient. Time is simulated (time-machine): the worker runs
every simulated minute at first, then less often, up to 50 hours, in a child process that
is killed with SIGKILL when it runs longer than the job timeout (as django-q2's guard does)
or when a fault says so. Only entry points both versions have are used:
``jobs.services.email_send_later``, ``jobs.testing.run_worker_once`` and, where it
exists, the every-minute ``jobs.services.outbox_sweep`` (a django-q2 schedule).

Per fault it prints and writes: recipients expected to get the message, recipients that
got it (``sent``), extra copies (``duplicated``), messages staff can see as failed or
"may have been sent" (``visible``), and whether the caller was told the e-mail was on its
way when it never left (``told_falsely``).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SINK_FILE = REPO / "src" / "jobs" / "tests" / "smtp_sink.py"
START = datetime.datetime(2025, 3, 12, 8, 0, tzinfo=datetime.UTC)
JOB_TIMEOUT = 6.0  # seconds a worker run may take before it is killed (django-q2's timeout, scaled down)
EMAIL_TIMEOUT = "2"  # DJANGO_EMAIL_TIMEOUT, read by the code that has it
STALL = 8.0  # a stalling server answers after this many seconds: longer than both of the above

# name: (recipients, what the server does over simulated time, the code's way in, expected)
FAULTS: dict[str, dict[str, Any]] = {
    "production settings, documented variables only": {"n": 15, "production": True},
    "server refuses connections for 10 minutes": {"n": 15, "schedule": [(0, "closed"), (10, "accept")]},
    "server refuses connections for 3 hours": {"n": 15, "schedule": [(0, "closed"), (180, "accept")]},
    "server answers 4xx for an hour": {"n": 15, "schedule": [(0, "busy"), (60, "accept")]},
    "server answers 5xx to the recipient (permanent)": {"n": 5, "schedule": [(0, "reject")], "expected": 0},
    "server stalls before the message for 10 minutes": {
        "n": 3,
        "schedule": [(0, "stall_before_data"), (10, "accept")],
    },
    "server stalls after the message for 10 minutes": {
        "n": 3,
        "schedule": [(0, "stall_after_data"), (10, "accept")],
    },
    "worker killed after the server accepted, before recording": {"n": 5, "kill_after_accept": 5},
    "database connection cut after the server accepted": {"n": 5, "cut_after_accept": 5, "postgres": True},
    "queue unreachable when the e-mail is asked for": {"n": 15, "queue_down": True},
}


def _ticks(hours: float = 50) -> list[float]:
    """Simulated minutes at which the worker (and the every-minute sweep) runs."""
    ticks = [float(m) for m in range(0, 60)]
    ticks += [float(m) for m in range(60, 6 * 60, 5)]
    ticks += [float(m) for m in range(6 * 60, int(hours * 60) + 1, 15)]
    return ticks


def _load_sink() -> Any:
    spec = importlib.util.spec_from_file_location("smtp_sink", SINK_FILE)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# --- one fault, in its own process -----------------------------------------------------


def _worker_tick(minute: float, *, kill_at_accept: dict[str, Any]) -> None:
    """Run the worker (and the sweep) at simulated ``minute`` in a child; kill it at the job timeout."""
    import time_machine
    from django.db import connections

    connections.close_all()
    pid = os.fork()
    if pid == 0:  # the worker
        status = 0
        try:
            with time_machine.travel(START + datetime.timedelta(minutes=minute, seconds=1)):
                from jobs import testing

                testing.run_worker_once()
                from jobs import services

                if hasattr(services, "outbox_sweep"):
                    services.outbox_sweep()
        except BaseException:  # a worker that dies is what this probe looks at
            status = 1
        finally:
            os._exit(status)
    kill_at_accept["pid"] = pid
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    kill_at_accept["pid"] = None


def run_fault(name: str) -> dict[str, Any]:
    fault = FAULTS[name]
    import django

    django.setup()
    import time_machine
    from django.db import connection, transaction

    sink_module = _load_sink()
    sink = sink_module.SmtpSink(port=int(os.environ["DJANGO_EMAIL_PORT"]), stall=STALL).start()
    addresses = [f"familj{n}@example.se" for n in range(fault["n"])]
    worker: dict[str, Any] = {"pid": None}
    budget = {"kills": fault.get("kill_after_accept", 0), "cuts": fault.get("cut_after_accept", 0)}

    if budget["kills"]:

        def kill_worker() -> None:
            if budget["kills"] and worker["pid"]:
                budget["kills"] -= 1
                os.kill(worker["pid"], signal.SIGKILL)

        sink.on_accept = kill_worker
    if budget["cuts"]:
        import psycopg

        def cut_connections() -> None:
            if not budget["cuts"]:
                return
            budget["cuts"] -= 1
            settings_dict = connection.settings_dict
            with psycopg.connect(
                host=settings_dict["HOST"],
                port=settings_dict["PORT"] or 5432,
                user=settings_dict["USER"],
                dbname=settings_dict["NAME"],
                autocommit=True,
            ) as other:
                other.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )

        sink.on_accept = cut_connections

    told_falsely = caller_errors = 0
    with time_machine.travel(START):
        if fault.get("queue_down"):
            import django_q.tasks

            from jobs import services

            def refuse(*args: Any, **kwargs: Any) -> None:
                raise ConnectionError("queue unreachable")

            services.async_task = refuse  # type: ignore[attr-defined]
            django_q.tasks.async_task = refuse
            for address in addresses:
                try:
                    with transaction.atomic():  # a request's service: the change and its e-mail
                        services.email_send_later(to=[address], subject="Inbjudan", body="Välkommen")
                    told_falsely += 1  # the caller saw success; the e-mail must now arrive
                except ConnectionError:
                    caller_errors += 1  # the caller was told it failed (and its change rolled back)
        else:
            from jobs import services

            for address in addresses:
                with transaction.atomic():
                    services.email_send_later(to=[address], subject="Inbjudan", body="Välkommen")

    schedule = list(fault.get("schedule", [(0, "accept")]))
    for minute in _ticks():
        while schedule and schedule[0][0] <= minute:
            sink.set_mode(schedule.pop(0)[1])
        _worker_tick(minute, kill_at_accept=worker)
    sink.stop()

    counts = {address: sink.count(address) for address in addresses}
    expected = fault.get("expected", len(addresses))
    try:
        from jobs.models import OutgoingEmail
        from tenancy.scope import scopes_disabled

        with scopes_disabled():  # a probe over every row
            visible = OutgoingEmail.objects.filter(state__in=["gave_up", "uncertain"]).count()
            reported_sent = OutgoingEmail.objects.filter(state="sent").count()
    except ImportError:  # before the outbox: django-q2's failure list names jobs, not messages
        from django_q.models import Failure, Success

        visible = Failure.objects.count()
        reported_sent = Success.objects.filter(func="jobs.tasks.email_send").count()
    sent = sum(1 for n in counts.values() if n)
    lost_silently = (
        told_falsely - sum(1 for a in addresses[:told_falsely] if counts[a]) if told_falsely else 0
    )
    return {
        "recipients": len(addresses),
        "expected": expected,
        "sent": sent,
        "duplicated": sum(max(n - 1, 0) for n in counts.values()),
        "visible": visible,
        # Shown as sent (or asked for with success) but never reached the server.
        "told_falsely": lost_silently + max(reported_sent - sent, 0),
        # Callers told at once that the e-mail could not be queued (their change rolled back).
        "caller_errors": caller_errors,
    }


def run_production_probe() -> dict[str, Any]:
    """Production settings with the variables the README documents: how many of 15 reach the server."""
    import django

    try:
        django.setup()
    except Exception as error:  # refusing to start is an outcome
        return {
            "recipients": 15,
            "expected": 15,
            "sent": 0,
            "duplicated": 0,
            "visible": 0,
            "refused": str(error),
        }
    fault = dict(FAULTS["production settings, documented variables only"])
    FAULTS["production settings, documented variables only"] = {**fault, "schedule": [(0, "accept")]}
    result = run_fault("production settings, documented variables only")
    from django.conf import settings

    result["backend"] = settings.EMAIL_BACKEND
    return result


# --- the orchestrator ------------------------------------------------------------------


def _env(src: Path, database_url: str, port: int, *, production: bool) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JOB_", "REDIS_")) and key != "DATABASE_URL"
    }
    env |= {
        "PYTHONPATH": str(src),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "DJANGO_DEFAULT_FROM_EMAIL": "bollplank <noreply@bollplank.invalid>",
        "DJANGO_EMAIL_TIMEOUT": EMAIL_TIMEOUT,
        "DJANGO_LOG_LEVEL": "CRITICAL",
    }
    if production:
        env |= {
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "bollplank.invalid",
            "BOLLPLANK_BASE_URL": "https://bollplank.invalid",
        }
    else:
        env |= {"DJANGO_ENV": "test", "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    return env


def _migrated_sqlite(src: Path, folder: Path) -> Path:
    template = folder / "template.sqlite3"
    env = _env(src, f"sqlite:///{template}", 25, production=False)
    subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
        [sys.executable, str(src.parent / "manage.py"), "migrate", "-v", "0"],
        env=env,
        check=True,
        cwd=src.parent,
    )
    return template


def _postgres_database(src: Path, url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = _env(src, url, 25, production=False)
    subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
        [sys.executable, str(src.parent / "manage.py"), "migrate", "-v", "0"],
        env=env,
        check=True,
        cwd=src.parent,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="after")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the src/ of the code under test")
    parser.add_argument(
        "--postgres", default="", help="a database URL for the database-cut fault (dropped first)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "mail_faults.json")
    parser.add_argument("--only", default="", help="run the faults whose name contains this")
    parser.add_argument("--one", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        result = run_production_probe() if args.one.startswith("production") else run_fault(args.one)
        print("RESULT " + json.dumps(result))
        return

    src = args.src.resolve()
    folder = Path(tempfile.mkdtemp(prefix="mail-faults-"))
    template = _migrated_sqlite(src, folder)
    if args.postgres:
        _postgres_database(src, args.postgres)
    sink_module = _load_sink()
    results: dict[str, Any] = {}
    for name, fault in FAULTS.items():
        if args.only and args.only not in name:
            continue
        if fault.get("postgres") and not args.postgres:
            results[name] = {"skipped": "needs --postgres"}
            print(f"{name:60} skipped (needs --postgres)")
            continue
        if fault.get("postgres"):
            database_url = args.postgres
        else:
            copy = folder / f"fault-{len(results)}.sqlite3"
            shutil.copy(template, copy)
            database_url = f"sqlite:///{copy}"
        port = sink_module.free_port()
        env = _env(src, database_url, port, production=bool(fault.get("production")))
        started = time.monotonic()
        run = subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
            [sys.executable, str(Path(__file__).resolve()), "--one", name],
            env=env,
            cwd=src.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((row for row in run.stdout.splitlines() if row.startswith("RESULT ")), "")
        if not line:
            results[name] = {"error": (run.stderr or run.stdout).strip().splitlines()[-1:]}
            print(f"{name:60} ERROR {results[name]['error']}")
            continue
        result = json.loads(line[len("RESULT ") :])
        result["seconds"] = round(time.monotonic() - started, 1)
        results[name] = result
        print(
            f"{name:60} sent {result['sent']:>2} / expected {result['expected']:>2}"
            f" (of {result['recipients']:>2}), duplicated {result['duplicated']:>2},"
            f" visible {result['visible']:>2}, told falsely {result.get('told_falsely', 0):>2},"
            f" caller errors {result.get('caller_errors', 0):>2}"
            + (f"  [{result['backend'].rsplit('.', 2)[-2]}]" if "backend" in result else "")
        )
    shutil.rmtree(folder, ignore_errors=True)

    stored: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    earlier = stored.get(args.label, {}).get("faults", {}) if args.only else {}
    stored[args.label] = {
        "command": stored.get(args.label, {}).get("command")
        if args.only
        else " ".join(["uv run python bench/mail_faults.py", *sys.argv[1:]]),
        "settings": {"job_timeout_s": JOB_TIMEOUT, "email_timeout_s": EMAIL_TIMEOUT, "stall_s": STALL},
        "faults": {**earlier, **results},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
