"""The user's notification inbox: list, open (marks read and follows the link), mark all read."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, has_request_context, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.extensions import db

from . import inbox

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_notification_count() -> int:
    """For the navigation bell: one COUNT per request, 0 when nobody is logged in."""
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = inbox.unread_count(current_user.id)
    return g.unread_notifications


@bp.get("")
@login_required
def inbox_list():
    page = db.paginate(inbox.notifications_for(current_user.id), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("notifications/list.html", page=page)


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    notification = inbox.get_notification(current_user.id, notification_id)
    if notification is None:
        abort(404)
    inbox.mark_read(current_user.id, [notification.id])
    db.session.commit()
    if inbox.is_site_path(notification.link):
        return redirect(notification.link)
    return redirect(url_for("notifications.inbox_list"))


@bp.post("/read-all")
@login_required
def mark_all_read():
    marked = inbox.mark_read(current_user.id, None)
    db.session.commit()
    if marked:
        flash(_("%(n)d notification(s) marked as read.", n=marked), "success")
    return redirect(url_for("notifications.inbox_list"))
