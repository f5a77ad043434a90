"""Parser for the district action plan (津西文明委〔2018〕4 号).

Pure Python, no Django: ``parse_plan(text)`` turns the plan's text into the agencies it names
(section 二 and the lead/participant clauses of sections 三–七) and its numbered items
(the 20 campaigns of section 三, then the action items of sections 四–七).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CAMPAIGN_SECTION = "三"
ACTION_SECTIONS = ("四", "五", "六", "七")

OFFICE = "区文明办"
GROUPS = frozenset({"各街镇", "开发区"})
# Older or short names the plan uses, mapped to the canonical agency name.
ALIASES = {"区审批局": "区行政审批局"}
# Not an agency: "every relevant department, each within its remit".
PARTICIPANTS_NOTE = "各有关部门按职责分工分别负责"

_HEADING = re.compile(r"^\s*([一二三四五六七八九十]+)、\s*(\S.*?)\s*$")
_ITEM = re.compile(r"^\s*(\d+)\s*[.．]\s*(\S.*?)\s*$")
# Section 二: "由区文明委牵头，区发展改革委、……等具体项目牵头单位和各街镇按职责分工分别负责……"
_ORGANISATION = re.compile(
    r"由(?P<head>[^，,]+?)牵头[，,](?P<units>.+?)等具体项目牵头单位和(?P<groups>.+?)按职责分工", re.S
)
# Section 二: "区文明办作为区文明委的日常办事机构"
_OFFICE_SENTENCE = re.compile(r"(?P<office>[^。，,\s]+?)\s*作为[^。]*?日常办事机构")
# The closing clause of an item: "（牵头单位：A、B；参与单位：C、D）"
_RESPONSIBILITY = re.compile(
    r"[（(]\s*牵\s*头\s*单\s*位\s*[：:](?P<leads>[^；;）)]*)"
    r"(?:[；;]\s*参\s*与\s*单\s*位\s*[：:](?P<participants>[^）)]*))?[）)]\s*$",
    re.S,
)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class PlanAgency:
    name: str
    kind: str  # "unit", "group" or "office"
    order: int  # 1-based order of first appearance


@dataclass(frozen=True)
class PlanItem:
    number: int
    code: str  # "三.1", "五.4"
    section: str  # "三、开展专项治理行动"
    kind: str  # "campaign" (section 三) or "action" (sections 四–七)
    title: str
    text: str
    leads: tuple[str, ...]
    participants: tuple[str, ...]
    participants_note: str = ""


@dataclass(frozen=True)
class Plan:
    agencies: tuple[PlanAgency, ...]
    aliases: dict[str, str]  # alias -> canonical name
    items: tuple[PlanItem, ...]


def parse_plan(text: str) -> Plan:
    """Parse the plan's text; raises ``ValueError`` if its structure is not the expected one."""
    sections = _split_sections(text)
    missing = {"二", CAMPAIGN_SECTION, *ACTION_SECTIONS} - sections.keys()
    if missing:
        raise ValueError(f"plan sections missing: {'、'.join(sorted(missing))}")

    names: list[str] = _section_two_agencies(sections["二"][1])
    items: list[PlanItem] = []
    next_action = 21  # action items are numbered on from the 20 campaigns
    for numeral in (CAMPAIGN_SECTION, *ACTION_SECTIONS):
        heading, body = sections[numeral]
        for index, paragraph in _items(body):
            is_campaign = numeral == CAMPAIGN_SECTION
            leads, participants, note = _responsibilities(paragraph)
            if is_campaign and not leads:
                raise ValueError(f"campaign {numeral}.{index} has no lead units")
            if is_campaign:
                number = index
            else:
                number, next_action = next_action, next_action + 1
            items.append(
                PlanItem(
                    number=number,
                    code=f"{numeral}.{index}",
                    section=heading,
                    kind="campaign" if is_campaign else "action",
                    title=paragraph.split("。", 1)[0].strip(),
                    text=paragraph,
                    leads=leads,
                    participants=participants,
                    participants_note=note,
                )
            )
            names.extend(leads + participants)

    campaigns = [item for item in items if item.kind == "campaign"]
    if [item.number for item in campaigns] != list(range(1, len(campaigns) + 1)):
        raise ValueError("section 三 campaigns are not numbered 1, 2, 3, …")

    ordered = list(dict.fromkeys(names))
    agencies = tuple(PlanAgency(name, _kind(name), order) for order, name in enumerate(ordered, start=1))
    return Plan(agencies=agencies, aliases=dict(ALIASES), items=tuple(items))


def _split_sections(text: str) -> dict[str, tuple[str, list[str]]]:
    """Map each section numeral to its heading ("三、开展专项治理行动") and body lines."""
    sections: dict[str, tuple[str, list[str]]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            numeral = heading.group(1)
            current = []
            sections[numeral] = (f"{numeral}、{heading.group(2)}", current)
        elif current is not None:
            current.append(line)
    return sections


def _items(lines: list[str]) -> list[tuple[int, str]]:
    """Numbered paragraphs of a section: "1.…" plus any non-blank lines that continue it."""
    items: list[tuple[int, list[str]]] = []
    open_item = False
    for line in lines:
        match = _ITEM.match(line)
        if match:
            items.append((int(match.group(1)), [match.group(2)]))
            open_item = True
        elif not line.strip():
            open_item = False
        elif open_item:
            items[-1][1].append(line.rstrip())
    return [(number, "\n".join(parts).strip()) for number, parts in items]


def _section_two_agencies(lines: list[str]) -> list[str]:
    """Section 二: the committee, the project leads, the groups, then the office."""
    body = "\n".join(lines)
    organisation = _ORGANISATION.search(body)
    if not organisation:
        raise ValueError("section 二 does not list the lead units")
    names = [_clean(organisation.group("head"))]
    names += _names(organisation.group("units")) + _names(organisation.group("groups"))
    office = _OFFICE_SENTENCE.search(body)
    if office:
        names.append(_clean(office.group("office")))
    return names


def _responsibilities(paragraph: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Leads, participants and participants note from an item's closing clause (if any)."""
    match = _RESPONSIBILITY.search(paragraph)
    if not match:
        return (), (), ""
    leads = tuple(_names(match.group("leads")))
    participants, note = [], ""
    for name in _names(match.group("participants") or ""):
        if name == PARTICIPANTS_NOTE:
            note = name
        else:
            participants.append(name)
    return leads, tuple(participants), note


def _names(listing: str) -> list[str]:
    """Canonical agency names of an enumeration such as "区发展改革委、公安西青分局"."""
    return [_clean(name) for name in re.split(r"[、，,]", listing) if _clean(name)]


def _clean(name: str) -> str:
    name = _WHITESPACE.sub("", name)
    return ALIASES.get(name, name)


def _kind(name: str) -> str:
    if name == OFFICE:
        return "office"
    if name in GROUPS:
        return "group"
    return "unit"
