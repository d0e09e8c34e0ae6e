"""Typed reads of server event fields: a field of the wrong type reads as missing.

The SDK's event models are mappings of the raw wire values, so any field may hold anything
a (hostile or newer) service sent. Handlers read through these and never raise on a shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload


@overload
def text_field(event: Mapping[str, Any], key: str) -> str | None: ...


@overload
def text_field(event: Mapping[str, Any], key: str, default: str) -> str: ...


def text_field(event: Mapping[str, Any], key: str, default: str | None = None) -> str | None:
    """`event[key]` when it is a string, else `default`."""
    value = event.get(key)
    return value if isinstance(value, str) else default


def int_field(event: Mapping[str, Any], key: str) -> int | None:
    """`event[key]` when it is an integer (not a bool), else None."""
    value = event.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def mapping_field(event: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    """`event[key]` when it is a mapping (an object on the wire), else None."""
    value = event.get(key)
    return value if isinstance(value, Mapping) else None
