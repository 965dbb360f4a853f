from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (required to reject; shown to the applicant)"), validators=[
        Optional(), Length(max=1000, message=_l("At most 1000 characters."))])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Platform role"), choices=[SelectChoice("expert", _l("Expert evaluator")),
                                                     SelectChoice("admin", _l("Platform administrator"))])
    grant = SubmitField(_l("Grant"))
    revoke = SubmitField(_l("Revoke"))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=100)])
