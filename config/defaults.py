"""Every setting the application reads, declared once with a safe default.

Any key here can be overridden by an environment variable of the same name
(see ``marketplace/settings.py`` for how values are coerced). Environment
specific files (``development.py``, ``testing.py``, ``production.py``) in this
folder adjust the defaults for their environment.
"""

# --- Core -------------------------------------------------------------------
# Development-only key; production refuses to start with it (settings.py).
SECRET_KEY = "dev-only-insecure-secret-key"
# SQLAlchemy URL. Empty means a SQLite file in the instance folder.
DATABASE_URL = ""
# redis://host:port/db. Empty means background jobs run in-process (fakeredis).
REDIS_URL = ""
# Absolute base URL used in links inside e-mails (no request to derive it from).
PUBLIC_BASE_URL = "http://127.0.0.1:5000"
# Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
PROXY_COUNT = 0

# --- Locale -----------------------------------------------------------------
BABEL_DEFAULT_LOCALE = "zh_Hans"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
SUPPORTED_LOCALES = ["zh_Hans", "en"]
CURRENCY = "CNY"

# --- Sessions and security --------------------------------------------------
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Hours a log-in session lives without activity before it must log in again.
SESSION_IDLE_HOURS = 12
# Long bid forms take time to fill in: CSRF tokens live for a working day.
WTF_CSRF_TIME_LIMIT = 8 * 3600
# Whole request body limit (bytes); uploads are at most 10 MB each.
MAX_CONTENT_LENGTH = 16 * 1024 * 1024
# Non-file form fields limit (bytes).
MAX_FORM_MEMORY_SIZE = 512 * 1024
HSTS_ENABLED = False

# --- Rate limits (Flask-Limiter) --------------------------------------------
RATELIMIT_ENABLED = True
# memory:// in development; production uses REDIS_URL unless this is set.
RATELIMIT_STORAGE_URI = ""
LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
PASSWORD_RESET_RATE_LIMIT = "5 per minute;20 per hour"

# --- Accounts ---------------------------------------------------------------
PASSWORD_MIN_LENGTH = 10
PASSWORD_RESET_MAX_AGE_SECONDS = 3600
INVITATION_VALID_DAYS = 14

# --- Mail -------------------------------------------------------------------
# Empty MAIL_SERVER keeps every message in the outbox (admin > Outbox) instead.
MAIL_SERVER = ""
MAIL_PORT = 587
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_USE_TLS = True
MAIL_USE_SSL = False
MAIL_DEFAULT_SENDER = "Social Service Marketplace <noreply@marketplace.local>"
MAIL_TIMEOUT_SECONDS = 20

# --- Files ------------------------------------------------------------------
# Empty means <instance folder>/uploads. Never inside static/.
UPLOAD_FOLDER = ""

# --- Background jobs --------------------------------------------------------
JOB_DEFAULT_TIMEOUT_SECONDS = 600
JOB_MAX_RETRIES = 3
# Seconds to wait before each retry.
JOB_RETRY_INTERVALS = [30, 120, 600]
# In-process mode: run a worker thread inside the web process. Tests turn it
# off and drain the queues explicitly so they stay deterministic.
JOBS_INPROCESS_THREAD = True
# Prefix of RQ queue names, so several deployments (or test runs) can share a Redis.
JOB_QUEUE_PREFIX = "marketplace"

# --- Pagination -------------------------------------------------------------
PAGE_SIZE = 20

# --- Tenders ------------------------------------------------------------------
# Comprehensive scoring of services: the price weight must lie in this range (points of 100).
PRICE_WEIGHT_MIN = 10
PRICE_WEIGHT_MAX = 30
# Fewest valid bids for a tender (lot) to proceed; competitive consultation of services allows 2.
MIN_BIDS = 3
MIN_BIDS_COMPETITIVE_CONSULTATION = 2
# A material amendment must leave at least this many days before the deadline (else extend it).
AMENDMENT_MIN_DAYS_BEFORE_DEADLINE = 5
OBJECTION_PERIOD_DAYS = 3
# The close-and-open job runs this long after the deadline, so bids that arrived in time but are
# still being written are opened with the others (arrival time decides whether a bid is in time).
CLOSE_GRACE_SECONDS = 5

# --- Matcher ------------------------------------------------------------------
# Component weights of a provider's score (normalised to total 1). Rationale in
# marketplace/matching/scoring.py (Weights).
MATCHER_WEIGHTS = {"relevance": 0.30, "category": 0.15, "proximity": 0.15, "experience": 0.10,
                   "past_performance": 0.10, "capacity": 0.08, "price": 0.07, "responsiveness": 0.05}
# A worker keeps the market (profiles and relevance index) in memory and refreshes changed
# organisations; it reloads everything after this many seconds (0: load on every use).
MATCHER_MARKET_MAX_AGE = 900
# Near-eligible organisations (one rule unmet) stored per lot, best first; every eligible one is stored.
MATCHER_NEAR_ELIGIBLE_KEPT = 100

# --- Incubation ----------------------------------------------------------------
# The readiness checklist every enrolled group gets. `needed_for`: the stage a group may enter only with
# the item done (and every item of the stages below). `answers`: the eligibility rule the item satisfies
# ("rule" or "rule:credential type"), so the gap analysis can tell which missing item blocks most tenders.
INCUBATION_CHECKLIST = [
    {"key": "charter_board", "en": "Charter and board", "zh": "章程与理事会", "needed_for": "registering"},
    {"key": "registration", "en": "Civil-affairs registration and credit code", "zh": "民政登记与统一社会信用代码",
     "needed_for": "building_capacity", "answers": "credential:registration_certificate"},
    {"key": "bank_bookkeeping", "en": "Bank account and bookkeeping", "zh": "银行账户与规范记账",
     "needed_for": "building_capacity", "answers": "credential:annual_audit_report"},
    {"key": "trained_staff", "en": "Trained full-time staff", "zh": "经过培训的专职人员",
     "needed_for": "pilot_delivery", "answers": "capacity"},
    {"key": "social_worker", "en": "Certified social worker", "zh": "持证社会工作者", "needed_for": "pilot_delivery",
     "answers": "social_workers"},
    {"key": "first_pilot", "en": "First pilot delivered", "zh": "完成首个试点服务", "needed_for": "market_ready"},
    {"key": "insurance", "en": "Liability insurance", "zh": "责任保险", "needed_for": "market_ready",
     "answers": "credential:insurance"},
    {"key": "evaluation_grade", "en": "Evaluation grade", "zh": "社会组织评估等级", "needed_for": "graduated",
     "answers": "grade"},
]
# Tenders closed this many days ago or less still count in a group's gap analysis and the gap map.
INCUBATION_RECENT_DAYS = 365
# A group is "close to readiness" (an emerging candidate on thin tenders) from this readiness score up.
INCUBATION_EMERGING_SCORE = 60
