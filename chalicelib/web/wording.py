"""The client's texts that a page picks by a code rather than writes out: an appointment's status,
a refusal's headline and detail, a missing page's explanation. English msgids of the `messages`
domain, marked with `N_` so `make messages` extracts them; `i18n.Texts` translates them."""


from .catalogs import N_

STATUS = {
    "booked": N_("Booked"),
    "confirmed": N_("Confirmed"),
    "arrived": N_("Checked in"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "no_show": N_("Missed"),
    "held": N_("Held for you"),
    "awaiting_payment": N_("Not paid yet"),
    "expired": N_("Not paid in time: released"),
}

# The booking form's problems, by web/forms.py's key (the owner's booking form words them its own way).
FIELD_ERRORS = {
    "err_service": N_("The chosen service is not valid. Please start again from the list of services."),
    "err_start": N_("The chosen time is not valid. Please pick a time from the list."),
    "err_staff": N_("The chosen specialist is not valid. Please pick again."),
    "err_name_required": N_("Please enter your name."),
    "err_phone_required": N_("Please enter your phone number."),
    "err_email": N_("This does not look like an e-mail address (for example name@example.com)."),
    "err_too_long_name": N_("The name is too long: at most 100 characters."),
    "err_too_long_phone": N_("The phone number is too long: at most 32 characters."),
    "err_too_long_email": N_("The e-mail address is too long: at most 254 characters."),
    "err_too_long_note": N_("The note is too long: at most 500 characters."),
}

# What a missing page says, by the NotFound's code.
NOT_FOUND = {
    "salon_not_found": N_("We could not find this salon. Please check the link."),
    "service_not_found": N_("This service is not available. Please pick one from the list."),
    "staff_not_found": N_("This specialist is not available for this service. Please pick again."),
    "booking_not_found": N_("This booking link does not work. Check that you copied the whole link from your "
                            "confirmation."),
}

# A refusal's headline, by the error's code (a missing thing says what NOT_FOUND says).
HEADLINES = {
    "invalid_request": N_("Something in the request is not valid."),
    "invalid_phone": N_("Please check the phone number."),
    "slot_taken": N_("Sorry, that time has just been taken."),
    "slot_not_offered": N_("That time cannot be booked online."),
    "booking_restricted": N_("Online booking is not available for this phone number."),
    "rate_limited": N_("Too many requests in a short time."),
    "illegal_transition": N_("This appointment cannot be changed any more."),
    "appointment_started": N_("This appointment has already started."),
    "booking_changed": N_("This appointment was changed a moment ago. Please check it and try again."),
    "idempotency_key_reused": N_("This form was already sent once. Please check your details and send it again."),
    "code_invalid": N_("That code is not right or has expired."),
    "csrf_failed": N_("This form has expired. Reload the page and try again."),
    "client_has_upcoming": N_("You have upcoming appointments: cancel them first, then ask again."),
    **NOT_FOUND,
}


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a counted text's two English forms for extraction; `i18n.Texts` picks the locale's form."""
    return singular, plural


# A refusal's detail, by code (and reason), filled with the salon's name and phone and the error's
# values: a text, or the two English forms of a counted one and the value that counts.
DETAILS: dict[str, tuple[str | tuple[str, str], str | None]] = {
    "booking_restricted": (N_("Please call %(salon)s on %(phone)s to book."), None),
    "rate_limited": (N_("Please wait %(minutes)s min and try again, or call %(salon)s on %(phone)s."), None),
    "slot_not_offered_past": (N_("That time has already passed. Pick a time from the list."), None),
    "slot_not_offered_notice": (ngettext(
        "Online bookings need at least %(num)s minute's notice. Pick a later time or call %(phone)s.",
        "Online bookings need at least %(num)s minutes' notice. Pick a later time or call %(phone)s."), "notice"),
    "slot_not_offered_horizon": (ngettext("Online bookings open at most %(num)s day ahead.",
                                          "Online bookings open at most %(num)s days ahead."), "horizon"),
    "slot_not_offered_other": (N_("The salon does not offer that time for this service and specialist. Pick a time "
                                  "from the list."), None),
}
