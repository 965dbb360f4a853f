"""Incubation pages: the supply-gap map, programmes, enrolled groups, mentoring, support and dashboards."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace import regions
from marketplace.accounts import parties
from marketplace.authz import authorize, can
from marketplace.extensions import db
from marketplace.models import (
    LADDER,
    ActionItem,
    Enrolment,
    MemberRole,
    Party,
    PartyKind,
    Programme,
    ProgrammeMentor,
    Stage,
    SupportKind,
    User,
)
from marketplace.organisations.jobs import local_today
from marketplace.tenders.views import _csrf_ok
from marketplace.web import acting_for, commit_or_flash, commit_or_show_on_form, render_form_page, split_codes

from . import checklist, gapmap, queries, readiness, services
from .forms import (
    SUPPORT_KIND_LABELS,
    EnrolForm,
    GapFilterForm,
    MentorForm,
    MoveForm,
    NewGroupForm,
    ProgrammeForm,
    SessionForm,
    SupportForm,
)

bp = Blueprint("incubation", __name__, url_prefix="/incubation")


def _incubators() -> list[Party]:
    return [m.party for m in current_user.memberships
            if m.party.kind == PartyKind.INCUBATOR and m.role != MemberRole.MENTOR]


def _programme(programme_id: int, action: str) -> Programme:
    programme = db.get_or_404(Programme, programme_id)
    authorize(current_user, action, programme)
    acting_for(programme.incubator_id)
    return programme


def _enrolment(enrolment_id: int, action: str) -> Enrolment:
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    authorize(current_user, action, enrolment)
    acting_for(enrolment.programme.incubator_id)
    return enrolment


# --- Dashboards --------------------------------------------------------------------------


@bp.get("/")
@login_required
def dashboard():
    """Incubator staff: their incubator's dashboard. Mentors: the programmes they mentor. A group: its page."""
    incubators = _incubators()
    if incubators:
        chosen = next((p for p in incubators if str(p.id) == request.args.get("incubator")), incubators[0])
        from marketplace.i18n import local_date

        board = queries.incubator_dashboard(chosen.id, local_today())
        return render_template("incubation/dashboard.html", incubator=chosen, incubators=incubators, board=board,
                               trend=[(local_date(month, "short"), score) for month, score in board.trend],
                               can_run=can(current_user, "run_programmes", chosen), today=local_today())
    mentored = db.session.scalars(select(Programme).join(ProgrammeMentor, ProgrammeMentor.programme_id == Programme.id)
                                  .where(ProgrammeMentor.user_id == current_user.id)).all()
    groups = [e for m in current_user.memberships for e in queries.enrolments_of_party(m.party_id)]
    if not mentored and groups:
        return redirect(url_for("incubation.group", party_id=groups[0].party_id))
    return render_template("incubation/mentor_home.html", programmes=mentored, groups=groups)


@bp.get("/groups/<int:party_id>")
@login_required
def group(party_id: int):
    """A group's own page: its stage, checklist, next actions, mentor notes, the tenders it is closest to."""
    enrolments = queries.enrolments_of_party(party_id)
    visible = [e for e in enrolments if can(current_user, "view", e)]
    if not visible:
        abort(404 if not enrolments else 403)
    enrolment = visible[0]
    acting_for(party_id)
    return render_template("incubation/group.html", enrolment=enrolment, others=visible[1:],
                           analysis=readiness.analyse(enrolment), actions=queries.open_actions(enrolment),
                           items=checklist.template(), today=local_today())


# --- Supply-gap map ------------------------------------------------------------------------


@bp.get("/gaps")
@login_required
def gaps():
    form = GapFilterForm(request.args)
    parent = (form.region.data or "").strip() or None
    if parent is not None and regions.get(parent) is None:
        flash(_("Unknown region code; showing the whole country."), "warning")
        parent = None
    gap = gapmap.build(parent=parent, by_group=form.by.data != "service")
    if request.args.get("format") in ("csv", "xlsx"):
        return _export_gaps(gap, request.args["format"], thin_only=form.thin.data)
    return render_template("incubation/gaps.html", form=form, gap=gap, rows=gap.rows(thin_only=form.thin.data),
                           parent=parent,
                           can_start=any(can(current_user, "run_programmes", p) for p in _incubators()))


def _export_gaps(gap: gapmap.GapMap, fmt: str, *, thin_only: bool):
    from flask import Response

    from marketplace import catalogue
    from marketplace.i18n import current_locale
    from marketplace.organisations import transfer

    locale = current_locale()
    header = [_("Region"), _("Region code"), _("Service"), _("Service code"), _("Open tenders"), _("Recent tenders"),
              _("Failed tenders"), _("Budget (CNY)"), _("Providers"), _("Bids per tender"), _("Competition")]
    rows = [header]
    for cell in gap.rows(thin_only=thin_only):
        service = catalogue.get(cell.category)
        rows.append([regions.label(cell.region, locale), cell.region,
                     service.name(locale) if service else cell.category, cell.category, cell.open_tenders,
                     cell.recent_tenders, cell.failed_tenders, float(cell.budget), cell.providers,
                     cell.bids_per_tender if cell.bids_per_tender is not None else "",
                     cell.level(gap.min_bids)])
    if fmt == "csv":
        return Response(transfer.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=supply-gaps.csv"})
    return Response(transfer.to_xlsx(rows),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=supply-gaps.xlsx"})


# --- Programmes ------------------------------------------------------------------------------


def _programme_input(form: ProgrammeForm) -> services.ProgrammeInput:
    return services.ProgrammeInput(
        name=form.name.data or "", focus_categories=list(form.focus_categories.data or []),
        focus_regions=split_codes(form.focus_regions.data), starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        capacity=form.capacity.data, budget=form.budget.data, support_offered=form.support_offered.data or None)


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new_programme():
    incubators = [p for p in _incubators() if can(current_user, "run_programmes", p)]
    if not incubators:
        abort(403)
    incubator = incubators[0]
    acting_for(incubator.id)
    form = ProgrammeForm()
    if request.method == "GET":  # a focus picked on the gap map
        form.focus_categories.data = request.args.getlist("category")
        form.focus_regions.data = ",".join(request.args.getlist("region"))
    created: list[Programme] = []
    if form.validate_on_submit() and commit_or_show_on_form(form, lambda: created.append(services.create_programme(
            incubator, _programme_input(form), by=current_user))):
        flash(_("Programme created."), "success")
        return redirect(url_for("incubation.programme", programme_id=created[0].id))
    return render_form_page("incubation/programme_form.html", form, incubator=incubator, programme=None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_programme(programme_id: int):
    programme = _programme(programme_id, "manage")
    form = ProgrammeForm(obj=programme if request.method == "GET" else None)
    if request.method == "GET":
        form.focus_regions.data = ",".join(programme.focus_regions)
    if form.validate_on_submit() and commit_or_show_on_form(
            form, lambda: services.update_programme(programme, _programme_input(form))):
        flash(_("Programme saved."), "success")
        return redirect(url_for("incubation.programme", programme_id=programme.id))
    return render_form_page("incubation/programme_form.html", form, incubator=programme.incubator,
                            programme=programme)


@bp.get("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int):
    programme = _programme(programme_id, "view")
    return _programme_page(programme)


def _programme_page(programme: Programme, **forms):
    manage = can(current_user, "manage", programme)
    spent = queries.spent_by_enrolment(programme)
    enrolments = programme.enrolments if manage else [e for e in programme.enrolments if can(current_user, "view", e)]
    context = {"enrol_form": EnrolForm(prefix="enrol"), "group_form": NewGroupForm(prefix="group"),
               "mentor_form": MentorForm(prefix="mentor"), **forms}
    status = 400 if forms else 200
    return render_template(
        "incubation/programme.html", programme=programme, manage=manage, enrolments=enrolments, spent=spent,
        total_spent=services.spent(programme), by_kind=queries.spent_by_kind([e.id for e in programme.enrolments]),
        outcomes=queries.outcomes(programme.enrolments), **context), status


@bp.post("/programmes/<int:programme_id>/mentors")
@login_required
def add_mentor(programme_id: int):
    programme = _programme(programme_id, "manage")
    form = MentorForm(prefix="mentor")
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == parties.normalise_email(form.email.data)))
        if user is None:
            form.email.errors.append(_("No account with this e-mail: invite the person to the incubator first."))
        elif commit_or_show_on_form(form, lambda: services.add_mentor(programme, user)):
            flash(_("Mentor added."), "success")
            return redirect(url_for("incubation.programme", programme_id=programme.id))
    return _programme_page(programme, mentor_form=form)


@bp.post("/programmes/<int:programme_id>/enrol")
@login_required
def enrol(programme_id: int):
    programme = _programme(programme_id, "manage")
    form = EnrolForm(prefix="enrol")
    created: list[Enrolment] = []
    if form.validate_on_submit():
        party = db.session.get(Party, form.organisation_id.data)
        if party is None or party.kind != PartyKind.ORGANISATION:
            form.organisation_id.errors.append(_("No organisation with this number."))
        elif commit_or_show_on_form(form, lambda: created.append(services.enrol(
                programme, party, form.intake_assessment.data, by=current_user, on=local_today()))):
            flash(_("Group enrolled."), "success")
            return redirect(url_for("incubation.enrolment", enrolment_id=created[0].id))
    return _programme_page(programme, enrol_form=form)


@bp.post("/programmes/<int:programme_id>/groups")
@login_required
def new_group(programme_id: int):
    programme = _programme(programme_id, "manage")
    form = NewGroupForm(prefix="group")
    created: list[Enrolment] = []

    def create() -> None:
        enrolment = services.create_group(
            programme, form.name.data, (form.home_region.data or "").strip(), by=current_user, on=local_today(),
            intake_assessment=form.intake_assessment.data, name_en=form.name_en.data,
            contact_name=form.contact_name.data or None, contact_phone=form.contact_phone.data or None)
        if form.claim_email.data:
            parties.invite_member(enrolment.party, form.claim_email.data, MemberRole.ADMIN, by=current_user)
        created.append(enrolment)

    if form.validate_on_submit() and commit_or_show_on_form(form, create):
        flash(_("Group created and enrolled."), "success")
        return redirect(url_for("incubation.enrolment", enrolment_id=created[0].id))
    return _programme_page(programme, group_form=form)


# --- One enrolled group ----------------------------------------------------------------------


@bp.get("/enrolments/<int:enrolment_id>")
@login_required
def enrolment(enrolment_id: int):
    return _enrolment_page(_enrolment(enrolment_id, "view"))


def _enrolment_page(enrolment: Enrolment, **forms):
    manage = can(current_user, "manage", enrolment)
    move_form = forms.get("move_form") or MoveForm()
    position = LADDER.index(enrolment.stage) if enrolment.stage in LADDER else None
    moves = [] if position is None else [LADDER[i] for i in (position - 1, position + 1) if 0 <= i < len(LADDER)]
    move_form.stage.choices = [(stage.value, stage.value) for stage in moves] + [(Stage.WITHDRAWN.value, "")]
    session_form = forms.get("session_form") or SessionForm(formdata=None, held_on=local_today())
    support_form = forms.get("support_form") or SupportForm(formdata=None, given_on=local_today())
    return render_template(
        "incubation/enrolment.html", enrolment=enrolment, manage=manage,
        mentor=can(current_user, "mentor", enrolment), analysis=readiness.analyse(enrolment),
        items=checklist.template(), done={i.key: i for i in enrolment.checklist}, moves=moves,
        gates={stage: checklist.needed_to_enter(stage) for stage in moves}, move_form=move_form,
        session_form=session_form, support_form=support_form, today=local_today(),
        spent=services.spent(enrolment.programme)), 400 if forms else 200


@bp.post("/enrolments/<int:enrolment_id>/checklist/<key>")
@login_required
def toggle_item(enrolment_id: int, key: str):
    enrolment = _enrolment(enrolment_id, "manage")
    if _csrf_ok():
        done = request.form.get("done") == "1"
        commit_or_flash(lambda: services.set_item(enrolment, key, done, by=current_user, on=local_today(),
                                                  evidence=request.form.get("evidence")), _("Checklist updated."))
    return redirect(url_for("incubation.enrolment", enrolment_id=enrolment.id) + "#checklist")


@bp.post("/enrolments/<int:enrolment_id>/stage")
@login_required
def move(enrolment_id: int):
    enrolment = _enrolment(enrolment_id, "manage")
    form = MoveForm()
    form.stage.choices = [(stage.value, stage.value) for stage in Stage]
    if form.validate_on_submit():
        try:
            target = Stage(form.stage.data)
        except ValueError:
            form.stage.errors.append(_("Choose a stage."))
        else:
            if commit_or_show_on_form(form, lambda: services.move(enrolment, target, by=current_user,
                                                                  on=local_today(), note=form.note.data)):
                flash(_("Stage changed."), "success")
                return redirect(url_for("incubation.enrolment", enrolment_id=enrolment.id))
    return _enrolment_page(enrolment, move_form=form)


@bp.post("/enrolments/<int:enrolment_id>/sessions")
@login_required
def record_session(enrolment_id: int):
    enrolment = _enrolment(enrolment_id, "mentor")
    form = SessionForm()
    if form.validate_on_submit():
        actions = []
        for entry in form.actions.entries:
            data = entry.form
            if not (data.text.data or data.owner.data or data.due_on.data):
                continue
            if not (data.text.data and data.owner.data and data.due_on.data):
                form.form_errors.append(_("Every action needs what to do, who does it and when it is due."))
                return _enrolment_page(enrolment, session_form=form)
            actions.append(services.ActionInput(data.text.data, data.owner.data, data.due_on.data))
        if commit_or_show_on_form(form, lambda: services.record_session(enrolment, current_user, services.SessionInput(
                held_on=form.held_on.data, topics=form.topics.data, notes=form.notes.data, actions=actions))):
            flash(_("Session recorded."), "success")
            return redirect(url_for("incubation.enrolment", enrolment_id=enrolment.id) + "#mentoring")
    return _enrolment_page(enrolment, session_form=form)


@bp.post("/actions/<int:action_id>/done")
@login_required
def action_done(action_id: int):
    action = db.get_or_404(ActionItem, action_id)
    enrolment = action.session.enrolment
    authorize(current_user, "view", enrolment)  # the group itself may tick off its actions
    acting_for(enrolment.party_id)
    if _csrf_ok():
        commit_or_flash(lambda: services.complete_action(action, on=local_today()), _("Action done."))
    return redirect(request.referrer or url_for("incubation.enrolment", enrolment_id=enrolment.id))


@bp.post("/enrolments/<int:enrolment_id>/support")
@login_required
def add_support(enrolment_id: int):
    enrolment = _enrolment(enrolment_id, "manage")
    form = SupportForm()
    if form.validate_on_submit() and commit_or_show_on_form(form, lambda: services.add_support(
            enrolment, SupportKind(form.kind.data), form.description.data, form.amount.data,
            given_on=form.given_on.data, by=current_user, confirm_over_budget=form.confirm_over_budget.data)):
        flash(_("Support recorded."), "success")
        return redirect(url_for("incubation.enrolment", enrolment_id=enrolment.id) + "#support")
    return _enrolment_page(enrolment, support_form=form)


@bp.app_context_processor
def incubation_helpers():
    from flask_babel import lazy_gettext as _l

    labels = {Stage.GRASSROOTS: _l("Grassroots group"), Stage.REGISTERING: _l("Registering"),
              Stage.BUILDING_CAPACITY: _l("Building capacity"), Stage.PILOT_DELIVERY: _l("Pilot delivery"),
              Stage.MARKET_READY: _l("Market-ready"), Stage.GRADUATED: _l("Graduated"),
              Stage.WITHDRAWN: _l("Withdrawn")}

    def stage_label(stage) -> str:
        return str(labels.get(Stage(stage), stage))

    def service_name(code: str) -> str:
        from marketplace import catalogue
        from marketplace.i18n import current_locale

        entry = catalogue.get(code)
        return entry.name(current_locale()) if entry else code

    def region_name(code: str) -> str:
        from marketplace.i18n import current_locale

        region = regions.get(code)
        return region.name(current_locale()) if region else code

    def focus_services(code: str) -> list[str]:
        """A gap-map column as programme focus: a service, or every service of a group."""
        from marketplace import catalogue

        entry = catalogue.get(code)
        return [service.code for service in entry.services] if hasattr(entry, "services") else [code]

    rule_labels = {"serves_region": _l("A service area covering the tender's region"),
                   "based_in": _l("Based in the tender's area"), "years_registered": _l("Years since registration"),
                   "standing": _l("Good standing"), "credential": _l("A credential the tender requires"),
                   "grade": _l("Evaluation grade"), "capacity": _l("Spare capacity"),
                   "social_workers": _l("Certified social workers")}

    def rule_label(key: str) -> str:
        return str(rule_labels.get(key.removeprefix("rule:"), key))

    def readiness_points(snapshots) -> list[tuple[str, float]]:
        from marketplace.i18n import local_date

        return [(local_date(s.taken_at, "short"), s.score) for s in snapshots]

    def describe_finding(finding) -> str:
        from marketplace.i18n import current_locale
        from marketplace.matching.eligibility import describe

        return describe(finding, current_locale())

    return {"stage_label": stage_label, "rule_label": rule_label, "describe_finding": describe_finding,
            "readiness_points": readiness_points, "LADDER": LADDER, "service_name": service_name,
            "region_name": region_name, "region_label": regions.label, "regions_get": regions.get,
            "regions_children": regions.children, "focus_services": focus_services,
            "support_label": lambda kind: str(SUPPORT_KIND_LABELS.get(kind, kind))}

