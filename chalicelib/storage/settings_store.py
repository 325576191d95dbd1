"""Storage for the owner's settings: hours, services, staff, policies, calendar feeds (a Repository mixin)."""


class SettingsStore:
    pass
