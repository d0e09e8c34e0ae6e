"""ConversationOrder: conversation item ids in the service's order, from `previous_item_id`.

Events about an item do not arrive in conversation order: input transcription runs
asynchronously with the response, so a user turn's transcript can come after the answer to
it ("this event may come before or after the Response events", OpenAI Realtime reference,
`conversation.item.input_audio_transcription.completed`). The order of items is fixed when
each is created (`input_audio_buffer.committed` / `conversation.item.created` carry
`previous_item_id`), so whatever shows or keeps turns asks this, not the arrival order.
"""

from __future__ import annotations

# Plenty for a context window of turns; older ids are forgotten first.
DEFAULT_MAX_ITEMS = 512


class ConversationOrder:
    """Owns the ordered list of item ids one conversation has created so far."""

    def __init__(self, max_items: int = DEFAULT_MAX_ITEMS) -> None:
        self._ids: list[str] = []
        self._max_items = max_items

    def place(self, item_id: str, previous_item_id: str | None) -> None:
        """Put `item_id` right after `previous_item_id`; at the end when that is unknown.

        An id already placed keeps its place (an item is reported created more than once:
        `input_audio_buffer.committed`, then `conversation.item.created`).
        """
        if not item_id or item_id in self._ids:
            return
        try:
            index = self._ids.index(previous_item_id or "") + 1
        except ValueError:
            index = len(self._ids)
        self._ids.insert(index, item_id)
        if len(self._ids) > self._max_items:
            del self._ids[: len(self._ids) - self._max_items]

    def position(self, item_id: str) -> int | None:
        """Where `item_id` is in the conversation (0 first), or None if never placed."""
        try:
            return self._ids.index(item_id)
        except ValueError:
            return None

    def forget(self, item_id: str) -> None:
        """The item was deleted (or never came to be)."""
        if item_id in self._ids:
            self._ids.remove(item_id)

    def clear(self) -> None:
        self._ids.clear()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._ids)
