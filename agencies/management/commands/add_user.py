"""python manage.py add_user USERNAME --agency NAME --role reporter|office|admin [--password P]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agencies.services import user_create


class Command(BaseCommand):
    help = "Create a portal account bound to an agency with a role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--agency", required=True, help="单位名称或别名")
        parser.add_argument("--role", required=True, help="reporter | office | admin")
        parser.add_argument("--password", default=None, help="不填则随机生成并打印")

    def handle(self, *args, username, agency, role, password, **options):
        try:
            user, password_used = user_create(username=username, agency_name=agency, role=role, password=password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        shown = "" if password else f"，密码：{password_used}"
        self.stdout.write(f"已创建用户 {user.username}（{user.agency.name}，{user.get_role_display()}）{shown}")
