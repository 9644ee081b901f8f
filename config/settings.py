"""Shequtong settings: one module, driven by environment variables.

Defaults run the embedded set-up (SQLite, in-memory channel layer, console SMS).
Production is switched on by DATABASE_URL and REDIS_URL; every variable is listed
once in .env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The absolute address residents reach the site at; the join QR codes encode it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "channels",
    "realtime",
    "communities",
    "communities.boards",
    "communities.moderation",
    "communities.volunteering",
    "communities.cases",
    "chat",
    "presence",
    "django_tasks",
    "django_tasks_db",
    "notifications",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login of the admin site.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
# Keep connections open between requests (and between the WebSocket consumer's trips to
# its worker thread): opening a PostgreSQL connection costs more than most queries.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server and a second process (tests, a shell) share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "")
# Namespaces every key and channel this deployment puts in Redis (groups, presence, cache).
REDIS_PREFIX = env("REDIS_PREFIX", "stt")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    # One channel per process carries every group (realtime/hub.py): give it room.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 100_000},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "communities.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60 * 24 * 14)))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LOGIN_URL = "/login"
# Signed bearer tokens for non-browser clients (mobile app, load generator).
API_TOKEN_MAX_AGE = timedelta(seconds=int(env("API_TOKEN_MAX_AGE", str(60 * 60 * 24 * 7))))

# django-axes checks every login first: it records failed logins per account in the database
# and locks the account out after LOGIN_FAILURE_LIMIT of them, until LOGIN_LOCKOUT_MINUTES
# pass, the committee of the person's community (or an admin) lifts it, or the person resets
# the password by SMS (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "30")))
# Per account only: many neighbours share one carrier address, so the address gets the
# higher fixed-window limit below instead of a lock-out.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" among those parameters, so that rotating the User-Agent or
# cookies cannot dodge a lock; ours lock on the account alone, which neither changes, and the
# address is throttled by LOGIN_IP_FAILURE_LIMIT (communities/throttle.py). Locking addresses
# in axes would shut out every neighbour behind one carrier's NAT, so the check is silenced.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_CLIENT_IP_CALLABLE = "communities.api.common.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
# Successful logins are not kept (personal data we do not need); failures are, until lifted.
AXES_DISABLE_ACCESS_LOG = True
# Throttles, fixed windows in the cache: "count/seconds".
LOGIN_IP_FAILURE_LIMIT = env("LOGIN_IP_FAILURE_LIMIT", "50/300")
SMS_CODE_LIMIT = env("SMS_CODE_LIMIT", "5/3600")
SMS_CODE_IP_LIMIT = env("SMS_CODE_IP_LIMIT", "50/3600")
# SMS codes tried (to join or to reset a password), per number and per address; each code
# also dies after SMS_CODE_MAX_ATTEMPTS wrong tries.
SMS_CODE_CHECK_LIMIT = env("SMS_CODE_CHECK_LIMIT", "10/3600")
SMS_CODE_CHECK_IP_LIMIT = env("SMS_CODE_CHECK_IP_LIMIT", "50/3600")
JOIN_APPLICATION_LIMIT = env("JOIN_APPLICATION_LIMIT", "10/3600")

# --- Real-name joining ------------------------------------------------------
PHONE_DEFAULT_REGION = env("PHONE_DEFAULT_REGION", "CN")
# Regions whose numbers may register (ISO codes, comma separated); empty allows any.
PHONE_ALLOWED_REGIONS = env_list("PHONE_ALLOWED_REGIONS", "CN")
SMS_BACKEND = env("SMS_BACKEND", "communities.sms.ConsoleBackend")
SMS_FILE_PATH = env("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.jsonl"))  # FileBackend
SMS_CODE_TTL = timedelta(seconds=int(env("SMS_CODE_TTL", "300")))
SMS_CODE_RESEND_AFTER = timedelta(seconds=int(env("SMS_CODE_RESEND_AFTER", "60")))
SMS_CODE_MAX_ATTEMPTS = int(env("SMS_CODE_MAX_ATTEMPTS", "5"))

# --- Chat ---------------------------------------------------------------------
CHAT_MESSAGE_MAX_LENGTH = int(env("CHAT_MESSAGE_MAX_LENGTH", "2000"))
CHAT_MAX_FRAME_BYTES = int(env("CHAT_MAX_FRAME_BYTES", "16384"))
CHAT_SEND_RATE = env("CHAT_SEND_RATE", "10/5")  # messages per user, "count/seconds"
CHAT_FRAME_RATE = env("CHAT_FRAME_RATE", "30/5")  # any frames per connection
CHAT_LETTER_RATE = env("CHAT_LETTER_RATE", "20/3600")  # letters per sender
CHAT_EDIT_WINDOW = timedelta(seconds=int(env("CHAT_EDIT_WINDOW", "900")))
# Frames waiting for one slow client before it is told to reconnect (close 4408).
CHAT_OUTBOUND_LIMIT = int(env("CHAT_OUTBOUND_LIMIT", "1000"))
CHAT_RESUME_LIMIT = int(env("CHAT_RESUME_LIMIT", "2000"))
# Seconds between probes that detect a channel layer losing messages (Redis restarts).
CHAT_PROBE_INTERVAL = float(env("CHAT_PROBE_INTERVAL", "2"))
PRESENCE_TTL = int(env("PRESENCE_TTL", "90"))  # seconds an unrefreshed connection stays online
PRESENCE_REFRESH = int(env("PRESENCE_REFRESH", "30"))
PRESENCE_BATCH = float(env("PRESENCE_BATCH", "2"))
PRESENCE_REDIS_CONNECTIONS = int(
    env("PRESENCE_REDIS_CONNECTIONS", "8")
)  # per process  # seconds presence changes are gathered

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Chat's photos and files: outside MEDIA_ROOT, handed out only by a checking view.
    "private": {"BACKEND": "communities.uploads.private.PrivateStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Django serves MEDIA_ROOT itself (the embedded set-up); behind nginx, nginx does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Uploads to the boards: pictures (checked, re-encoded) and PDF attachments.
BOARD_IMAGE_MAX_BYTES = int(env("BOARD_IMAGE_MAX_BYTES", str(8 * 1024 * 1024)))
BOARD_IMAGE_MAX_PIXELS = int(env("BOARD_IMAGE_MAX_PIXELS", str(40_000_000)))
BOARD_ATTACHMENT_MAX_BYTES = int(env("BOARD_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Posting rates per user on the boards ("count/seconds").
BOARD_POST_RATE = env("BOARD_POST_RATE", "10/600")
BOARD_COMMENT_RATE = env("BOARD_COMMENT_RATE", "20/60")
BOARD_UPLOAD_RATE = env("BOARD_UPLOAD_RATE", "60/600")
# Files only a checking view sends (chat's photos and PDFs), never under MEDIA_ROOT. Behind
# nginx, PRIVATE_MEDIA_ACCEL is its internal location for them: the view answers with
# X-Accel-Redirect and nginx sends the file; empty, Django sends it.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
PRIVATE_MEDIA_ACCEL = env("PRIVATE_MEDIA_ACCEL", "")
# Chat's photos and PDFs: largest picture in bytes and pixels, largest PDF, files per
# message, uploads per user ("count/seconds").
CHAT_IMAGE_MAX_BYTES = int(env("CHAT_IMAGE_MAX_BYTES", str(8 * 1024 * 1024)))
CHAT_IMAGE_MAX_PIXELS = int(env("CHAT_IMAGE_MAX_PIXELS", str(40_000_000)))
CHAT_FILE_MAX_BYTES = int(env("CHAT_FILE_MAX_BYTES", str(10 * 1024 * 1024)))
CHAT_ATTACHMENTS_MAX = int(env("CHAT_ATTACHMENTS_MAX", "9"))
CHAT_UPLOAD_RATE = env("CHAT_UPLOAD_RATE", "30/600")
# Volunteers check in to a call-out from this many minutes before it starts until it ends.
VOLUNTEER_CHECKIN_EARLY_MINUTES = int(env("VOLUNTEER_CHECKIN_EARLY_MINUTES", "120"))

# --- Timed work and notifications ---------------------------------------------
# One task worker (`manage.py db_worker`, started by `make run`) runs pushes, retries and
# the daily digest from the database's task queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Web Push (VAPID): the private key (PEM or base64url DER), or a key file written by
# `manage.py vapid_keys`; the contact push services may write to.
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", "")
VAPID_KEY_FILE = env("VAPID_KEY_FILE", str(BASE_DIR / "var" / "vapid.pem"))
VAPID_SUBJECT = env("VAPID_SUBJECT", "mailto:admin@shequtong.invalid")
PUSH_TTL = int(env("PUSH_TTL", str(24 * 3600)))  # seconds a push service keeps a push
PUSH_TIMEOUT = float(env("PUSH_TIMEOUT", "10"))
PUSH_CONCURRENCY = int(env("PUSH_CONCURRENCY", "64"))  # pushes in flight at once
PUSH_MAX_ATTEMPTS = int(env("PUSH_MAX_ATTEMPTS", "5"))
# Push services are HTTPS; plain HTTP only for a push service on this machine (tests).
PUSH_ALLOW_HTTP = env_bool("PUSH_ALLOW_HTTP", False)
DIGEST_HOUR = int(env("DIGEST_HOUR", "8"))  # the daily digest, in TIME_ZONE

# --- Security ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HSTS and the redirect to HTTPS, for a site served over HTTPS (browsers ignore HSTS on plain
# HTTP, and Django sends it only on secure requests).
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Browser features no page uses (a photo is taken through the file picker, not the camera API).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _websocket_origins(site_url: str) -> list[str]:
    """The WebSocket address of SITE_URL: 'self' covers it in current browsers, older
    WebKit needs it spelled out."""
    scheme, _, host = site_url.partition("://")
    return [f"{'wss' if scheme == 'https' else 'ws'}://{host}"] if host else []


# django-csp: no inline script and nothing from another origin. Images may be data: and blob:
# (upload previews, Vant's placeholders), fonts data: (Vant's icon font is inlined).
# style-src is 'self' alone, without 'unsafe-inline': the build ships every style sheet as a
# file (Vite emits no <style> element in production), and what Vue and Vant set at run time
# (:style bindings, Vant's popups, toasts and swipes) goes through element.style, the CSSOM,
# which the policy does not govern. What it would refuse is a style attribute in parsed HTML
# (v-html, innerHTML): none of our pages uses one, and tests/e2e/test_csp.py loads every page
# in Chromium to keep it so.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *_websocket_origins(SITE_URL)],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Behind nginx the client's address is the last hop of X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Phone numbers are personal data: no log line keeps one whole (communities/logmask.py).
    "filters": {"mask_phones": {"()": "communities.logmask.MaskPhones"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_phones"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # axes tells every login at INFO; its warnings (failures, lock-outs) are what matter.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
