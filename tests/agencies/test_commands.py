"""The add_user and seed_demo commands."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies.models import User

pytestmark = pytest.mark.django_db


def test_add_user_creates_account_bound_to_agency():
    """add_user creates an account with the given agency, role and password."""
    call_command("add_user", "wang", agency="区人力社保局", role="reporter", password="s3cret-pass-2018")
    user = User.objects.get(username="wang")
    assert user.agency.name == "区人力社保局"
    assert user.role == "reporter"
    assert user.check_password("s3cret-pass-2018")
    assert not user.is_staff


def test_add_user_resolves_agency_alias():
    """An agency may be named by its alias: 区审批局 is 区行政审批局."""
    call_command("add_user", "li", agency="区审批局", role="reporter", password="s3cret-pass-2018")
    assert User.objects.get(username="li").agency.name == "区行政审批局"


def test_add_user_refuses_unknown_agency():
    """An unknown agency is refused with a plain-language message and nothing is written."""
    with pytest.raises(CommandError, match="未找到单位“区不存在局”"):
        call_command("add_user", "zhao", agency="区不存在局", role="reporter")
    assert not User.objects.filter(username="zhao").exists()


def test_add_user_refuses_unknown_role():
    """An unknown role is refused and lists the valid roles."""
    with pytest.raises(CommandError, match="未知角色“boss”，可选：reporter、office、admin。"):
        call_command("add_user", "zhao", agency="区文明办", role="boss")


def test_add_user_office_role_needs_office_agency():
    """Office reviewers belong to 区文明办."""
    with pytest.raises(CommandError, match="区文明办审核员必须属于区文明办"):
        call_command("add_user", "zhao", agency="区人力社保局", role="office")


def test_add_user_exits_with_status_1(capsys):
    """From the command line, a refused add_user exits with status 1 and says why on stderr."""
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "add_user", "x", "--agency", "区不存在局", "--role", "reporter"]).execute()
    assert exit_info.value.code == 1
    assert "未找到单位“区不存在局”" in capsys.readouterr().err


def test_add_user_admin_gets_admin_site():
    """Administrators may open the Django admin."""
    call_command("add_user", "root2", agency="区文明办", role="admin", password="s3cret-pass-2018")
    user = User.objects.get(username="root2")
    assert user.is_staff and user.is_superuser and user.is_office


def test_seed_demo_creates_accounts_once(capsys, settings):
    """seed_demo creates an office reviewer and one reporter per lead agency; twice changes nothing."""
    from campaigns.models import CampaignLead

    settings.DEBUG = True  # pytest-django runs with DEBUG off; seed_demo needs it on

    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "password for all: xiqing-demo-2018" in out
    office = User.objects.get(username="office")
    assert office.role == "office" and office.agency.is_office
    lead_agencies = CampaignLead.objects.exclude(agency__kind="office").values("agency").distinct().count()
    assert User.objects.filter(role="reporter").count() == lead_agencies
    count = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == count


def test_seed_demo_refuses_without_debug(settings):
    """seed_demo refuses to run with DEBUG off."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG 已关闭"):
        call_command("seed_demo")
    assert not User.objects.filter(username="office").exists()
