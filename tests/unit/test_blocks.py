"""Lock blocks: overlapping appointments of any length always share a block."""
from datetime import UTC, datetime, timedelta

from chalicelib.domain.blocks import BLOCK_MINUTES, block_indexes, block_starts

T10 = datetime(2026, 3, 24, 10, 0, tzinfo=UTC)


def test_an_hour_covers_four_blocks_and_its_buffer_one_more():
    assert len(block_indexes(T10, T10 + timedelta(minutes=60))) == 4
    assert len(block_indexes(T10, T10 + timedelta(minutes=75))) == 5


def test_sixty_at_ten_and_thirty_at_ten_thirty_collide():
    long = set(block_indexes(T10, T10 + timedelta(minutes=60)))
    short = set(block_indexes(T10 + timedelta(minutes=30), T10 + timedelta(minutes=60)))
    assert long & short


def test_back_to_back_appointments_do_not_collide():
    first = set(block_indexes(T10, T10 + timedelta(minutes=45)))
    second = set(block_indexes(T10 + timedelta(minutes=45), T10 + timedelta(minutes=90)))
    assert not first & second


def test_a_partial_block_is_occupied_whole():
    # 10 minutes still takes the whole 15-minute block: availability uses the same rule.
    ten, fifteen = block_indexes(T10, T10 + timedelta(minutes=10)), block_indexes(T10, T10 + timedelta(minutes=15))
    assert list(ten) == list(fifteen)


def test_block_starts_are_on_the_utc_grid():
    starts = block_starts(T10 + timedelta(minutes=5), T10 + timedelta(minutes=40))
    assert starts[0] == T10 and all(s.minute % BLOCK_MINUTES == 0 for s in starts)
    assert starts[-1] == T10 + timedelta(minutes=30)
