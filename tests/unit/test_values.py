"""`@frozen` (domain/values.py) behaves as `@dataclass(frozen=True)` does: each check runs on both."""
import dataclasses
from dataclasses import FrozenInstanceError, dataclass, field, replace

import pytest

from chalicelib.domain.values import frozen


def _declare(decorator):
    @decorator
    class Point:
        x: int
        y: int = 0
        label: str = field(default="", compare=False)
        secret: str = field(default="", repr=False)
        tags: tuple = field(default_factory=tuple)

    return Point


KINDS = {"frozen": _declare(frozen), "dataclass": _declare(dataclass(frozen=True))}


@pytest.fixture(params=sorted(KINDS))
def point(request):
    return KINDS[request.param]


def test_fields_are_immutable_like_a_frozen_dataclass(point):
    p = point(1, 2)
    with pytest.raises(FrozenInstanceError):
        p.x = 5
    with pytest.raises(FrozenInstanceError):
        del p.y
    with pytest.raises(FrozenInstanceError):
        p.extra = 1
    assert (p.x, p.y) == (1, 2)


def test_equality_reads_the_compared_fields_of_the_same_class_only(point):
    assert point(1, 2, label="a") == point(1, 2, label="b")
    assert point(1, 2) != point(1, 3)
    assert point(1, 2, secret="s") != point(1, 2, secret="t")
    assert point(1, 2) != (1, 2, "", "", ())
    other = KINDS["dataclass" if point is KINDS["frozen"] else "frozen"]
    assert point(1, 2) != other(1, 2)


def test_equal_values_hash_alike_and_work_as_keys(point):
    assert hash(point(1, 2, label="a")) == hash(point(1, 2, label="b"))
    assert {point(1, 2): "here"}[point(1, 2)] == "here"
    assert len({point(1, 2), point(1, 2), point(2, 1)}) == 2


def test_repr_is_the_dataclass_repr_without_the_hidden_fields():
    shown = {kind: repr(cls(1, 2, label="a", secret="hidden")) for kind, cls in KINDS.items()}
    assert shown["frozen"].split("Point(")[1] == shown["dataclass"].split("Point(")[1]
    assert "hidden" not in shown["frozen"] and shown["frozen"].endswith("Point(x=1, y=2, label='a', tags=())")


def test_replace_fields_and_asdict_work_as_on_a_dataclass(point):
    p = replace(point(1, 2), y=7)
    assert (p.x, p.y) == (1, 7) and type(p) is point
    assert [f.name for f in dataclasses.fields(p)] == ["x", "y", "label", "secret", "tags"]
    assert dataclasses.asdict(p) == {"x": 1, "y": 7, "label": "", "secret": "", "tags": ()}


def test_a_method_the_class_writes_itself_is_kept():
    @frozen
    class Loose:
        x: int

        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    assert Loose(1) == Loose(2)
