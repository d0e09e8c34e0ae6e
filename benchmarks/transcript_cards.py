"""Tool cards in a long transcript: what keeping the cards over their places costs per update.

The cards are real widgets laid over the transcript's document, moved after every layout
change (each streamed word of an answer is one). This times one such pass in a transcript of
`--turns` typed turns with a card every 200 turns, against the same pass when it must walk
every block of the document to find the cards (the baseline, measured in the same run), and
the cost of one streamed delta itself. Offscreen Qt; prints figures and asserts nothing.

    .venv/bin/python benchmarks/transcript_cards.py [--turns 1000] [--passes 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from voicelive_desktop.engine.events import (
    AssistantTranscriptDelta,
    ToolCallStarted,
    UserTextSent,
)
from voicelive_desktop.ui.tool_calls_view import ToolCallsView
from voicelive_desktop.ui.transcript_view import TranscriptView


def median_ms(action: Callable[[], None], passes: int) -> float:
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=200)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    transcript = TranscriptView()
    transcript.resize(600, 500)
    transcript.show()
    QTest.qWaitForWindowExposed(transcript)
    cards = ToolCallsView(transcript)
    for n in range(args.turns):
        transcript.show_event(UserTextSent(f"u{n}", f"message number {n}"))
        if n % 200 == 0:
            cards.show_event(ToolCallStarted(f"c{n}", "get_current_time", "{}"))
    QTest.qWait(200)
    embeds = transcript.embeds

    def full_walk() -> None:
        embeds._blocks = {}  # forget where the cards are: find them by walking the document
        embeds.reposition()

    remembered = median_ms(embeds.reposition, args.passes)
    walked = median_ms(full_walk, args.passes)
    words = iter(range(10**9))
    delta = median_ms(
        lambda: transcript.show_event(AssistantTranscriptDelta("r", "a", f"w{next(words)} ")),
        args.passes,
    )
    blocks = transcript.document().blockCount()
    print(f"transcript: {blocks} blocks, {len(cards.cards)} cards")
    print(f"card pass, places remembered: {remembered:.3f} ms (median of {args.passes})")
    print(f"card pass, document walked:   {walked:.3f} ms (baseline)")
    print(f"ratio: {remembered / walked:.3f} of the baseline")
    print(f"one streamed delta itself:    {delta:.3f} ms (for scale)")
    app.processEvents()


if __name__ == "__main__":
    main()
