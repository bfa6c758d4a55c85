"""Project rules that ruff and mypy cannot express. Run by scripts/lint.

    python scripts/grep_rules.py          # exit 1 and one line per finding when a rule is broken
    python scripts/grep_rules.py ROOT     # the same rules on another tree laid out like this one

Rules (see STYLE.md and src/tenancy/scope.py). They decide by what code is, not by what a
module is called: every module of the product counts, whatever its name.

  tenancy-bypass   ``scopes_disabled(`` or ``.unscoped`` must not appear in any module under
                   src/ (nor in any template): product code runs inside a municipality scope.
                   Set-up code is exempt: migrations, management commands, tests (``tests/``
                   folders, ``test_*.py``, ``conftest.py``), the ``tenancy`` package (which
                   defines the scope) and the ``demo`` app (which writes demo data). A daily
                   job that must walk every municipality uses
                   ``tenancy.scope.for_each_municipality`` instead.
  tenancy-comment  Where a bypass is allowed (the set-up code above, scripts, the browser
                   tests) it needs a comment saying why, on the same line or the line above.
  print            No ``print(`` in src/ outside management commands: use logging, or
                   ``self.stdout.write`` in a command.
  bare-except      No bare ``except:`` anywhere (it also swallows KeyboardInterrupt/SystemExit).
  matching-django  src/pairing/ is plain Python: no ``import django``/``from django...``
                   (nor django_* packages), so it runs and is benchmarked without Django.

Python files are read with tokenize/ast, so words in strings and comments do not count.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"__pycache__", ".venv", ".tools", "node_modules", "var", "artifacts", ".git"}
# Apps whose modules may leave the scope (with a comment): the scope's own package, and the
# top-layer demo app that writes demo data for every municipality.
SETUP_APPS = {"tenancy", "demo"}
TEMPLATE_BYPASS = re.compile(r"scopes_disabled\s*\(|\.unscoped\b")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    rule: str
    message: str
    root: Path = ROOT

    def __str__(self) -> str:
        return f"{self.path.relative_to(self.root)}:{self.line}: [{self.rule}] {self.message}"


def iter_files(base: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    if base.is_file():
        yield base
        return
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        if path.is_file() and path.suffix in suffixes and not SKIP_DIRS.intersection(path.parts):
            yield path


def is_template(parts: tuple[str, ...]) -> bool:
    return parts[0] == "src" and "templates" in parts


def is_management_command(parts: tuple[str, ...]) -> bool:
    return "management" in parts and "commands" in parts


def is_test(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    return "tests" in parts[:-1] or name.startswith("test_") or name == "conftest.py"


def is_product_module(parts: tuple[str, ...]) -> bool:
    """Product code: any module under src/ except set-up code (migrations, management commands,
    tests, the tenancy package, the demo app). Bypassing the scope is refused there."""
    if parts[0] != "src" or len(parts) < 2:
        return False
    return not (
        "migrations" in parts
        or is_management_command(parts)
        or is_test(parts)
        or parts[1] in SETUP_APPS
        or (len(parts) == 2 and parts[1] == "conftest.py")
    )


def is_matching_package(parts: tuple[str, ...]) -> bool:
    return parts[:2] == ("src", "pairing")


def python_tokens(source: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def has_reason_comment(lines: list[str], lineno: int) -> bool:
    """A ``#`` comment on the line itself or on the line just above it."""
    line = lines[lineno - 1]
    if "#" in line:
        return True
    return lineno >= 2 and lines[lineno - 2].lstrip().startswith("#")


def check_python(path: Path, root: Path = ROOT) -> Iterator[Finding]:
    source = path.read_text(encoding="utf-8")
    parts = path.relative_to(root).parts
    try:
        tree = ast.parse(source, filename=str(path))
        tokens = python_tokens(source)
    except (SyntaxError, tokenize.TokenError) as error:
        yield Finding(path, getattr(error, "lineno", 1) or 1, "syntax", f"cannot parse: {error}", root)
        return
    lines = source.splitlines()
    in_src = parts[0] == "src"
    code = [t for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]

    for index, token in enumerate(code):
        prev = code[index - 1] if index else None
        following = code[index + 1] if index + 1 < len(code) else None
        is_call = following is not None and following.type == tokenize.OP and following.string == "("
        after_dot = prev is not None and prev.type == tokenize.OP and prev.string == "."
        if token.type != tokenize.NAME:
            continue
        line = token.start[0]

        bypass = (token.string == "scopes_disabled" and is_call) or (token.string == "unscoped" and after_dot)
        if bypass and parts[:2] != ("src", "tenancy"):
            what = "scopes_disabled(...)" if token.string == "scopes_disabled" else ".unscoped"
            if is_product_module(parts):
                yield Finding(
                    path,
                    line,
                    "tenancy-bypass",
                    f"{what} in product code: it runs inside the municipality scope. Query through "
                    "the scoped manager (objects); a job that walks every municipality uses "
                    "tenancy.scope.for_each_municipality.",
                    root,
                )
            elif not has_reason_comment(lines, line):
                yield Finding(
                    path,
                    line,
                    "tenancy-comment",
                    f"{what} without a comment saying why; bypassing the tenancy scope is for "
                    "migrations, management commands, demo data and test set-up only.",
                    root,
                )

        is_print = token.string == "print" and is_call and not after_dot
        if is_print and in_src and not is_management_command(parts):
            yield Finding(
                path,
                line,
                "print",
                "print() in src/: use logging (or self.stdout.write in a management command).",
                root,
            )

    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is None:
            yield Finding(
                path,
                node.lineno,
                "bare-except",
                "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exception "
                "(at widest `except Exception:`).",
                root,
            )
        if is_matching_package(parts):
            modules: list[str] = []
            lineno = getattr(node, "lineno", 1)
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            for module in modules:
                top = module.split(".")[0]
                if top == "django" or top.startswith("django_"):
                    yield Finding(
                        path,
                        lineno,
                        "matching-django",
                        f"`{module}` imported in src/pairing/: the matching engine is plain Python; "
                        "pass it plain data from a service instead.",
                        root,
                    )


def check_template(path: Path, root: Path = ROOT) -> Iterator[Finding]:
    text = path.read_text(encoding="utf-8", errors="replace")
    for lineno, line in enumerate(text.splitlines(), start=1):
        if TEMPLATE_BYPASS.search(line):
            yield Finding(
                path,
                lineno,
                "tenancy-bypass",
                "scopes_disabled/.unscoped in a template: templates only see what the scoped view gave them.",
                root,
            )


def findings_in(root: Path = ROOT) -> list[Finding]:
    """Every finding in the tree at ``root`` (src/, tests/, scripts/ and the top-level modules)."""
    src = root / "src"
    python_roots = [src, root / "tests", root / "conftest.py", root / "scripts", root / "manage.py"]
    findings: list[Finding] = []
    for base in python_roots:
        for path in iter_files(base, (".py",)):
            findings.extend(check_python(path, root))
    for path in iter_files(src, (".html", ".txt", ".xml", ".svg", ".js", ".css")):
        if is_template(path.relative_to(root).parts):
            findings.extend(check_template(path, root))
    return findings


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve() if argv else ROOT
    findings = findings_in(root)

    for finding in findings:
        print(finding)
    if findings:
        print(f"grep_rules: {len(findings)} problem(s); see the rules at the top of {Path(__file__).name}.")
        return 1
    print("grep_rules: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
