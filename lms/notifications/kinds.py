"""The registry of notice kinds: for each, its label on the preferences page, its default channel, and how its
title, text and link are written from the notice's params (in the current language, when shown or e-mailed).

A domain that publishes a new kind of lms.events.Notice adds one entry here; a notice of a kind not listed is not
delivered (and logged), so that nobody receives an empty message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts import policy
from lms.certificates.serials import display as display_serial
from lms.i18n import format_day, format_moment, localized
from lms.notifications.models import Channel


@dataclass(frozen=True)
class Facts:
    """What a notice's text may name: its params, the course it is about and the person it is about."""

    params: Mapping[str, Any]
    course_key: str | None = None
    course_titles: Mapping[str, str] = field(default_factory=dict)
    subject_name: str = ""

    @property
    def title(self) -> str:
        """The course's title in the current language (with the usual fallback), or ""."""
        return localized(self.course_titles or {}, str(get_locale()))

    def param(self, name: str, default: Any = "") -> Any:
        """One param, or `default` when the notice did not give it."""
        value = self.params.get(name)
        return default if value is None else value


#: A link: (endpoint, its values), built with url_for on pages and public_url in e-mails.
Link = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    """One kind of notice. `title` and `body` return text in the current language (body: paragraphs); `link` the
    page the notice leads to, or None. A `locked` kind is always delivered in the app and by e-mail (its notices
    are mandatory): the preferences page shows it fixed and refuses a change."""

    name: str
    label: Any  # a lazy string: the kind on the preferences page
    title: Callable[[Facts], str]
    body: Callable[[Facts], list[str]]
    link: Callable[[Facts], Link | None]
    default: Channel = Channel.BOTH
    locked: bool = False
    #: Endpoints the link may name that another package provides, with the link to use while it is not installed.
    fallback: Callable[[Facts], Link | None] | None = None
    #: Whom the kind concerns (a policy function of the user), for the preferences page; None: everyone. Notices are
    #: delivered to their recipients whatever this says.
    audience: Callable[[Any], bool] | None = None

    def concerns(self, user) -> bool:
        """Does the preferences page ask `user` about this kind."""
        return self.audience is None or self.audience(user)


def _course(facts: Facts) -> Link | None:
    return ("courses.course", {"key": facts.course_key}) if facts.course_key else None


def _due(facts: Facts) -> str:
    return format_day(facts.param("due_at"))


def _serial(facts: Facts) -> str:
    serial = facts.param("serial")
    return display_serial(serial) if serial else ""


def _approved(facts: Facts) -> bool:
    return facts.param("decision") == "approved"


def _decided_body(facts: Facts) -> list[str]:
    by, title = facts.param("decided_by"), facts.title
    if _approved(facts):
        first = (_("%(name)s approved your request to enrol in “%(title)s”. You can start the course now.",
                   name=by, title=title) if by else
                 _("Your request to enrol in “%(title)s” was approved. You can start the course now.", title=title))
        return [first]
    first = (_("%(name)s declined your request to enrol in “%(title)s”.", name=by, title=title) if by else
             _("Your request to enrol in “%(title)s” was declined.", title=title))
    reason = str(facts.param("reason")).strip()
    return [first, _("Reason: %(reason)s", reason=reason)] if reason else [first]


def _programme(facts: Facts) -> str:
    return localized(facts.param("titles", {}) or {}, str(get_locale()))


def _export_title(facts: Facts) -> str:
    return _("Your report export is ready") if facts.param("status") == "done" else _("Your report export failed")


def _export_body(facts: Facts) -> list[str]:
    fmt, asked = str(facts.param("format")).upper(), format_moment(facts.param("requested_at"))
    if facts.param("status") == "done":
        return [_("The %(format)s file you asked for on %(date)s can be downloaded until %(expires)s.",
                  format=fmt, date=asked, expires=format_moment(facts.param("expires_at")))]
    return [_("The %(format)s file you asked for on %(date)s could not be made. Please ask for it again.",
              format=fmt, date=asked)]


def _export_link(facts: Facts) -> Link | None:
    token = facts.param("token")
    return ("exports.export", {"token": token}) if token else None


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("assigned", _l("A mandatory course is assigned to you"),
         title=lambda f: _("New mandatory course: %(title)s", title=f.title),
         body=lambda f: [_("The course “%(title)s” is now mandatory for you. Please complete it by %(date)s.",
                           title=f.title, date=_due(f))],
         link=_course),
    Kind("due_soon", _l("A mandatory course is due in 30, 7 or 1 days"),
         title=lambda f: _("Reminder: %(title)s is due soon", title=f.title),
         body=lambda f: [ngettext("The mandatory course “%(title)s” is due on %(date)s (in %(num)d day).",
                                  "The mandatory course “%(title)s” is due on %(date)s (in %(num)d days).",
                                  int(f.param("days", 0)), title=f.title, date=_due(f))],
         link=_course),
    Kind("overdue", _l("Mandatory training is overdue"),
         title=lambda f: _("Overdue: %(title)s", title=f.title),
         body=lambda f: [_("The mandatory course “%(title)s” is not completed yet; it was due on %(date)s. Please "
                           "complete it as soon as possible.", title=f.title, date=_due(f))],
         link=_course, locked=True),
    Kind("certificate_issued", _l("A certificate is issued to you"),
         title=lambda f: _("Certificate issued: %(title)s", title=f.title),
         body=lambda f: [_("You completed “%(title)s”. Your certificate %(serial)s is on the My certificates page, "
                           "as a PDF and as a digital credential.", title=f.title, serial=_serial(f))],
         link=lambda f: ("certificates.mine", {})),
    Kind("certificate_expiring", _l("A certificate of yours expires in 30 days"),
         title=lambda f: _("Your certificate for %(title)s expires soon", title=f.title),
         body=lambda f: [_("Your certificate %(serial)s for “%(title)s” expires on %(date)s. Complete the course "
                           "again to renew it.", serial=_serial(f), title=f.title,
                           date=format_day(f.param("expires_at")))],
         link=_course),
    Kind("programme_certificate_issued", _l("A programme certificate is issued to you"),
         title=lambda f: _("Programme certificate issued: %(title)s", title=_programme(f)),
         body=lambda f: [_("You completed the programme “%(title)s”. Your certificate %(serial)s is on the My "
                           "certificates page, as a PDF and as a digital credential.", title=_programme(f),
                           serial=_serial(f))],
         link=lambda f: ("certificates.mine", {})),
    Kind("programme_certificate_expiring", _l("A programme certificate of yours expires in 30 days"),
         title=lambda f: _("Your programme certificate for %(title)s expires soon", title=_programme(f)),
         body=lambda f: [_("Your certificate %(serial)s for the programme “%(title)s” expires on %(date)s. Renew "
                           "the certificates of its courses to renew it.", serial=_serial(f), title=_programme(f),
                           date=format_day(f.param("expires_at")))],
         link=lambda f: ("certificates.mine", {})),
    Kind("export_ready", _l("A report export you asked for is finished"),
         title=_export_title, body=_export_body, link=_export_link, default=Channel.IN_APP,
         audience=policy.can_use_exports),
    Kind("approval_requested", _l("Someone asks you to approve their enrolment"),
         title=lambda f: _("Enrolment request from %(name)s", name=f.subject_name),
         body=lambda f: [_("%(name)s asks to enrol in “%(title)s”. Please approve or decline the request.",
                           name=f.subject_name, title=f.title)],
         link=lambda f: ("approvals.index", {}), fallback=_course, audience=policy.may_decide_requests),
    Kind("approval_decided", _l("Your enrolment request is approved or declined"),
         title=lambda f: (_("Enrolment approved: %(title)s", title=f.title) if _approved(f)
                          else _("Enrolment declined: %(title)s", title=f.title)),
         body=_decided_body, link=_course),
    Kind("approval_expired", _l("Your enrolment request expired"),
         title=lambda f: _("Enrolment request expired: %(title)s", title=f.title),
         body=lambda f: [_("Nobody decided on your request to enrol in “%(title)s” in time. You can ask again on "
                           "the course page.", title=f.title)],
         link=_course),
)}


def get(name: str) -> Kind | None:
    """The kind called `name`, or None when no such kind is registered."""
    return KINDS.get(name)


def resolve_link(kind: Kind, facts: Facts, endpoints: Mapping[str, object] | set[str]) -> Link | None:
    """The kind's link when its endpoint is served by this app (`endpoints`: the app's view functions), else its
    fallback's (a page of a package not installed yet), else None."""
    link = kind.link(facts)
    if link is not None and link[0] in endpoints:
        return link
    if kind.fallback is not None:
        link = kind.fallback(facts)
        if link is not None and link[0] in endpoints:
            return link
    return None
