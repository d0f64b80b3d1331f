"""Sunlight's only settings module. Every value comes from the environment, parsed by type.

Every variable is documented in docs/configuration.md; a bad value stops start-up with a
message naming the variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sunlight.lib.env import (
    database_from_url,
    envbool,
    envchoice,
    envint,
    envlist,
    envstr,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
# Production refuses to start without an explicit key; a development checkout keeps a random
# one in var/ so sessions survive restarts without anyone committing a key.
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not envbool("DEV_SECRET_KEY", True):
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text(encoding="utf-8").strip()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
SITE_ROOT = envstr("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [SITE_ROOT])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "sunlight",
    "sunlight.accounts",
    "sunlight.orgs",
    "sunlight.ledger",
    "sunlight.alarms",
    "sunlight.calendars",
    "sunlight.powers",
    "sunlight.risks",
    "sunlight.processes",
    "sunlight.cases",
    "sunlight.checkpoints",
    "sunlight.funds",
    "sunlight.documents",
    "sunlight.notifications",
    "sunlight.operations",
    "sunlight.enforcement",
    "sunlight.sites",
    "sunlight.assessments",
    "sunlight.ratings",
    "sunlight.reports",
    "sunlight.supervision",
    "sunlight.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sunlight.lib.middleware.RequestIdMiddleware",
    "sunlight.operations.metrics.LatencyMiddleware",
    "sunlight.lib.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sunlight.lib.middleware.SecurityHeadersMiddleware",
    # Axes last, as its documentation asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sunlight.urls"
WSGI_APPLICATION = "sunlight.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sunlight" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sunlight.orgs.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sunlight.sqlite3'}"), base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account+client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock an account for one client (account + IP together), so an attacker
# cannot lock a colleague out from another machine.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "sunlight.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "sunlight.accounts.views.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = _("Sunlight")
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG and SITE_ROOT.startswith("https://"))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31_536_000)
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = envchoice("LANGUAGE_CODE", "zh-hans", ("zh-hans", "en"))
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "sunlight" / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "sunlight@localhost")

# The ledger (see docs/decisions.md, "Ledger").
LEDGER_ORIGIN = envstr("LEDGER_ORIGIN", "sunlight.wangcheng.example/ledger")
LEDGER_KEY_FILE = Path(os.environ.get("LEDGER_KEY_FILE") or VAR_DIR / "ledger_key")
LEDGER_KEY_REQUIRED = envbool("LEDGER_KEY_REQUIRED", False)
LEDGER_PREVIOUS_PUBLIC_KEYS = envlist("LEDGER_PREVIOUS_PUBLIC_KEYS", [])
LEDGER_CHECKPOINT_LEAVES = envint("LEDGER_CHECKPOINT_LEAVES", 1000, minimum=1)
LEDGER_CHECKPOINT_SECONDS = envint("LEDGER_CHECKPOINT_SECONDS", 300, minimum=1)
LEDGER_VERIFY_SECONDS = envint("LEDGER_VERIFY_SECONDS", 3600, minimum=10)
LEDGER_VERIFY_WORKERS = envint("LEDGER_VERIFY_WORKERS", os.cpu_count() or 1, minimum=1)
LEDGER_VERIFY_PARALLEL_FROM = envint("LEDGER_VERIFY_PARALLEL_FROM", 200_000, minimum=0)


DELEGATION_MAX_DAYS = envint("DELEGATION_MAX_DAYS", 90, minimum=1)
SEAL_DIR = Path(os.environ.get("SEAL_DIR") or VAR_DIR / "seals")
SEAL_KEYS_REQUIRED = envbool("SEAL_KEYS_REQUIRED", False)
METRICS_TOKEN = envstr("METRICS_TOKEN")
ALARMS_WARNING_WORKDAYS = envint("ALARMS_WARNING_WORKDAYS", 1, minimum=0)
ALARMS_EXPLAIN_WORKDAYS = envint("ALARMS_EXPLAIN_WORKDAYS", 3, minimum=1)
ALARMS_VERIFY_WORKDAYS = envint("ALARMS_VERIFY_WORKDAYS", 5, minimum=1)
ALARMS_RECTIFY_WORKDAYS = envint("ALARMS_RECTIFY_WORKDAYS", 15, minimum=1)
ALARMS_REFUSAL_MIN_CHARS = envint("ALARMS_REFUSAL_MIN_CHARS", 6, minimum=1)
NOTIFICATIONS_SMS_SENDER = envstr("NOTIFICATIONS_SMS_SENDER", "sunlight.notifications.sms.LoggingSmsSender")
NOTIFICATIONS_DIGEST_HOUR = envint("NOTIFICATIONS_DIGEST_HOUR", 8, minimum=0)
if NOTIFICATIONS_DIGEST_HOUR > 23:
    raise ImproperlyConfigured("NOTIFICATIONS_DIGEST_HOUR must be an hour from 0 to 23")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
PORTAL_THROTTLE_LIMIT = envint("PORTAL_THROTTLE_LIMIT", 20, minimum=1)
PORTAL_THROTTLE_WINDOW_SECONDS = envint("PORTAL_THROTTLE_WINDOW_SECONDS", 60, minimum=1)
PORTAL_KIOSK_IDLE_SECONDS = envint("PORTAL_KIOSK_IDLE_SECONDS", 90, minimum=10)
REPORTS_KEY_FILE = Path(os.environ.get("REPORTS_KEY_FILE") or VAR_DIR / "reports_key")
REPORTS_KEY_REQUIRED = envbool("REPORTS_KEY_REQUIRED", False)
TIMERS_INTERVAL_SECONDS = envint("TIMERS_INTERVAL_SECONDS", 10, minimum=1)
# SQLite only: how often a background thread copies the WAL back into the database (0: leave it
# to the commit that crosses SQLite's threshold). See sunlight/lib/walcheckpoint.py.
SQLITE_CHECKPOINT_MS = envint("SQLITE_CHECKPOINT_MS", 250, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "sunlight.lib.middleware.RequestIdLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
