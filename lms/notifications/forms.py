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
    def for_channels(cls, current: dict[str, Channel], **kwargs) -> PreferencesForm:
        """The form with each kind's current channel chosen (posted data, when there is some, wins)."""
        return cls(data={name: channel.value for name, channel in current.items() if name in cls.kind_names()},
                   **kwargs)

    @staticmethod
    def kind_names() -> list[str]:
        """The kinds the form asks about: every registered kind that is not locked."""
        return [name for name, kind in KINDS.items() if not kind.locked]

    def choices(self) -> dict[str, Channel]:
        """The channel chosen for each kind."""
        return {name: Channel(self[name].data) for name in self.kind_names()}


for _name in PreferencesForm.kind_names():
    setattr(PreferencesForm, _name, RadioField(KINDS[_name].label, validators=[InputRequired()],
                                               choices=[SelectChoice(c.value, CHANNEL_LABELS[c]) for c in Channel]))
