"""get_current_time: the local date, time and zone, in the shape the model reads."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from voicelive_desktop.tools.clock import clock_tool, current_time
from voicelive_desktop.tools.registry import ToolPolicy, ToolRisk


def test_reports_date_time_zone_and_offset() -> None:
    now = datetime(2026, 7, 4, 8, 5, 30, tzinfo=timezone(timedelta(hours=-4), "EDT"))
    assert current_time(now) == {
        "date": "Saturday 4 July 2026",
        "time": "08:05",
        "time_zone": "EDT",
        "utc_offset": "-04:00",
        "iso": "2026-07-04T08:05:30-04:00",
        "summary": "08:05 EDT, Saturday 4 July 2026.",
    }


def test_the_real_clock_is_local_and_aware() -> None:
    result = asyncio.run(clock_tool().handler({}))
    parsed = datetime.fromisoformat(result["iso"])
    assert parsed.tzinfo is not None
    assert abs(parsed - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_is_safe_and_always_allowed_by_default() -> None:
    spec = clock_tool()
    assert (spec.risk, spec.default_policy) == (ToolRisk.SAFE, ToolPolicy.ALWAYS_ALLOW)
