"""The action plan (津西文明委〔2018〕4 号): its parser and its loading into the database."""

from io import StringIO

import pytest
from django.core.management import call_command

from agencies.models import Agency
from campaigns.models import Campaign
from campaigns.plan import parse_plan
from campaigns.services import PLAN_PATH, LoadResult, load_plan

NOTE = "各有关部门按职责分工分别负责"

# Section 三, typed by hand from the plan: number -> (lead units, participating units).
EXPECTED = {
    1: (("区发展改革委", "公安西青分局"), ("区工信委", "区网信办", "区人民法院")),
    2: (("区网信办", "区发展改革委"), ("区人民法院", "公安西青分局", "区市场监管局")),
    3: (("区发展改革委",), ("区网信办", "区金融办")),
    4: (("区发展改革委", "区环保局", "区行政审批局"), ("区财政局",)),
    5: (
        ("区综合执法局", "区规划分局"),
        ("区国土分局", "区房管局", "区民政局", "区市容园林委", "区建委", "区发展改革委"),
    ),
    6: (("区发展改革委", "区卫生计生委"), ("区网信办", "区人民法院", "公安西青分局", "区市场监管局", "各街镇")),
    7: (("区发展改革委", "区市场监管局"), ("区人民法院", "公安西青分局", "区卫生计生委")),
    8: (("区发展改革委", "区人力社保局"), ("区人民法院", "公安西青分局", "区财政局")),
    9: (("区发展改革委", "区旅游局"), ("区网信办", "区市场监管局", "区新闻中心")),
    10: (("区发展改革委", "区税务局"), ("区人民法院", "公安西青分局")),
    11: (("区人民法院", "区发展改革委"), ("公安西青分局", "区环保局", "区房管局", "区建委")),
    12: (
        ("区发展改革委", "区运管局"),
        ("区网信办", "区工信委", "区综合执法局", "公安西青分局", "公安交通西青支队"),
    ),
    13: (("区发展改革委", "区教育局", "区科委", "区人力社保局"), ()),
    14: (("区发展改革委",), ("区人民法院", "公安西青分局", "区人力社保局")),
    15: (("区发展改革委", "区民政局"), ("公安西青分局",)),
    16: (("区发展改革委", "区民政局"), ("公安西青分局", "区税务局")),
    17: (("区发展改革委", "区文广局"), ("区网信办", "公安西青分局", "区市场监管局", "区文化市场行政执法大队")),
    18: (("区发展改革委",), ("区网信办", "公安西青分局", "区财政局", "区市场监管局", "区体育局")),
    19: (("区发展改革委", "区体育局"), ("区人民法院", "公安西青分局")),
    20: (("公安交通西青支队", "区发展改革委"), ("区运管局", "区综合执法局")),
}

# Sections 四–六, typed by hand: code -> lead units.
EXPECTED_ACTION_LEADS = {
    "四.1": ("区发展改革委",),
    "四.2": ("区发展改革委",),
    "四.3": ("区发展改革委", "区行政审批局", "区法制办"),
    "五.1": ("区文明办", "区发展改革委", "区人民法院"),
    "五.2": ("区发展改革委", "区市场监管局"),
    "五.3": ("区发展改革委",),
    "五.4": ("区文明办",),
    "六.1": ("区委宣传部", "区文明办"),
    "六.2": ("区委宣传部", "区文明办"),
    "六.3": ("区委宣传部", "区文明办"),
}


@pytest.fixture(scope="module")
def plan():
    return parse_plan(PLAN_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def empty_db(db):
    """Remove what the session's conftest loaded, so the test sees a fresh install."""
    Campaign.objects.all().delete()
    Agency.objects.all().delete()


def _links(campaign, related_name):
    return tuple(link.agency.name for link in getattr(campaign, related_name).order_by("position"))


def _history_counts():
    return Agency.history.count(), Campaign.history.count()


def test_parser_finds_20_campaigns_and_13_actions(plan):
    """Section 三 has 20 campaigns (三.1–三.20); sections 四–七 add 13 actions numbered 21–33."""
    campaigns = [item for item in plan.items if item.kind == "campaign"]
    actions = [item for item in plan.items if item.kind == "action"]
    assert [(c.number, c.code) for c in campaigns] == [(n, f"三.{n}") for n in range(1, 21)]
    assert [a.number for a in actions] == list(range(21, 34))
    assert [a.code for a in actions][:1] + [a.code for a in actions][-1:] == ["四.1", "七.3"]
    assert {c.section for c in campaigns} == {"三、开展专项治理行动"}
    assert actions[0].section == "四、加快信用体系建设"
    assert actions[0].title == "全面建立各领域信用记录"


def test_parser_matches_hand_typed_campaign_table(plan):
    """The parser's leads and participants of section 三 equal the hand-typed table."""
    parsed = {item.number: (item.leads, item.participants) for item in plan.items if item.kind == "campaign"}
    assert parsed == EXPECTED


def test_parser_agencies_start_with_section_two_and_alias_is_canonical(plan):
    """Agencies follow first appearance (section 二 first) and 区审批局 is only an alias."""
    names = [agency.name for agency in plan.agencies]
    assert names[:3] == ["区文明委", "区发展改革委", "区网信办"]
    assert names.index("各街镇") < names.index("区财政局")
    assert "区行政审批局" in names and "区审批局" not in names
    assert plan.aliases == {"区审批局": "区行政审批局"}
    assert NOTE not in names
    assert len(names) == len(set(names))


def test_participants_note_is_not_an_agency(plan):
    """The phrase 各有关部门按职责分工分别负责 goes to participants_note, next to any named groups."""
    items = {item.code: item for item in plan.items}
    assert (items["四.1"].participants, items["四.1"].participants_note) == ((), NOTE)
    assert (items["六.1"].participants, items["六.1"].participants_note) == (("各街镇", "开发区"), NOTE)
    assert items["三.1"].participants_note == ""


def test_whitespace_inside_agency_names_is_stripped():
    """Spaces and line breaks inside the lead clause do not leak into agency names."""
    text = PLAN_PATH.read_text(encoding="utf-8").replace(
        "区审批局； 参与单位：区财政局）", "区 审批局；\n 参与单位：区财\u3000政局 ）"
    )
    item = next(item for item in parse_plan(text).items if item.code == "三.4")
    assert (item.leads, item.participants) == EXPECTED[4]


def test_section_seven_items_have_no_leads(plan):
    """Section 七's items carry no lead clause, so they have no leads or participants."""
    sevens = [item for item in plan.items if item.code.startswith("七.")]
    assert [item.title for item in sevens] == ["摆上重要位置", "强化宣传监督", "形成工作合力"]
    assert all(not item.leads and not item.participants for item in sevens)


@pytest.mark.django_db
def test_loaded_campaigns_match_hand_typed_table():
    """After load_plan() each campaign's leads and participants, by position, equal the table."""
    load_plan()
    for number, (leads, participants) in EXPECTED.items():
        campaign = Campaign.objects.get(number=number)
        assert (_links(campaign, "leads"), _links(campaign, "participants")) == (leads, participants), number


@pytest.mark.django_db
def test_loaded_action_items_have_their_lead_units():
    """Action items 四.1–六.3 are loaded with their lead units in the plan's order."""
    load_plan()
    for code, leads in EXPECTED_ACTION_LEADS.items():
        campaign = Campaign.objects.get(code=code)
        assert campaign.kind == Campaign.Kind.ACTION
        assert _links(campaign, "leads") == leads, code


def test_load_plan_counts_on_empty_database(empty_db):
    """A first load creates every agency and all 33 items (20 campaigns, 13 actions)."""
    result = load_plan()
    assert (result.agencies_created, result.agencies_updated) == (36, 0) == (Agency.objects.count(), 0)
    assert (result.campaigns_created, result.campaigns_updated) == (33, 0)
    assert Campaign.objects.filter(kind=Campaign.Kind.CAMPAIGN).count() == 20


@pytest.mark.django_db
def test_load_plan_twice_changes_nothing():
    """A second load_plan() creates and updates nothing and adds no history rows."""
    load_plan()
    history = _history_counts()
    result = load_plan()
    assert result == LoadResult() and not result.changed
    assert _history_counts() == history


@pytest.mark.django_db
def test_load_plan_repairs_changed_rows():
    """A reload restores an edited title and a dropped lead, counting them as updates."""
    load_plan()
    campaign = Campaign.objects.get(number=1)
    campaign.title = "edited"
    campaign.save()
    Campaign.objects.get(number=2).leads.filter(position=1).delete()
    result = load_plan()
    assert (result.campaigns_created, result.campaigns_updated) == (0, 2)
    assert Campaign.objects.get(number=1).title == "开展电信网络诈骗专项治理"
    assert _links(Campaign.objects.get(number=2), "leads") == EXPECTED[2][0]


@pytest.mark.django_db
def test_short_name_resolves_to_the_approval_bureau():
    """区审批局 resolves via Agency.objects.by_name to the same agency as 区行政审批局."""
    load_plan()
    assert Agency.objects.by_name("区审批局") == Agency.objects.by_name("区行政审批局")
    assert not Agency.objects.filter(name="区审批局").exists()


@pytest.mark.django_db
def test_agency_kinds():
    """各街镇 and 开发区 are groups, 区文明办 is the office, 区文明委 is a plain unit."""
    load_plan()
    assert Agency.objects.get(name="各街镇").kind == Agency.Kind.GROUP
    assert Agency.objects.get(name="开发区").kind == Agency.Kind.GROUP
    assert Agency.objects.office().name == "区文明办"
    assert Agency.objects.get(name="区文明委").kind == Agency.Kind.UNIT
    assert not Agency.objects.filter(name=NOTE).exists()


@pytest.mark.django_db
def test_campaign_one_text_is_the_plan_paragraph():
    """Campaign 1's text is the plan's paragraph: it opens with its title and keeps the 24-hour rule."""
    load_plan()
    campaign = Campaign.objects.get(number=1)
    assert campaign.title == "开展电信网络诈骗专项治理"
    assert campaign.text.startswith("开展电信网络诈骗专项治理")
    assert "24 小时后到账制度" in campaign.text


def test_command_prints_summary_and_nothing_changed(empty_db):
    """`manage.py load_plan` prints a one-line summary, and says so when nothing changed."""
    first, second = StringIO(), StringIO()
    call_command("load_plan", stdout=first)
    call_command("load_plan", stdout=second)
    assert (
        first.getvalue().strip()
        == f"agencies: {Agency.objects.count()} created, 0 updated; campaigns: 33 created, 0 updated"
    )
    assert second.getvalue().strip().endswith("(nothing changed)")
