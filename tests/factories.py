"""factory_boy factories for the project's models."""

import datetime

import factory

from agencies.models import User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.REPORTER

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])


class SupervisionOrderFactory(factory.django.DjangoModelFactory):
    """A supervision order (督查督办) of 区文明办; pass ``agency`` and ``issued_by``."""

    class Meta:
        model = "agencies.SupervisionOrder"

    kind = "rectification"
    status = "open"
    title = factory.Sequence(lambda n: f"督办事项{n}")
    content = "请限期整改。"
    issued_on = datetime.date(2025, 6, 1)
    deadline = factory.LazyAttribute(lambda order: order.issued_on + datetime.timedelta(days=10))


# --- Issue 5: red/black lists ---------------------------------------------------------------------
import datetime  # noqa: E402

from blacklist.crypto import encrypt_id_number, id_number_hash  # noqa: E402
from blacklist.models import CreditSubject, ListEntry  # noqa: E402
from blacklist.validators import make_credit_code, make_id_number, mask_id_number  # noqa: E402


def credit_code(n: int) -> str:
    """A valid unified social credit code, different for every ``n``."""
    return make_credit_code(f"91120111{n:09d}")


def id_number(n: int) -> str:
    """A valid resident ID number, different for every ``n`` (born 1960 onwards)."""
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
    return make_id_number(f"120111{birth:%Y%m%d}{n % 1000:03d}")


class CreditSubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditSubject

    subject_type = CreditSubject.SubjectType.LEGAL_PERSON
    name = factory.Sequence(lambda n: f"天津测试企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))


class PersonFactory(CreditSubjectFactory):
    class Params:
        id_number = factory.Sequence(lambda n: id_number(n + 1))

    subject_type = CreditSubject.SubjectType.PERSON
    name = factory.Sequence(lambda n: f"测试人{n}")
    credit_code = ""
    id_number_encrypted = factory.LazyAttribute(lambda o: encrypt_id_number(o.id_number))
    id_number_hash = factory.LazyAttribute(lambda o: id_number_hash(o.id_number))
    id_number_masked = factory.LazyAttribute(lambda o: mask_id_number(o.id_number))


class ListEntryFactory(factory.django.DjangoModelFactory):
    """A proposed black-list entry (一般) of campaign 8, decided by 区人力社保局 on 2025-01-10."""

    class Meta:
        model = ListEntry

    list = ListEntry.List.BLACK
    subject = factory.SubFactory(CreditSubjectFactory)
    campaign = factory.LazyFunction(lambda: _campaign(8))
    severity = ListEntry.Severity.GENERAL
    reason = "拖欠农民工工资"
    basis = "《保障农民工工资支付条例》第四十八条"
    deciding_agency = factory.LazyFunction(lambda: _agency("区人力社保局"))
    decision_number = factory.Sequence(lambda n: f"西青人社罚〔2025〕{n + 1}号")
    decision_date = datetime.date(2025, 1, 10)
    publish_until = datetime.date(2025, 10, 10)
    proposed_by_agency = factory.SelfAttribute("deciding_agency")


def _campaign(number: int):
    from campaigns.models import Campaign

    return Campaign.objects.get(number=number)


def _agency(name: str):
    from agencies.models import Agency

    return Agency.objects.get(name=name)


# --- Issue 6: public search, change log, open data, screening --------------------------------------
from django.utils import timezone  # noqa: E402


class PublicEntryFactory(ListEntryFactory):
    """A black-list entry (一般) published and inside its publicity period today."""

    status = ListEntry.Status.PUBLISHED
    decision_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=40))
    publish_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    publish_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))
    published_at = factory.LazyFunction(timezone.now)
