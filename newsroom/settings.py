"""
Settings for Newsroom: one module, every deployment difference an environment
variable with a safe default for local development.

Production sets at least DJANGO_DEBUG=false, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and SITE_URL.
"""

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from newsroom import embed_providers, media_storage
from newsroom.environment import env, env_bool, env_int, env_list, rate

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Absolute links in emails and feeds are built from this.
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", "The Newsroom Herald")
# The paper's logo for newsletters' mastheads (an absolute URL or a path on
# SITE_URL), shown at SITE_LOGO_WIDTH × SITE_LOGO_HEIGHT pixels: make the
# file twice that. Without one, the masthead sets SITE_NAME in type.
SITE_LOGO_URL = env("SITE_LOGO_URL", "")
SITE_LOGO_WIDTH = env_int("SITE_LOGO_WIDTH", 300)
SITE_LOGO_HEIGHT = env_int("SITE_LOGO_HEIGHT", 60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Full-text search types and lookups (articles.search); inert on SQLite.
    "django.contrib.postgres",
    "django_prose_editor",
    "django_tasks_db",
    "taggit",
    "accounts",
    "articles",
    "subscriptions",
]

MIDDLEWARE = [
    # Counts and times every request Django answers, for /metrics.
    "newsroom.metrics.RequestMetricsMiddleware",
    # First: it keeps reading pages as they leave Django, with every header
    # the middleware below adds and compressed by GZipMiddleware, and sends
    # them back as they are, so a hit runs none of it. It must also see the
    # session, CSRF and message cookies. newsroom.wsgi answers most hits even
    # before Django builds a request.
    "newsroom.cache.pages.PageCacheMiddleware",
    # The paper's time zone and language active while a page is rendered:
    # each of the many dates a page writes then finds them at once.
    "newsroom.locale.ActiveLocaleMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out compressed (a front page's HTML shrinks about sevenfold);
    # Django pads the gzip header against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Old addresses: answered where the paper has no page (a 404).
    "articles.redirects.RedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff who gave only a password reach only the second factor's pages.
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Our templates are read without their indentation, once per
            # process (newsroom.template_loaders); the apps' as written.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "newsroom.template_loaders.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
            ],
            # {% load formats %}: dates, times and staff names (newsroom.formats).
            "libraries": {"formats": "newsroom.templatetags.formats"},
        },
    },
]

# Forms write their <input>s and error lists in Python, byte for byte what
# Django's templates for them write, and render every other widget through
# those templates (newsroom.form_renderer).
FORM_RENDERER = "newsroom.form_renderer.FormRenderer"

# Databases: SQLite in the project by default, so a newcomer needs no server;
# PostgreSQL in production through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a kept connection's health check made without a
    # round trip while the server has said nothing (newsroom.postgresql).
    DATABASES["default"]["ENGINE"] = "newsroom.postgresql"
    # An unreachable database fails fast: readiness answers 503 and readers
    # get the "back soon" page instead of waiting (psycopg's minimum is 2 s).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2)
    )
    # The reading pages' own SQL (newsroom.sql.prepared_cursor) runs as
    # prepared statements, prepared on a connection's second run of each,
    # so the database no longer parses and plans it on every page; every
    # other query as Django sends it (Django's cursors never prepare). Off
    # behind a pooler that cannot keep prepared statements: PgBouncer in
    # transaction pooling before 1.22 or without max_prepared_statements.
    if env_bool("DATABASE_PREPARED", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on a file and hold locks longer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: a shared Redis in production; local memory otherwise. A Redis that is
# down or slow degrades to a cache miss, never an error page, and its circuit
# breaker then skips it for CACHE_BREAKER_SECONDS at a time, so a hanging
# Redis costs at most one time-out per period (newsroom.cache.backends).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.backends.CircuitBreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "newsroom"),
            "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "breaker_seconds": env_int("CACHE_BREAKER_SECONDS", 5),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.backends.LocMemCache",
            "TIMEOUT": env_int("CACHE_TIMEOUT", 300),
            # Room for the pages and the article cards they are made of.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Without Redis each process keeps pages and their parts in its own memory,
# under the content version kept in this file, which every process on the
# machine reads (a few microseconds a request) and bumps on any change
# readers see: so a change shows in every process on the next request. Right
# on one server; a second needs REDIS_URL. (newsroom.cache.versions)
CONTENT_VERSION_FILE = env(
    "CONTENT_VERSION_FILE", str(BASE_DIR / "var" / "content-version")
)
# Seconds parts of the reading pages (an article's body and cards, the
# section bar, the front page's slots) may be kept under the content version
# (0: not at all).
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 24 * 3600)
# A {% fragment %} given no Fragments by its view (newsroom.cache.fragments)
# raises while this is on (DEBUG, and tests); otherwise it renders uncached
# and the mistake is logged once.
FRAGMENTS_STRICT = DEBUG
# Seconds a public reading page is kept for anonymous readers (0: not at all);
# never past the next scheduled publication. See newsroom.cache.pages.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# Cache-Control of the same pages for anonymous readers (newsroom.http): how
# long browsers keep them, how long a CDN keeps them (the edge keeps them to
# the end of the second: X-Accel-Expires), and how long past that a shared
# cache, the edge included, may serve one while fetching anew: a second, so
# that a change shows through the edge within about two.
HTTP_MAX_AGE = env_int("HTTP_MAX_AGE", 60)
CDN_CACHE_SECONDS = env_int("CDN_CACHE_SECONDS", 300)
CDN_STALE_SECONDS = env_int("CDN_STALE_SECONDS", 1)


# Rate limits (newsroom.ratelimit), counted in the cache per client address
# and per email address; over a limit the reader gets a 429 page that keeps
# what they typed.
RATE_LIMITS = {
    "sign-up:address": rate("RATE_LIMIT_SIGN_UP", "10/600"),
    "sign-up:email": rate("RATE_LIMIT_SIGN_UP_EMAIL", "3/3600"),
    "delivery:address": rate("RATE_LIMIT_DELIVERY", "10/600"),
    "delivery:email": rate("RATE_LIMIT_DELIVERY_EMAIL", "3/3600"),
    "login:address": rate("RATE_LIMIT_LOGIN", "30/600"),
}
# Admin sign-in lockout (accounts): after this many failures for one account
# (since its last success), or from one address on any accounts, within the
# window, sign-in is refused until the oldest of them leaves the window.
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 5)
LOGIN_LOCKOUT_ADDRESS_FAILURES = env_int("LOGIN_LOCKOUT_ADDRESS_FAILURES", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
# Who must sign in to the admin with a second factor (accounts.two_factor):
# `editors` (superusers and the Editor group), `all` staff, or `off`. Anyone
# who added one is asked for it whatever this says.
STAFF_TWO_FACTOR = env("STAFF_TWO_FACTOR", "editors")
if STAFF_TWO_FACTOR not in ("editors", "all", "off"):
    raise ImproperlyConfigured(
        f"STAFF_TWO_FACTOR must be editors, all or off, not {STAFF_TWO_FACTOR!r}."
    )
# Passkeys (WebAuthn): the relying party is the site's host name, and the
# browser's answers must come from the site's own origin.
WEBAUTHN_RP_ID = env("WEBAUTHN_RP_ID", urlsplit(SITE_URL).hostname)
WEBAUTHN_ORIGINS = env_list(
    "WEBAUTHN_ORIGINS",
    default=["{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL))],
)
# Newsletter sign-ups at these domains (and their subdomains) are refused:
# disposable-mail services, whose addresses nobody reads for long.
DISPOSABLE_EMAIL_DOMAINS = env_list(
    "DISPOSABLE_EMAIL_DOMAINS",
    default=[
        "10minutemail.com",
        "discard.email",
        "dispostable.com",
        "getnada.com",
        "guerrillamail.com",
        "mailinator.com",
        "maildrop.cc",
        "sharklasers.com",
        "temp-mail.org",
        "tempmail.com",
        "throwawaymail.com",
        "trashmail.com",
        "yopmail.com",
    ],
)

# Sessions live in the database, so logins survive a cache outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Tasks: Django's tasks framework on the database backend; `manage.py
# db_worker` runs them. Tests switch to the immediate backend.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE", "en-ie")
TIME_ZONE = env("TIME_ZONE", "Europe/Dublin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "newsroom" / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
# Pictures (originals, renditions, embeds' thumbnails) on this server's disk,
# or on S3-compatible object storage through django-storages, where every
# application server finds them (newsroom.media_storage).
MEDIA_STORAGE = env("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "filesystem":
    media_backend = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    media_backend, MEDIA_URL = media_storage.s3(
        bucket_name=env("AWS_STORAGE_BUCKET_NAME"),
        endpoint_url=env("AWS_S3_ENDPOINT_URL"),
        region_name=env("AWS_S3_REGION_NAME"),
        access_key=env("AWS_ACCESS_KEY_ID"),
        secret_key=env("AWS_SECRET_ACCESS_KEY"),
        custom_domain=env("AWS_S3_CUSTOM_DOMAIN"),
        url_protocol=env("AWS_S3_URL_PROTOCOL", "https:"),
        addressing_style=env("AWS_S3_ADDRESSING_STYLE"),
        location=env("AWS_LOCATION", ""),
    )
else:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}."
    )
# Where pages' pictures come from when not from the site itself.
media_origin = media_storage.origin(MEDIA_URL)
STORAGES = {
    "default": media_backend,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "newsroom.staticfiles.StaticFilesStorage"
        )
    },
}

# Uploads: images above this size are refused before Pillow opens them.
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
# Pillow refuses images with more pixels than this (decompression bombs).
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)

# The newsroom's rules checked whenever an article would go live
# (articles/checks.py): lengths in characters.
PUBLISH_HEADLINE_MAX_CHARS = env_int("PUBLISH_HEADLINE_MAX_CHARS", 110)
PUBLISH_STANDFIRST_MIN_CHARS = env_int("PUBLISH_STANDFIRST_MIN_CHARS", 30)
PUBLISH_STANDFIRST_MAX_CHARS = env_int("PUBLISH_STANDFIRST_MAX_CHARS", 300)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: SMTP in production, the console locally (tests use memory).
MAILERS = {
    "default": {
        "BACKEND": env(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER", ""),
        "password": env("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "The Newsroom Herald <news@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Every email goes through an outbox (subscriptions.outbound explains it): a
# message the mail server refuses for now, or that cannot reach it, is tried
# again after MAIL_RETRY_SECONDS, doubling up to MAIL_RETRY_MAX_SECONDS, for
# MAIL_RETRY_FOR_SECONDS; a worker's claim on a message lasts MAIL_CLAIM_SECONDS.
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)
MAIL_RETRY_MAX_SECONDS = env_int("MAIL_RETRY_MAX_SECONDS", 3600)
MAIL_RETRY_FOR_SECONDS = env_int("MAIL_RETRY_FOR_SECONDS", 24 * 3600)
MAIL_CLAIM_SECONDS = env_int("MAIL_CLAIM_SECONDS", 600)

# Newsletters (subscriptions.outbox explains the sending settings).
NEWSLETTER_FROM_EMAIL = env("NEWSLETTER_FROM_EMAIL", DEFAULT_FROM_EMAIL)
# The MAILERS alias newsletter mail goes through (a bulk relay, if you add one).
NEWSLETTER_MAILER = env("NEWSLETTER_MAILER", "default")
NEWSLETTER_CONFIRMATION_MAX_AGE = env_int(
    "NEWSLETTER_CONFIRMATION_MAX_AGE", 7 * 24 * 3600
)
NEWSLETTER_CONFIRMATION_INTERVAL = env_int("NEWSLETTER_CONFIRMATION_INTERVAL", 600)
# Preferences links from before opaque tokens carry the signed address; they
# keep working for this long after they were sent, then are refused.
NEWSLETTER_LEGACY_LINK_MAX_AGE = env_int(
    "NEWSLETTER_LEGACY_LINK_MAX_AGE", 90 * 24 * 3600
)
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 100)
NEWSLETTER_CONCURRENCY = env_int("NEWSLETTER_CONCURRENCY", 1)
NEWSLETTER_MAX_LATENESS = env_int("NEWSLETTER_MAX_LATENESS", 6 * 3600)
# Unconfirmed sign-ups are deleted after this many days (apply_retention).
NEWSLETTER_PENDING_RETENTION_DAYS = env_int("NEWSLETTER_PENDING_RETENTION_DAYS", 14)

# Home delivery: where the circulation desk is told of new requests, which
# days readers may choose (mon…sun), and how long the personal data of a
# closed request is kept before it is anonymised.
CIRCULATION_DESK_EMAIL = env("CIRCULATION_DESK_EMAIL", "circulation@localhost")
DELIVERY_DAYS = env_list(
    "DELIVERY_DAYS", default=["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
)
DELIVERY_RETENTION_DAYS = env_int("DELIVERY_RETENTION_DAYS", 365)
# The outbox's record of an email (recipient, subject, times) is deleted this
# many days after it was last queued, once it is sent or has failed for good.
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 90)

# The key of the hashes that stand for erased addresses on the suppression
# list (subscriptions.models.personal_data). Changing it forgets every
# suppression, so production sets its own and keeps it when SECRET_KEY turns.
PERSONAL_DATA_HASH_KEY = env("DJANGO_PERSONAL_DATA_HASH_KEY") or SECRET_KEY

# Embeds (articles.embeds): the providers an editor may paste a URL of
# (newsroom.embed_providers). EMBED_PROVIDERS (comma-separated names) keeps
# only some of them. EMBED_META_ACCESS_TOKEN is Meta's "app id|client
# token": without it, Instagram and Facebook embeds are shown without title
# or thumbnail.
EMBED_META_ACCESS_TOKEN = env("EMBED_META_ACCESS_TOKEN", "")
EMBED_PROVIDERS = embed_providers.PROVIDERS
if env("EMBED_PROVIDERS"):
    EMBED_PROVIDERS = [
        provider
        for provider in EMBED_PROVIDERS
        if provider["name"] in env_list("EMBED_PROVIDERS")
    ]
# Fetching from providers (articles.fetching): the largest oEmbed answer and
# thumbnail read, in bytes, and the seconds one fetch may take in all.
EMBED_MAX_ANSWER_BYTES = env_int("EMBED_MAX_ANSWER_BYTES", 1024 * 1024)
EMBED_MAX_THUMBNAIL_BYTES = env_int("EMBED_MAX_THUMBNAIL_BYTES", 5 * 1024 * 1024)
EMBED_FETCH_SECONDS = env_int("EMBED_FETCH_SECONDS", 10)
# A provider that is down is asked again after EMBED_RETRY_SECONDS, doubling
# up to EMBED_RETRY_MAX_SECONDS, EMBED_RETRY_ATTEMPTS times in all.
EMBED_RETRY_SECONDS = env_int("EMBED_RETRY_SECONDS", 60)
EMBED_RETRY_MAX_SECONDS = env_int("EMBED_RETRY_MAX_SECONDS", 6 * 3600)
EMBED_RETRY_ATTEMPTS = env_int("EMBED_RETRY_ATTEMPTS", 10)

# Renditions the worker failed to make are tried again after
# RENDITION_RETRY_SECONDS, doubling up to RENDITION_RETRY_MAX_SECONDS,
# RENDITION_ATTEMPTS times in all; a worker that stops mid-picture leaves it
# due again after RENDITION_CLAIM_SECONDS.
RENDITION_RETRY_SECONDS = env_int("RENDITION_RETRY_SECONDS", 60)
RENDITION_RETRY_MAX_SECONDS = env_int("RENDITION_RETRY_MAX_SECONDS", 3600)
RENDITION_ATTEMPTS = env_int("RENDITION_ATTEMPTS", 5)
RENDITION_CLAIM_SECONDS = env_int("RENDITION_CLAIM_SECONDS", 15 * 60)
# Not environment variables: tests name here the one local server that plays
# a provider (its address and port, let past the private-address rule) and
# the certificate authority it is trusted through.
EMBED_FETCH_ALLOWED_ADDRESSES = []
EMBED_FETCH_CA_FILE = None

# Security. HTTPS settings follow DEBUG so local runserver works over HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers and the monitoring system ask the application server itself,
# over plain HTTP on the private network: no redirect to HTTPS for them.
SECURE_REDIRECT_EXEMPT = [r"^healthz/", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto, and take the
# client's address from the last X-Forwarded-For entry (newsroom.ratelimit).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The body editor's own extension: BodyElement keeps the body elements
# (pictures, galleries, embeds, …) intact in the editor. Its tags and their
# attribute values are allowed by the body's own sanitizer
# (articles.body.sanitize_body), which checks the values too, so it adds none
# to the editor's generic allowlist here.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/body-elements.js")],
        "extensions": {"BodyElement": html_tags([])},
    },
    {
        "js": [static_lazy("articles/body-insert.js")],
        "extensions": {"BodyInsert": html_tags([])},
    },
]

# Content Security Policy: no inline script anywhere on public pages.
# CSP.NONCE adds a per-response nonce only to responses whose templates ask for
# one ({% csp_nonce_attr %}): the admin does, e.g. for the body editor's import
# map (an inline <script type="importmap">). Public pages ask for none, so they
# stay `script-src 'self'` and cacheable. Public pages carry no inline style:
# the site's stylesheet is a file of our own, long-cached under its hash.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", CSP.NONCE],
    "style-src": ["'self'", CSP.NONCE],
    # Pictures on object storage, a CDN or a media host: MEDIA_URL's origin.
    "img-src": ["'self'", "data:"]
    + ([media_origin] if media_origin else [])
    + env_list("DJANGO_CSP_IMG_SRC"),
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    # Only the iframes embeds open once the reader presses (articles.embeds).
    "frame-src": sorted(
        {
            "https://" + urlsplit(provider["frame"]).netloc
            for provider in EMBED_PROVIDERS
        }
    )
    or ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# LOG_FORMAT=json: one JSON object a line, for log shippers (newsroom.logs).
LOG_FORMAT = env("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django": {"level": env("DJANGO_LOG_LEVEL", "INFO").upper()}},
}

TAGGIT_CASE_INSENSITIVE = True

# /metrics (newsroom.metrics): answered to a request bearing METRICS_TOKEN
# ("Authorization: Bearer …") or made straight to the application server from
# one of METRICS_NETWORKS (addresses or CIDR blocks); to anyone else, 404.
METRICS_TOKEN = env("METRICS_TOKEN", "")
METRICS_NETWORKS = env_list("METRICS_NETWORKS")
for _network in METRICS_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_NETWORKS: {_network!r} is not an address or a CIDR block."
        ) from None

# Errors reported to Sentry (or a server speaking its protocol) when
# SENTRY_DSN is set, scrubbed of readers' addresses, tokens and form contents
# first (newsroom.error_reports).
SENTRY_DSN = env("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env(
    "SENTRY_ENVIRONMENT", "production" if not DEBUG else "development"
)
if SENTRY_DSN:
    from newsroom.error_reports import start_reporting

    start_reporting(SENTRY_DSN, SENTRY_ENVIRONMENT)
