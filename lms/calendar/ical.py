"""Due dates as iCalendar (RFC 5545) text, written with the icalendar library.

Each due date is an all-day VEVENT with a reminder (VALARM), not a VTODO: Google Calendar and Outlook ignore VTODOs
in subscribed calendars and imported files, so a to-do would be invisible to most people; an all-day event on the
due day is shown by every calendar app, and the alarm reminds the day before. TRANSP:TRANSPARENT keeps the day free
in free/busy lookups (a due date is not a meeting).

The entries say the course title and date and link to the course page: nothing about the person (no name, e-mail,
agency), since calendar apps copy feeds to their own servers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Event, vDuration

from lms.calendar.dues import DueDate

PRODID = "-//AI Competency Academy//Training due dates//EN"
#: How often subscribed calendar apps should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and Outlook's
#: X-PUBLISHED-TTL); most apps choose their own interval anyway.
REFRESH = timedelta(hours=6)
#: The reminder: 09:00 on the day before (an all-day event starts at midnight of its day, wherever the reader is).
REMINDER = timedelta(hours=-15)


def _event(due: DueDate, *, locale: str, link: str) -> Event:
    title = due.course.title_in(locale)
    event = Event()
    event.add("uid", due.uid)
    event.add("dtstamp", due.stamp)
    event.add("dtstart", due.day)
    event.add("dtend", due.day + timedelta(days=1))
    event.add("summary", title, parameters={"LANGUAGE": locale})
    event.add("description", _("Complete the course “%(title)s” by the end of this day: %(url)s", title=title,
                               url=link), parameters={"LANGUAGE": locale})
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    event.add("class", "PRIVATE")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", REMINDER)
    alarm.add("description", _("Due tomorrow: %(title)s", title=title))
    event.add_component(alarm)
    return event


def render(dues: Iterable[DueDate], *, locale: str, name: str, link_for: Callable[[str], str],
           feed: bool = True) -> bytes:
    """The iCalendar text of `dues`: a calendar called `name` (in `locale`) with one event per due date, each
    linking to `link_for(course key)`. `feed` adds the refresh hints of a subscribed calendar. The translated texts
    come in the current locale (the caller forces `locale`)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    if feed:
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    for due in dues:
        calendar.add_component(_event(due, locale=locale, link=link_for(due.course.key)))
    return calendar.to_ical()
