"""Shared plumbing of the JSON API at /api/v1: token authentication, errors, OpenAPI.

Feature packages add their endpoints in their own ``api.py`` on this blueprint.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify
from flask import request as flask_request
from flask_babel import gettext as _

from marketplace.audit.context import set_actor
from marketplace.errors import DomainError
from marketplace.extensions import csrf, db
from marketplace.web import actor_for

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated; cookies are never accepted here


def api_error(status: int, message: str, fields: dict[str, list[str]] | None = None):
    body = {"status": status, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _user_from_header():
    from marketplace.accounts.tokens import user_for_token

    scheme, _sep, value = flask_request.headers.get("Authorization", "").partition(" ")
    return user_for_token(value.strip()) if scheme.lower() == "bearer" and value else None


def optional_token_user():
    """The token's user on endpoints that are public but show more to some users; None when anonymous."""
    return _user_from_header()


def token_required(view):
    """Authenticate with `Authorization: Bearer <personal access token>`; sets g.api_user."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = _user_from_header()
        if user is None:
            return api_error(401, _("A valid personal access token is required (Authorization: Bearer ...)."))
        g.api_user = user
        g.audit_actor = actor_for(user)  # the session-less request was set up as anonymous
        set_actor(g.audit_actor)
        return view(*args, **kwargs)

    return wrapper


def domain_error_response(error):
    """A service's DomainError as a JSON error, with every field at fault when it names several."""
    problems = getattr(error, "problems", None) or [(error.field, error.message)]
    fields: dict[str, list[str]] = {}
    for name, message in problems:
        fields.setdefault(name or "_", []).append(str(message))
    return api_error(error.status, str(problems[0][1]), fields)


def json_body() -> dict:
    body = flask_request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError(_("Send a JSON object in the request body."))
    return body


def commit_or_error(action, respond):
    """Run a service call; commit and `respond(result)`, or roll back and answer with the domain error."""
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return domain_error_response(error)
    return respond(result)


def form_errors(form) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


from marketplace.accounts import api as _accounts_api  # noqa: E402,F401
from marketplace.incubation import api as _incubation_api  # noqa: E402,F401
from marketplace.jobs import api as _jobs_api  # noqa: E402,F401
from marketplace.notifications import api as _notifications_api  # noqa: E402,F401
from marketplace.organisations import api as _organisations_api  # noqa: E402,F401
from marketplace.shortlists import api as _shortlists_api  # noqa: E402,F401
from marketplace.tenders import api as _tenders_api  # noqa: E402,F401

from . import openapi as _openapi  # noqa: E402,F401
