"""`@frozen`: a frozen dataclass that is cheaper to define.

`dataclasses` writes the source of each method it generates and compiles it with `exec` when the
class is created, at every import: bytecode cannot cache it. A frozen dataclass gets six (__init__,
__setattr__, __delattr__, __eq__, __hash__, __repr__), about 0.5 ms per class on Python 3.11, and a
client's first request imports some thirty classes. `@frozen` lets dataclasses generate only
__init__ and the frozen __setattr__ and __delattr__ (so immutability is exactly dataclasses' own)
and gives every class the same three functions for equality, hashing and repr, which read the
fields through a getter made once per class.
They behave like the generated ones: equal only to an instance of the very same class with equal
`compare` fields, hashed on the fields dataclasses would hash, shown with the `repr` fields
(docs/decisions.md, cold start).
"""
from dataclasses import dataclass, fields
from operator import attrgetter


def _getter(names: tuple[str, ...]):
    """The fields' values as a tuple (attrgetter alone gives a bare value for one name)."""
    if len(names) == 1:
        single = attrgetter(names[0])
        return lambda obj: (single(obj),)
    return attrgetter(*names) if names else (lambda obj: ())


def _eq(self, other):
    if other.__class__ is self.__class__:
        return self.__value_compared__(self) == other.__value_compared__(other)
    return NotImplemented


def _hash(self) -> int:
    return hash(self.__value_hashed__(self))


def _repr(self) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__value_shown__)
    return f"{self.__class__.__qualname__}({shown})"


def frozen(cls):
    """Use as `@frozen` where `@dataclass(frozen=True)` would be (same fields, defaults, `field()`s)."""
    own = set(vars(cls))  # like dataclasses, never replace a method the class writes itself
    cls = dataclass(frozen=True, eq=False, repr=False)(cls)
    declared = fields(cls)
    cls.__value_compared__ = staticmethod(_getter(tuple(f.name for f in declared if f.compare)))
    cls.__value_hashed__ = staticmethod(_getter(tuple(
        f.name for f in declared if (f.compare if f.hash is None else f.hash))))
    cls.__value_shown__ = tuple(f.name for f in declared if f.repr)
    for name, method in (("__eq__", _eq), ("__hash__", _hash), ("__repr__", _repr)):
        if name not in own:
            setattr(cls, name, method)
    return cls
