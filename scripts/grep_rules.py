"""Project rules that ruff and mypy cannot express. Run by scripts/lint.

    python scripts/grep_rules.py        # exit 1 and one line per finding when a rule is broken

Rules (see STYLE.md and src/tenancy/scope.py):

  tenancy-bypass   ``scopes_disabled(`` or ``.unscoped`` must not appear in views, selectors,
                   forms or templates: requests always run inside the user's municipality scope.
  tenancy-comment  Elsewhere (migrations, management commands, tests, services...) a bypass needs
                   a comment saying why, on the same line or the line just above.
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
SRC = ROOT / "src"
SKIP_DIRS = {"__pycache__", ".venv", ".tools", "node_modules", "var", "artifacts", ".git"}
REQUEST_LAYER = {"views", "selectors", "forms"}  # module names, or package names holding modules
TEMPLATE_BYPASS = re.compile(r"scopes_disabled\s*\(|\.unscoped\b")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: [{self.rule}] {self.message}"


def iter_files(base: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    if base.is_file():
        yield base
        return
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        if path.is_file() and path.suffix in suffixes and not SKIP_DIRS.intersection(path.parts):
            yield path


def rel_parts(path: Path) -> tuple[str, ...]:
    return path.relative_to(ROOT).parts


def is_request_layer(path: Path) -> bool:
    """views.py / selectors.py / forms.py, or any module inside a views/ selectors/ forms/ package."""
    parts = rel_parts(path)
    return parts[0] == "src" and (path.stem in REQUEST_LAYER or bool(REQUEST_LAYER.intersection(parts[1:-1])))


def is_template(path: Path) -> bool:
    parts = rel_parts(path)
    return parts[0] == "src" and "templates" in parts


def is_management_command(path: Path) -> bool:
    parts = rel_parts(path)
    return "management" in parts and "commands" in parts


def is_tenancy_package(path: Path) -> bool:
    parts = rel_parts(path)
    return parts[:2] == ("src", "tenancy")


def is_matching_package(path: Path) -> bool:
    parts = rel_parts(path)
    return parts[:2] == ("src", "pairing")


def python_tokens(source: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def has_reason_comment(lines: list[str], lineno: int) -> bool:
    """A ``#`` comment on the line itself or on the line just above it."""
    line = lines[lineno - 1]
    if "#" in line:
        return True
    return lineno >= 2 and lines[lineno - 2].lstrip().startswith("#")


def check_python(path: Path) -> Iterator[Finding]:
    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source, filename=str(path))
        tokens = python_tokens(source)
    except (SyntaxError, tokenize.TokenError) as error:
        yield Finding(path, getattr(error, "lineno", 1) or 1, "syntax", f"cannot parse: {error}")
        return
    lines = source.splitlines()
    in_src = rel_parts(path)[0] == "src"
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
        if bypass and not is_tenancy_package(path):
            what = "scopes_disabled(...)" if token.string == "scopes_disabled" else ".unscoped"
            if is_request_layer(path):
                yield Finding(
                    path,
                    line,
                    "tenancy-bypass",
                    f"{what} in a view/selector/form: requests must stay inside the municipality "
                    "scope. Query through the scoped manager (objects) instead.",
                )
            elif not has_reason_comment(lines, line):
                yield Finding(
                    path,
                    line,
                    "tenancy-comment",
                    f"{what} without a comment saying why; bypassing the tenancy scope is for "
                    "migrations, management commands and test set-up only.",
                )

        is_print = token.string == "print" and is_call and not after_dot
        if is_print and in_src and not is_management_command(path):
            yield Finding(
                path,
                line,
                "print",
                "print() in src/: use logging (or self.stdout.write in a management command).",
            )

    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is None:
            yield Finding(
                path,
                node.lineno,
                "bare-except",
                "bare `except:` also catches KeyboardInterrupt and SystemExit; name the exception "
                "(at widest `except Exception:`).",
            )
        if is_matching_package(path):
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
                    )


def check_template(path: Path) -> Iterator[Finding]:
    text = path.read_text(encoding="utf-8", errors="replace")
    for lineno, line in enumerate(text.splitlines(), start=1):
        if TEMPLATE_BYPASS.search(line):
            yield Finding(
                path,
                lineno,
                "tenancy-bypass",
                "scopes_disabled/.unscoped in a template: templates only see what the scoped view gave them.",
            )


def main(argv: list[str]) -> int:
    python_roots = [SRC, ROOT / "tests", ROOT / "conftest.py", ROOT / "scripts", ROOT / "manage.py"]
    findings: list[Finding] = []
    for base in python_roots:
        for path in iter_files(base, (".py",)):
            findings.extend(check_python(path))
    for path in iter_files(SRC, (".html", ".txt", ".xml", ".svg", ".js", ".css")):
        if is_template(path):
            findings.extend(check_template(path))

    for finding in findings:
        print(finding)
    if findings:
        print(f"grep_rules: {len(findings)} problem(s); see the rules at the top of {Path(__file__).name}.")
        return 1
    print("grep_rules: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
