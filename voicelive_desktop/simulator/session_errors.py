"""The error a session.update value the service would refuse raises inside the simulator."""

from __future__ import annotations


class InvalidSessionUpdate(ValueError):
    """A session.update value the service would reject; `param` names the field."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param
