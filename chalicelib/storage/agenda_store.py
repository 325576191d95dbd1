"""Storage for the owner's agenda: appointments by day and staff, owner actions (a Repository mixin)."""


class AgendaStore:
    pass
