"""Testing: deterministic jobs (the suite drains the queues itself), no retry delays."""

TESTING = True
JOBS_INPROCESS_THREAD = False
JOB_RETRY_INTERVALS = [0, 0, 0]
PASSWORD_MIN_LENGTH = 10
MATCHER_MARKET_MAX_AGE = 0
