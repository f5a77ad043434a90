"""Demo accounts for ``seed_demo``: an administrator, an office reviewer, a reporter per lead unit."""

from __future__ import annotations

from campaigns.models import CampaignLead

from .models import Agency, User

# Demo accounts exist only with DEBUG on (seed_demo refuses otherwise), so a shared password is fine.
DEMO_PASSWORD = "xiqing-demo-2018"  # noqa: S105  # nosec B105


def _account(username: str, agency: Agency, role: str) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "agency": agency,
            "role": role,
            "is_staff": role == User.Role.ADMIN,
            "is_superuser": role == User.Role.ADMIN,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


def reporter_username(agency: Agency) -> str:
    return f"reporter{agency.order:02d}"


def seed(stdout) -> None:
    office = Agency.objects.office()
    accounts = [_account("admin", office, User.Role.ADMIN), _account("office", office, User.Role.OFFICE)]
    lead_ids = CampaignLead.objects.values("agency_id").distinct()
    for agency in Agency.objects.filter(pk__in=lead_ids).exclude(kind=Agency.Kind.OFFICE):
        accounts.append(_account(reporter_username(agency), agency, User.Role.REPORTER))
    created = sum(1 for _, was_created in accounts if was_created)
    stdout.write(f"demo accounts: {len(accounts)} ({created} created), password for all: {DEMO_PASSWORD}")
    for user, _ in accounts:
        stdout.write(f"  {user.username:<12} {user.get_role_display():<8} {user.agency}")
