"""Settings for the Haimen government workflow portal.

Everything comes from environment variables (the README's configuration table lists each one). DEBUG is off unless
DEBUG=1 says otherwise, and then a SECRET_KEY must be set; ``make run``, ``make test`` and ``make bench`` set DEBUG=1.
With nothing else set, the portal runs on SQLite with an embedded (filesystem) Celery transport, under VAR_DIR; the
folders are created by whoever needs them (scripts/run.sh, scripts/run_all.py), never by importing the settings.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, PORTAL_BASE_URL and EMAIL_*
(deploy/haimen.env.example).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envints(name: str) -> dict[str, int]:
    """``key=3,other.key=5`` as a dict of whole numbers."""
    result: dict[str, int] = {}
    for entry in envlist(name, ""):
        key, _, value = entry.partition("=")
        if not key.strip() or not value.strip().isdecimal():
            raise ImproperlyConfigured(f"{name}: “{entry}” should be key=number")
        result[key.strip()] = int(value)
    return result


DEBUG = envbool("DEBUG", False)
# With DEBUG on, users still see the portal's Chinese 403/404/500 pages (make run is a try-out, not a debugger);
# DEBUG_TECHNICAL_PAGES=1 brings back Django's technical pages for a developer (haimen_gov.errors).
DEBUG_TECHNICAL_PAGES = envbool("DEBUG_TECHNICAL_PAGES", False)
DEV_SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production-" + "x" * 16
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("replace-with")):
    # Sessions, password resets and CSRF tokens all rest on it: refuse to start rather than run with a known key.
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or is the development key, and DEBUG is off. Set SECRET_KEY to 50+ random characters, "
        "the same on every machine (python3 -c 'import secrets; print(secrets.token_urlsafe(45))'), or set DEBUG=1 "
        "on a development machine. "
        "未设置 SECRET_KEY（或仍为开发用密钥），且 DEBUG 已关闭：请设置 50 位以上的随机字符串。"
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guardian",
    "haimen_gov.axes_app.AxesConfig",
    "haimen_gov.org",
    "haimen_gov.workdays",
    "haimen_gov.workflow",
    "haimen_gov.dashboard",
    "meetings",
    "documents",
    "seals",
    "supervision",
    "leave",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "haimen_gov.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "haimen_gov.errors.FriendlyErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "haimen_gov.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "haimen_gov.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haimen_gov.urls"
WSGI_APPLICATION = "haimen_gov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haimen_gov.context_processors.portal",
                "leave.context_processors.leave_menu",
            ],
        },
    },
    {
        # The rows of the hot lists (issue 16): Jinja2 compiles a template to Python, so a 25-row table costs a
        # fraction of what Django's engine spends on it. Pages and everything else stay Django templates; a page
        # inserts the rendered rows (haimen_gov.rows.render_rows). Row templates only: templates/jinja2/, *.jinja.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "haimen_gov.rows.environment"},
    },
]

SILENCED_SYSTEM_CHECKS: list[str] = []

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-setup default: a web server, a worker and beat share one file; wait instead of failing on locks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The sweep's covering indexes (INCLUDE columns) are plain indexes on SQLite: fine for a demo's data.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # No JIT compilation: a page's query whose estimate crosses the JIT threshold (a count over a big inbox) spent
    # ~20 ms compiling to save less than a millisecond. Short OLTP queries are what the portal runs.
    # statement_timeout: no query outlives a request (gunicorn gives a worker 60 s); lock_timeout: a request waiting
    # on a row lock gives up instead of piling up behind a stuck transaction. 0 turns either off (a long migration).
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    pg_options["options"] = (
        pg_options.get("options", "")
        + " -c jit=off"
        + f" -c statement_timeout={envint('DB_STATEMENT_TIMEOUT_MS', 30000)}"
        + f" -c lock_timeout={envint('DB_LOCK_TIMEOUT_MS', 10000)}"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SESSION_IDLE_MINUTES without a request: activity pushes the expiry forward (at most one
# session write a minute, see middleware.SessionRefreshMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failed logins (django-axes): per username and client address.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind nginx every request comes from the proxy: trust the X-Real-IP header it sets (deploy/nginx.conf.example),
# so lockouts and the history's client IP name the real client. Only set this when a proxy always overwrites it.
TRUST_X_REAL_IP = envbool("TRUST_X_REAL_IP", False)
# ... and only when the request comes straight from one of these addresses (or networks, e.g. 10.20.0.0/24): the
# proxies that overwrite the header. From any other peer the header is ignored.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "127.0.0.1,::1")
AXES_CLIENT_IP_CALLABLE = "haimen_gov.middleware.client_ip"

# The portal speaks Chinese whatever the browser asks for (no LocaleMiddleware): Django's own messages, such as form
# errors, must not switch to English beside Chinese pages. Strings go through gettext so a locale can be added.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_MB = envint("UPLOAD_MAX_MB", 20)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # A miss, not an error, when Redis is down (haimen_gov.cache): pages go on from the database.
    CACHES = {"default": {"BACKEND": "haimen_gov.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis (no database query on each page) and written through to the database, so a
    # Redis restart or outage logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis in production and tests; a filesystem queue under var/ for `make run` so nothing need be installed.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery-queue"
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery-control"),
    }
else:
    # socket_connect_timeout: a broker host that drops packets must not hold a web request for the OS's minutes.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
# How long a publish (actions.queue_email_delivery, on commit of a web request) keeps trying to connect to a broker
# that is down before it gives up; the sweep sends what could not be queued. Celery's default, 4 s, retried to ~6 s.
CELERY_BROKER_CONNECTION_TIMEOUT = envint("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
REMINDER_SWEEP_SECONDS = max(envint("REMINDER_SWEEP_SECONDS", 300), 1)
# How often beat rewrites the dashboard's summary tables (open tasks and items, step times); the page shows when.
DASHBOARD_REFRESH_SECONDS = max(envint("DASHBOARD_REFRESH_SECONDS", 300), 10)
CELERY_BEAT_SCHEDULE = {
    "workflow-sweep": {
        "task": "haimen_gov.workflow.tasks.sweep",
        "schedule": REMINDER_SWEEP_SECONDS,
        # Expires before the next run (however short the interval), so a backlog never piles up sweeps.
        "options": {"expires": REMINDER_SWEEP_SECONDS - min(10, REMINDER_SWEEP_SECONDS / 2)},
    },
    "workflow-delegated-digest": {
        "task": "haimen_gov.workflow.tasks.delegated_digest",
        "schedule": crontab(hour=7, minute=30),  # yesterday's acts done in a delegator's name, before the day starts
        "options": {"expires": 6 * 3600},
    },
    "dashboard-refresh": {
        "task": "haimen_gov.dashboard.tasks.refresh",
        "schedule": DASHBOARD_REFRESH_SECONDS,
        "options": {"expires": DASHBOARD_REFRESH_SECONDS - min(10, DASHBOARD_REFRESH_SECONDS / 2)},
    },
    "meetings-cutoff-reminders": {
        "task": "meetings.tasks.cutoff_reminders",
        # 第十六条: sponsors of topics not yet at the office, two working days before the cut-off (each topic once).
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 6 * 3600},
    },
    "workflow-prune-reminders": {
        "task": "haimen_gov.workflow.tasks.prune_reminders",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 6 * 3600},
    },
    # 督查通报 (第三十八条): last month's red and amber items, on the 1st at 08:30; issued once per month whatever
    # beat does (supervision.Bulletin is unique per period).
    "supervision-monthly-bulletin": {
        "task": "supervision.tasks.monthly_bulletin",
        "schedule": crontab(day_of_month=1, hour=8, minute=30),
        "options": {"expires": 12 * 3600},
    },
}
# How long the sweep's per-task reminder claims are kept (workflow.Reminder); the notices themselves stay.
REMINDER_CLAIM_DAYS = int(os.environ.get("REMINDER_CLAIM_DAYS", "60"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# A hung SMTP server must not hold a worker (and its e-mail lease) forever.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (one file per connection in this folder).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "海门区政府工作平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "haimen_gov.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "haimen_gov.api.exception_handler",
}
# Token logins (/api/v1/auth/token/) per client address, across usernames (DRF rate: "20/min", "100/hour").
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "20/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "海门区人民政府工作平台 API",
    "DESCRIPTION": "南通市海门区人民政府工作规则的流程接口",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and its docs need a login like every page (the middleware leaves /api/ to DRF).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Request bodies get their own components: read-only fields are not asked for, required strings have minLength.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "haimen_gov.api.document_errors",
    ],
    # Choice sets that share a field name across apps get their own names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ConsentWayEnum": "documents.models.ConsentWay.choices",
        "IncomingUrgencyEnum": "documents.models.Urgency.choices",
        "OutgoingUrgencyEnum": "documents.models.OUTGOING_URGENCY",
        "IncomingChannelEnum": "documents.models.Channel.choices",
        "RegisteredChannelEnum": "documents.models.REGISTERED_CHANNELS",
        "MeetingKindEnum": "meetings.models.MeetingKind.choices",
    },
}

# Demo organisation (seed_demo) password.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "haimen-demo")

# The portal's address as users reach it: e-mails link to items with it (workflow.sweep).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Working days per step, overriding a flow's own: WORKFLOW_DUE_DAYS=seals.request.review=1,seals.request.head=3
# (flow key, then step code; workflow.flows.Flow.due_days).
WORKFLOW_DUE_DAYS = envints("WORKFLOW_DUE_DAYS")
# Reminders per flow: WORKFLOW_REMINDERS_BEFORE=seals.request=2 (the "due soon" notice, working days before the
# deadline; 0: none) and WORKFLOW_REMINDERS_ESCALATE=seals.request=5 (escalation to the post above from that overdue
# working day on; 0: never). Flow.reminder_settings reads them as WORKFLOW_REMINDERS.
WORKFLOW_REMINDERS: dict[str, dict[str, int]] = {}
for _key, _days in envints("WORKFLOW_REMINDERS_BEFORE").items():
    WORKFLOW_REMINDERS.setdefault(_key, {})["before"] = _days
for _key, _days in envints("WORKFLOW_REMINDERS_ESCALATE").items():
    WORKFLOW_REMINDERS.setdefault(_key, {})["escalate"] = _days

# Supervision (督促检查, 第三十九条): the group of the office's supervision staff (督查人员) who may open items besides
# the office director and deputies; an item's light turns amber this many working days before its deadline.
SUPERVISION_STAFF_GROUP = os.environ.get("SUPERVISION_STAFF_GROUP", "督查人员")
SUPERVISION_AMBER_DAYS = envint("SUPERVISION_AMBER_DAYS", 3)

# Production hardening: applied whenever DEBUG is off, so `check --deploy` is clean with production values.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    # The portal runs on a government intranet host name, which the public HSTS preload list cannot contain.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# 第四十六条: 区政府领导同志每年到基层调研时间累计不少于1个月 — the yearly target of research days (distinct days).
LEAVE_RESEARCH_TARGET_DAYS = max(envint("LEAVE_RESEARCH_TARGET_DAYS", 30), 1)
