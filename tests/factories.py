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
