"""The translation catalogs are complete, compiled and keep their placeholders.

No msgfmt and no polib needed: a small .po parser below reads the catalogs, and
Python's own ``gettext`` reads the compiled ``.mo`` files.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
SV_PO = LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.po"
ALL_PO = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]

    @property
    def is_fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(text: str, path: Path, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            nxt = body[i + 1]
            if nxt not in _ESCAPES:
                raise ValueError(f"{path}:{lineno}: unknown escape \\{nxt}")
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def parse_po(path: Path) -> list[Entry]:
    """Every active entry (header included, obsolete ``#~`` entries left out) in file order."""
    entries: list[Entry] = []
    current: Entry | None = None
    pending_flags: set[str] = set()
    target: tuple[str, int | None] | None = None  # which field a continuation line extends

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()  # a comment after a msgstr starts the next entry
                target = None
            if line.startswith("#,"):
                pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path}:{lineno}: string outside an entry")
            text = _unquote(line, path, lineno)
            name, index = target
            if name == "msgstr" and index is not None:
                current.msgstr_plural[index] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and (
            current is None or (target is not None and target[0] == "msgstr")
        ):
            finish()
            current = Entry(line=lineno, flags=pending_flags)
            pending_flags = set()
        if current is None:
            raise ValueError(f"{path}:{lineno}: {keyword} outside an entry")
        value = _unquote(rest, path, lineno)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, value)
            target = (keyword, None)
        elif keyword == "msgstr":
            current.msgstr = value
            target = ("msgstr", None)
        elif match := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
            index = int(match.group(1))
            current.msgstr_plural[index] = value
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{lineno}: unknown keyword {keyword!r}")
    finish()
    return entries


def header_fields(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.key == "")
    return _header_dict(header.msgstr)


def _header_dict(text: str) -> dict[str, str]:
    pairs = (line.partition(":") for line in text.splitlines() if line.strip())
    return {name.strip(): value.strip() for name, _, value in pairs}


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.key != ""]


def test_parser_reads_plurals_continuations_and_flags(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: sv\\n"\n\n'
        '#, fuzzy, python-format\nmsgid ""\n"a %(x)s "\n"b"\nmsgstr "c \\"d\\""\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "en"\nmsgstr[1] ""\n"flera"\n\n'
        '#~ msgid "old"\n#~ msgstr "gammal"\n',
        encoding="utf-8",
    )
    header, single, plural = parse_po(po)
    assert header_fields([header]) == {"Language": "sv"}
    assert (single.msgid, single.msgstr, single.is_fuzzy) == ("a %(x)s b", 'c "d"', True)
    assert "python-format" in single.flags
    assert (plural.msgid, plural.msgid_plural, plural.translations) == ("one", "many", ["en", "flera"])
    assert not plural.is_fuzzy


def test_catalogs_exist() -> None:
    assert SV_PO.exists()
    assert {p.parts[-3] for p in ALL_PO} >= {"sv", "en"}


@pytest.mark.parametrize("po", ALL_PO, ids=lambda p: p.parts[-3])
def test_header_is_valid_and_nothing_is_fuzzy(po: Path) -> None:
    entries = parse_po(po)
    fields = header_fields(entries)
    assert fields["Language"] == po.parts[-3]
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    fuzzy = [e.msgid for e in entries if e.is_fuzzy]
    assert not fuzzy, f"fuzzy entries in {po}: {fuzzy}"
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys)), "duplicate msgids"


def test_every_swedish_message_is_translated() -> None:
    entries = messages(parse_po(SV_PO))
    assert entries
    missing = [e.msgid for e in entries if not all(t.strip() for t in e.translations)]
    assert not missing, f"untranslated: {missing}"
    wrong_plurals = [
        e.msgid for e in entries if e.msgid_plural is not None and sorted(e.msgstr_plural) != [0, 1]
    ]
    assert not wrong_plurals, f"plural entries need msgstr[0] and msgstr[1]: {wrong_plurals}"


@pytest.mark.parametrize("po", ALL_PO, ids=lambda p: p.parts[-3])
def test_placeholders_are_kept(po: Path) -> None:
    problems = []
    for entry in messages(parse_po(po)):
        for index, translation in enumerate(entry.translations):
            if not translation:
                continue
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            expected = set(PLACEHOLDER.findall(source))
            found = set(PLACEHOLDER.findall(translation))
            if expected != found:
                problems.append((entry.msgid, index, sorted(expected), sorted(found)))
    assert not problems, f"placeholders differ: {problems}"


@pytest.mark.parametrize("po", ALL_PO, ids=lambda p: p.parts[-3])
def test_compiled_catalog_matches_po(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run manage.py compilemessages"
    entries = parse_po(po)
    expected: dict[object, str] = {}
    for entry in entries:
        if entry.is_fuzzy and entry.key != "":
            continue  # msgfmt leaves fuzzy entries out
        if entry.msgid_plural is None:
            if entry.msgstr:
                expected[entry.key] = entry.msgstr
        elif any(entry.msgstr_plural.values()):
            for index, translation in entry.msgstr_plural.items():
                expected[(entry.key, index)] = translation
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    # msgfmt (gettext >= 0.20) leaves POT-Creation-Date out of the compiled header.
    header_po, header_mo = (_header_dict(d.pop("", "")) for d in (expected, catalog))
    header_po.pop("POT-Creation-Date", None)
    header_mo.pop("POT-Creation-Date", None)
    assert header_mo == header_po, f"{mo} header differs from {po.name}: run compilemessages"
    stale = {
        k: (expected.get(k), catalog.get(k))
        for k in expected.keys() | catalog.keys()
        if expected.get(k) != catalog.get(k)
    }
    assert not stale, f"{mo} is out of date with {po.name}, run compilemessages: {stale}"
