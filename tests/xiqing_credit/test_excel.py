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


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_text_columns_are_checked_and_the_rest_written_as_is(text):
    """With ``text_columns`` only those positions are checked (a large export's fast path):
    formula-like text there stays text; plain text, numbers, dates and empty cells are unchanged."""
    import datetime

    workbook = new_workbook()
    rows = [[1, text, "普通文本", datetime.date(2025, 1, 10), None, ""], [2, "正常", text, 3.5, None, ""]]
    add_sheet(workbook, "数据", ["编号", "甲", "乙", "日期", "空", "空文本"], rows, text_columns=(1, 2, 5))
    sheet = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)] == [
        [1, text, "普通文本", datetime.datetime(2025, 1, 10), None, None],
        [2, "正常", text, 3.5, None, None],
    ]
    assert sheet["B2"].data_type == sheet["C3"].data_type == "s"
    assert sheet["B2"].quotePrefix and sheet["C3"].quotePrefix
    assert not sheet["C2"].quotePrefix
