"""The directory, public profiles, and the organisation's own registry pages."""

from __future__ import annotations

from dataclasses import fields

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace import catalogue, regions
from marketplace.accounts.forms import ConfirmForm
from marketplace.authz import authorize, can
from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.i18n import current_locale
from marketplace.incubation.queries import incubated_by
from marketplace.models import (
    Capability,
    Credential,
    CredentialType,
    LegalForm,
    OrganisationProfile,
    Party,
    PartyKind,
    PastProject,
    StandingFlag,
    StandingFlagKind,
)
from marketplace.web import (
    acting_for,
    attach_error,
    commit_or_flash,
    commit_or_show_on_form,
    flash_form_errors,
    render_form_page,
    send_stored_document,
)

from . import documents, queries, services, transfer
from .forms import (
    CREDENTIAL_TYPE_LABELS,
    LEGAL_FORM_LABELS,
    STANDING_FLAG_LABELS,
    AreasForm,
    CapabilityForm,
    ClearFlagForm,
    CredentialDecisionForm,
    CredentialForm,
    DirectorySearchForm,
    ImportForm,
    PastProjectForm,
    ProfileForm,
    StandingFlagForm,
)
from .jobs import local_today

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def _organisation(party_id: int) -> Party:
    party = db.get_or_404(Party, party_id)
    if party.kind != PartyKind.ORGANISATION:
        abort(404)
    return party


def _editable(party_id: int) -> Party:
    party = _organisation(party_id)
    authorize(current_user, "edit_organisation", party)
    acting_for(party.id)
    return party


# --- Directory ------------------------------------------------------------------------

def _directory_filters(form: DirectorySearchForm) -> queries.DirectoryFilters:
    data = form.data
    return queries.DirectoryFilters(
        q=(data["q"] or "").strip() or None,
        category=data["category"] or None,
        region=data["region"] if data["region"] and regions.is_valid(data["region"]) else None,
        min_grade=data["min_grade"] or None,
        legal_form=LegalForm(data["legal_form"]) if data["legal_form"] in LegalForm._value2member_map_ else None,
        credential=CredentialType(data["credential"]) if data["credential"] in CredentialType._value2member_map_
        else None,
        today=local_today(),
    )


@bp.get("/")
def directory():
    form = DirectorySearchForm(request.args)
    form.validate()
    if form.region.data and not regions.is_valid(form.region.data):
        form.region.errors = [_("%(code)s is not an administrative division code.", code=form.region.data)]
    page = db.paginate(queries.directory_query(_directory_filters(form)),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    ids = [party.id for party in page.items]
    return render_template(
        "organisations/directory.html", form=form, page=page,
        profiles=queries.profiles_by_party(ids), categories=queries.categories_by_party(ids),
        flags=queries.active_flag_counts(ids), args={k: v for k, v in request.args.items() if k != "page"},
        can_import=can(current_user, "import_organisations"),
    ), (400 if form.region.errors else 200)


@bp.get("/export.<any(csv, xlsx):fmt>")
def export(fmt: str):
    form = DirectorySearchForm(request.args)
    form.validate()
    parties = db.session.scalars(queries.directory_query(_directory_filters(form)).limit(50_000)).all()
    ids = [party.id for party in parties]
    rows = transfer.export_rows(parties, queries.profiles_by_party(ids), queries.categories_by_party(ids),
                                queries.areas_by_party(ids), current_locale())
    if fmt == "csv":
        return Response(transfer.to_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=organisations.csv"})
    return Response(transfer.to_xlsx(rows),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=organisations.xlsx"})


# --- Public profile -------------------------------------------------------------------

@bp.get("/<int:party_id>")
def profile(party_id: int):
    party = _organisation(party_id)
    today = local_today()
    profile_row = db.session.get(OrganisationProfile, party.id)
    areas = services.service_areas(party)
    capability_rows = services.capabilities(party)
    credential_rows = services.credentials(party)
    projects = services.past_projects(party)
    context = {
        "party": party, "profile": profile_row, "areas": areas, "capabilities": capability_rows,
        "credentials": credential_rows, "projects": projects, "flags": services.standing_flags(party),
        "today": today,
        "show_private": can(current_user, "view_private", party),
        "can_edit": can(current_user, "edit_organisation", party),
        "can_verify": can(current_user, "verify_organisations"),
        "flag_form": StandingFlagForm(), "clear_form": ClearFlagForm(),
        "incubated_by": incubated_by([party.id]).get(party.id),
    }
    if context["can_edit"]:
        context["completeness"] = queries.completeness(profile_row, areas=areas, capabilities=capability_rows,
                                                       credentials=credential_rows, projects=projects, today=today)
    return render_template("organisations/profile.html", **context)


# --- The organisation's own pages ---------------------------------------------------------

def _profile_input(form: ProfileForm) -> services.ProfileInput:
    names = [f.name for f in fields(services.ProfileInput)]
    values = {name: getattr(form, name).data for name in names}
    values["legal_form"] = LegalForm(form.legal_form.data)
    values["grade"] = form.grade.data or None
    return services.ProfileInput(**values)


@bp.route("/<int:party_id>/edit", methods=["GET", "POST"])
@login_required
def edit(party_id: int):
    party = _editable(party_id)
    existing = db.session.get(OrganisationProfile, party.id)
    form = ProfileForm(obj=existing) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.name.data, form.name_en.data = party.name, party.name_en
        form.legal_form.data = existing.legal_form.value if existing else LegalForm.SOCIAL_SERVICE_INSTITUTION.value
        form.grade.data = existing.grade if existing and existing.grade else ""
    if form.validate_on_submit():
        try:
            services.rename(party, form.name.data, form.name_en.data)
            services.save_profile(party, _profile_input(form), today=local_today())
            db.session.commit()
        except services.ProfileErrors as errors:
            db.session.rollback()
            for field_name, message in errors.problems:
                attach_error(form, DomainError(message, field=field_name))
        else:
            flash(_("Profile saved."), "success")
            return redirect(url_for("organisations.profile", party_id=party.id))
    return render_form_page("organisations/edit.html", form, party=party)


@bp.route("/<int:party_id>/areas", methods=["GET", "POST"])
@login_required
def areas(party_id: int):
    party = _editable(party_id)
    form = AreasForm()
    if request.method == "GET":
        form.regions.data = ",".join(area.region_code for area in services.service_areas(party))
    if form.validate_on_submit() and commit_or_show_on_form(form, lambda: services.set_service_areas(
            party, services.parse_region_codes(form.regions.data or ""))):
        flash(_("Service areas saved."), "success")
        return redirect(url_for("organisations.profile", party_id=party.id))
    return render_form_page("organisations/areas.html", form, party=party,
                            current=[area.region_code for area in services.service_areas(party)])


def _capability_input(form: CapabilityForm) -> services.CapabilityInput:
    return services.CapabilityInput(
        category_code=form.category_code.data, statement=form.statement.data, statement_en=form.statement_en.data,
        target_groups=form.target_groups.data, years=form.years.data or 0, projects=form.projects.data or 0,
        beneficiaries=form.beneficiaries.data or 0)


@bp.route("/<int:party_id>/capabilities", methods=["GET", "POST"])
@login_required
def capabilities(party_id: int):
    party = _editable(party_id)
    form = CapabilityForm()
    if form.validate_on_submit() and commit_or_show_on_form(
            form, lambda: services.save_capability(party, _capability_input(form))):
        flash(_("Capability saved."), "success")
        return redirect(url_for("organisations.capabilities", party_id=party.id))
    return render_form_page("organisations/capabilities.html", form, party=party,
                            capabilities=services.capabilities(party))


@bp.route("/capabilities/<int:capability_id>/edit", methods=["GET", "POST"])
@login_required
def edit_capability(capability_id: int):
    capability = db.get_or_404(Capability, capability_id)
    party = _editable(capability.party_id)
    form = CapabilityForm(obj=capability) if request.method == "GET" else CapabilityForm()
    if form.validate_on_submit() and commit_or_show_on_form(
            form, lambda: services.save_capability(party, _capability_input(form), capability)):
        flash(_("Capability saved."), "success")
        return redirect(url_for("organisations.capabilities", party_id=party.id))
    return render_form_page("organisations/capability_form.html", form, party=party, capability=capability)


@bp.post("/capabilities/<int:capability_id>/delete")
@login_required
def delete_capability(capability_id: int):
    capability = db.get_or_404(Capability, capability_id)
    party = _editable(capability.party_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(lambda: services.delete_capability(capability), _("Capability removed."))
    return redirect(url_for("organisations.capabilities", party_id=party.id))


def _credential_input(form: CredentialForm) -> services.CredentialInput:
    return services.CredentialInput(type=CredentialType(form.type.data), number=form.number.data.strip(),
                                    issuer=form.issuer.data.strip(), issued_on=form.issued_on.data,
                                    expires_on=form.expires_on.data)


def _uploaded(form: CredentialForm) -> tuple[bytes, str] | None:
    upload = form.document.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return upload.read(documents.MAX_DOCUMENT_BYTES + 1), upload.filename


@bp.route("/<int:party_id>/credentials", methods=["GET", "POST"])
@login_required
def credentials(party_id: int):
    party = _editable(party_id)
    form = CredentialForm()
    if form.validate_on_submit() and commit_or_show_on_form(form, lambda: services.add_credential(
            party, _credential_input(form), _uploaded(form), today=local_today())):
        flash(_("Credential added. A verifier will check it."), "success")
        return redirect(url_for("organisations.credentials", party_id=party.id))
    return render_form_page("organisations/credentials.html", form, party=party,
                            credentials=services.credentials(party), today=local_today())


@bp.route("/credentials/<int:credential_id>/edit", methods=["GET", "POST"])
@login_required
def edit_credential(credential_id: int):
    credential = db.get_or_404(Credential, credential_id)
    authorize(current_user, "edit", credential)
    party = _editable(credential.party_id)
    form = CredentialForm(obj=credential) if request.method == "GET" else CredentialForm()
    if request.method == "GET":
        form.type.data = credential.type.value
    if form.validate_on_submit() and commit_or_show_on_form(form, lambda: services.update_credential(
            credential, _credential_input(form), _uploaded(form), today=local_today())):
        flash(_("Credential saved."), "success")
        return redirect(url_for("organisations.credentials", party_id=party.id))
    return render_form_page("organisations/credential_form.html", form, party=party, credential=credential)


@bp.post("/credentials/<int:credential_id>/delete")
@login_required
def delete_credential(credential_id: int):
    credential = db.get_or_404(Credential, credential_id)
    authorize(current_user, "edit", credential)
    party_id = credential.party_id
    acting_for(party_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(lambda: services.delete_credential(credential), _("Credential removed."))
    return redirect(url_for("organisations.credentials", party_id=party_id))


@bp.get("/credentials/<int:credential_id>/document")
@login_required
def credential_document(credential_id: int):
    credential = db.get_or_404(Credential, credential_id)
    authorize(current_user, "view_document", credential)
    if not credential.document_name:
        abort(404)
    return send_stored_document(lambda: documents.path_of(credential.document_name), credential.document_type,
                                credential.document_filename or credential.document_name)


@bp.route("/<int:party_id>/projects", methods=["GET", "POST"])
@login_required
def projects(party_id: int):
    party = _editable(party_id)
    form = PastProjectForm()
    if form.validate_on_submit() and commit_or_show_on_form(form, lambda: services.add_past_project(
            party, services.PastProjectInput(
                title=form.title.data.strip(), buyer=form.buyer.data.strip(), started_on=form.started_on.data,
                ended_on=form.ended_on.data, category_code=form.category_code.data or None, value=form.value.data,
                beneficiaries=form.beneficiaries.data, reference_contact=form.reference_contact.data or None),
            today=local_today())):
        flash(_("Project added."), "success")
        return redirect(url_for("organisations.projects", party_id=party.id))
    return render_form_page("organisations/projects.html", form, party=party, projects=services.past_projects(party))


@bp.post("/projects/<int:project_id>/delete")
@login_required
def delete_project(project_id: int):
    project = db.get_or_404(PastProject, project_id)
    authorize(current_user, "edit", project)
    party_id = project.party_id
    acting_for(party_id)
    if ConfirmForm().validate_on_submit():
        commit_or_flash(lambda: services.delete_past_project(project), _("Project removed."))
    return redirect(url_for("organisations.projects", party_id=party_id))


# --- Verifiers ------------------------------------------------------------------------

@bp.get("/verification")
@login_required
def verification():
    authorize(current_user, "verify_organisations")
    pending = services.pending_credentials()
    names = {party.id: party for party in db.session.scalars(
        db.select(Party).where(Party.id.in_({c.party_id for c in pending})))}
    return render_template("organisations/verification.html", pending=pending, parties=names,
                           form=CredentialDecisionForm(), today=local_today())


@bp.post("/credentials/<int:credential_id>/decide")
@login_required
def decide_credential(credential_id: int):
    authorize(current_user, "verify_organisations")
    credential = db.get_or_404(Credential, credential_id)
    form = CredentialDecisionForm()
    if form.validate_on_submit():
        verify = bool(form.verify.data)
        commit_or_flash(lambda: services.decide_credential(credential, verify=verify, reason=form.reason.data,
                                                           by=current_user),
                        _("Credential verified.") if verify else _("Credential rejected."))
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//")
                    else url_for("organisations.verification"))


@bp.post("/<int:party_id>/flags")
@login_required
def add_flag(party_id: int):
    authorize(current_user, "verify_organisations")
    party = _organisation(party_id)
    form = StandingFlagForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.add_standing_flag(
            party, StandingFlagKind(form.kind.data), form.source.data, form.listed_on.data, by=current_user,
            today=local_today()), _("Listing recorded."))
    else:
        flash_form_errors(form)
    return redirect(url_for("organisations.profile", party_id=party.id))


@bp.post("/flags/<int:flag_id>/clear")
@login_required
def clear_flag(flag_id: int):
    authorize(current_user, "verify_organisations")
    flag = db.get_or_404(StandingFlag, flag_id)
    form = ClearFlagForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.clear_standing_flag(flag, form.reason.data, by=current_user,
                                                             today=local_today()), _("Listing cleared."))
    else:
        flash_form_errors(form)
    return redirect(url_for("organisations.profile", party_id=flag.party_id))


# --- Bulk import ----------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@login_required
def bulk_import():
    authorize(current_user, "import_organisations")
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = transfer.read_rows(upload.read(), upload.filename)
            report = transfer.check_rows(rows, today=local_today())
            if form.mode.data != "dry_run":
                transfer.import_rows(report, only_valid=form.mode.data == "valid_only", by=current_user,
                                     today=local_today())
                db.session.commit()
                flash(_("%(n)d organisation(s) imported.", n=report.imported), "success")
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
    status = 400 if form.errors or (report and report.invalid and form.mode.data == "all") else 200
    return render_template("organisations/import.html", form=form, report=report, columns=transfer.COLUMNS), status


@bp.get("/import/template.csv")
@login_required
def import_template():
    authorize(current_user, "import_organisations")
    return Response(transfer.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=organisations-template.csv"})


@bp.app_context_processor
def registry_helpers():
    return {"catalogue": catalogue, "regions": regions, "today_date": local_today(),
            "CREDENTIAL_TYPE_LABELS": CREDENTIAL_TYPE_LABELS, "LEGAL_FORM_LABELS": LEGAL_FORM_LABELS,
            "STANDING_FLAG_LABELS": STANDING_FLAG_LABELS}
