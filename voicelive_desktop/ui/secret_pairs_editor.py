"""Name/value rows whose values are secrets: masked (password echo) unless revealed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.mcp_bridge.config import InvalidServerConfig


def echo_mode(revealed: bool) -> QLineEdit.EchoMode:
    return QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password


class SecretPairsEditor(QWidget):
    """Owns the rows of one set of secret pairs (a server's env or headers). Values echo as
    dots, which also keeps them out of the accessibility interface, until `set_revealed`."""

    def __init__(
        self, kind: str, name_hint: str, pairs: dict[str, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._kind = kind  # "variable" or "header", for the accessible names
        self._name_hint = name_hint
        self._revealed = False
        self._rows: list[tuple[QLineEdit, QLineEdit, QToolButton]] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(f"Add {kind}")
        self.add_button.clicked.connect(lambda: self.add_row("", "").setFocus())
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addLayout(add_row)
        for name, value in pairs.items():
            self.add_row(name, value)
        if not pairs:
            self.add_row("", "")

    def add_row(self, name: str, value: str) -> QLineEdit:
        """A new row; returns its name field."""
        name_field = QLineEdit(name)
        name_field.setPlaceholderText(self._name_hint)
        name_field.setAccessibleName(f"{self._kind.capitalize()} name")
        value_field = QLineEdit(value)
        value_field.setPlaceholderText("value")
        value_field.setEchoMode(echo_mode(self._revealed))
        # A screen reader tells the rows apart by the name each value belongs to.
        name_field.textChanged.connect(
            lambda text: value_field.setAccessibleName(f"Value of {text.strip() or 'new row'}")
        )
        name_field.textChanged.emit(name)
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(f"Remove this {self._kind}")
        remove.setAccessibleName(f"Remove {self._kind}")
        row = (name_field, value_field, remove)
        remove.clicked.connect(lambda: self._remove(row))
        line = self._grid.rowCount()
        for column, widget in enumerate(row):
            self._grid.addWidget(widget, line, column)
        self._rows.append(row)
        return name_field

    def _remove(self, row: tuple[QLineEdit, QLineEdit, QToolButton]) -> None:
        self._rows.remove(row)
        for widget in row:
            self._grid.removeWidget(widget)
            widget.deleteLater()

    def value_fields(self) -> list[QLineEdit]:
        return [value for _, value, _ in self._rows]

    def set_revealed(self, revealed: bool) -> None:
        self._revealed = revealed
        for field in self.value_fields():
            field.setEchoMode(echo_mode(revealed))

    def pairs(self) -> dict[str, str]:
        """The filled rows; raises InvalidServerConfig for a value without a name."""
        pairs: dict[str, str] = {}
        for number, (name_field, value_field, _) in enumerate(self._rows, 1):
            name, value = name_field.text().strip(), value_field.text().strip()
            if not name and value:
                raise InvalidServerConfig(f"The {self._kind} in row {number} has no name.")
            if name:
                pairs[name] = value
        return pairs
