"""A call's JSON arguments, parsed and checked against its tool's JSON Schema.

`jsonschema` does the checking: the maintained reference implementation (MIT, pure Python
with prebuilt `rpds-py` wheels for Linux, Windows and macOS), also what the MCP SDK uses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jsonschema import exceptions as schema_errors
from jsonschema import validators
from jsonschema.protocols import Validator

from voicelive_desktop.tools.registry import ToolSpec

_MAX_MESSAGE = 200


class InvalidArguments(ValueError):
    """The arguments cannot be used; the message is short and says why, for the model."""


class ArgumentChecker:
    """Owns one compiled validator per tool schema (compiling costs more than checking)."""

    def __init__(self) -> None:
        self._validators: dict[str, tuple[Mapping[str, Any], Validator]] = {}

    def parse(self, spec: ToolSpec, arguments: str) -> dict[str, Any]:
        """The arguments as a dict that matches `spec.parameters`; raises InvalidArguments."""
        try:
            value = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError as exc:
            raise InvalidArguments(
                f"The arguments are not valid JSON ({exc.msg} at character {exc.pos})."
            ) from None
        if not isinstance(value, dict):
            raise InvalidArguments(
                f"The arguments must be a JSON object, not {type(value).__name__}."
            )
        error = schema_errors.best_match(self._validator(spec).iter_errors(value))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path)
            message = (
                error.message
                if len(error.message) <= _MAX_MESSAGE
                else (error.message[:_MAX_MESSAGE] + "…")
            )
            place = f" at '{where}'" if where else ""
            raise InvalidArguments(f"The arguments do not match the schema{place}: {message}")
        return value

    def _validator(self, spec: ToolSpec) -> Validator:
        cached = self._validators.get(spec.name)
        if cached is not None and cached[0] is spec.parameters:
            return cached[1]
        schema = dict(spec.parameters)
        cls = validators.validator_for(schema)
        try:
            cls.check_schema(schema)
        except schema_errors.SchemaError as exc:
            raise InvalidArguments(
                f"The tool {spec.name!r} has an invalid parameter schema: {exc.message}"
            ) from None
        validator = cls(schema)
        self._validators[spec.name] = (spec.parameters, validator)
        return validator
