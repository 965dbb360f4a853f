"""Account, party and token forms. Every validator carries its own translatable message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, NumberRange, Optional

from marketplace.i18n import LOCALE_LABELS

EMAIL_VALIDATORS = [
    InputRequired(message=_l("Enter your e-mail address.")),
    Email(message=_l("Enter a valid e-mail address, like name@example.org."), check_deliverability=False),
    Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
]

PARTY_KIND_CHOICES = [
    SelectChoice("", _l("Myself only (for example an expert evaluator)")),
    SelectChoice("agency", _l("A government agency that buys services (needs approval)")),
    SelectChoice("organisation", _l("A social organisation that provides services")),
    SelectChoice("incubator", _l("An incubator that cultivates emerging groups (needs approval)")),
]
MEMBER_ROLE_CHOICES = [SelectChoice("member", _l("Member")), SelectChoice("admin", _l("Administrator")),
                       SelectChoice("mentor", _l("Mentor (incubators: an outside expert)"))]


def locale_choices():
    return [SelectChoice("", _l("As my browser says"))] + [
        SelectChoice(code, label) for code, label in LOCALE_LABELS.items()]


def new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Choose a password."))],
        description=_l("At least 10 characters; not a common password."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(message=_l("Repeat the password.")),
                    EqualTo("password", message=_l("The two passwords are not the same."))],
    )
    return password, confirm


class SignUpForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[
        InputRequired(message=_l("Enter your name.")),
        Length(max=120, message=_l("A name has at most 120 characters.")),
    ])
    email = EmailField(_l("E-mail address"), validators=EMAIL_VALIDATORS)
    password, confirm = new_password_fields()
    party_kind = RadioField(_l("I represent"), choices=PARTY_KIND_CHOICES, default="",
                            validate_choice=True)
    party_name = StringField(_l("Name of the body (in Chinese)"), validators=[
        Optional(), Length(max=200, message=_l("A name has at most 200 characters."))])
    party_name_en = StringField(_l("Name of the body in English (optional)"), validators=[
        Optional(), Length(max=200, message=_l("A name has at most 200 characters."))])
    submit = SubmitField(_l("Create account"))


class InvitedSignUpForm(FlaskForm):
    name = SignUpForm.name
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Create account and join"))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL_VALIDATORS)
    password = PasswordField(_l("Password"), validators=[InputRequired(message=_l("Enter your password."))])
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL_VALIDATORS)
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(message=_l("Enter your current password."))])
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Change password"))


class ProfileForm(FlaskForm):
    name = SignUpForm.name
    locale = SelectField(_l("Language"), choices=locale_choices, default="")
    submit = SubmitField(_l("Save"))


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Token name"), description=_l("What will use it, e.g. 'bureau data sync'."),
                       validators=[InputRequired(message=_l("Give the token a name.")),
                                   Length(max=100, message=_l("A name has at most 100 characters."))])
    expires_in_days = IntegerField(_l("Expires after (days)"), default=90,
                                   description=_l("Leave empty for a token that does not expire."),
                                   validators=[Optional(), NumberRange(min=1, max=3650, message=_l(
                                       "Choose between 1 and 3650 days."))])
    submit = SubmitField(_l("Create token"))


class InviteMemberForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL_VALIDATORS)
    role = SelectField(_l("Role"), choices=MEMBER_ROLE_CHOICES, default="member")
    submit = SubmitField(_l("Send invitation"))


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=MEMBER_ROLE_CHOICES)
    submit = SubmitField(_l("Change role"))


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: CSRF protection and nothing else."""

    submit = SubmitField(_l("Confirm"))
