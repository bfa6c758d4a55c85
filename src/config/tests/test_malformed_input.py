"""Malformed input is a 400 or a form error, never a 500 (issue 11: ``pair=x:1`` to
/mentorskap/forslag/ gave a debug page full of family names).

Every URL is opened as a role that may use it, on the own municipality's objects (the
permission table in accounts/tests/url_permissions.py says which). The field names come
from the forms on every page, so a new form is fuzzed without a change here. Each
parameter then gets garbage: fixed nasty values and values hypothesis makes up.
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import SecurityPolicy
from accounts.tests.url_permissions import EXPECTED, allowed_roles, own_objects, url_for
from tenancy.tests.test_url_walk import _walk

NASTY = [
    "",
    "x",
    "x:1",
    "1:2:3",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "²",
    "١٢",
    "a\x00b",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "25:61",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "https://evil.example/",
    "x" * 5000,
]
# Query strings are read by filters and paging only: fewer kinds of garbage.
NASTY_GET = ["x", "-1", "99999999999999999999999999", "²", "a\x00b", "9999-12-31", "x" * 5000]
# Query parameters the views read without a form.
EXTRA_GET = ["page", "status", "q", "metod", "svar", "next", "kohort", "typ"]
# Fields some POST views read that no form on a page may show at the time (e.g. the batch
# proposal's checkboxes appear only when there is something to propose).
EXTRA_POST = ["pair", "version", "next", "action", "direction", "asked", "code", "password"]
SKIP = {"accounts:logout"}  # takes no input; it only ends the session


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append(((values.get("method") or "get").lower(), values.get("action") or "", set()))
        elif tag in ("input", "select", "textarea", "button") and self.forms and values.get("name"):
            self.forms[-1][2].add(str(values["name"]))


def _viewer(name: str, staff: dict[str, Any]) -> Any:
    roles = allowed_roles(name)
    for preferred in ("unit_manager", "administrator", "secretary", "county_coordinator"):
        if preferred in roles:
            return staff[preferred]
    return staff["unit_manager"]


def _status(client: Any, method: str, url: str, data: Any) -> int:
    return getattr(client, method)(url, data).status_code


@pytest.mark.timeout(900)
def test_no_parameter_of_any_view_can_cause_a_server_error(
    client: Any, make_user: Any, make_family: Any, manager: Any, secretary: Any
) -> None:
    client.raise_request_exception = False  # collect every 500, not only the first
    objects = own_objects(make_family=make_family, secretary=secretary)
    staff = {
        "secretary": secretary,
        "unit_manager": manager,
        "county_coordinator": make_user("0580", "county_coordinator"),
        "administrator": make_user("0580", "administrator"),
    }
    urls: dict[str, tuple[str, Any]] = {}
    for name, route, pattern in _walk(get_resolver()):
        if name not in SKIP:
            urls[name] = (url_for(name, pattern, route, objects), _viewer(name, staff))
    by_path = {url: (name, viewer) for name, (url, viewer) in urls.items()}

    # 1. Every page's forms: which fields each URL takes by GET and by POST.
    fields: dict[tuple[str, str], set[str]] = defaultdict(set)
    posts: set[str] = set()
    for url, viewer in urls.values():
        client.force_login(viewer)
        response = client.get(url)
        if response.status_code == 405:
            posts.add(url)
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode(errors="replace"))
        for method, action, names in parser.forms:
            target = urlsplit(action).path or url
            fields[(method, target)] |= names - {"csrfmiddlewaretoken"}
            if method == "post":
                posts.add(target)
    assert len(posts) > 40
    # Views whose form shows only in some states (the batch proposal's checkboxes) still get
    # garbage: every URL that does not answer an empty POST with 405.
    for url, viewer in urls.values():
        if url not in posts:
            client.force_login(viewer)
            if client.post(url, {}).status_code != 405:
                posts.add(url)

    failures: list[str] = []

    def attempt(method: str, url: str, data: Any) -> None:
        name, viewer = by_path.get(url, ("?", staff["unit_manager"]))
        client.force_login(viewer)
        status = _status(client, method, url, data)
        if status >= 500:
            failures.append(f"{method.upper()} {url} ({name}) {data!r:.200}: {status}")
        # Garbage in the administrator's checkbox reads as "on": two-factor login would then be
        # required, and every later request would only be sent to set it up.
        SecurityPolicy.objects.update(is_two_factor_required=False)

    # 2. Fixed nasty values in every field at once, and the same field twice.
    for url in sorted(posts):
        names = fields[("post", url)] | set(EXTRA_POST)
        for value in NASTY:
            attempt("post", url, dict.fromkeys(names, value))
        attempt("post", url, {field: ["1", "x:1"] for field in names})
    for url, _who in urls.values():
        names = fields[("get", url)] | set(EXTRA_GET)
        for value in NASTY_GET:
            attempt("get", url, dict.fromkeys(names, value))
    assert failures == []

    # 3. Made-up values, a few per URL, one field at a time among sensible others.
    post_urls = sorted(posts)

    @settings(max_examples=len(post_urls), deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        index=st.integers(min_value=0, max_value=len(post_urls) - 1),
        values=st.lists(st.text(max_size=40), min_size=1, max_size=12),
    )
    def made_up(index: int, values: list[str]) -> None:
        url = post_urls[index]
        names = sorted(fields[("post", url)] | set(EXTRA_POST))
        attempt("post", url, {field: values[i % len(values)] for i, field in enumerate(names)})

    made_up()
    assert failures == []
    assert len(EXPECTED) >= len(urls)
