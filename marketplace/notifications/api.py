"""API endpoints of the token user's notification inbox."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from marketplace.api import api_error, bp, token_required
from marketplace.extensions import db
from marketplace.models import Notification

from . import inbox

API_LIMIT = 100
_TRUE = ("true", "1", "yes")
_FALSE = ("", "false", "0", "no")


def notification_summary(notification: Notification) -> dict:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link,
        "created_at": notification.created_at.isoformat(),
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
    }


@bp.get("/notifications")
@token_required
def my_notifications():
    """The user's notifications, newest first (at most 100).
    ---
    get:
      summary: The user's notifications
      parameters:
        - name: unread
          in: query
          required: false
          description: Only unread notifications when true
          schema: {type: boolean, default: false}
      responses:
        200:
          description: Notifications and the number still unread
          content:
            application/json:
              schema:
                type: object
                properties:
                  unread: {type: integer}
                  notifications:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: integer}
                        kind: {type: string, example: tender.published}
                        title: {type: string}
                        body: {type: string}
                        link: {type: string, nullable: true, description: A path on this site}
                        created_at: {type: string, format: date-time}
                        read_at: {type: string, format: date-time, nullable: true}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
    """
    unread = request.args.get("unread", "").strip().lower()
    if unread not in _TRUE + _FALSE:
        return api_error(400, _("unread must be true or false."), {"unread": [_("Use true or false.")]})
    rows = db.session.scalars(inbox.notifications_for(g.api_user.id, unread_only=unread in _TRUE).limit(API_LIMIT))
    return jsonify(notifications=[notification_summary(row) for row in rows],
                   unread=inbox.unread_count(g.api_user.id))


@bp.post("/notifications/read")
@token_required
def mark_notifications_read():
    """Mark notifications read: those listed in `ids`, or all of them when `ids` is left out.
    ---
    post:
      summary: Mark the user's notifications read
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                ids:
                  type: array
                  items: {type: integer}
                  description: Leave out to mark every notification read; other users' ids are ignored
      responses:
        200:
          description: How many were marked, and how many are still unread
          content:
            application/json:
              schema:
                type: object
                properties:
                  marked: {type: integer}
                  unread: {type: integer}
        400: {$ref: '#/components/responses/BadRequest'}
        401: {$ref: '#/components/responses/Unauthorized'}
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error(400, _("Send a JSON object in the request body."))
    ids = body.get("ids")
    if ids is not None and (not isinstance(ids, list)
                            or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)):
        return api_error(400, _("ids must be a list of notification ids."), {"ids": [_("A list of integers.")]})
    marked = inbox.mark_read(g.api_user.id, ids)
    db.session.commit()
    return jsonify(marked=marked, unread=inbox.unread_count(g.api_user.id))
