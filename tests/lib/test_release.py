"""The release digest in the cache keys: any change to what draws a page gives a new one."""

from lib.release import digest_of, release


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_changed_template_filter_or_catalogue_gives_a_new_release(tmp_path):
    write(tmp_path, "scoring/templatetags/portal_format.py", "def points(v): return v\n")
    write(tmp_path, "templates/row.html", "<td>{{ row }}</td>\n")
    first = digest_of(tmp_path)
    assert digest_of(tmp_path) == first

    write(tmp_path, "scoring/templatetags/portal_format.py", "def points(v): return -v\n")
    second = digest_of(tmp_path)
    assert second != first

    write(tmp_path, "templates/row.html", "<td class='num'>{{ row }}</td>\n")
    third = digest_of(tmp_path)
    assert third not in (first, second)

    (tmp_path / "locale/en/LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locale/en/LC_MESSAGES/django.mo").write_bytes(b"\x00catalogue")
    assert digest_of(tmp_path) != third


def test_tests_environments_and_data_do_not_change_the_release(tmp_path):
    write(tmp_path, "scoring/views.py", "x = 1\n")
    before = digest_of(tmp_path)
    write(tmp_path, "tests/test_x.py", "y = 2\n")
    write(tmp_path, ".venv/lib/site.py", "z = 3\n")
    write(tmp_path, "media/upload.txt", "a file someone uploaded\n")
    write(tmp_path, "db.sqlite3", "data")
    assert digest_of(tmp_path) == before


def test_the_release_is_read_once_per_process():
    assert release() == release()
    assert len(release()) == 12
