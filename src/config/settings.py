"""Settings for bollplank, read from the environment (STYLE.md rule 9).

``DJANGO_ENV`` chooses the environment and must be said out loud for anything but
production: ``development`` (the local demo: DEBUG on, a random secret key kept in
``var/``), ``test`` (pytest-env sets it) or ``production``. Unset means production, which
refuses to start without a secret key, allowed hosts, a database URL and an https public
address (BOLLPLANK_BASE_URL): a forgotten variable must never give a debug page or a key
that anyone can read in the repository.
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("BOLLPLANK_VAR_DIR", REPO_DIR / "var"))

ENVIRONMENTS = ("development", "test", "production")
ENV = os.environ.get("DJANGO_ENV", "").strip() or "production"
if ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"DJANGO_ENV={ENV!r} is not one of {', '.join(ENVIRONMENTS)}.")
IS_PRODUCTION = ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _production_requires(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. bollplank runs as production unless DJANGO_ENV says otherwise, "
            "and production needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL. "
            "For the local demo run scripts/demo (it sets DJANGO_ENV=development)."
        )
    return value


def _development_secret_key() -> str:
    """A random key made on first start and kept in var/ (never in the repository), so
    sessions and signed links survive a restart of the demo."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(64))
    return path.read_text(encoding="ascii").strip()


if IS_PRODUCTION:
    # No defaults in production: a missing secret must stop the server, not weaken it.
    SECRET_KEY = _production_requires("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", [])
    _production_requires("DJANGO_ALLOWED_HOSTS")
    _production_requires("DATABASE_URL")
    DEBUG = False
elif ENV == "test":
    # A fresh key per test run: nothing signed in a test outlives it.
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(64)
    ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _development_secret_key()
    ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    DEBUG = _env_bool("DJANGO_DEBUG", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "geo",
    "tenancy",
    "accounts",
    "audit",
    "register",
    "jobs",
    "mentorship",
    "meetings",
    "programmes",
    "insights",
    # Each person's work: the start pages read the domain apps above.
    "worklist",
    # The top layer: demo data, which may import every app (and no app imports it).
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every page (static files above need none).
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store on everything a logged-in user sees, and on every
    # page that does not choose its own caching.
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor (if any) verified this session.
    "django_otp.middleware.OTPMiddleware",
    # Every view needs a login unless it is explicitly marked public.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A user whose municipality requires two-factor login sets it up before anything else.
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the client address for the access log, then enters the user's
    # municipality scope (tenancy fails closed outside it).
    "audit.middleware.RequestContextMiddleware",
    "tenancy.middleware.TenancyMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.staff",
            ],
            "string_if_invalid": "",
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'bollplank.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the job worker read while the other writes;
    # IMMEDIATE makes a write transaction take the lock up front, so two
    # concurrent writers queue instead of failing half-way ("database is locked").
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not the in-memory default, so that the concurrency tests'
    # threads open real separate connections and queue on SQLite's write lock.
    # BOLLPLANK_TEST_DB lets two checkouts or two people's runs on one machine keep apart.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("BOLLPLANK_TEST_DB", str(VAR_DIR / "test_bollplank.sqlite3"))
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "worklist:start"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B 5.1.1.2: length, a list of common and breached passwords, the
# user's own names and no composition rules (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "accounts.passwords.NistPasswordValidator",
        "OPTIONS": {
            "min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "12")),
            "max_length": int(os.environ.get("PASSWORD_MAX_LENGTH", "128")),
        },
    },
]

# Login throttling (django-axes, accounts/lockout.py): an account is locked after
# LOGIN_FAILURES_PER_ACCOUNT failed passwords or codes, a client address after
# LOGIN_FAILURES_PER_ADDRESS, each for LOGIN_LOCKOUT_MINUTES after the last failure.
# The client address is the one the access log uses (audit.middleware.client_address:
# behind a proxy set AUDIT_TRUST_X_FORWARDED_FOR=true, and only then).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUDIT_TRUST_X_FORWARDED_FOR = _env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
# Our own security log (audit.SecurityEvent) records logins; axes keeps only the counters.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Two-factor login (django-otp): TOTP from an authenticator app plus one-time
# recovery codes (accounts/two_factor.py). BOLLPLANK_MFA_REQUIRED=true requires it of
# every staff member; otherwise each municipality's administrator decides.
BOLLPLANK_MFA_REQUIRED = _env_bool("BOLLPLANK_MFA_REQUIRED", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "bollplank")
# Minutes between the password and the code before the login has to start again.
BOLLPLANK_MFA_PENDING_MINUTES = 5

# Sessions end after 30 minutes without activity and when the browser closes:
# a workstation left open in an office must not keep child-welfare data on screen.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles only from our own static
# files, never inline (no 'unsafe-inline', no 'unsafe-eval'); a template that truly
# needs an inline script uses nonce="{{ request.csp_nonce }}". htmx is configured by
# a <meta> tag so it injects no <style> of its own (base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    },
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail. Production sends through SMTP when DJANGO_EMAIL_HOST is set and refuses to
# start when mail is configured inconsistently (docs/architecture.md, "E-mail"):
# a console backend there would print addresses and personal links to the log
# while every invitation showed "sent".
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_NON_DELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("DJANGO_EMAIL_USE_SSL", False)
# Every socket step of a send waits at most this long: a stalling server must not hold
# the worker, and the outbox tells "not handed over" from "handed over" by it.
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "bollplank <noreply@bollplank.invalid>")
# Temporary failures are retried 1, 2, 4, … minutes apart (at most this many minutes),
# for this many hours from queueing; then the message shows as failed with a resend button.
EMAIL_RETRY_MAX_MINUTES = int(os.environ.get("DJANGO_EMAIL_RETRY_MAX_MINUTES", "240"))
EMAIL_RETRY_HOURS = float(os.environ.get("DJANGO_EMAIL_RETRY_HOURS", "48"))
# The every-minute sweep stops claiming new messages after this many seconds.
OUTBOX_SWEEP_SECONDS = int(os.environ.get("OUTBOX_SWEEP_SECONDS", "120"))


def _email_backend() -> str:
    explicit = os.environ.get("DJANGO_EMAIL_BACKEND", "").strip()
    if not IS_PRODUCTION:
        # The demo and development print mail to the console unless told otherwise.
        return explicit or (SMTP_BACKEND if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend")
    if explicit in _NON_DELIVERING_BACKENDS:
        raise RuntimeError(f"DJANGO_EMAIL_BACKEND={explicit} sends no e-mail; production needs SMTP.")
    if not explicit and not EMAIL_HOST:
        raise RuntimeError("DJANGO_EMAIL_HOST must be set in production (the mail server to send through).")
    return explicit or SMTP_BACKEND


EMAIL_BACKEND = _email_backend()
if EMAIL_BACKEND == SMTP_BACKEND:
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise RuntimeError("Set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both.")
    if bool(EMAIL_HOST_USER) != bool(EMAIL_HOST_PASSWORD):
        raise RuntimeError(
            "DJANGO_EMAIL_HOST_USER and DJANGO_EMAIL_HOST_PASSWORD are set together or not at all."
        )
    if EMAIL_TIMEOUT <= 0:
        raise RuntimeError("DJANGO_EMAIL_TIMEOUT must be a positive number of seconds.")
    if not EMAIL_HOST:
        EMAIL_HOST = "localhost"
if IS_PRODUCTION and "DJANGO_DEFAULT_FROM_EMAIL" not in os.environ:
    raise RuntimeError("DJANGO_DEFAULT_FROM_EMAIL must be set in production (the sender families see).")

# Background jobs: django-q2 with its ORM broker, so the queue is in the application's
# database: a job is written in the transaction of the change that asks for it, and
# a crashed worker's job is presented again. There is no Redis broker (django-q2's
# acknowledges a job when it is taken and never retries it); REDIS_URL is left for a
# cache. See docs/architecture.md ("Background jobs").
Q_CLUSTER: dict[str, object] = {
    "name": "bollplank",
    "workers": int(os.environ.get("JOB_WORKERS", "1")),
    # Longer than the outbox sweep (OUTBOX_SWEEP_SECONDS) plus one send.
    "timeout": int(os.environ.get("JOB_TIMEOUT_SECONDS", "300")),
    # A job that raises is not acknowledged, so the broker presents it again
    # after `retry` seconds, up to `max_attempts` times; then it stays in
    # "Failed tasks" for an administrator. `retry` exceeds `timeout`, so a job
    # still running is never handed to a second worker.
    "retry": int(os.environ.get("JOB_RETRY_SECONDS", "360")),
    "max_attempts": int(os.environ.get("JOB_MAX_ATTEMPTS", "3")),
    "ack_failures": False,
    "save_limit": 1000,
    "catch_up": False,
    "label": _("Background jobs"),
    "orm": "default",
    "poll": 1.0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}


def _public_base_url() -> str:
    """The address the public reaches the service at: BOLLPLANK_BASE_URL, checked.

    Every link that leaves the browser starts with it: the survey, questionnaire and
    RSVP links in e-mails to families and the calendar-feed addresses. A wrong one
    sends families to a dead or foreign address, so production refuses to start
    without an https address, and no environment accepts one that is not a URL.
    """
    value = os.environ.get("BOLLPLANK_BASE_URL", "").strip()
    if not value:
        if IS_PRODUCTION:
            raise RuntimeError(
                "BOLLPLANK_BASE_URL must be set in production: the https address families and "
                "calendar programs reach bollplank at, e.g. https://bollplank.kommun.se"
            )
        # The local demo's own default address; scripts/demo sets it from DEMO_ADDR.
        return "http://127.0.0.1:8000"
    parts = urlsplit(value)
    has_path = parts.path not in {"", "/"} or parts.query or parts.fragment
    if parts.scheme not in {"http", "https"} or not parts.hostname or has_path:
        raise RuntimeError(
            f"BOLLPLANK_BASE_URL={value!r} is not an address like https://bollplank.kommun.se "
            "(scheme and host name, optionally a port; no path)"
        )
    if IS_PRODUCTION and parts.scheme != "https":
        raise RuntimeError(
            f"BOLLPLANK_BASE_URL={value!r} must start with https:// in production: "
            "links in e-mails carry secrets that must not travel unencrypted"
        )
    return value.rstrip("/")


# The public address (scheme, host, optional port; no trailing slash).
# Absolute links (e-mails, calendar feeds) start with it; the iCalendar UIDs use its host.
BOLLPLANK_BASE_URL = _public_base_url()

BOLLPLANK = {
    # Target number of homes per responsible secretary (Umeå: keep caseloads low).
    "REGISTER_PAGE_SIZE": 50,
}
