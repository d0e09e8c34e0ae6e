"""The `get_current_time` tool: the local date, time and time zone, from the stdlib clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from voicelive_desktop.tools.registry import ToolPolicy, ToolRisk, ToolSpec

Now = Callable[[], datetime]


def _local_now() -> datetime:
    return datetime.now().astimezone()


def current_time(now: datetime) -> dict[str, str]:
    """What the model is told: readable parts for speaking, ISO 8601 for reasoning."""
    offset = now.strftime("%z")
    date = f"{now:%A} {now.day} {now:%B %Y}"
    zone = now.tzname() or f"UTC{offset[:3]}:{offset[3:]}"
    return {
        "date": date,
        "time": f"{now:%H:%M}",
        "time_zone": zone,
        "utc_offset": f"{offset[:3]}:{offset[3:]}",
        "iso": now.isoformat(timespec="seconds"),
        "summary": f"{now:%H:%M} {zone}, {date}.",
    }


def clock_tool(now: Now = _local_now) -> ToolSpec:
    """The tool; `now` returns an aware local datetime (tests pin it)."""

    async def handler(arguments: Mapping[str, Any]) -> dict[str, str]:
        return current_time(now())

    return ToolSpec(
        name="get_current_time",
        description=(
            "Get the user's local date, time and time zone. Use it whenever the user asks "
            "what time or day it is, or a date is needed."
        ),
        parameters={"type": "object", "properties": {}, "additionalProperties": False},
        handler=handler,
        risk=ToolRisk.SAFE,
        default_policy=ToolPolicy.ALWAYS_ALLOW,
        timeout_s=2.0,
    )
