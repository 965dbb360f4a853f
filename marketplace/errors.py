"""Domain errors raised by services, and the HTTP error handlers (HTML and JSON)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the request; `message` is shown to the user as is.

    `field` names the form field at fault, when there is one.
    """

    status = 400  # the HTTP status when the API reports it

    def __init__(self, message, field: str | None = None, *, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if status is not None:  # e.g. 409 when the object's state, not the input, refuses
            self.status = status


class NotAllowed(DomainError):
    """The user is not allowed to do this to this object (HTTP 403)."""

    status = 403


ERROR_TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}
ERROR_MESSAGES = {
    400: _l("The request could not be understood. Please check what you entered and try again."),
    401: _l("You need to log in to see this page."),
    403: _l("You do not have permission to see or change this."),
    404: _l("There is nothing at this address. It may have been moved or never existed."),
    405: _l("This address does not accept that kind of request."),
    413: _l("What you sent is larger than the portal accepts."),
    429: _l("Too many attempts in a short time. Please wait a minute and try again."),
    500: _l("The portal hit an unexpected error. It has been logged; please try again later."),
    503: _l("The portal is temporarily unavailable. Please try again later."),
}
CSRF_MESSAGE = _l("This form has expired or did not come from this site. Please reload the page and try again.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(code: int, message=None):
    message = str(message or ERROR_MESSAGES.get(code, ERROR_MESSAGES[500]))
    if wants_json():
        return jsonify(error={"status": code, "message": message}), code
    title = ERROR_TITLES.get(code, ERROR_TITLES[500])
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_response(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500)

    @app.errorhandler(NotAllowed)
    def not_allowed(exc: NotAllowed):
        return error_response(403, exc.message)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        app.logger.exception("Unhandled exception on %s %s", request.method, request.path)
        return error_response(500)
