"""The owner side's use cases: agenda, clients, settings, users, messages, money."""
