"""One word per thing: no retired form of a glossary term (lib/glossary.py) in what people read.

Templates, our Python and JavaScript sources and both catalogues (msgid and msgstr) are read
line by line; a retired form fails the test with its file, line and the term to write instead.
Migrations are left out (they freeze the labels of their day and are never edited); so are the
tests, which quote what they check.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from lib.glossary import ACCEPTED_ON_INPUT, TERMS, retired_forms
from tests.test_i18n import po_entries

BASE = Path(settings.BASE_DIR)
PACKAGES = ("accounts", "cchc_portal", "demo", "lib", "scoring", "units")


def sources() -> list[Path]:
    files = [*BASE.glob("templates/**/*.html"), *BASE.glob("templates/**/*.txt")]
    files += list(BASE.glob("static/js/**/*.js"))
    for package in PACKAGES:
        files += [
            p
            for p in (BASE / package).rglob("*.py")
            if "migrations" not in p.parts and p != BASE / "lib" / "glossary.py"
        ]
    return sorted(files)


def findings(path: Path, lines: list[str]) -> list[str]:
    found = []
    for number, line in enumerate(lines, start=1):
        if ACCEPTED_ON_INPUT in line:
            continue
        for term, form in retired_forms(line):
            found.append(f"{path.relative_to(BASE)}:{number}: “{form}” → “{term.term}”")
    return found


def test_the_sources_are_read():
    names = {p.relative_to(BASE).as_posix() for p in sources()}
    assert {"templates/base.html", "scoring/models.py", "static/js/sheet.js"} <= names
    assert not any("/migrations/" in name for name in names)


def test_no_template_or_source_writes_a_retired_form():
    found = []
    for path in sources():
        found += findings(path, path.read_text(encoding="utf-8").splitlines())
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("catalogue", sorted(BASE.glob("locale/*/LC_MESSAGES/*.po")), ids=str)
def test_no_catalogue_entry_writes_a_retired_form(catalogue):
    found = []
    for entry in po_entries(catalogue.read_text(encoding="utf-8")):
        if entry["obsolete"]:
            continue
        texts = [entry["msgid"], entry["msgid_plural"] or "", *entry["msgstr"].values()]
        found += [
            f"{entry['msgid']!r}: “{form}” → “{term.term}”"
            for text in texts
            for term, form in retired_forms(text)
        ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "text, retired",
    [
        ("Điểm tự chấm", "tự chấm"),
        ("chưa TỰ CHẤM điểm", "TỰ CHẤM"),
        ("Điểm điều tra XHH năm 2026", "điều tra XHH"),
        ("Điều tra XHH", "Điều tra XHH"),
        ("Huỷ", "Huỷ"),
        ("Giải trình chờ trả lời", "Giải trình chờ trả lời"),
        ("Giải trình chờ / đã trả lời", "Giải trình chờ / đã trả lời"),
        ("Giải trình quá hạn", "Giải trình quá hạn"),
        ("Ghi chú, giải trình của đơn vị", "Ghi chú, giải trình"),
    ],
)
def test_each_retired_form_is_caught(text, retired):
    assert [form for _, form in retired_forms(text)] == [retired]


@pytest.mark.parametrize(
    "text",
    [
        "Điểm tự đánh giá",
        "phiếu chấm điểm",
        "Điểm ĐTXHH",
        "Điểm điều tra xã hội học năm 2026",
        "Hủy",
        "Sở Thuỷ lợi",
        "Yêu cầu giải trình chờ trả lời",
        "Yêu cầu giải trình chờ / đã trả lời",
        "Có giải trình chờ xem",
        "Chờ giải trình",
        "Trả lời yêu cầu giải trình",
        "Ghi chú của đơn vị",
        "đề nghị đơn vị giải trình",
    ],
)
def test_the_terms_themselves_pass(text):
    assert retired_forms(text) == []


def test_decomposed_text_is_checked_like_composed_text():
    # "Huỷ" typed with a combining hook above (NFD) is still the retired form.
    import unicodedata

    assert retired_forms(unicodedata.normalize("NFD", "Huỷ"))


def test_every_term_is_one_term_with_its_usage():
    concepts = [t.concept for t in TERMS]
    assert len(concepts) == len(set(concepts))
    for term in TERMS:
        assert term.usage and term.term
        assert retired_forms(term.term) == [], term.term
        assert not term.short or retired_forms(term.short) == [], term.short
