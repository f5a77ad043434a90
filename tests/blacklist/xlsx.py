"""Workbooks for the import tests, made in memory: valid ones and hostile ones."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from blacklist.excel import TEMPLATE_HEADER
from tests.factories import credit_code, id_number


def row(**values) -> list:
    """A valid black-list row (一般, campaign 8, 区人力社保局), changed by ``values`` (by header name)."""
    data = {
        "名单类型": "黑名单",
        "主体类型": "法人",
        "主体名称": "天津某劳务有限公司",
        "统一社会信用代码": credit_code(901),
        "身份证号码": "",
        "专项治理编号": 8,
        "失信等级": "一般",
        "列入原因": "拖欠农民工工资",
        "认定依据": "《保障农民工工资支付条例》",
        "认定部门": "区人力社保局",
        "决定文书号": "西青人社罚〔2025〕1号",
        "决定日期": "2025-05-20",
        "公示截止日期": "2026-05-20",
    }
    data.update(values)
    return [data[name] for name in TEMPLATE_HEADER]


def person_row(n: int, **values) -> list:
    return row(
        **{
            "主体类型": "自然人",
            "主体名称": f"测试人{n}",
            "统一社会信用代码": "",
            "身份证号码": id_number(n),
            "决定文书号": f"西青人社罚〔2025〕{n}号",
            **values,
        }
    )


def org_row(n: int, **values) -> list:
    return row(
        **{"主体名称": f"天津某公司{n}", "统一社会信用代码": credit_code(n), "决定文书号": f"文书{n}号", **values}
    )


def workbook_bytes(rows: list[list], header: list | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADER if header is None else header)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with one more zip member (e.g. a macro project)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item.filename))
    return buffer.getvalue()


def declared_size_bomb(data: bytes, member: str = "xl/worksheets/sheet1.xml", size: int = 0xFFFFFFF0) -> bytes:
    """The workbook with the central directory claiming ``member`` unpacks to ``size`` bytes."""
    raw = bytearray(data)
    position = 0
    while True:
        position = raw.index(b"PK\x01\x02", position)
        name_length = int.from_bytes(raw[position + 28 : position + 30], "little")
        name = bytes(raw[position + 46 : position + 46 + name_length]).decode()
        if name == member:
            raw[position + 24 : position + 28] = size.to_bytes(4, "little")
            return bytes(raw)
        position += 4


def many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(count):
            archive.writestr(f"xl/media/{n}.txt", "x")
    return buffer.getvalue()


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
)


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()
