"""What a failed transaction condition means to the caller: the error each store raises when an
item it counted on changed meanwhile. Shared by the public repository and the stores it mixes in,
so none of them reaches into another's private helpers."""
from ..domain.errors import IllegalTransition, SlotTaken
from ..domain.text import N_
from .errors import PhoneTaken


def slot_taken(reason) -> SlotTaken:
    return SlotTaken(N_("That time was just taken by someone else. Pick another time."))


def phone_taken(reason) -> PhoneTaken:
    return PhoneTaken()


def booking_changed(reason) -> IllegalTransition:
    return IllegalTransition(N_("This appointment was changed a moment ago. Reload it and try again."),
                             "booking_changed")
