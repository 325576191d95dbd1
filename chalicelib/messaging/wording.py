"""The SMS texts clients receive: English msgids of the `messages` gettext domain, one context per
kind and variant, so each locale translates (and shortens) every variant on its own.

- `pgettext("sms <kind>", ...)`: a kind with one wording; `<kind>_late` is a late cancellation's.
- `pgettext("sms <kind> <n>", ...)`: a kind with variants, from the fullest (1) to the most compact;
  `templates.render` sends the first that fits the segment budget. A locale keeps its own compact
  wording in each variant's msgstr (or repeats one where it needs fewer).
- `npgettext`: a text that counts (COUNTED_BY names the field that counts).

The markers below only collect (context, English) for `templates.render`, which translates them;
Babel extracts them by these names (`make messages`).
"""


def pgettext(context: str, message: str) -> tuple[str, str, None]:
    return context, message, None


def npgettext(context: str, singular: str, plural: str) -> tuple[str, str, str]:
    return context, singular, plural


TEXTS = {
    "booking_confirmation": (
        pgettext("sms booking_confirmation 1",
                 "%(salon_name)s: your %(service_name)s is booked for %(date)s at %(time)s. See, move or "
                 "cancel it here: %(manage_url)s"),
        pgettext("sms booking_confirmation 2",
                 "%(salon_name)s: %(service_name)s booked for %(date_short)s at %(time)s. Move or cancel: "
                 "%(manage_url)s"),
    ),
    # A confirmation that repeats the salon's money terms: %(terms)s takes the terms_* wordings below
    # (templates._with_terms), full ones first, then compact.
    "booking_confirmation_terms": (
        pgettext("sms booking_confirmation_terms 1",
                 "%(salon_name)s: your %(service_name)s is booked for %(date)s at %(time)s. %(terms)s See, move "
                 "or cancel it here: %(manage_url)s"),
        pgettext("sms booking_confirmation_terms 2",
                 "%(salon_name)s: %(service_name)s booked for %(date_short)s at %(time)s. %(terms)s %(manage_url)s"),
        pgettext("sms booking_confirmation_terms 3",
                 "%(salon_name)s %(date_short)s %(time)s. %(terms)s %(manage_url)s"),
    ),
    "terms_deposit": (
        pgettext("sms terms_deposit 1", "Deposit of %(deposit)s paid: refunded if you cancel in time."),
        pgettext("sms terms_deposit 2", "Deposit %(deposit)s paid."),
    ),
    "terms_late_fee": (
        pgettext("sms terms_late_fee 1", "Late-cancel fee %(late_fee)s."),
        pgettext("sms terms_late_fee 2", "Late cancel %(late_fee)s."),
    ),
    "terms_no_show_fee": (
        pgettext("sms terms_no_show_fee 1", "No-show fee %(no_show_fee)s."),
        pgettext("sms terms_no_show_fee 2", "No-show %(no_show_fee)s."),
    ),
    "cancellation_confirmation": (
        pgettext("sms cancellation_confirmation",
                 "%(salon_name)s: your %(service_name)s on %(date)s at %(time)s is cancelled. We hope to "
                 "see you again soon."),
    ),
    "cancellation_confirmation_late": (
        pgettext("sms cancellation_confirmation_late",
                 "%(salon_name)s: your %(service_name)s on %(date)s at %(time)s is cancelled. It was "
                 "cancelled after the free-cancellation time. We hope to see you again soon."),
    ),
    "reminder": (
        pgettext("sms reminder 1",
                 "Reminder from %(salon_name)s: %(service_name)s, %(date)s at %(time)s. Reply 1 to "
                 "confirm, 2 to cancel. Details: %(manage_url)s"),
        pgettext("sms reminder 2",
                 "%(salon_name)s: see you %(date_short)s at %(time)s. Reply 1 to confirm, 2 to cancel. "
                 "%(manage_url)s"),
        pgettext("sms reminder 3",
                 "%(salon_name)s %(date_short)s %(time)s. Reply 1 to confirm, 2 to cancel %(manage_url)s"),
    ),
    "noshow_policy": (
        pgettext("sms noshow_policy 1",
                 "%(salon_name)s: we missed you at your appointment on %(date)s at %(time)s. We hope all "
                 "is well. If you cannot come, please cancel ahead so we can offer the time to someone "
                 "else. Questions: %(salon_phone)s"),
        pgettext("sms noshow_policy 2",
                 "%(salon_name)s: we missed you on %(date_short)s at %(time)s. Next time, please cancel "
                 "ahead if you cannot come. %(salon_phone)s"),
    ),
    "noshow_warning": (
        pgettext("sms noshow_warning 1",
                 "%(salon_name)s: we missed you at another appointment. Is everything all right? Please "
                 "let us know on %(salon_phone)s. After one more missed appointment, online booking will "
                 "be restricted and you will need to book by phone."),
        pgettext("sms noshow_warning 2",
                 "%(salon_name)s: we missed you again. After one more missed appointment you will need to "
                 "book by phone: %(salon_phone)s"),
    ),
    "booking_restricted": (
        pgettext("sms booking_restricted",
                 "%(salon_name)s: online booking is restricted for you until %(until)s. You can still book "
                 "by phone on %(salon_phone)s. Thank you for understanding."),
    ),
    "ban_notice": (
        pgettext("sms ban_notice",
                 "%(salon_name)s: online booking is no longer available for you. To book, please contact "
                 "the salon on %(salon_phone)s. Thank you."),
    ),
    "waitlist_offer": (
        npgettext("sms waitlist_offer 1",
                  "%(salon_name)s: a slot for %(service_name)s is free on %(date)s at %(time)s. It is yours "
                  "if you claim it within %(hold_minutes)s minute: %(claim_url)s",
                  "%(salon_name)s: a slot for %(service_name)s is free on %(date)s at %(time)s. It is yours "
                  "if you claim it within %(hold_minutes)s minutes: %(claim_url)s"),
        npgettext("sms waitlist_offer 2",
                  "%(salon_name)s: %(service_name)s free %(date_short)s at %(time)s. Claim it within "
                  "%(hold_minutes)s min: %(claim_url)s",
                  "%(salon_name)s: %(service_name)s free %(date_short)s at %(time)s. Claim it within "
                  "%(hold_minutes)s min: %(claim_url)s"),
    ),
    "recall": (
        pgettext("sms recall",
                 "%(salon_name)s: it may be time for your next %(service_name)s. Book whenever suits you: "
                 "%(book_url)s"),
    ),
    "reply_confirmed": (
        pgettext("sms reply_confirmed",
                 "%(salon_name)s: thank you, your appointment on %(date)s at %(time)s is confirmed. See "
                 "you then!"),
    ),
    "reply_cancelled": (
        pgettext("sms reply_cancelled",
                 "%(salon_name)s: your appointment on %(date)s at %(time)s is cancelled. Thank you for "
                 "letting us know."),
    ),
    "reply_cancelled_late": (
        pgettext("sms reply_cancelled_late",
                 "%(salon_name)s: your appointment on %(date)s at %(time)s is cancelled, after the "
                 "free-cancellation time. Thank you for letting us know."),
    ),
    "reply_unknown": (
        pgettext("sms reply_unknown",
                 "%(salon_name)s: sorry, we could not understand your reply. Reply 1 to confirm or 2 to "
                 "cancel your appointment, or call us on %(salon_phone)s."),
    ),
    "reply_ambiguous": (
        pgettext("sms reply_ambiguous 1",
                 "%(salon_name)s: your reply may be for another salon too, so we changed nothing. To "
                 "confirm or cancel %(date)s at %(time)s, use the link in our reminder or call "
                 "%(salon_phone)s."),
        pgettext("sms reply_ambiguous 2",
                 "%(salon_name)s: your reply may be for another salon too, so %(date_short)s %(time)s is "
                 "unchanged. Call %(salon_phone)s."),
    ),
    "sign_in_code": (
        pgettext("sms sign_in_code",
                 "%(salon_name)s: your code to sign in is %(code)s. It works for 10 minutes. Never share "
                 "it."),
    ),
    "payment_too_late": (
        pgettext("sms payment_too_late 1",
                 "%(salon_name)s: your payment of %(amount)s arrived after the time held for you (%(date)s "
                 "at %(time)s) was taken. It has been refunded. Book another time: %(book_url)s"),
        pgettext("sms payment_too_late 2",
                 "%(salon_name)s: your %(amount)s came after %(date_short)s %(time)s was taken, and is "
                 "refunded. Book again: %(book_url)s"),
    ),
    "deposit_refunded": (
        pgettext("sms deposit_refunded",
                 "%(salon_name)s: your deposit of %(amount)s for %(date)s at %(time)s has been refunded."),
    ),
    "fee_payment_link": (
        pgettext("sms fee_payment_link",
                 "%(salon_name)s: please confirm the payment of %(amount)s (cancellation/no-show fee) "
                 "here: %(pay_url)s"),
    ),
}
COUNTED_BY = {"waitlist_offer": "hold_minutes"}

# Babel date patterns per locale: a formatting choice, not a sentence, so data here rather than
# catalog entries a translator could break: `date` and `date_short` (an appointment's day; the short
# one for compact variants), `day` (a restriction's end, written out).
DATE_PATTERNS = {
    "en": {"date": "EEE d MMM", "date_short": "d MMM", "day": "d MMMM y"},
    "it": {"date": "EEEE d/M", "date_short": "d/M", "day": "d MMMM y"},
    "pl": {"date": "EEEE, d MMMM", "date_short": "d.MM", "day": "d MMMM y"},
    "pt": {"date": "EEEE, dd/MM", "date_short": "dd/MM", "day": "d 'de' MMMM 'de' y"},
    "es": {"date": "EEEE d/M", "date_short": "d/M", "day": "d 'de' MMMM 'de' y"},
    "ru": {"date": "d MMMM (EEE)", "date_short": "d.MM", "day": "d MMMM y"},
}
