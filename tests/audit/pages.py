"""Every page the audit measures: (name, path). Placeholders are filled from the seeded salon
(tests/audit/conftest.py `Site.fill`). A new page joins the audit by adding one line here."""

PUBLIC = (
    ("service", "/book/{salon}"),
    ("specialist", "/book/{salon}?service=color"),
    ("day-and-time", "/book/{salon}?service=color&staff=any&day={day}"),
    ("form", "/book/{salon}?service=color&staff=any&start={start}"),
    ("manage", "/manage/{token}"),
    ("move", "/manage/{token}/reschedule"),
    ("move-day-and-time", "/manage/{token}/reschedule?day={day}"),
    ("cancel", "/manage/{token}/cancel"),
    ("waitlist-claim", "/claim/{claim}"),
    ("not-found", "/manage/not-a-real-token"),
    ("pay-local-checkout", "/pay/local/{ticket}"),
    ("my-sign-in", "/my/{salon}"),
)

OWNER = (
    ("owner-login", "/owner/login"),
    ("owner-home", "/owner"),
    ("owner-password", "/owner/password"),
    ("owner-language", "/owner/language"),
    ("owner-agenda-day", "/owner/agenda?day={day}"),
    ("owner-agenda-week", "/owner/agenda?day={day}&view=week"),
    ("owner-appointment", "/owner/agenda/appointments/{start_key}/{appointment}"),
    ("owner-appointment-move", "/owner/agenda/appointments/{start_key}/{appointment}/move"),
    ("owner-book-by-phone", "/owner/agenda/book"),
    ("owner-feeds", "/owner/agenda/feeds"),
    ("owner-clients", "/owner/clients?q=anna"),
    ("owner-client-file", "/owner/clients/{client}"),
    ("owner-client-erase", "/owner/clients/{client}/erase"),
    ("owner-exports", "/owner/exports"),
    ("owner-audit", "/owner/audit"),
    ("owner-messages", "/owner/messages"),
    ("owner-inbox", "/owner/messages/inbox"),
    ("owner-broadcasts", "/owner/messages/broadcasts"),
    ("owner-broadcast", "/owner/messages/broadcasts/{broadcast}"),
    ("owner-waitlist", "/owner/waitlist"),
    ("owner-settings", "/owner/settings"),
    ("owner-settings-salon", "/owner/settings/salon"),
    ("owner-settings-hours", "/owner/settings/hours"),
    ("owner-settings-booking", "/owner/settings/booking"),
    ("owner-settings-policies", "/owner/settings/policies"),
    ("owner-settings-channels", "/owner/settings/channels"),
    ("owner-services", "/owner/settings/services"),
    ("owner-service-new", "/owner/settings/services/new"),
    ("owner-service-edit", "/owner/settings/services/color"),
    ("owner-staff", "/owner/settings/staff"),
    ("owner-staff-new", "/owner/settings/staff/new"),
    ("owner-staff-edit", "/owner/settings/staff/giulia"),
    ("owner-users", "/owner/users"),
    ("owner-user-new", "/owner/users/new"),
    ("owner-user", "/owner/users/{user}"),
    ("owner-record", "/owner/records/{past_start_key}/{past_appointment}"),
    ("owner-record-fields", "/owner/record-fields/color"),
    ("owner-reports", "/owner/reports"),
    ("owner-staff-rights", "/owner/staff-rights"),
)

# A staff login of the seeded specialist, in a salon that lets staff set their own hours.
STAFF = (
    ("staff-my-hours", "/owner/agenda/my-hours"),
)

# The client's area, signed in as the client of the seeded bookings (one past, one upcoming).
CLIENT = (
    ("my-home", "/my/{salon}"),
    ("my-cancel", "/my/{salon}/appointments/{appointment}/cancel"),
    ("my-move", "/my/{salon}/appointments/{appointment}/move?day={day}"),
    ("my-move-confirm", "/my/{salon}/appointments/{appointment}/move?start={other_start}&slot_staff=giulia"),
    ("my-services", "/my/{salon}/book"),
    ("my-book", "/my/{salon}/book?service=color&staff=any&day={day}"),
    ("my-book-confirm", "/my/{salon}/book?service=color&staff=any&start={other_start}&slot_staff=giulia"),
    ("my-waitlist", "/my/{salon}/waitlist"),
    ("my-settings", "/my/{salon}/settings"),
)

ALL = PUBLIC + OWNER + STAFF + CLIENT

# Owner pages seen signed out (signed in, they redirect home).
SIGNED_OUT = {"owner-login"}
# Pages whose right answer is not 200.
STATUS = {"not-found": 404}

# Lighthouse is slow (a full chromium run each): a few representative pages.
LIGHTHOUSE = ("service", "day-and-time", "owner-agenda-day", "my-home")
