"""The price table editor: the rates behind cost estimates, their date and their source."""

from __future__ import annotations

from dataclasses import fields, replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.cost import DEFAULT_PRICES, PriceTable, Rates

RATE_LABELS = {
    "text_in": "Text input",
    "text_cached_in": "Text input, cached",
    "text_out": "Text output",
    "native_audio_in": "Native audio input",
    "native_audio_cached_in": "Native audio input, cached",
    "native_audio_out": "Native audio output",
    "speech_audio_in": "Azure speech audio input",
    "speech_audio_cached_in": "Azure speech audio input, cached",
    "speech_audio_out": "Azure speech audio output",
}
TIERS = ("pro", "standard", "lite")


class PriceTableDialog(QDialog):
    """Edits a copy of the price table; `saved` carries the new table when the user saves.

    Each rate is a spin box (keyboard-editable, named for screen readers by tier and kind).
    """

    saved = Signal(object)  # PriceTable

    def __init__(self, table: PriceTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Prices for cost estimates")
        self.setAccessibleName("Price table")
        self._table = table
        self.rate_boxes: dict[tuple[str, str], QDoubleSpinBox] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Costs in the app are estimates made with these prices, per one million tokens. "
            "Edit them to match your agreement; the shipped ones say where they came from."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.currency = QLineEdit()
        self.currency.setAccessibleName("Currency")
        self.as_of = QLineEdit()
        self.as_of.setAccessibleName("Prices as of (date)")
        self.source = QLineEdit()
        self.source.setAccessibleName("Source of the prices")
        _describe(self.currency, "The currency the prices are in, such as USD or EUR")
        _describe(self.as_of, "The date these prices were read, shown beside every estimate")
        _describe(self.source, "Where these prices come from, shown beside every estimate")
        form.addRow("&Currency:", self.currency)
        form.addRow("Prices &as of:", self.as_of)
        form.addRow("&Source:", self.source)
        layout.addLayout(form)
        grid = QGridLayout()
        for column, tier in enumerate(TIERS, start=1):
            grid.addWidget(QLabel(f"<b>{tier.title()}</b>"), 0, column)
        for row, (name, label) in enumerate(RATE_LABELS.items(), start=1):
            grid.addWidget(QLabel(label), row, 0)
            for column, tier in enumerate(TIERS, start=1):
                box = QDoubleSpinBox()
                box.setRange(0.0, 100_000.0)
                box.setDecimals(2)
                box.setAccessibleName(f"{tier.title()} tier, {label.lower()}, per million tokens")
                _describe(box, f"The price of one million tokens of {label.lower()}")
                grid.addWidget(box, row, column)
                self.rate_boxes[(tier, name)] = box
        layout.addLayout(grid)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.restore_button = QPushButton("&Restore shipped prices")
        self.restore_button.setAccessibleName("Restore the shipped prices")
        _describe(self.restore_button, "Show the prices the app ships with, with their date")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.restore_button.clicked.connect(lambda: self._show(DEFAULT_PRICES))
        _describe(
            buttons.button(QDialogButtonBox.StandardButton.Save),
            "Keep these prices for every estimate from now on",
        )
        _describe(
            buttons.button(QDialogButtonBox.StandardButton.Cancel),
            "Close without changing the prices",
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show(table)

    def _show(self, table: PriceTable) -> None:
        self.currency.setText(table.currency)
        self.as_of.setText(table.as_of)
        self.source.setText(table.source)
        for tier in TIERS:
            rates = table.tiers.get(tier, Rates())
            for name in RATE_LABELS:
                self.rate_boxes[(tier, name)].setValue(getattr(rates, name))

    def edited_table(self) -> PriceTable:
        """The table as the dialog shows it now."""
        tiers = {
            tier: Rates(**{f.name: self.rate_boxes[(tier, f.name)].value() for f in fields(Rates)})
            for tier in TIERS
        }
        return replace(
            self._table,
            currency=self.currency.text().strip() or "USD",
            as_of=self.as_of.text().strip(),
            source=self.source.text().strip() or "edited by you",
            tiers=tiers,
        )

    def _save(self) -> None:
        self.saved.emit(self.edited_table())
        self.accept()


def _describe(widget: QWidget, text: str) -> None:
    """The same sentence as tool tip and as the screen reader's description."""
    widget.setToolTip(text)
    widget.setAccessibleDescription(text)
