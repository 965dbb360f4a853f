"""Incubation forms: they check shape; the rules (gates, overlaps, budget) live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from marketplace.models import SupportKind
from marketplace.organisations.forms import category_choices

SUPPORT_KIND_LABELS = {
    SupportKind.SPACE.value: _l("Space"),
    SupportKind.EQUIPMENT.value: _l("Equipment"),
    SupportKind.SEED_FUNDING.value: _l("Seed funding"),
    SupportKind.TRAINING.value: _l("Training"),
    SupportKind.PROJECT_SUPPORT.value: _l("Project support"),
}


def _text(label, max_length, required=None, description=None):
    validators = [InputRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=_l("At most %(n)d characters.", n=max_length)))
    return StringField(label, description=description, validators=validators)


class ProgrammeForm(FlaskForm):
    name = _text(_l("Name"), 200, required=_l("Give the programme a name."))
    focus_categories = SelectMultipleField(_l("Focus services"), choices=lambda: category_choices(),
                                           validators=[InputRequired(message=_l("Choose at least one service."))])
    focus_regions = StringField(_l("Focus regions"), description=_l("Division codes separated by commas."),
                                validators=[InputRequired(message=_l("Choose at least one region.")),
                                            Length(max=500, message=_l("At most %(n)d characters.", n=500))])
    starts_on = DateField(_l("Starts"), validators=[InputRequired(message=_l("Enter the start date."))])
    ends_on = DateField(_l("Ends"), validators=[InputRequired(message=_l("Enter the end date."))])
    capacity = IntegerField(_l("Capacity (groups)"), validators=[
        InputRequired(message=_l("Enter how many groups it takes.")),
        NumberRange(min=1, max=500, message=_l("Between %(min)d and %(max)d.", min=1, max=500))])
    budget = DecimalField(_l("Budget (CNY)"), places=2, validators=[
        InputRequired(message=_l("Enter the budget.")),
        NumberRange(min=0, message=_l("Enter an amount of 0 or more."))])
    support_offered = TextAreaField(_l("Support offered"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save programme"))


class EnrolForm(FlaskForm):
    organisation_id = IntegerField(_l("Organisation number"), description=_l(
        "The number in the organisation's directory address (/organisations/<number>)."),
        validators=[InputRequired(message=_l("Enter the organisation's number."))])
    intake_assessment = TextAreaField(_l("Intake assessment"), validators=[
        InputRequired(message=_l("Record the intake assessment.")), Length(max=4000)])
    submit = SubmitField(_l("Enrol"))


class NewGroupForm(FlaskForm):
    name = _text(_l("Group name"), 200, required=_l("Give the group a name."))
    name_en = _text(_l("English name"), 200)
    home_region = StringField(_l("Home region"), validators=[
        InputRequired(message=_l("Choose the group's home region.")), Length(max=6)])
    contact_name = _text(_l("Contact person"), 100)
    contact_phone = _text(_l("Contact phone"), 40)
    claim_email = StringField(_l("E-mail of the group's leader (invited to claim the group)"), validators=[
        Optional(), Length(max=254), Email(message=_l("Enter a valid e-mail address, like name@example.org."))])
    intake_assessment = TextAreaField(_l("Intake assessment"), validators=[
        InputRequired(message=_l("Record the intake assessment.")), Length(max=4000)])
    submit = SubmitField(_l("Create and enrol"))


class MentorForm(FlaskForm):
    email = _text(_l("Mentor's e-mail"), 254, required=_l("Enter the mentor's e-mail."), description=_l(
        "Staff of the incubator, or an outside expert invited to it with the mentor role."))
    submit = SubmitField(_l("Add mentor"))


class MoveForm(FlaskForm):
    stage = SelectField(_l("Move to"), validate_choice=False)
    note = _text(_l("Note"), 500)
    submit = SubmitField(_l("Move"))


class ActionEntry(Form):
    text = _text(_l("Action"), 300)
    owner = _text(_l("Owner"), 100)
    due_on = DateField(_l("Due"), validators=[Optional()])


class SessionForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))])
    topics = _text(_l("Topics"), 300, required=_l("Say what the session covered."))
    notes = TextAreaField(_l("Notes"), description=_l("Seen only by the incubator, the programme's mentors and "
                                                       "the group."), validators=[Optional(), Length(max=8000)])
    actions = FieldList(FormField(ActionEntry), min_entries=3, max_entries=10)
    submit = SubmitField(_l("Record session"))


class SupportForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=lambda: [SelectChoice(k, v) for k, v in SUPPORT_KIND_LABELS.items()])
    description = _text(_l("What"), 300, required=_l("Describe the support."))
    amount = DecimalField(_l("Value (CNY)"), places=2, validators=[
        InputRequired(message=_l("Enter the value.")), NumberRange(min=0, message=_l("Enter an amount of 0 or more."))])
    given_on = DateField(_l("Given on"), validators=[InputRequired(message=_l("Enter the date."))])
    confirm_over_budget = BooleanField(_l("Record it even if it goes over the programme's budget"))
    submit = SubmitField(_l("Record support"))


class GapFilterForm(FlaskForm):
    class Meta:
        csrf = False

    region = StringField(_l("Region"), validators=[Optional(), Length(max=6)])
    by = SelectField(_l("Columns"), choices=[SelectChoice("group", _l("Service groups")),
                                              SelectChoice("service", _l("Services"))], default="group")
    thin = BooleanField(_l("Thin markets only"))
