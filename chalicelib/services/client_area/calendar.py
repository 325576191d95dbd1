""""Add to calendar": one appointment as an iCalendar file for the client's own calendar app.

Times are written in the salon's zone with its VTIMEZONE, so a phone set to another zone still
shows the appointment at the salon's wall-clock time. The event carries the salon (name and
street address as LOCATION, phone), the service and specialist, and the link back (the manage
link, or the client's area); never a note. The UID is stable per appointment, so adding it again
after a move updates the event.
"""
from datetime import datetime

from ...domain.appointment import Status

_STATUS = {Status.CANCELLED: "CANCELLED", Status.HELD: "TENTATIVE"}


def appointment_ics(appt, salon, catalog, link: str, now: datetime, domain: str = "chairtime") -> str:
    from icalendar import Calendar, Event  # imported only when someone asks for a calendar file

    service = catalog.service(appt.service_id)
    staff = catalog.staff_member(appt.staff_id)
    cal = Calendar()
    cal.add("prodid", "-//Chairtime//Appointment//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{appt.id}@{domain}")
    event.add("dtstamp", now)
    event.add("dtstart", appt.start.astimezone(salon.tz))
    event.add("dtend", appt.end.astimezone(salon.tz))
    event.add("summary", f"{service.name if service else appt.service_id} · {salon.name}")
    event.add("location", location(salon))
    lines = [service.name if service else appt.service_id]
    if staff:
        lines.append(staff.name)
    lines += [f"{salon.name} · {salon.phone}"] + ([salon.address] if salon.address else []) + [link]
    event.add("description", "\n".join(lines))
    event.add("url", link)
    event.add("status", _STATUS.get(appt.status, "CONFIRMED"))
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")


def location(salon) -> str:
    """What the calendar app shows and maps: the salon's name and street address; a salon without an
    address gives its phone instead, so the client can at least ask the way. (icalendar escapes the
    commas and semicolons as RFC 5545 asks.)"""
    return ", ".join((salon.name, salon.address or salon.phone))
