"""Every page sends a strict Content-Security-Policy, and nothing a logged-in user sees is
cached (issue 11: no page sent a CSP, register pages and exports no Cache-Control)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "tests" not in p.parts)


def _directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_send_a_strict_content_security_policy(client: Any, secretary: Any) -> None:
    for response in (client.get("/konto/logga-in/"), client.post("/konto/logga-in/", {})):
        policy = _directives(response)
        assert policy["default-src"] == ["'none'"]
        assert policy["script-src"][0] == "'self'"
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        text = response["Content-Security-Policy"]
        assert "unsafe-inline" not in text and "unsafe-eval" not in text and "*" not in text
    client.force_login(secretary)
    page = client.get("/")
    assert "Content-Security-Policy" in page
    assert "htmx-config" in page.content.decode() and "{#" not in page.content.decode()


def test_register_pages_and_exports_are_never_stored(client: Any, secretary: Any, make_family: Any) -> None:
    family = make_family(secretary)
    client.force_login(secretary)
    for path in [
        "/",
        "/?q=Lind",
        f"/hushall/{family.household.pk}/",
        f"/person/{family.member.pk}/",
        f"/uppdrag/{family.assignment.pk}/",
        "/export.csv",
        "/konto/tvastegs/",
        "/finns-inte/",  # a 404 for a logged-in user too
    ]:
        response = client.get(path)
        assert response["Cache-Control"] == "no-store", path


def test_anonymous_pages_are_not_stored_unless_they_choose_their_caching(client: Any, db: None) -> None:
    for path in ["/konto/logga-in/", "/osa/fel-token/", "/fragor/fel-token/", "/"]:
        assert "no-store" in client.get(path)["Cache-Control"], path
    # The calendar feeds (titles and times, polled by calendar programs) choose their own.
    assert client.get("/kalender/0580.fel/mitt.ics")["Cache-Control"] == "no-store"  # a 404 is not cached


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_have_no_inline_script_style_or_event_handler(path: Path) -> None:
    """The CSP would block them (and a page would silently break): behaviour goes in
    static/js, looks in static/css; an inline <script> needs nonce="{{ request.csp_nonce }}"."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert "<style" not in text, "<style> element"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert "javascript:" not in text.lower()
    assert "hx-on" not in text, "hx-on needs eval"
    for script in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in script or "csp_nonce" in script, script
