"""English: the catalogue locale/en/LC_MESSAGES/django.po is complete, and the pages use it.

The source strings are Vietnamese (the default language); English comes from the catalogue. A
string added without its English translation fails `test_the_catalogue_translates_every_string`
with the list of what is missing; the fix is `make messages`, translate, `make messages` again.
"""

from __future__ import annotations

import ast
import html as html_lib
import os
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation.template import templatize

from scoring.models import Band, Item, YearState
from scoring.templatetags.portal_format import points, rank_of
from tests.factories import make_sheet, make_unit, make_year, score
from units.models import Unit, UnitGroup

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# Words with a letter outside ASCII: in this portal, Vietnamese (ă, ơ, đ, tone marks…).
VIETNAMESE = re.compile(r"\w*[^\W\d_A-Za-z]\w*")
# Navbar and page chrome an anonymous visitor sees, in Vietnamese and in English.
NAVBAR = {
    "Kết quả": "Results",
    "So sánh các năm": "Compare years",
    "Mất điểm": "Points lost",
    "Đăng nhập": "Log in",
    "Bỏ qua, đến nội dung chính": "Skip to main content",
    "Điều hướng chính": "Main navigation",
    "Ngôn ngữ": "Language",
}


# --------------------------------------------------------------------------- the catalogue


def po_entries(text: str) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (one or per plural form), flags,
    obsolete. A small parser, enough for what makemessages writes."""
    entries = []
    entry: dict | None = None
    field = None

    def start():
        return {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": {}, "obsolete": False}

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = start()
        entry["obsolete"] = entry["obsolete"] or obsolete
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field = "msgctxt"
            entry[field] = _unquote(line[len("msgctxt ") :])
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            entry[field] = _unquote(line[len("msgid_plural ") :])
        elif line.startswith("msgid "):
            field = "msgid"
            entry[field] = _unquote(line[len("msgid ") :])
        elif line.startswith("msgstr"):
            match = re.match(r"msgstr(?:\[(\d+)\])?\s+(.*)", line)
            field = ("msgstr", int(match.group(1) or 0))
            entry["msgstr"][field[1]] = _unquote(match.group(2))
        elif line.startswith('"') and field is not None:
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += _unquote(line)
            else:
                entry[field] += _unquote(line)
    return entries


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m[1], m[1]), body
    )


# What `make messages` finds in the source, without gettext (a fresh machine may not have it):
# the same keywords as makemessages, the same folders, templates read through Django's own
# templatize() as makemessages does. Keep IGNORED in step with the Makefile's `messages` target.
KEYWORDS = {  # name: positions of (context, msgid, plural) among the call's arguments
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
IGNORED = {".venv", "static/vendor", "staticfiles", "media", "tests", "bench", "node_modules"}
CALL = re.compile(r"\b(?:" + "|".join(map(re.escape, KEYWORDS)) + r")\(")


def python_messages(source: str) -> set[tuple]:
    """(msgctxt, msgid, msgid_plural) of each gettext call with literal arguments."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        spec = KEYWORDS.get(getattr(node.func, "id", None) or getattr(node.func, "attr", None))
        if spec is None:
            continue
        values = []
        for index in spec:
            if index is None:
                values.append(None)
                continue
            arg = node.args[index] if index < len(node.args) else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break  # not a literal: nothing to extract (xgettext skips it too)
            values.append(arg.value)
        else:
            found.add(tuple(values))
    return found


def _call_end(code: str, start: int) -> int:
    """The index just past the parenthesis that closes the call opened before code[start]."""
    depth, index, quote = 1, start, None
    while index < len(code):
        char = code[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0:
                return index + 1
        index += 1
    return len(code)


def template_messages(source: str) -> set[tuple]:
    code = templatize(source)
    found = set()
    for match in CALL.finditer(code):
        try:
            found |= python_messages(code[match.start() : _call_end(code, match.end())])
        except SyntaxError:
            continue
    return found


def source_messages(base: Path) -> set[tuple]:
    found = set()
    for root, dirs, files in os.walk(base):
        folder = os.path.relpath(root, base)
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and os.path.normpath(os.path.join(folder, d)) not in IGNORED
        ]
        for name in files:
            if name.startswith(".") or name.endswith("~"):
                continue
            path = Path(root) / name
            if name.endswith(".py"):
                found |= python_messages(path.read_text(encoding="utf-8"))
            elif name.endswith((".html", ".txt")):
                found |= template_messages(path.read_text(encoding="utf-8", errors="replace"))
    return found


def test_every_string_of_the_source_is_in_the_catalogue():
    """A string added to the code or a template without `make messages` is caught here, even on
    a machine without gettext."""
    catalogue = {
        (e.get("msgctxt"), e["msgid"], e["msgid_plural"])
        for e in po_entries(PO_FILE.read_text(encoding="utf-8"))
        if e["msgid"] and not e["obsolete"]
    }
    missing = sorted(source_messages(Path(settings.BASE_DIR)) - catalogue, key=str)
    assert not missing, (
        f"{len(missing)} string(s) of the source are not in {PO_FILE.name}. Run `make messages`, "
        "translate the new entries in locale/en/LC_MESSAGES/django.po (no empty msgstr, no "
        "#, fuzzy), run `make messages` again to compile, and commit django.po and django.mo:\n  "
        + "\n  ".join(repr(m[1]) for m in missing)
    )


def test_the_catalogue_translates_every_string():
    entries = [
        e
        for e in po_entries(PO_FILE.read_text(encoding="utf-8"))
        if e["msgid"] and not e["obsolete"]
    ]
    assert len(entries) > 500, "locale/en/LC_MESSAGES/django.po looks truncated"
    missing = [
        e["msgid"] + (f"  (plural: {e['msgid_plural']})" if e["msgid_plural"] else "")
        for e in entries
        if "fuzzy" in e["flags"]
        or not e["msgstr"]
        or not all(e["msgstr"].values())
        or (e["msgid_plural"] and len(e["msgstr"]) != 2)
    ]
    assert not missing, (
        f"{len(missing)} string(s) without a checked English translation in {PO_FILE.name} "
        "(empty msgstr or #, fuzzy). Run `make messages`, translate them in "
        "locale/en/LC_MESSAGES/django.po (remove the fuzzy flag once checked), then run "
        "`make messages` again to compile and commit both django.po and django.mo:\n  "
        + "\n  ".join(repr(m) for m in missing)
    )


def test_the_catalogue_header_has_no_fuzzy_flag_and_english_plurals():
    header = po_entries(PO_FILE.read_text(encoding="utf-8"))[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]


def test_the_compiled_catalogue_is_not_older_than_its_source():
    """django.mo is committed (no gettext on a fresh machine): it must be compiled after each edit.

    Compared by content, not dates (a clone gives both files the same time): every translated
    msgid of the .po is found by gettext in the .mo.
    """
    assert MO_FILE.exists(), "Run `make messages` to compile locale/en/LC_MESSAGES/django.mo"
    entries = [
        e
        for e in po_entries(PO_FILE.read_text(encoding="utf-8"))
        if e["msgid"] and not e["obsolete"] and "fuzzy" not in e["flags"] and e["msgstr"].get(0)
    ]
    stale = []
    with translation.override("en"):
        for e in entries:
            if e.get("msgctxt"):
                got = translation.pgettext(e["msgctxt"], e["msgid"])
            elif e["msgid_plural"]:
                got = translation.ngettext(e["msgid"], e["msgid_plural"], 1)
            else:
                got = translation.gettext(e["msgid"])
            if got != e["msgstr"][0]:
                stale.append(e["msgid"])
    assert not stale, (
        "django.mo does not match django.po: run `make messages` (it compiles) and commit "
        "django.mo:\n  " + "\n  ".join(repr(m) for m in stale[:30])
    )


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def published_year(db):
    """2023 published: one department with 92,03 points (65,81 appraisal + 26,22 survey)."""
    year = make_year(2023, state=YearState.PUBLISHED)
    unit = make_unit("SLDTBXH", "Sở Lao động - Thương binh và Xã hội")
    score(
        make_sheet(unit, year),
        **{
            "1.1.1": "10",
            "1.1.2": "9.81",
            "1.2": "10",
            "2.1": "18",
            "2.2": "18",
            "3.1": "13.11",
            "3.2": "13.11",
        },
    )
    return year


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def visible_text(page: str) -> str:
    """What a reader gets: text and the attributes read aloud or shown on hover (not the
    scripts, whose chart data is JSON with a decimal point in every language)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    said = re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html_lib.unescape(" ".join([text, *said]))


def test_the_home_page_is_in_vietnamese_by_default(client, published_year):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Kết quả Chỉ số CCHC năm 2023" in page
    for vietnamese in NAVBAR:
        assert vietnamese in page
    text = visible_text(page)
    assert "92,03" in text and "92.03" not in text
    assert "thứ 1/1" in text


def test_a_browser_that_asks_for_english_still_gets_vietnamese(client, published_year):
    for asked in ("en", "en-US,en;q=0.9", "fr-FR,en;q=0.5"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE=asked).content.decode()
        assert '<html lang="vi">' in page, asked
        assert "Kết quả Chỉ số CCHC năm 2023" in page
    login = client.get("/tai-khoan/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Đăng nhập" in login and '<html lang="vi">' in login
    # Only the language switch changes it, and it is remembered.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()


def test_switching_to_english_translates_the_home_page(client, published_year):
    vietnamese_page = client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get("/")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "PAR Index results 2023" in page
    assert "Kết quả Chỉ số CCHC" not in page
    for english in NAVBAR.values():
        assert english in page
    text = visible_text(page)
    for vietnamese in NAVBAR:
        assert vietnamese not in text, f"{vietnamese!r} left in Vietnamese on the English page"
    # Numbers follow the language: a decimal point in English, a comma in Vietnamese.
    assert "92.03" in text and "92,03" not in text
    assert "1 of 1" in text and "thứ 1/1" not in text
    assert page != vietnamese_page  # not the Vietnamese page from the cache


def test_the_english_home_page_has_no_vietnamese_beyond_its_data(client, published_year):
    """Every word with a Vietnamese letter on the English page comes from the data (names of the
    province, unit groups, units and criteria, classification labels) or is the language
    switch's own name for Vietnamese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = nfc(visible_text(client.get("/").content.decode()))
    data = [
        settings.PORTAL_OWNER_NAME,
        published_year.owner_name,
        *Unit.objects.values_list("name", flat=True),
        *UnitGroup.objects.values_list("name", flat=True),
        *Item.objects.values_list("name", flat=True),
        *Band.objects.values_list("label", flat=True),
        *(translation.get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES),
    ]
    for value in sorted({nfc(v) for v in data if v}, key=len, reverse=True):
        text = text.replace(value, " ")
    leftovers = sorted(set(VIETNAMESE.findall(text)))
    assert not leftovers, f"Vietnamese words on the English home page: {leftovers}"


def test_the_cookie_alone_switches_the_language_and_formats(client, published_year):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert "PAR Index results 2023" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = client.get("/").content.decode()
    assert "Kết quả Chỉ số CCHC năm 2023" in page


def test_the_format_filters_follow_the_language():
    with translation.override("en"):
        assert points("92.03") == "92.03"
        assert rank_of(2, 20) == "2 of 20"
    with translation.override("vi"):
        assert points("92.03") == "92,03"
        assert rank_of(2, 20) == "thứ 2/20"


# --------------------------------------------------------------------------- the admin


ADMIN_ENGLISH = [
    "Show counts",
    "Hide counts",
    'alt="Search"',
    "Skip to main content",
    "Toggle theme",
    "models",  # Django's Vietnamese "Các mô models trong …" (the index's section titles)
    "Can add",  # permission names, stored in English
    "Can change",
    "Can delete",
    "Can view",
    "access attempt",
    "Sessions",
    "TOTP device",
]


@pytest.mark.django_db
def test_the_admin_is_vietnamese_throughout(admin_client):
    """Django's own Vietnamese catalogue lacks the newer admin strings: locale/vi fills them."""
    make_year(2023, state=YearState.APPRAISAL)
    make_unit("STP", "Sở Tư pháp")
    admin = get_user_model().objects.get(is_superuser=True)
    for url in (
        "/admin/",
        "/admin/units/unit/",
        "/admin/scoring/band/?_facets=True",
        "/admin/auth/group/add/",
        f"/admin/auth/user/{admin.pk}/change/",
    ):
        page = admin_client.get(url).content.decode()
        assert '<html lang="vi"' in page
        for english in ADMIN_ENGLISH:
            assert english not in page, (url, english)
    page = admin_client.get("/admin/scoring/band/").content.decode()
    assert "Hiện số lượng" in page and "Chuyển đến nội dung chính" in page
    page = admin_client.get("/admin/").content.decode()
    assert 'title="Các mô hình trong ứng dụng Chấm điểm"' in page
    page = admin_client.get("/admin/auth/group/add/").content.decode()
    assert ">Xác thực và ủy quyền | Nhóm | Thêm Nhóm</option>" in page
    assert ">Chống dò mật khẩu | lần đăng nhập | Xem lần đăng nhập</option>" in page


@pytest.mark.django_db
def test_the_admin_shows_and_reads_decimal_commas(admin_client):
    make_year(2023, state=YearState.APPRAISAL)
    band = Band.objects.order_by("-min_index").first()
    assert (
        f"{band.min_index:.2f}".replace(".", ",")
        in admin_client.get("/admin/scoring/band/").content.decode()
    )
    form = admin_client.get(f"/admin/scoring/band/{band.pk}/change/").content.decode()
    assert re.search(r'<input type="text" name="min_index" value="\d+,\d\d"', form)
    response = admin_client.post(
        f"/admin/scoring/band/{band.pk}/change/",
        {"year": band.year_id, "group": band.group_id, "label": band.label, "min_index": "91,50"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    band.refresh_from_db()
    assert str(band.min_index) == "91.50"
