"""The client's area: sign-in, their own appointments, calendar files."""
