"""`stream_table` reads what `read_table` reads, one row at a time: the same rows, and the same
refusals (the header's at once, the rest collected while reading)."""

import io

import pytest

from lib.tabular import Limits, TableError, read_table, stream_table
from tests.lib.test_tabular import SO_LDTBXH, to_cp1258, xlsx

KW = {"required": ["mã", "tên"], "optional": ["điểm", "ẩn"]}


def streamed(data, **kwargs):
    """Every row, then the problems found while reading (as read_table would raise them)."""
    stream = stream_table(data, **{**KW, **kwargs})
    rows = list(stream)
    stream.problems.raise_if_any()
    return rows


def outcome(reader, data, **kwargs):
    try:
        return [(r.number, r.values, r.present, dict(r.labels)) for r in reader(data, **kwargs)]
    except TableError as error:
        return sorted(error.messages)


def hide_row(ws, _wb):
    ws.row_dimensions[3].hidden = True


def merge(ws, _wb):
    ws.merge_cells("A2:B2")


def hide_column(ws, _wb):
    ws.column_dimensions["B"].hidden = True


def formula(ws, _wb):
    ws["C3"] = "=1+1"


SAME = {
    "utf-8": 'mã,tên,điểm\nSNV,Sở Nội vụ,"9,5"\nSTP,Sở Tư pháp,8\n'.encode(),
    "bom": b"\xef\xbb\xbf" + "mã,tên\nSNV,Sở Nội vụ\n".encode(),
    "cp1258": to_cp1258(f"mã;tên;điểm\r\nSLĐ;{SO_LDTBXH};9,25\r\n"),
    "nfd": "mã,tên\nSNV,Sơ\u0309 Nội vụ\n".encode(),
    "quoted line break": 'mã,tên\nSNV,"Sở\nNội vụ"\nSTP,Sở Tư pháp\n'.encode(),
    "empty rows": "mã,tên\n\n,\nSNV,Sở Nội vụ\n".encode(),
    "short rows": "mã,tên,điểm\nSNV\n".encode(),
    "header only": "mã,tên\n".encode(),
    "malformed quotes": 'mã,tên\nSNV,"Sở Nội vụ\nSTP,Sở Tư pháp\n'.encode(),
    "data beyond the header": "mã,tên\nSNV,Sở Nội vụ,thừa\n".encode(),
    "unknown and missing columns": "mã,tên gọi,tên gọi\nSNV,a,b\n".encode(),
    "empty header row": "\nSNV,Sở Nội vụ\n".encode(),
    "empty": b"",
    "blank": b"  \n \n",
    "binary": b"%PDF-1.4 ma,ten",
    "nul": "mã,tên\nSNV,Sở\x00\n".encode(),
    "controls": b"ma,ten\n" + b"\x01\x02\x03" * 50,
    "xlsx": xlsx([["Mã", "Tên", "Điểm"], ["SNV", "Sở Nội vụ", 9.5], [1.2, "Số", 10]]),
    "xlsx formula": xlsx([["mã", "tên", "điểm"], ["SNV", "a", 1], ["STP", "b", 2]], formula),
    "xlsx hidden row": xlsx([["mã", "tên"], ["SNV", "a"], ["STP", "b"]], hide_row),
    "xlsx merged": xlsx([["mã", "tên"], ["SNV", "a"]], merge),
    "xlsx hidden column": xlsx([["mã", "tên"], ["SNV", "a"]], hide_column),
    "xlsx two sheets": xlsx([["mã", "tên"], ["SNV", "a"]], sheets=["Khác"]),
    "xlsx empty": xlsx([]),
    "xlsx data beyond the header": xlsx([["mã", "tên"], ["SNV", "a", "thừa"]]),
}


@pytest.mark.parametrize("name", list(SAME))
def test_the_stream_gives_read_tables_rows_and_refusals(name):
    kwargs = {"single_sheet": True} if "sheets" in name else {}
    expected = outcome(lambda d, **k: read_table(d, **KW, **k), SAME[name], **kwargs)
    assert outcome(streamed, SAME[name], **kwargs) == expected
    assert expected or name == "header only"  # rows, or a refusal with its messages


def test_the_caps_stop_the_stream():
    rows = "mã,tên\n" + "SNV,a\n" * 30
    with pytest.raises(TableError, match="quá nhiều dòng"):
        streamed(rows.encode(), limits=Limits(rows=10))
    with pytest.raises(TableError, match="quá lớn"):
        stream_table(rows.encode(), **KW, max_bytes=50)


def test_header_problems_refuse_before_any_row_is_read():
    with pytest.raises(TableError, match="Thiếu cột bắt buộc “tên”"):
        stream_table("mã\nSNV\n".encode(), **KW)


def test_a_file_object_is_read_from_its_start():
    upload = io.BytesIO("mã,tên\nSNV,Sở Nội vụ\n".encode())
    upload.read(3)
    assert [r.values["tên"] for r in streamed(upload)] == ["Sở Nội vụ"]
