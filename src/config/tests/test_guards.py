"""The project's guards catch a violation planted in a module of any name (STYLE rule 13).

Each test writes a fresh module into a temporary tree laid out like this repository and
runs the guard on it: the rule must decide by what the code is, not by the file's name.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]


def _grep_rules() -> ModuleType:
    spec = importlib.util.spec_from_file_location("grep_rules", REPO / "scripts" / "grep_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["grep_rules"] = module  # dataclasses resolve their module while the class is made
    spec.loader.exec_module(module)
    return module


grep_rules = _grep_rules()


def _fresh(name: str) -> str:
    return f"{name}_{uuid.uuid4().hex[:8]}"


def _plant(root: Path, relative: str, source: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path


def _rules(root: Path) -> list[tuple[str, str]]:
    return sorted((str(f.path.relative_to(root)), f.rule) for f in grep_rules.findings_in(root))


BYPASSES = (
    "from tenancy.scope import scopes_disabled\n\n\n"
    "def everyone():\n"
    "    # Written for every municipality at once.\n"
    "    with scopes_disabled():\n"
    "        return list(Household.unscoped.all())  # every municipality's households\n"
)
WITHOUT_REASONS = (
    "from tenancy.scope import scopes_disabled\n\n\n"
    "def everyone():\n"
    "    with scopes_disabled():\n"
    "        return list(Household.unscoped.all())\n"
)


@pytest.mark.parametrize(
    "module",
    [
        "src/meetings/{name}.py",  # beside the views, under a name no list knows
        "src/programmes/evaluation/{name}.py",  # inside a sub-domain package
        "src/meetings/calendar/{name}_views.py",
        "src/mentorship/{name}/jobs.py",  # a new package
        "src/kernel/{name}.py",
        "src/{name}/services.py",  # an app that does not exist yet
    ],
)
def test_a_scope_bypass_in_any_product_module_is_refused_even_with_a_comment(
    tmp_path: Path, module: str
) -> None:
    relative = module.format(name=_fresh("planted"))
    _plant(tmp_path, relative, BYPASSES)

    assert _rules(tmp_path) == [(relative, "tenancy-bypass"), (relative, "tenancy-bypass")]


@pytest.mark.parametrize(
    "module",
    [
        "src/register/migrations/0099_{name}.py",
        "src/register/management/commands/{name}.py",
        "src/register/tests/test_{name}.py",
        "src/register/tests/{name}.py",
        "src/demo/{name}.py",
        "tests/e2e/test_{name}.py",
        "scripts/{name}.py",
    ],
)
def test_set_up_code_may_leave_the_scope_only_with_a_reason(tmp_path: Path, module: str) -> None:
    relative = module.format(name=_fresh("planted"))
    with_reason = _plant(tmp_path, relative, BYPASSES)
    assert _rules(tmp_path) == []

    with_reason.write_text(WITHOUT_REASONS, encoding="utf-8")
    assert _rules(tmp_path) == [(relative, "tenancy-comment"), (relative, "tenancy-comment")]


def test_a_bypass_in_a_template_of_any_app_is_refused(tmp_path: Path) -> None:
    relative = f"src/programmes/templates/programmes/{_fresh('page')}.html"
    _plant(tmp_path, relative, "{{ cohort.members.unscoped.all }}\n")

    assert _rules(tmp_path) == [(relative, "tenancy-bypass")]


def test_the_matching_engine_may_not_import_django_in_a_new_module(tmp_path: Path) -> None:
    relative = f"src/pairing/{_fresh('planted')}.py"
    _plant(tmp_path, relative, "from django.db import models\nimport django_q\n")

    assert _rules(tmp_path) == [(relative, "matching-django"), (relative, "matching-django")]


def test_print_and_bare_except_are_refused_in_any_module(tmp_path: Path) -> None:
    relative = f"src/insights/{_fresh('planted')}.py"
    _plant(tmp_path, relative, "try:\n    print('x')\nexcept:\n    pass\n")

    assert _rules(tmp_path) == [(relative, "bare-except"), (relative, "print")]


def test_this_repository_has_no_finding() -> None:
    assert [str(finding) for finding in grep_rules.findings_in(REPO)] == []


def test_mypy_refuses_an_untyped_function_in_a_module_of_any_name(tmp_path: Path) -> None:
    """disallow_untyped_defs is the project's setting for every module, not for ``*.services``."""
    from mypy import api

    planted = _plant(
        tmp_path, f"src/meetings/{_fresh('audience')}.py", "def invited(series):\n    return series\n"
    )
    stdout, _stderr, status = api.run(
        ["--config-file", str(REPO / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"), str(planted)]
    )

    assert status == 1
    assert "Function is missing a type annotation" in stdout
