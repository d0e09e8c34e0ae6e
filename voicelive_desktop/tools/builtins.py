"""`builtin_tools`: every tool the app ships, made once for the app and headless mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from voicelive_desktop.app_dirs import data_directory
from voicelive_desktop.history.records import SearchHit
from voicelive_desktop.history.store import HistoryStore
from voicelive_desktop.tools.clipboard import clipboard_tools
from voicelive_desktop.tools.clock import clock_tool
from voicelive_desktop.tools.desktop_port import DesktopServices
from voicelive_desktop.tools.history_search import Search, history_search_tool
from voicelive_desktop.tools.notes import NOTES_FILE_NAME, notes_tool
from voicelive_desktop.tools.opening import opening_tools
from voicelive_desktop.tools.registry import ToolRegistry, ToolSpec
from voicelive_desktop.tools.timers import TimerBoard, timer_tools


def search_app_history(query: str, limit: int) -> list[SearchHit]:
    """Search the app's history database with a connection of its own (WAL lets it read
    beside the recorder's writes)."""
    with HistoryStore() as store:
        return store.search(query, limit)


def builtin_tools(
    desktop: DesktopServices | None,
    *,
    timers: TimerBoard | None = None,
    notes_path: Path | None = None,
    search: Search = search_app_history,
    current_conversation: Callable[[], str | None] = lambda: None,
) -> list[ToolSpec]:
    """The built-in tools, in the order Preferences lists them.

    Pass the `timers` board the UI lists (else one notifying through `desktop` is made), and
    `current_conversation` (the history recorder's id) so a search skips the ongoing talk.
    Without a `desktop` (and no board), the tools that need one are left out.
    """
    board = timers
    if board is None and desktop is not None:
        board = TimerBoard(desktop.notify)
    tools = [clock_tool()]
    if board is not None:
        tools += timer_tools(board)
    tools += [
        history_search_tool(search, current_conversation),
        notes_tool(notes_path or data_directory() / NOTES_FILE_NAME),
    ]
    if desktop is not None:
        tools += [*clipboard_tools(desktop), *opening_tools(desktop)]
    return tools


def register_builtin_tools(
    registry: ToolRegistry,
    desktop: DesktopServices | None = None,
    **options: Any,
) -> None:
    """Add the built-in tools (`builtin_tools(desktop, **options)`) to `registry`, replacing
    ones of the same name."""
    for spec in builtin_tools(desktop, **options):
        registry.register(spec)
