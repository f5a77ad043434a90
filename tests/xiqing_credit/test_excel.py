"""The shared Excel writer never writes user text as a formula."""

import io

import pytest
from openpyxl import load_workbook

from xiqing_credit.excel import add_sheet, new_workbook, workbook_bytes


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", '=HYPERLINK("http://x")'])
def test_formula_like_text_is_written_as_text(text):
    """Text beginning with = + - @ tab or CR is stored as a string cell, not a formula."""
    workbook = new_workbook()
    add_sheet(workbook, "数据", ["内容", "数量"], [[text, 3]])
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    value_cell = sheet["A2"]
    assert value_cell.data_type == "s"
    assert value_cell.value == text
    assert sheet["B2"].value == 3
    assert sheet["A1"].value == "内容"
