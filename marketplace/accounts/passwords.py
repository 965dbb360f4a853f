"""The password policy, with messages a person can act on."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.errors import DomainError

# The most common choices in leaked password lists, including Chinese favourites.
COMMON_PASSWORDS = frozenset({
    "123456", "123456789", "12345678", "1234567890", "password", "password1", "password123", "qwerty",
    "qwerty123", "qwertyuiop", "111111", "000000", "123123", "abc123", "1q2w3e4r", "1qaz2wsx", "zxcvbnm",
    "iloveyou", "admin123", "admin12345", "welcome1", "woaini1314", "5201314", "a123456", "a123456789",
    "qq123456", "aa123456", "123qwe", "147258369", "987654321", "11111111", "1234qwer", "asdfghjkl",
    "letmein123", "changeme", "passw0rd", "p@ssw0rd", "88888888", "666666", "66666666", "12345678910",
})


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise DomainError(field='password') if the password is too weak."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise DomainError(_l("Use at least %(n)d characters.", n=minimum), field="password")
    if len(password) > 256:
        raise DomainError(_l("Use at most 256 characters."), field="password")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        raise DomainError(_l("This password is too common or too simple; choose another."), field="password")
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise DomainError(_l("Do not use your e-mail address in your password."), field="password")
    if name and len(name) >= 4 and name.lower() in lowered:
        raise DomainError(_l("Do not use your name in your password."), field="password")
