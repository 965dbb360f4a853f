"""Testing: deterministic jobs, no rate limits unless a test turns them on."""

TESTING = True
RATELIMIT_ENABLED = False
JOBS_INPROCESS_THREAD = False
JOB_RETRY_INTERVALS = [0, 0, 0]
PASSWORD_MIN_LENGTH = 10
