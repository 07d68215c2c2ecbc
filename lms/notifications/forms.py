"""The preferences form: one choice of channel per kind of notice (locked kinds are shown, not chosen)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from lms.notifications.kinds import KINDS
from lms.notifications.models import Channel

#: How each channel reads on the preferences page.
CHANNEL_LABELS = {
    Channel.BOTH: _l("In the app and by e-mail"),
    Channel.IN_APP: _l("In the app only"),
    Channel.EMAIL: _l("By e-mail only"),
    Channel.NONE: _l("Off"),
}


class PreferencesForm(FlaskForm):
    """A radio group per kind that may be changed (fields named after the kinds, added below)."""

    submit = SubmitField(_l("Save"))

    @classmethod
    def for_channels(cls, current: dict[str, Channel], *, user, **kwargs) -> PreferencesForm:
        """The form for `user`: the kinds that concern them (Kind.concerns), each with its current channel chosen
        (posted data, when there is some, wins)."""
        form = cls(data={name: channel.value for name, channel in current.items() if name in cls.all_kind_names()},
                   **kwargs)
        for name in cls.all_kind_names():
            if not KINDS[name].concerns(user):
                del form[name]
        return form

    @staticmethod
    def all_kind_names() -> list[str]:
        """The kinds a form may ask about: every registered kind that is not locked."""
        return [name for name, kind in KINDS.items() if not kind.locked]

    def kind_names(self) -> list[str]:
        """The kinds this form asks about."""
        return [name for name in self.all_kind_names() if name in self]

    def choices(self) -> dict[str, Channel]:
        """The channel chosen for each kind."""
        return {name: Channel(self[name].data) for name in self.kind_names()}


for _name in PreferencesForm.all_kind_names():
    setattr(PreferencesForm, _name, RadioField(KINDS[_name].label, validators=[InputRequired()],
                                               choices=[SelectChoice(c.value, CHANNEL_LABELS[c]) for c in Channel]))
