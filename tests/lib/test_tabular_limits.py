"""The caps of the shared reader (penetration test, finding 1): a spreadsheet that unzips into
millions of cells, rows or strings is refused while it is counted, in constant memory, with a
Vietnamese message naming the limit; files within the caps read as before."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from lib.tabular import Limits, TableError, read_table
from tests.bombs import cell_bomb, peak_of, row_bomb, string_bomb

MB = 1024 * 1024


def read(data, **kwargs):
    return read_table(data, required=["mã", "tên"], **kwargs)


def refusal(data, **kwargs) -> list[str]:
    with pytest.raises(TableError) as caught:
        read(data, **kwargs)
    return caught.value.messages


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        (cell_bomb, "Tệp có quá nhiều ô (tối đa 400.000 ô)"),
        (row_bomb, "Tệp có quá nhiều dòng (tối đa 20.000 dòng)"),
        (string_bomb, "Tệp có quá nhiều ô (tối đa 400.000 ô)"),
    ],
)
def test_a_small_file_that_unzips_into_millions_of_elements_is_refused_in_little_memory(
    bomb, message
):
    data = bomb()
    assert len(data) < 100 * 1024
    outcome, peak = peak_of(lambda: read(data))
    assert isinstance(outcome, TableError)
    assert outcome.messages == [message]
    assert peak < 100 * MB


def test_each_cap_names_its_limit_in_the_language_of_the_page():
    from django.utils import translation

    with translation.override("en"):
        assert refusal(row_bomb()) == ["The file has too many rows (at most 20,000 rows)"]


def test_rows_columns_and_cells_each_have_their_cap():
    rows = [("mã", "tên")] + [(f"A{n}", "B") for n in range(30)]
    assert len(read(xlsx(rows), limits=Limits(rows=31))) == 30
    assert refusal(xlsx(rows), limits=Limits(rows=30)) == ["Tệp có quá nhiều dòng (tối đa 30 dòng)"]
    assert refusal(xlsx(rows), limits=Limits(cells=50)) == ["Tệp có quá nhiều ô (tối đa 50 ô)"]
    wide = [("mã", "tên"), ("A", "B", *([None] * 8), "quá xa")]
    assert refusal(xlsx(wide), limits=Limits(columns=10)) == [
        "Tệp có dữ liệu ở quá nhiều cột (tối đa 10 cột)"
    ]


def test_an_empty_styled_cell_far_to_the_right_is_not_data():
    book = Workbook()
    book.active.append(["mã", "tên"])
    book.active.append(["A", "B"])
    book.active["XFD2"].number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    assert len(read(out.getvalue(), limits=Limits(columns=10))) == 1


def test_a_part_larger_than_its_cap_unzipped_is_refused_before_it_is_read():
    data = cell_bomb(cells=300_000, per_row=300)  # the sheet unzips to about 1.2 MB
    assert refusal(data, limits=Limits(part_bytes=MB)) == [
        "Tệp xlsx quá lớn sau khi giải nén: phần xl/worksheets/sheet1.xml vượt 1 MB"
    ]


def test_a_part_declaring_entities_is_refused_as_damaged():
    data = xlsx([("mã", "tên"), ("A", "B")])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(
                    b"<worksheet",
                    b'<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet',
                    1,
                )
            archive.writestr(info.filename, part)
    assert refusal(out.getvalue()) == ["Tệp xlsx bị hỏng hoặc không đọc được"]


def test_csv_files_have_the_same_caps():
    many_rows = "mã,tên\n" + "A,B\n" * 40
    assert refusal(many_rows.encode(), limits=Limits(rows=40)) == [
        "Tệp có quá nhiều dòng (tối đa 40 dòng)"
    ]
    assert refusal(("mã,tên\n" + "\n" * 100).encode(), limits=Limits(rows=50)) == [
        "Tệp có quá nhiều dòng (tối đa 50 dòng)"
    ]
    wide = "mã,tên\nA,B" + "," * 20 + "x\n"
    assert refusal(wide.encode(), limits=Limits(columns=10)) == [
        "Tệp có dữ liệu ở quá nhiều cột (tối đa 10 cột)"
    ]
    assert refusal(many_rows.encode(), limits=Limits(cells=60)) == [
        "Tệp có quá nhiều ô (tối đa 60 ô)"
    ]
    trailing_separators = "mã,tên" + "," * 30 + "\nA,B" + "," * 30 + "\n"
    assert len(read(trailing_separators.encode(), limits=Limits(columns=10))) == 1
