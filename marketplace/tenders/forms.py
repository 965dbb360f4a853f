"""Tender forms. Lots and criteria are fixed slots; empty slots are ignored."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import FieldList
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.models import GRADES
from marketplace.organisations.forms import CREDENTIAL_TYPE_LABELS, category_choices

METHOD_LABELS = {
    "open_tender": _l("Open tender (公开招标)"),
    "competitive_consultation": _l("Competitive consultation (竞争性磋商)"),
    "competitive_negotiation": _l("Competitive negotiation (竞争性谈判)"),
    "single_source": _l("Single source (单一来源)"),
    "entrustment": _l("Entrustment (委托)"),
    "post_purchase": _l("Post purchase (岗位购买)"),
}
UNIT_LABELS = {
    "person_day": _l("per person-day"),
    "person_month": _l("per person-month"),
    "post_year": _l("per post-year"),
    "session": _l("per session"),
    "lump_sum": _l("lump sum"),
}
EVALUATION_LABELS = {
    "comprehensive": _l("Comprehensive scoring (综合评分法)"),
    "lowest_price": _l("Lowest price among qualified bids (最低评标价法)"),
}
MAX_LOTS = 5
MAX_CRITERIA = 6


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class LotForm(Form):
    title = StringField(_l("Lot title"), validators=[Optional(), Length(max=200)])
    regions = StringField(_l("Regions served (division codes)"), validators=[Optional(), Length(max=500)])
    pricing_unit = SelectField(_l("Pricing unit"), choices=lambda: _choices(UNIT_LABELS))
    quantity = DecimalField(_l("Quantity"), places=2, validators=[Optional(), NumberRange(
        min=0, message=_l("Enter a quantity of 0 or more."))])
    ceiling_unit_price = DecimalField(_l("Ceiling unit price (CNY)"), places=2, validators=[Optional(), NumberRange(
        min=0, message=_l("Enter an amount of 0 or more."))])
    post_qualification = StringField(_l("Qualification per post"), validators=[Optional(), Length(max=500)])
    place_of_work = StringField(_l("Place of work"), validators=[Optional(), Length(max=300)])
    required_credentials = SelectMultipleField(_l("Required credentials"),
                                               choices=lambda: _choices(CREDENTIAL_TYPE_LABELS))
    min_grade = SelectField(_l("Minimum grade"), choices=lambda: [SelectChoice("", _l("None"))] + [
        SelectChoice(g, g) for g in GRADES])
    min_years_registered = IntegerField(_l("Minimum years since registration"),
                                        validators=[Optional(), NumberRange(min=0, max=100)])
    min_social_workers = IntegerField(_l("Minimum certified social workers"),
                                      validators=[Optional(), NumberRange(min=0, max=10000)])
    min_annual_capacity = IntegerField(_l("Minimum spare capacity (beneficiaries a year)"),
                                       validators=[Optional(), NumberRange(min=0)])
    based_in = StringField(_l("Providers must be based in (division code)"), validators=[Optional(), Length(max=6)])
    no_bad_standing = BooleanField(_l("Exclude organisations on a bad-standing list"), default=True)


class CriterionForm(Form):
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)])
    weight = IntegerField(_l("Points"), validators=[Optional(), NumberRange(min=0, max=100)])
    guidance = StringField(_l("Scoring guidance"), validators=[Optional(), Length(max=1000)])


class TenderForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(message=_l("Give the tender a title.")),
                                                 Length(max=200)])
    description = TextAreaField(_l("Description of the need"), validators=[
        InputRequired(message=_l("Describe the service needed.")), Length(max=20000)])
    category_code = SelectField(_l("Service"), choices=lambda: category_choices())
    procurement_method = SelectField(_l("Procurement method"), choices=lambda: _choices(METHOD_LABELS))
    beneficiaries = StringField(_l("Beneficiaries (who)"), validators=[Optional(), Length(max=500)])
    beneficiaries_count = IntegerField(_l("Beneficiaries (how many)"), validators=[Optional(), NumberRange(min=0)])
    service_start = DateField(_l("Service starts"), validators=[InputRequired(message=_l("Enter the start date."))])
    service_end = DateField(_l("Service ends"), validators=[InputRequired(message=_l("Enter the end date."))])
    deliverables = TextAreaField(_l("Deliverables"), validators=[Optional(), Length(max=10000)])
    outcome_indicators = TextAreaField(_l("Outcome indicators"), validators=[Optional(), Length(max=10000)])
    evaluation_method = SelectField(_l("Evaluation method"), choices=lambda: _choices(EVALUATION_LABELS))
    price_weight = IntegerField(_l("Price weight (points of 100)"), default=30,
                                validators=[Optional(), NumberRange(min=0, max=100)])
    deadline = DateTimeLocalField(_l("Bid deadline (China time)"), format="%Y-%m-%dT%H:%M",
                                  validators=[Optional()])
    clarification_deadline = DateTimeLocalField(_l("Questions close (China time)"), format="%Y-%m-%dT%H:%M",
                                                validators=[Optional()])
    objection_days = IntegerField(_l("Objection period (days)"), default=3,
                                  validators=[Optional(), NumberRange(min=1, max=30)])
    lots = FieldList(FormField(LotForm), min_entries=MAX_LOTS, max_entries=MAX_LOTS)
    criteria = FieldList(FormField(CriterionForm), min_entries=MAX_CRITERIA, max_entries=MAX_CRITERIA)
    submit = SubmitField(_l("Save draft"))


class AmendmentForm(FlaskForm):
    summary = TextAreaField(_l("What changes, for bidders"), validators=[
        InputRequired(message=_l("Summarise the amendment.")), Length(max=4000)])
    description = TextAreaField(_l("Description of the need"), validators=[Optional(), Length(max=20000)])
    deliverables = TextAreaField(_l("Deliverables"), validators=[Optional(), Length(max=10000)])
    outcome_indicators = TextAreaField(_l("Outcome indicators"), validators=[Optional(), Length(max=10000)])
    deadline = DateTimeLocalField(_l("Bid deadline (China time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    material = BooleanField(_l("Material change (affects how organisations prepare their bids)"))
    submit = SubmitField(_l("Publish amendment"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (published)"), validators=[
        InputRequired(message=_l("Give the reason.")), Length(max=4000)])
    submit = SubmitField(_l("Confirm"))


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Your question"), validators=[
        InputRequired(message=_l("Write your question.")), Length(max=4000)])
    submit = SubmitField(_l("Ask"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer (public)"), validators=[
        InputRequired(message=_l("Write the answer.")), Length(max=8000)])
    submit = SubmitField(_l("Publish answer"))


class RerunForm(FlaskForm):
    procurement_method = SelectField(_l("Procedure of the new round"), choices=lambda: _choices(METHOD_LABELS))
    justification = TextAreaField(_l("Justification (required to change the procedure; published)"),
                                  validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Create the new round"))


class TenderSearchForm(FlaskForm):
    class Meta:
        csrf = False

    category = SelectField(_l("Service"), choices=lambda: [SelectChoice("", _l("Any service"))] + category_choices(),
                           validate_choice=False)
    region = StringField(_l("Region (division code)"), validators=[Optional(), Length(max=6)])
    method = SelectField(_l("Method"), choices=lambda: [SelectChoice("", _l("Any"))] + _choices(METHOD_LABELS),
                         validate_choice=False)
    status = SelectField(_l("Status"), choices=lambda: [
        SelectChoice("open", _l("Open for bids")), SelectChoice("closed", _l("Closed, awarded or failed")),
        SelectChoice("all", _l("All"))], default="open", validate_choice=False)
    budget_min = DecimalField(_l("Budget from (CNY)"), validators=[Optional()])
    budget_max = DecimalField(_l("Budget up to (CNY)"), validators=[Optional()])
    deadline_before = DateField(_l("Deadline before"), validators=[Optional()])
