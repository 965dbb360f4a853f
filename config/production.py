"""Production: secure cookies, HSTS, one proxy in front. SECRET_KEY must come from the environment."""

SESSION_COOKIE_SECURE = True
HSTS_ENABLED = True
PROXY_COUNT = 1
