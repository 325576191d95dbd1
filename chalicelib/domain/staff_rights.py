"""What a staff login may do in its own day, beyond marking attendance: one switch per
capability, chosen by the owner. The owner and the front desk may always do all of it."""

OWN_HOURS = "own_hours"  # set their own hours (within the salon's) and time off
MOVE_CANCEL = "move_cancel"  # move and cancel their own appointments
BOOK = "book"  # book a client by phone into their own agenda
FEED = "feed"  # create and rotate their own calendar link
CAPABILITIES = {
    OWN_HOURS: "Set their own hours (within the salon's) and time off",
    MOVE_CANCEL: "Move and cancel their own appointments",
    BOOK: "Book a client by phone into their own agenda",
    FEED: "Create and rotate their own calendar link",
}
