"""Security headers on every page, and templates the Content-Security-Policy can live with.

Every route of the project is requested (signed in as an admin, who may open them all) with
sample arguments; whatever the answer (200, 302, 403, 404, 405), it carries the strict policy.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from tests.factories import make_small_province, make_user, personas
from units.models import Role, Unit

ROOT = Path(__file__).resolve().parents[2]

STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN_POLICY = STRICT_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

SAMPLE_ARGUMENTS = {
    "unit_code": "SNV",
    "code": "SNV",
    "year": 2023,
    "item_code": "1.1.1",
    "pk": 1,
    "uidb64": "MQ",
    "token": "set-password",
    "job": "00000000-0000-4000-8000-000000000001",  # a background job's token (none: 404)
}


def sample(key: str, converter) -> str | int:
    if key in SAMPLE_ARGUMENTS:
        return SAMPLE_ARGUMENTS[key]
    return 1 if isinstance(converter, IntConverter) else "x"


def portal_routes(patterns=None, namespace=None):
    """(name, kwargs) of every named route outside the admin, with sample arguments."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from portal_routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, {key: sample(key, converter) for key, converter in converters.items()}


ROUTES = sorted(portal_routes())


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sorted(sources) for name, *sources in directives}


def assert_security_headers(response, policy=STRICT_POLICY):
    assert parse_policy(response["Content-Security-Policy"]) == parse_policy(policy)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def province(db):
    year = make_small_province()
    appraisers = Unit.objects.get(code="SNV")
    people = personas(Unit.objects.get(code="STP"), Unit.objects.get(code="SCT"), appraisers)
    return year, people


def pages_missing_the_headers(client) -> list[str]:
    missing = []
    for name, kwargs in ROUTES:
        url = reverse(name, kwargs=kwargs)
        try:
            assert_security_headers(client.get(url))
        except (AssertionError, KeyError) as error:
            missing.append(f"{url}: {error!r}")
    return missing


def test_the_route_list_covers_the_pages_of_every_area():
    names = {name for name, _kwargs in ROUTES}
    assert {"home", "login", "sheet", "unit_profile", "otp_verify", "otp_setup"} <= names


def test_every_page_carries_the_strict_policy_for_an_admin(client, province):
    client.force_login(province[1]["admin"])
    assert pages_missing_the_headers(client) == []


def test_every_page_carries_the_strict_policy_for_a_visitor(client, province):
    assert pages_missing_the_headers(client) == []


def test_a_unit_staff_member_gets_the_policy_on_pages_they_may_not_open(client, province):
    client.force_login(make_user("staff_x", Role.STAFF, Unit.objects.get(code="STP")))
    response = client.get(reverse("sheet", kwargs={"unit_code": "SNV", "year": 2023}))
    assert response.status_code == 403
    assert_security_headers(response)


def test_a_missing_page_carries_the_policy(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_the_admin_allows_inline_styles_and_nothing_else_more(client, province):
    client.force_login(province[1]["admin"])
    urls = [reverse("admin:index"), reverse("admin:login")]
    urls += [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert_security_headers(response, ADMIN_POLICY)


def test_the_admin_lives_at_the_configured_address(client, province):
    client.force_login(province[1]["admin"])
    assert reverse("admin:index") == f"/{settings.ADMIN_URL}"
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200


# --------------------------------------------------------------------------- templates

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"'{]", re.IGNORECASE)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
JAVASCRIPT_URL = re.compile(r"(?:href|src|action)\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def project_templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(
        path for folder in folders if ".venv" not in folder.parts for path in folder.rglob("*.html")
    )


def test_the_template_scan_sees_the_project_templates():
    names = {path.relative_to(ROOT).as_posix() for path in project_templates()}
    assert {"templates/base.html", "templates/registration/login.html"} <= names


def template_problems(path: Path) -> list[str]:
    checks = [("inline <script>", INLINE_SCRIPT), ("on*= handler", EVENT_HANDLER)]
    checks.append(("javascript: URL", JAVASCRIPT_URL))
    if "admin" not in path.relative_to(ROOT).parts[1:2]:
        # The admin's policy allows inline styles (PortalCSPMiddleware), the portal's does not.
        checks += [("<style> element", STYLE_ELEMENT), ("style= attribute", STYLE_ATTRIBUTE)]
    text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
    return [
        f"{kind}: {match.group(0)!r}"
        for kind, pattern in checks
        for match in pattern.finditer(text)
    ]


@pytest.mark.parametrize("path", project_templates(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_template_has_inline_script_style_or_event_handler(path):
    assert template_problems(path) == []


def test_admin_templates_may_style_inline_but_never_script(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    folder = tmp_path / "templates" / "admin"
    folder.mkdir(parents=True)
    (folder / "styled.html").write_text('<style>p{}</style><p style="x">', encoding="utf-8")
    (folder / "scripted.html").write_text("<script>go()</script>", encoding="utf-8")
    portal = tmp_path / "templates" / "styled.html"
    portal.write_text("<style>p{}</style>", encoding="utf-8")
    assert template_problems(folder / "styled.html") == []
    assert template_problems(folder / "scripted.html") == ["inline <script>: '<script>'"]
    assert template_problems(portal) == ["<style> element: '<style'"]


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ('<script src="/static/js/portal.js" defer></script>', False),
        ("<script>alert(1)</script>", True),
        ('<script type="module">x()</script>', True),
        ('<div style="color:red">', True),
        ('<button onclick="go()">', True),
        ('<a href="javascript:go()">', True),
        ("<p>Sở Nội vụ, one=1</p>", False),
    ],
)
def test_the_template_scan_finds_what_it_looks_for(snippet, found):
    patterns = (INLINE_SCRIPT, STYLE_ELEMENT, STYLE_ATTRIBUTE, EVENT_HANDLER, JAVASCRIPT_URL)
    assert any(p.search(snippet) for p in patterns) is found


def test_an_anonymous_page_carries_exactly_these_headers(client, province):
    """The whole header set of a visitor's page, so that a change to the middleware that drops,
    adds or alters one is seen (the CSRF cookie aside; its length aside)."""
    response = client.get("/")
    assert response.status_code == 200
    headers = {k: v for k, v in response.headers.items() if k != "Content-Length"}
    policy = headers.pop("Content-Security-Policy")
    assert parse_policy(policy) == parse_policy(STRICT_POLICY)
    assert headers == {
        "Content-Type": "text/html; charset=utf-8",
        "Vary": "Cookie, Accept-Language",
        "Content-Language": "vi",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}


def test_a_refused_host_gets_the_policy_and_says_its_language(client, db):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert parse_policy(response["Content-Security-Policy"]) == parse_policy(STRICT_POLICY)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (response["Content-Language"], response["Vary"]) == ("vi", "Accept-Language")
