"""Every backend implements every repository protocol method with the protocol's exact signature."""

from __future__ import annotations

import inspect
import typing

import pytest

from storage import Store
from storage.contract import UnitOfWork


def _protocol_methods(protocol: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(protocol).items()
            if callable(member) and not name.startswith("_")}


def _shape(signature: inspect.Signature) -> list[tuple[str, inspect._ParameterKind, object]]:
    # Compare names, kinds and defaults; annotations are strings under `from __future__ import annotations`.
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize("attribute", list(typing.get_type_hints(UnitOfWork)))
def test_repository_methods_match_the_protocol(store: Store, attribute: str) -> None:
    protocol = typing.get_type_hints(UnitOfWork)[attribute]
    with store.unit_of_work() as uow:
        repository = getattr(uow, attribute)
    methods = _protocol_methods(protocol)
    assert methods, f"{protocol.__name__} declares no methods"
    for name, expected in methods.items():
        implemented = getattr(repository, name, None)
        assert implemented is not None, f"{type(repository).__name__} lacks {name}"
        bound_expected = expected.replace(parameters=list(expected.parameters.values())[1:])  # drop self
        assert _shape(inspect.signature(implemented)) == _shape(bound_expected), f"{type(repository).__name__}.{name}"
