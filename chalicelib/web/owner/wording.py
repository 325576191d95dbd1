"""Owner-side words for stored codes: message kinds and statuses, waitlist statuses, replies, roles,
and the audit log's actions and fields.

What is stored stays a code (`user_role_changed`, `failed`, `daily_cap_reached`); the reader's
language is chosen when a page or the JSON shows it, so one log reads in Italian to one owner and
in Polish to the next. A code with no wording here (one added later) still shows, spelt out."""
from ...domain.text import N_

MESSAGE_KINDS = {
    "booking_confirmation": N_("Booking confirmation"), "cancellation_confirmation": N_("Cancellation confirmation"),
    "reminder": N_("Reminder"), "noshow_policy": N_("No-show policy"), "noshow_warning": N_("No-show warning"),
    "booking_restricted": N_("Online booking restricted"), "ban_notice": N_("Ban notice"),
    "waitlist_offer": N_("Waitlist offer"), "recall": N_("Recall"), "reply_confirmed": N_("Reply: confirmed"),
    "reply_cancelled": N_("Reply: cancelled"), "reply_unknown": N_("Reply: not understood"),
    "payment_too_late": N_("Payment too late"), "deposit_refunded": N_("Deposit refunded"),
    "fee_payment_link": N_("Fee payment link"), "reply_ambiguous": N_("Reply: which appointment?"),
    "sign_in_code": N_("Sign-in code"), "personal": N_("Personal message"), "broadcast": N_("Broadcast"),
    "notice": N_("Notice to booked clients"),
}
MESSAGE_STATUSES = {"pending": N_("Pending"), "sending": N_("Sending"), "sent": N_("Sent"), "failed": N_("Failed"),
                    "cancelled": N_("Cancelled")}
REASONS = {
    "appointment_changed": N_("the appointment changed"), "no_longer_true": N_("no longer true"),
    "country_not_allowed": N_("texts to this country are off"), "daily_cap_reached": N_("daily cap reached"),
    "opted_out": N_("opted out"), "opted_out_carrier": N_("opted out at the carrier"),
    "lost_claim": N_("sent by another worker"), "budget_reached": N_("monthly budget reached"),
    "no_channel": N_("no channel reaches them"), "no_consent": N_("no consent to offers"),
    "shown_online": N_("not needed: they did it online and have no e-mail"),
}
WAITLIST_STATUSES = {"waiting": N_("Waiting"), "offered": N_("Offered"), "booked": N_("Booked"),
                     "closed": N_("Closed")}
REPLIES = {"confirm": N_("Confirmed the appointment"), "cancel": N_("Cancelled the appointment"),
           "stop": N_("Stopped the texts"), "start": N_("Restarted the texts"), "inbox": N_("For the salon")}
ROLES = {"owner": N_("Owner"), "front_desk": N_("Front desk"), "staff": N_("Staff")}

AUDIT_ACTIONS = {
    "login": N_("Signed in"), "login_failed": N_("Wrong password"), "login_locked": N_("Sign-in locked"),
    "logout": N_("Signed out"), "logout_everywhere": N_("Signed out everywhere"),
    "password_changed": N_("Changed their password"), "user_created": N_("Added a user"),
    "user_role_changed": N_("Changed a role"), "user_enabled": N_("Enabled a user"),
    "user_disabled": N_("Disabled a user"), "user_password_reset": N_("Reset a password"),
    "settings_changed": N_("Changed the settings"), "service_created": N_("Added a service"),
    "service_changed": N_("Changed a service"), "service_activated": N_("Activated a service"),
    "service_deactivated": N_("Deactivated a service"), "staff_created": N_("Added a staff member"),
    "staff_changed": N_("Changed a staff member"), "staff_activated": N_("Activated a staff member"),
    "staff_deactivated": N_("Deactivated a staff member"), "staff_rights_changed": N_("Changed what staff may do"),
    "own_schedule_changed": N_("Changed their own hours"), "feed_rotated": N_("Made a new calendar link"),
    "feed_ended": N_("Stopped a calendar link"), "waitlist_added": N_("Added to the waitlist"),
    "waitlist_removed": N_("Removed from the waitlist"), "clients_exported": N_("Exported the clients"),
    "appointments_exported": N_("Exported the appointments"), "client_exported": N_("Exported a client's data"),
    "client_erased": N_("Erased a client"), "erasure_requested": N_("A client asked to delete their data"),
    "client_updated": N_("Changed a client file"), "client_access_changed": N_("Changed a client's online booking"),
    "no_show_reverted": N_("Undid a no-show"), "record_created": N_("Wrote a treatment record"),
    "record_updated": N_("Changed a treatment record"), "record_photo_added": N_("Added a photo"),
    "record_photo_deleted": N_("Deleted a photo"), "record_fields_changed": N_("Changed the record fields"),
    "fee_collected": N_("Collected a fee"), "fee_declined": N_("A fee was declined"),
    "fee_cash": N_("A fee was paid at the desk"), "fee_waived": N_("Waived a fee"),
    "fee_refunded": N_("Gave money back"), "fee_authentication_required": N_("Sent a link to pay a fee"),
}

# The fields an entry names, as the settings forms label them (one catalog entry for both).
AUDIT_FIELDS = {
    "name": N_("Name"), "phone": N_("Phone"), "timezone": N_("Time zone"), "locale": N_("Language"),
    "currency": N_("Currency"), "country": N_("Country"), "closed_dates": N_("Closed dates"),
    "hours_mon": N_("Monday"), "hours_tue": N_("Tuesday"), "hours_wed": N_("Wednesday"),
    "hours_thu": N_("Thursday"), "hours_fri": N_("Friday"), "hours_sat": N_("Saturday"), "hours_sun": N_("Sunday"),
    "slot_minutes": N_("Start times every (minutes)"), "min_notice_minutes": N_("Minimum notice (minutes)"),
    "horizon_days": N_("Booking horizon (days)"),
    "cancellation_cutoff_hours": N_("Free cancellation until (hours before)"),
    "send_from": N_("Send from"), "send_until": N_("Send until"),
    "reminder_time": N_("Reminder time, the day before"),
    "confirmations": N_("Confirm bookings and cancellations by text"),
    "text_receipts": N_("Also by text when clients book, move or cancel online themselves"),
    "allowed_countries": N_("Countries texts may go to"), "phone_daily_cap": N_("Texts to one phone per day, at most"),
    "salon_daily_cap": N_("Texts per day for the salon, at most"),
    "grace_minutes": N_("Grace after the end (minutes)"), "warn_at": N_("Warn at the no-show number"),
    "restrict_at": N_("Restrict online booking at the no-show number"),
    "window_days": N_("Counting no-shows of the last (days)"), "restrict_days": N_("Restriction lasts (days)"),
    "late_cancel_fee": N_("Late cancellation fee"), "no_show_fee": N_("No-show fee"),
    "deposit_expiry_minutes": N_("An unpaid deposit holds the time for (minutes)"),
    "card_on_file": N_("A card on file is required to book online"),
    "waitlist_hold_minutes": N_("A freed slot is held for a waiting client for (minutes)"),
    "staff_see_notes": N_("Staff may read clients' private notes"),
    "duration_minutes": N_("Duration (minutes)"), "buffer_minutes": N_("Buffer after it (minutes)"),
    "price": N_("Price"), "deposit_kind": N_("Deposit to book online"), "deposit_value": N_("Deposit"),
    "recall_days": N_("Recall after (days)"), "active": N_("Active"), "services": N_("Services"),
    "hours": N_("Working hours"), "time_off": N_("Time off"), "role": N_("Role"), "staff_id": N_("Staff member"),
    "email": N_("Email"), "address": N_("Address"), "reason": N_("Reason"), "rows": N_("Rows"),
    "from": N_("From"), "to": N_("To"), "section": N_("Page"), "client_id": N_("Client"),
    "service_id": N_("Service"), "days": N_("Days"), "first_day": N_("Day"), "until": N_("Until"),
    "other_sessions_ended": N_("Other devices signed out"), "on": N_("Switched on"), "fields": N_("Fields"),
    "slot": N_("Photo"),
}
# Words the log stores as part of its data ("no → yes", "(none) → 10.50"): shown in the reader's.
AUDIT_WORDS = {"yes": N_("yes"), "no": N_("no"), "(none)": N_("(none)"), "none": N_("none"),
               "the salon's": N_("the salon's"), "True": N_("yes"), "False": N_("no")}
ARROW = " → "


def spelt(code: str) -> str:
    return code.replace("_", " ").capitalize()


class Wording:
    """The labels of one reader: `say.kind("reminder")`, `say.action(entry.action)`..."""

    def __init__(self, tr):
        self.tr = tr
        self.locale = tr.locale

    def moment(self, instant, tz) -> str:
        """'Tue 31 Mar 2026, 14:30' as the reader's language writes it, in the salon's time zone."""
        from babel.dates import format_datetime

        return format_datetime(instant.astimezone(tz), "EEE d MMM y, HH:mm", locale=self.locale)

    def day(self, day) -> str:
        from babel.dates import format_date

        return format_date(day, "EEE d MMM y", locale=self.locale)

    def money(self, amount, currency: str) -> str:
        """28.00 EUR as the reader's language writes it ('28,00 €', '€28.00')."""
        from babel.numbers import format_currency

        return format_currency(amount, currency, locale=self.locale)

    def month(self, month: str) -> str:
        """'2026-03' -> 'Mar' (the reader's short month name, standalone)."""
        from babel.dates import get_month_names

        return get_month_names("abbreviated", "stand-alone", locale=self.locale)[int(month[5:7])]

    def _of(self, table: dict, code) -> str:
        code = "" if code is None else str(code)
        return self.tr.gettext(table[code]) if code in table else spelt(code)

    def kind(self, code) -> str:
        return self._of(MESSAGE_KINDS, code)

    def status(self, code) -> str:
        return self._of(MESSAGE_STATUSES, code)

    def reason(self, code) -> str:
        code = code or ""
        return self.tr.gettext(REASONS[code]) if code in REASONS else code.replace("_", " ")

    def waitlist_status(self, code) -> str:
        return self._of(WAITLIST_STATUSES, code)

    def reply(self, code) -> str:
        return self._of(REPLIES, code)

    def role(self, code) -> str:
        return self._of(ROLES, code)

    def action(self, code) -> str:
        return self._of(AUDIT_ACTIONS, code)

    def field(self, name) -> str:
        return self._of(AUDIT_FIELDS, name)

    def value(self, value) -> str:
        """A stored value; a change "before → after" word by word on each side."""
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(self.value(v) for v in value)
        text = str(value)
        if ARROW in text:
            return ARROW.join(self.value(side) for side in text.split(ARROW, 1))
        return self.tr.gettext(AUDIT_WORDS[text]) if text in AUDIT_WORDS else text
