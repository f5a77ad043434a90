"""Settings of the Xiqing Credit Portal, read from the environment (django-environ).

With nothing set the portal runs for a new user: SQLite, Celery tasks in-process, email on the
console, DEBUG on. ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY`` … switch it to a deployment;
README.md lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-xiqing-credit")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # no default: a deployment must set its own

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_celery_beat",
    "xiqing_credit",
    "agencies",
    "campaigns",
    "reports",
    "blacklist",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xiqing_credit.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xiqing_credit.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "xiqing_credit.wsgi.application"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our backend creates databases with a UTF-8 LC_CTYPE, which pg_trgm needs for Chinese.
    DATABASES["default"]["ENGINE"] = "xiqing_credit.db.postgresql"
# Persistent connections tripled search throughput in a measurement on this kind of machine.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "agencies.User"

# --- Cache, Celery ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker every task runs in-process, so a new user needs no Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Authentication ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock out a (username, address) pair, never a whole username: an attacker must not be able
# to lock an agency's staff out by guessing from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "xiqing_credit.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Number of reverse proxies in front of the portal whose X-Forwarded-For is trusted.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Sessions, cookies, security --------------------------------------------------------------
SESSION_ENGINE = "xiqing_credit.sessions"  # database sessions that refuse a malformed key
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the timeout counts from the last request
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Swagger UI and Chart.js set style attributes; scripts stay strictly same-origin.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Only the language the portal is written in: with "en" listed but no English catalogue, a browser
# preferring English got Chinese pages marked lang="en" with Django's own messages in English.
# Add a language here together with its locale/<lang>/LC_MESSAGES/django.po.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"  # never served directly: downloads go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="西青区信用平台 <noreply@xiqing.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "xiqing_credit.schema.PortalAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "public_search": env.str("PUBLIC_SEARCH_RATE", default="30/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "西青区诚信建设平台 API",
    "DESCRIPTION": "Xiqing Credit Portal: campaigns, agencies, monthly reports, supervision, red/black lists.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Domain settings ----------------------------------------------------------------------------
# Section 七.3: reports are due on this day of the following month (Asia/Shanghai).
REPORT_DUE_DAY = env.int("REPORT_DUE_DAY", default=5)
# Resident ID numbers at rest (section 四.1, DESIGN §5): a Fernet key encrypts them, a separate
# HMAC key makes the keyed hash used for exact look-up. A deployment must set both.
_DEV_ID_KEY = "ZGV2LW9ubHkta2V5LWZvci14aXFpbmctY3JlZGl0ISE="
ID_ENCRYPTION_KEY = env.str("ID_ENCRYPTION_KEY", default=_DEV_ID_KEY) if DEBUG else env.str("ID_ENCRYPTION_KEY")
ID_HASH_KEY = env.str("ID_HASH_KEY", default="dev-only-id-hash-key") if DEBUG else env.str("ID_HASH_KEY")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Issue 4: dashboard ---------------------------------------------------------------------------
# Section 五.4: each lead agency gets a monthly assessment. Score = on-time rate × W_ON_TIME +
# acceptance rate × W_ACCEPTANCE − open rectification orders × W_OPEN_RECTIFICATION (rates 0–1).
DASHBOARD_WEIGHT_ON_TIME = env.float("DASHBOARD_WEIGHT_ON_TIME", default=60.0)
DASHBOARD_WEIGHT_ACCEPTANCE = env.float("DASHBOARD_WEIGHT_ACCEPTANCE", default=40.0)
DASHBOARD_WEIGHT_OPEN_RECTIFICATION = env.float("DASHBOARD_WEIGHT_OPEN_RECTIFICATION", default=10.0)
# Months shown in the dashboard's trend charts, ending at the month shown.
DASHBOARD_TREND_MONTHS = env.int("DASHBOARD_TREND_MONTHS", default=12)
# An open supervision order is marked blue when its deadline is this many days away or fewer.
SUPERVISION_DUE_SOON_DAYS = env.int("SUPERVISION_DUE_SOON_DAYS", default=3)
# "Remind now" on the dashboard gives the agency this many days to answer its 催办.
SUPERVISION_REMINDER_DAYS = env.int("SUPERVISION_REMINDER_DAYS", default=3)
# Two models have a "kind" field; name their enums in the API schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "AgencyKindEnum": "agencies.models.Agency.Kind",
        "SupervisionOrderKindEnum": "agencies.models.SupervisionOrder.Kind",
    }
)

# --- Issue 5: red/black lists -------------------------------------------------------------------
# Publicity periods (公示期) by list and severity, counted from the decision date: (published?,
# minimum months, maximum months). DESIGN §2 / 《信用修复管理办法》: 轻微 not published; 一般 3–12;
# 严重 12–36; the district's 较重 6–24. These seed the admin-editable PublicityPeriod rows and
# serve as the fallback while a row is missing.
BLACKLIST_PUBLICITY_DEFAULTS = {
    ("black", "minor"): (False, 0, 0),
    ("black", "general"): (True, 3, 12),
    ("black", "serious"): (True, 6, 24),
    ("black", "severe"): (True, 12, 36),
    ("red", ""): (True, 1, 36),
}
# Section 五.3: a repair decision is due within this many working days (weekends and the listed
# public holidays do not count; ISO dates, e.g. REPAIR_HOLIDAYS=2026-10-01,2026-10-02).
REPAIR_DECISION_WORKING_DAYS = env.int("REPAIR_DECISION_WORKING_DAYS", default=10)
REPAIR_HOLIDAYS = env.list("REPAIR_HOLIDAYS", default=[])
REPAIR_EVIDENCE_MAX_FILES = env.int("REPAIR_EVIDENCE_MAX_FILES", default=5)
REPAIR_EVIDENCE_MAX_BYTES = env.int("REPAIR_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Excel import of entries: hostile files are refused before openpyxl sees them.
LIST_IMPORT_MAX_FILE_BYTES = env.int("LIST_IMPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
LIST_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("LIST_IMPORT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
LIST_IMPORT_MAX_MEMBERS = env.int("LIST_IMPORT_MAX_MEMBERS", default=200)
LIST_IMPORT_MAX_ROWS = env.int("LIST_IMPORT_MAX_ROWS", default=20000)
# Failed repair look-ups / applications (wrong query code, code or ID) allowed per client per hour.
REPAIR_FAILED_ATTEMPTS_PER_HOUR = env.int("REPAIR_FAILED_ATTEMPTS_PER_HOUR", default=20)

# --- Issue #3: monthly progress reports --------------------------------------------------------
# Section 七.3: attachments to a report (PDF, Word, Excel, images), each at most this size.
REPORT_ATTACHMENT_MAX_BYTES = env.int("REPORT_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

# --- Issue 7: scheduled jobs --------------------------------------------------------------------
# Report reminders (section 七.3, DESIGN §4): before the due date, on it, then every N days while
# overdue; after M overdue days the office is told as well.
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=3)
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=3)
REMINDER_OFFICE_AFTER_DAYS = env.int("REMINDER_OFFICE_AFTER_DAYS", default=7)
# Reports of this many past months are chased; older ones are a matter for supervision orders.
REMINDER_LOOKBACK_MONTHS = env.int("REMINDER_LOOKBACK_MONTHS", default=3)
# "YYYY-MM": no report of an earlier month is chased (the month the portal went live).
REMINDER_START_MONTH = env.str("REMINDER_START_MONTH", default="")
# The monthly supervision summary goes out on this day of the month (default: the day after due).
SUPERVISION_SUMMARY_DAY = env.int("SUPERVISION_SUMMARY_DAY", default=REPORT_DUE_DAY + 1)
# The office is warned of repair applications whose deadline is this many days away or less.
REPAIR_DEADLINE_WARNING_DAYS = env.int("REPAIR_DEADLINE_WARNING_DAYS", default=3)
# Email delivery: retries with exponential backoff (60 s, 120 s, 240 s …), then recorded as failed.
# The longest wait stays below the Redis transport's visibility timeout (1 hour).
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=5)
EMAIL_RETRY_BACKOFF_SECONDS = env.int("EMAIL_RETRY_BACKOFF_SECONDS", default=60)
# Pending emails older than this were never handed to a worker (broker down): queue them again.
EMAIL_STALE_AFTER_MINUTES = env.int("EMAIL_STALE_AFTER_MINUTES", default=120)
# A queue of its own lets several portals (or a test's worker) share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The portal's address as staff reach it, for links in emails.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")

# --- Issue 6: public list search, change log, open data, batch screening -------------------------
# A public search shows at most this many results and never counts past it: a broader query is
# asked to be refined (a COUNT(*) of a broad match costs ~190 ms at 1,000,000 entries).
PUBLIC_SEARCH_MAX_RESULTS = env.int("PUBLIC_SEARCH_MAX_RESULTS", default=100)
# Rendered public list pages are shared between anonymous visitors for this long; any change to
# the lists starts a new cache version at once (blacklist/public_cache.py). 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
# Per-client rates (client = xiqing_credit.client_ip): `public_search` (above) covers the search
# page, detail pages, the change log and the public API together; open-data files are heavier.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["public_download"] = env.str("PUBLIC_DOWNLOAD_RATE", default="20/hour")
# Open data (issue 6 §5): the files are built by a Celery task, daily and this many seconds after
# the first change to the public lists (changes until then join the same rebuild). A removed or
# repaired entry leaves the files this long plus one build after it left the pages (a build of
# 500,000 public entries takes ~50 s: docs/benchmarks.md), so keep it short.
OPEN_DATA_REBUILD_DELAY = env.int("OPEN_DATA_REBUILD_DELAY", default=60)
# Without a worker (no REDIS_URL: tasks run in-process) nothing runs later: the open-data page or
# download that finds the files missing or out of date builds them at once.
OPEN_DATA_BUILD_ON_REQUEST = env.bool("OPEN_DATA_BUILD_ON_REQUEST", default=not REDIS_URL)
# Releases whose files are kept (a download of the previous one may still be running).
OPEN_DATA_KEEP_RELEASES = env.int("OPEN_DATA_KEEP_RELEASES", default=2)
# A build holds a lock this long at most (one build at a time, even across workers).
OPEN_DATA_BUILD_LOCK_SECONDS = env.int("OPEN_DATA_BUILD_LOCK_SECONDS", default=3600)
# Batch screening (section 五.2, joint punishment): rows per request and upload size.
SCREENING_MAX_ROWS = env.int("SCREENING_MAX_ROWS", default=10000)
SCREENING_MAX_FILE_BYTES = env.int("SCREENING_MAX_FILE_BYTES", default=5 * 1024 * 1024)
if DATABASES["default"]["ENGINE"] == "xiqing_credit.db.postgresql":
    # Web requests run short queries: starting parallel workers costs 10–50 ms, more than any of
    # them saves; a parallel plan made a 3 ms search take 50 ms in bench/search.py.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c max_parallel_workers_per_gather=0")
# Every log line goes through a filter that masks resident ID numbers (a visitor may type one
# into a URL, and Django logs the path of each 4xx answer).
LOGGING["filters"] = {**LOGGING.get("filters", {}), "mask_id_numbers": {"()": "blacklist.log_filters.MaskIdNumbers"}}
LOGGING["handlers"]["console"]["filters"] = [*LOGGING["handlers"]["console"].get("filters", []), "mask_id_numbers"]

# --- Issue #9: benchmarks (large exports) -----------------------------------------------------------
# An entry export above this many rows is built by a Celery task with a progress page and a
# download link, never inside the web request; smaller ones are answered at once.
LIST_EXPORT_BACKGROUND_ROWS = env.int("LIST_EXPORT_BACKGROUND_ROWS", default=5000)
