"""A horizontal audio level meter with smoothing and peak hold, cheap enough for 30 fps."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

FLOOR_DB = -60.0  # quieter than this shows as empty; speech sits around -30..-10 dBFS
FRAME_MS = 33
_RELEASE_DB_PER_FRAME = 1.5  # fall rate of the bar (about 45 dB/s)
_PEAK_HOLD_FRAMES = 30  # about one second
_PEAK_FALL_DB_PER_FRAME = 0.8


class LevelMeter(QWidget):
    """Shows an RMS bar and a peak-hold tick for one audio stream, fed with `set_level`.

    Input arrives at any rate; the widget animates at ~30 fps and stops its timer once the
    display has settled at silence, so an idle meter costs nothing. It repaints only when the
    bar or the tick moves by a pixel, and never while it is not on screen (its window hidden
    in the tray or minimised): levels arriving then are dropped, and it starts again from
    silence when it is back.
    """

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(label)
        self.setToolTip(label)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # paintEvent fills every pixel: Qt need not repaint the window beneath each frame.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._target_db = FLOOR_DB
        self.level_db = FLOOR_DB  # what the bar shows now
        self.peak_db = FLOOR_DB  # where the peak tick sits now
        self._peak_hold = 0
        self._bar = QRect()  # reused every frame: no per-frame allocation in paintEvent
        self.threshold_db: float | None = None  # the VAD threshold line, if any
        self._painted = (-1, -1, False)  # (bar px, tick px, hot) on screen now
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.advance_frame)
        self._update_colours()

    def sizeHint(self) -> QSize:
        return QSize(160, 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(40, 6)

    def set_level(self, rms_dbfs: float, peak_dbfs: float) -> None:
        """Feed the latest measured level; the bar rises at once and falls smoothly."""
        if not self.on_screen:
            return
        self._target_db = max(FLOOR_DB, min(0.0, rms_dbfs))
        peak = max(FLOOR_DB, min(0.0, peak_dbfs))
        if self._target_db > self.level_db:
            self.level_db = self._target_db
        if peak >= self.peak_db and peak > FLOOR_DB:
            self.peak_db = peak
            self._peak_hold = _PEAK_HOLD_FRAMES
        if not self._settled and not self._timer.isActive():
            self._timer.start()
        self._repaint_if_moved()

    def set_threshold_dbfs(self, threshold_db: float | None) -> None:
        """Draw a line where audio starts to count as speech (None: no line, e.g. in
        push-to-talk). Repaints only when the line moves; a static meter stays idle."""
        if threshold_db == self.threshold_db:
            return
        self.threshold_db = threshold_db
        if threshold_db is None:
            self.setAccessibleDescription("")
        else:
            self.setAccessibleDescription(f"Speech threshold at {threshold_db:.0f} dBFS")
        self.update()

    def reset(self) -> None:
        """Show silence immediately (stream closed or muted)."""
        self._target_db = self.level_db = self.peak_db = FLOOR_DB
        self._peak_hold = 0
        self._timer.stop()
        self._repaint_if_moved()

    def advance_frame(self) -> None:
        """One animation step: the bar falls toward the target, the peak holds then falls."""
        if not self.on_screen:
            self.reset()
            return
        if self.level_db > self._target_db:
            self.level_db = max(self._target_db, self.level_db - _RELEASE_DB_PER_FRAME)
        # Input stops arriving when a stream ends: let the target decay too.
        self._target_db = max(FLOOR_DB, self._target_db - _RELEASE_DB_PER_FRAME)
        if self._peak_hold > 0:
            self._peak_hold -= 1
        else:
            self.peak_db = max(self.level_db, self.peak_db - _PEAK_FALL_DB_PER_FRAME)
        if self._settled:
            self._timer.stop()
        self._repaint_if_moved()

    @property
    def on_screen(self) -> bool:
        """Visible in a window that is not minimised (hidden to the tray hides the meter too)."""
        return self.isVisible() and not self.window().isMinimized()

    @property
    def _settled(self) -> bool:
        return self.level_db <= FLOOR_DB and self.peak_db <= FLOOR_DB

    def _pixels(self) -> tuple[int, int, bool]:
        width = self.width()
        bar = int(width * self._fraction(self.level_db))
        tick = min(width - 2, int(width * self._fraction(self.peak_db)))
        return bar, tick if self.peak_db > FLOOR_DB else -1, self.level_db > -6.0

    def _repaint_if_moved(self) -> None:
        if self.on_screen and self._pixels() != self._painted:
            self.update()

    def hideEvent(self, event: QHideEvent) -> None:
        self.reset()
        super().hideEvent(event)

    @property
    def animating(self) -> bool:
        return self._timer.isActive()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switch
            self._update_colours()
            self.update()
        super().changeEvent(event)

    def _update_colours(self) -> None:
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        dark = window.lightness() < 128
        self._groove = palette.color(QPalette.ColorRole.Mid) if dark else window.darker(112)
        self._fill = palette.color(QPalette.ColorRole.Highlight)
        self._hot = QColor("#e0593e")
        self._tick = palette.color(QPalette.ColorRole.WindowText)
        self._threshold_edge = palette.color(QPalette.ColorRole.Base)

    @staticmethod
    def _fraction(db: float) -> float:
        return (db - FLOOR_DB) / -FLOOR_DB

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        width, height = self.width(), self.height()
        painter.fillRect(0, 0, width, height, self._groove)
        self._painted = filled, tick, hot = self._pixels()
        if filled > 0:
            self._bar.setRect(0, 0, filled, height)
            painter.fillRect(self._bar, self._hot if hot else self._fill)
        if tick >= 0:
            painter.fillRect(tick, 0, 2, height, self._tick)
        if self.threshold_db is not None:
            x = min(width - 2, int(width * self._fraction(self.threshold_db)))
            # Two pixels of the text colour over one of the base colour: visible on the
            # groove, on the bar and in high contrast alike.
            painter.fillRect(x - 1, 0, 4, height, self._threshold_edge)
            painter.fillRect(x, 0, 2, height, self._tick)
        painter.end()
