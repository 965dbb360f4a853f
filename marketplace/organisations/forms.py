"""Registry forms. Domain rules (credit code, regions, dates) live in services; these check shape."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from marketplace import catalogue
from marketplace.i18n import current_locale
from marketplace.models import GRADES

LEGAL_FORM_LABELS = {
    "social_group": _l("Social group (社会团体)"),
    "social_service_institution": _l("Social service institution (社会服务机构)"),
    "foundation": _l("Foundation (基金会)"),
    "unregistered": _l("Unregistered community group"),
    "other": _l("Other"),
}
CREDENTIAL_TYPE_LABELS = {
    "registration_certificate": _l("Registration certificate"),
    "grade_certificate": _l("Evaluation grade certificate"),
    "elderly_care_filing": _l("Elderly-care institution filing"),
    "medical_institution_licence": _l("Medical institution licence"),
    "social_work_qualification": _l("Social-work qualification certificate"),
    "annual_audit_report": _l("Annual audit report"),
    "tax_exemption": _l("Tax exemption"),
    "insurance": _l("Insurance"),
    "other": _l("Other"),
}
STANDING_FLAG_LABELS = {
    "abnormal_activity": _l("Abnormal-activity list (活动异常名录)"),
    "serious_dishonesty": _l("Serious-dishonesty list (严重违法失信名单)"),
}


def _choices(labels: dict, empty=None) -> list[SelectChoice]:
    choices = [SelectChoice("", empty)] if empty is not None else []
    return choices + [SelectChoice(value, label) for value, label in labels.items()]


def category_choices(empty=None) -> list[SelectChoice]:
    locale = current_locale()
    choices = [SelectChoice("", empty)] if empty is not None else []
    for group in catalogue.groups():
        choices += [SelectChoice(service.code, service.name(locale), optgroup=group.name(locale))
                    for service in group.services]
    return choices


def category_filter_choices() -> list[SelectChoice]:
    """Groups (all their services) and single services, for the directory filter."""
    locale = current_locale()
    choices = [SelectChoice("", _l("Any service"))]
    for group in catalogue.groups():
        choices.append(SelectChoice(group.code, _l("%(group)s (all)", group=group.name(locale)),
                                    optgroup=group.name(locale)))
        choices += [SelectChoice(service.code, service.name(locale), optgroup=group.name(locale))
                    for service in group.services]
    return choices


def _count(label, description=None):
    return IntegerField(label, description=description, validators=[
        Optional(), NumberRange(min=0, max=10_000_000, message=_l("Enter a whole number, 0 or more."))])


def _text(label, max_length, description=None, required=None):
    validators = [InputRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=_l("At most %(n)d characters.", n=max_length)))
    return StringField(label, description=description, validators=validators)


class ProfileForm(FlaskForm):
    name = _text(_l("Name (Chinese)"), 200, required=_l("Enter the organisation's name."))
    name_en = _text(_l("Name in English (optional)"), 200)
    legal_form = SelectField(_l("Legal form"), choices=lambda: _choices(LEGAL_FORM_LABELS))
    credit_code = _text(_l("Unified social credit code"), 30,
                        description=_l("18 characters, on the registration certificate. Leave empty only for an "
                                       "unregistered group."))
    registered_on = DateField(_l("Registration date"), validators=[Optional()])
    registration_authority = _text(_l("Registration authority"), 200,
                                   description=_l("e.g. 宝鸡市民政局 (Baoji Civil Affairs Bureau)"))
    home_region = _text(_l("Home region (division code)"), 6,
                        description=_l("Where the organisation is based: choose a county, or type its 6-digit code."))
    address = _text(_l("Address"), 300)
    contact_name = _text(_l("Contact person"), 100)
    contact_phone = _text(_l("Contact phone"), 40, description=_l("Shown only to approved agencies."))
    contact_email = EmailField(_l("Contact e-mail"), description=_l("Shown only to approved agencies."),
                               validators=[Optional(), Email(message=_l("Enter a valid e-mail address."),
                                                             check_deliverability=False), Length(max=254)])
    mission = TextAreaField(_l("Mission (Chinese)"), validators=[Optional(), Length(max=4000)])
    mission_en = TextAreaField(_l("Mission in English (optional)"), validators=[Optional(), Length(max=4000)])
    headcount = _count(_l("Headcount"))
    full_time_staff = _count(_l("Full-time staff"))
    social_workers_assistant = _count(_l("Certified social workers: assistant (助理社会工作师)"))
    social_workers_intermediate = _count(_l("Certified social workers: intermediate (社会工作师)"))
    social_workers_senior = _count(_l("Certified social workers: senior (高级社会工作师)"))
    volunteers = _count(_l("Registered volunteers"))
    annual_capacity = _count(_l("Annual capacity (beneficiaries a year)"))
    current_commitments = _count(_l("Current commitments (beneficiaries already served under contract)"))
    grade = SelectField(_l("Evaluation grade"), choices=lambda: [SelectChoice("", _l("None"))] + [
        SelectChoice(g, g) for g in GRADES])
    grade_awarded_on = DateField(_l("Grade awarded on"), description=_l("A grade is valid for five years."),
                                 validators=[Optional()])
    submit = SubmitField(_l("Save profile"))


class AreasForm(FlaskForm):
    regions = StringField(_l("Service areas"), description=_l(
        "Division codes separated by commas. Covering a city covers all its counties."),
        validators=[Length(max=2000, message=_l("At most %(n)d characters.", n=2000))])
    submit = SubmitField(_l("Save service areas"))


class CapabilityForm(FlaskForm):
    category_code = SelectField(_l("Service"), choices=lambda: category_choices())
    statement = TextAreaField(_l("Capability statement (Chinese)"), description=_l(
        "Methods, who you serve, and the outcomes you achieve."), validators=[
        InputRequired(message=_l("Describe what you do in this service.")), Length(max=4000)])
    statement_en = TextAreaField(_l("Capability statement in English (optional)"),
                                 validators=[Optional(), Length(max=4000)])
    target_groups = _text(_l("Target groups"), 500)
    years = _count(_l("Years of experience in this service"))
    projects = _count(_l("Projects delivered"))
    beneficiaries = _count(_l("Beneficiaries served"))
    submit = SubmitField(_l("Save"))


class CredentialForm(FlaskForm):
    type = SelectField(_l("Type"), choices=lambda: _choices(CREDENTIAL_TYPE_LABELS))
    number = _text(_l("Number"), 100, required=_l("Enter the certificate or document number."))
    issuer = _text(_l("Issued by"), 200, required=_l("Enter who issued it."))
    issued_on = DateField(_l("Issue date"), validators=[InputRequired(message=_l("Enter the issue date."))])
    expires_on = DateField(_l("Expiry date"), description=_l("Leave empty if it does not expire."),
                           validators=[Optional()])
    document = FileField(_l("Document (PDF, JPEG or PNG, at most 10 MB)"))
    submit = SubmitField(_l("Save credential"))


class CredentialDecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (required to reject)"), validators=[Optional(), Length(max=1000)])
    verify = SubmitField(_l("Verify"))
    reject = SubmitField(_l("Reject"))


class StandingFlagForm(FlaskForm):
    kind = SelectField(_l("List"), choices=lambda: _choices(STANDING_FLAG_LABELS))
    source = _text(_l("Source (authority, decision number, link)"), 500, required=_l("Name the source."))
    listed_on = DateField(_l("Listed on"), validators=[InputRequired(message=_l("Enter the listing date."))])
    submit = SubmitField(_l("Record listing"))


class ClearFlagForm(FlaskForm):
    reason = _text(_l("Why it is cleared"), 500, required=_l("Say why the listing is cleared."))
    submit = SubmitField(_l("Clear listing"))


class PastProjectForm(FlaskForm):
    title = _text(_l("Project"), 200, required=_l("Enter the project's name."))
    buyer = _text(_l("Buyer"), 200, required=_l("Enter who bought the service."))
    category_code = SelectField(_l("Service"), choices=lambda: category_choices(empty=_l("—")))
    started_on = DateField(_l("Start"), validators=[InputRequired(message=_l("Enter the start date."))])
    ended_on = DateField(_l("End"), validators=[Optional()])
    value = DecimalField(_l("Value (CNY)"), places=2, validators=[
        Optional(), NumberRange(min=0, message=_l("Enter an amount of 0 or more."))])
    beneficiaries = _count(_l("Beneficiaries"))
    reference_contact = _text(_l("Reference contact"), 200)
    submit = SubmitField(_l("Add project"))


class DirectorySearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = _text(_l("Search"), 100)
    category = SelectField(_l("Service"), choices=lambda: category_filter_choices(), validate_choice=False)
    region = _text(_l("Serving region (division code)"), 6)
    min_grade = SelectField(_l("Grade at least"), choices=lambda: [SelectChoice("", _l("Any"))] + [
        SelectChoice(g, g) for g in GRADES], validate_choice=False)
    legal_form = SelectField(_l("Legal form"), choices=lambda: _choices(LEGAL_FORM_LABELS, _l("Any")),
                             validate_choice=False)
    credential = SelectField(_l("Holds a verified"), choices=lambda: _choices(CREDENTIAL_TYPE_LABELS, _l("Any")),
                             validate_choice=False)


class ImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet (CSV or XLSX)"), validators=[FileRequired(message=_l("Choose a file."))])
    mode = RadioField(_l("What to do"), default="dry_run", choices=[
        SelectChoice("dry_run", _l("Check only (dry run): report every row's problems, write nothing")),
        SelectChoice("all", _l("Import if every row is valid; otherwise write nothing")),
        SelectChoice("valid_only", _l("Import the valid rows and report the others")),
    ])
    submit = SubmitField(_l("Upload"))
