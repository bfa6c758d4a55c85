"""Every import between apps points the way docs/architecture.md allows.

The allowed arrows are read from the table "Apps and what each may import" in
docs/architecture.md, so the document and the code cannot drift apart. Every import
statement of every module under src/ counts (also one inside a function); tests and
migrations are set-up code and do not.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SRC = REPO / "src"
ARCHITECTURE = REPO / "docs" / "architecture.md"
EVERY_APP = "every app"
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
# Selectors read; the one write they make is the access log.
SELECTORS_MAY_IMPORT_SERVICES = {"audit.services"}


def allowed_arrows(markdown: str) -> dict[str, frozenset[str] | None]:
    """app → the apps it may import (None: every app), from the table in the architecture document."""
    section = markdown.split("## Apps and what each may import", 1)[1].split("\n## ", 1)[0]
    arrows: dict[str, frozenset[str] | None] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not re.fullmatch(r"`\w+`", cells[0]):
            continue
        may_import = cells[2]
        arrows[cells[0].strip("`")] = (
            None if EVERY_APP in may_import else frozenset(re.findall(r"`(\w+)`", may_import))
        )
    return arrows


def apps_in(src: Path) -> set[str]:
    return {path.name for path in src.iterdir() if (path / "__init__.py").is_file()}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the importing module, e.g. "meetings.calendar.selectors"
    imported: str  # e.g. "programmes.models"

    @property
    def app(self) -> str:
        return self.module.split(".")[0]

    @property
    def imported_app(self) -> str:
        return self.imported.split(".")[0]

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.module} imports {self.imported}"


def imports_in(src: Path, known: frozenset[str] = frozenset()) -> Iterator[Import]:
    """Every absolute import of a first-party app (one in ``src`` or ``known``) by a module of
    an app, tests and migrations aside."""
    apps = apps_in(src) | known
    for path in sorted(src.rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if len(parts) < 2 or parts[0] not in apps or "tests" in parts or "migrations" in parts:
            continue
        module = ".".join(part for part in parts if part != "__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # "from meetings import services" imports meetings.services (a module or a name in it)
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            # A relation named by a string ("geo.Municipality") is a dependency too.
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in RELATIONS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and re.fullmatch(r"\w+\.[A-Z]\w*", node.args[0].value)
            ):
                names = [node.args[0].value]
            for name in names:
                if name.split(".")[0] in apps:
                    yield Import(path.relative_to(src.parent), node.lineno, module, name)


def forbidden_imports(src: Path, arrows: dict[str, frozenset[str] | None]) -> list[str]:
    """The imports the table does not allow, and the modules of apps it does not list."""
    problems = []
    for found in imports_in(src, frozenset(arrows)):
        if found.app not in arrows:
            problems.append(f"{found}: the app {found.app} is not in docs/architecture.md's table")
            continue
        allowed = arrows[found.app]
        if found.imported_app != found.app and allowed is not None and found.imported_app not in allowed:
            problems.append(f"{found}: {found.app} may not import {found.imported_app}")
    return problems


def selector_imports_of_services(src: Path) -> list[str]:
    return [
        str(found)
        for found in imports_in(src)
        if "selectors" in found.module.split(".")
        and "services" in found.imported.split(".")
        and not any(found.imported.startswith(allowed) for allowed in SELECTORS_MAY_IMPORT_SERVICES)
    ]


def test_every_import_between_apps_is_an_arrow_the_architecture_document_allows() -> None:
    arrows = allowed_arrows(ARCHITECTURE.read_text(encoding="utf-8"))

    assert forbidden_imports(SRC, arrows) == []
    assert sorted(apps_in(SRC)) == sorted(arrows), "every app has its row in docs/architecture.md"


def test_the_arrows_point_one_way_and_nothing_imports_the_demo_data() -> None:
    arrows = allowed_arrows(ARCHITECTURE.read_text(encoding="utf-8"))
    below = {app: allowed for app, allowed in arrows.items() if allowed is not None}
    order: list[str] = []
    while below:
        ready = sorted(app for app, allowed in below.items() if allowed <= set(order))
        assert ready, f"a cycle among {sorted(below)}"
        order += ready
        for app in ready:
            del below[app]
    assert all("demo" not in (allowed or ()) for allowed in arrows.values())


def test_selectors_never_import_services() -> None:
    assert selector_imports_of_services(SRC) == []


def _plant(root: Path, relative: str, source: str) -> None:
    for parent in (root / relative).parents:
        if parent == root:
            break
        parent.mkdir(parents=True, exist_ok=True)
        (parent / "__init__.py").touch()
    (root / relative).write_text(source, encoding="utf-8")


def test_a_forbidden_import_planted_anywhere_is_caught(tmp_path: Path) -> None:
    src = tmp_path / "src"
    arrows = allowed_arrows(ARCHITECTURE.read_text(encoding="utf-8"))
    _plant(src, "programmes/models.py", "")
    _plant(
        src, "meetings/calendar/planted_feed.py", "def cohorts():\n    from programmes.models import Cohort\n"
    )
    _plant(src, "jobs/planted.py", "import accounts.permissions\n")
    _plant(src, "register/tests/test_planted.py", "from programmes import models\n")  # tests may
    _plant(src, "newapp/services.py", "from register import models\n")
    _plant(src, "meetings/models.py", 'cohort = models.ForeignKey("programmes.Cohort", on_delete=PROTECT)\n')

    assert forbidden_imports(src, arrows) == [
        "src/jobs/planted.py:1: jobs.planted imports accounts.permissions: jobs may not import accounts",
        "src/meetings/calendar/planted_feed.py:2: meetings.calendar.planted_feed imports "
        "programmes.models.Cohort: meetings may not import programmes",
        "src/meetings/models.py:1: meetings.models imports programmes.Cohort: "
        "meetings may not import programmes",
        "src/newapp/services.py:1: newapp.services imports register.models: "
        "the app newapp is not in docs/architecture.md's table",
    ]


def test_a_selector_importing_a_service_is_caught(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _plant(src, "meetings/services.py", "")
    _plant(src, "meetings/selectors.py", "from audit.services import access_log_record\n")
    _plant(
        src,
        "meetings/calendar/selectors.py",
        "from meetings import services\nfrom meetings.services import x\n",
    )

    assert selector_imports_of_services(src) == [
        "src/meetings/calendar/selectors.py:1: meetings.calendar.selectors imports meetings.services",
        "src/meetings/calendar/selectors.py:2: meetings.calendar.selectors imports meetings.services.x",
    ]
