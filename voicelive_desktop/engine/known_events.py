"""Which server event types the engine knows, and the tally of those it does not.

The service sends more than the SDK's `ServerEventType` lists, and more than this app acts
on. An event the references document is *known*: it is handled, or it is deliberately
ignored here, with the reason, and never counted as a surprise. Only a type nobody documents
is *unknown*: logged once per session with its type, and counted, so a new service feature
shows up in the log without one line per event.
"""

from __future__ import annotations

import logging
from collections import Counter

from azure.ai.voicelive.models import ServerEventType

log = logging.getLogger(__name__)

SDK_EVENT_TYPES = frozenset(t.value for t in ServerEventType)

# Documented beyond the SDK 1.3.1 enum (they arrive as the generic ServerEvent):
# - rate_limits.updated: sent at the start of a response (OpenAI Realtime reference, server
#   events; Voice Live API reference 2026-04-10). The app has no per-minute budget to show.
# - response.foundry_agent_call*: Foundry agent tool calls (Voice Live reference
#   2026-04-10); the SDK dropped their classes in 1.2.0b4. The agent bridge routes them.
# - mcp_approval_request: an MCP call waiting for the user's approval (Voice Live MCP how-to).
_EXTRA_TYPES = frozenset({"rate_limits.updated", "mcp_approval_request"})
_EXTRA_PREFIXES = ("response.foundry_agent_call",)

# Known but not acted on by the engine itself (a feature module may route them):
# - response.audio_timestamp.*: word timings (the transcript's word timing uses them);
# - response.animation_* and session.avatar.*, response.video.delta: avatar output, which a
#   voice-only desktop app does not request;
# - mcp_list_tools.*, response.mcp_call*: MCP progress (the MCP bridge routes them);
# - content parts, output items' done, audio done, truncated/deleted/retrieved items, buffer
#   cleared, session.created: acknowledgements the engine needs nothing from.
IGNORED_PREFIXES = (
    "response.audio_timestamp.",
    "response.animation_",
    "session.avatar.",
    "response.video.",
    "mcp_list_tools.",
    "response.mcp_call",
    "response.foundry_agent_call",
    "response.web_search_call.",
    "response.file_search_call.",
)


def is_known(kind: str) -> bool:
    """True for any event type the SDK or the references document."""
    return kind in SDK_EVENT_TYPES or kind in _EXTRA_TYPES or kind.startswith(_EXTRA_PREFIXES)


class UnknownEventTally:
    """Counts undocumented event types for one session; logs each type the first time."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def note(self, kind: str) -> None:
        self.counts[kind] += 1
        if self.counts[kind] == 1:
            log.info("server event of unknown type %.60r ignored (repeats are only counted)", kind)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """'type×count, …', most frequent first; "" when there were none."""
        return ", ".join(f"{kind[:60]}×{count}" for kind, count in self.counts.most_common())

    def clear(self) -> None:
        self.counts.clear()
