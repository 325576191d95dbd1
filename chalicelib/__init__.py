"""Chairtime: the appointment book, client file and reminders of a salon."""
