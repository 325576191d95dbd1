"""Fixtures shared by the owner-side tests."""
import pytest

from chalicelib import wiring
from tests.conftest import MONDAY_MORNING


@pytest.fixture
def clock(repo):
    """A clock the test moves by hand (Monday 09:00 in Rome to start with): state["now"]."""
    state = {"now": MONDAY_MORNING}
    wiring.set_clock(lambda: state["now"])
    yield state
    wiring.set_clock(None)


@pytest.fixture(autouse=True)
def _owners_read_english(owners_read_english):
    """Owner pages in English for these tests' English assertions (tests/conftest.py)."""
