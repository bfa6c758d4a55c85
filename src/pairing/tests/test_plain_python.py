"""STYLE.md rule 5: the engine is plain Python; nothing in it imports Django."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
SRC = PACKAGE.parent


def test_importing_and_running_the_engine_does_not_import_django() -> None:
    code = (
        "import sys, pairing\n"
        "assert 'django' not in sys.modules, 'import pairing pulled in django'\n"
        "graph = pairing.build_candidate_graph(\n"
        "    [pairing.Seeker(1, 59.3, 18.0)], [pairing.Provider(2, 59.3, 18.0)]\n"
        ")\n"
        "pairing.solve_optimal(graph); pairing.solve_stable(graph); pairing.solve_greedy(graph)\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith(('django.', 'django_'))]\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(  # noqa: S603 -- our own interpreter and a fixed script
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr


def test_no_module_in_the_package_imports_django() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.name}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] == "django" or name.startswith("django_")
            ]
    assert offenders == []
