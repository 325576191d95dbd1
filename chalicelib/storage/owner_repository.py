"""The owner side's repository: the public one plus the owner stores (agenda, clients, settings,
treatment records).
A module of its own so that the public side and the jobs never import the owner stores, nor,
through the settings store, the accounts models (docs/decisions.md, cold start)."""
from .agenda_store import AgendaStore
from .clients_store import ClientsStore
from .records_store import RecordsStore
from .repository import PublicRepository
from .settings_store import SettingsStore


class Repository(PublicRepository, AgendaStore, ClientsStore, SettingsStore, RecordsStore):
    """Every access pattern: the public side's (repository.py) and the owner side's."""
