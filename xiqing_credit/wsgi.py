"""WSGI entry point (gunicorn xiqing_credit.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiqing_credit.settings")
application = get_wsgi_application()
