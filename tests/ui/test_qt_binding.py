"""Guards against Qt binding builds that corrupt reference counts (the app emits signals for
every engine event, so a leak per emit aborts a long conversation)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    fired = Signal(object)


def test_signal_emit_keeps_reference_counts(qtbot: QtBot) -> None:
    # PySide6 6.12.0 drops one reference to True per emit; on Python 3.11, where True is not
    # immortal, the process aborts with "bool_dealloc" after a few hundred emits.
    emitter = _Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(2000):
        emitter.fired.emit(n)
    assert len(received) == 2000
    assert sys.getrefcount(True) >= before
