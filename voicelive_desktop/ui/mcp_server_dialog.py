"""The add/edit dialog of one MCP server: name, transport and its fields, secrets, warning."""

from __future__ import annotations

import shlex

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop.mcp_bridge.config import (
    CALL_TIMEOUT_RANGE,
    InvalidServerConfig,
    McpServerConfig,
    McpTransport,
)
from voicelive_desktop.mcp_bridge.secrets import ServerSecrets
from voicelive_desktop.ui.contrast import Tone, tone_style, warning_style
from voicelive_desktop.ui.muted_label import MutedLabel
from voicelive_desktop.ui.secret_pairs_editor import SecretPairsEditor

STDIO_WARNING = (
    "<b>A local (stdio) server runs on this computer with your user rights:</b> it can read, "
    "change and send anything you can. Add only servers you trust."
)
TRANSPORT_LABELS = {
    McpTransport.STDIO: "Local program (stdio)",
    McpTransport.HTTP: "Local or LAN URL (streamable HTTP, called by this app)",
    McpTransport.REMOTE: "Remote URL (called by the Voice Live service)",
}
_SECRET_NOTE = "Values are kept in the system keyring, never in a file."


class McpServerDialog(QDialog):
    """Edits one server; `result_config()` and `result_secrets()` hold what was accepted."""

    def __init__(
        self,
        config: McpServerConfig | None = None,
        secrets: ServerSecrets | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit MCP server" if config else "Add MCP server")
        config = config or McpServerConfig(name="")
        secrets = secrets or ServerSecrets()
        self._config: McpServerConfig | None = None
        self._secrets = ServerSecrets()
        self.name = QLineEdit(config.name)
        self.transport = QComboBox()
        for label in TRANSPORT_LABELS.values():
            self.transport.addItem(label)
        self.transport.setCurrentIndex(list(TRANSPORT_LABELS).index(config.transport))
        self.command = QLineEdit(config.command)
        self.args = QLineEdit(shlex.join(config.args))
        self.cwd = QLineEdit(config.cwd)
        self.env = SecretPairsEditor("variable", "NAME", dict(secrets.env))
        self.url = QLineEdit(config.url)
        self.headers = SecretPairsEditor("header", "Name", dict(secrets.headers))
        # Values are masked until asked for, per dialog: a screen share or a passer-by does
        # not see a token because the dialog was opened to change a timeout.
        self.show_values = QCheckBox("Show values")
        self.show_values.setToolTip("Show the environment and header values in plain text")
        self.show_values.toggled.connect(self.env.set_revealed)
        self.show_values.toggled.connect(self.headers.set_revealed)
        self.allowed = QLineEdit(", ".join(config.allowed_tools))
        self.approval = QComboBox()
        self.approval.addItem("Ask me before each call", "always")
        self.approval.addItem("Never ask", "never")
        self.approval.setCurrentIndex(0 if config.require_approval == "always" else 1)
        self.approved = QLineEdit(", ".join(config.approved_tools))
        self.approved.setToolTip(
            'Tools you chose "Always allow" for; the service runs them without asking'
        )
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(*CALL_TIMEOUT_RANGE)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(config.call_timeout_s)
        self.warning = QLabel(STDIO_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(warning_style(self))
        self.error = QLabel()
        self.error.setStyleSheet(tone_style(self, Tone.ERROR))
        self.error.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("Name", self.name)
        self.form.addRow("Runs as", self.transport)
        self.form.addRow("Command", self.command)
        self.form.addRow("Arguments", self.args)
        self.form.addRow("Working folder", self.cwd)
        self.form.addRow("Environment", self.env)
        self.form.addRow("URL", self.url)
        self.form.addRow("Headers", self.headers)
        self.form.addRow("", self.show_values)
        self.form.addRow("Allowed tools", self.allowed)
        self.form.addRow("Approval", self.approval)
        self.form.addRow("Never ask for", self.approved)
        self.form.addRow("Call timeout", self.timeout)
        note = MutedLabel(_SECRET_NOTE)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(self.form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.transport.currentIndexChanged.connect(self._show_fields)
        self.approval.currentIndexChanged.connect(self._show_fields)
        self._show_fields()

    def chosen_transport(self) -> McpTransport:
        return list(TRANSPORT_LABELS)[self.transport.currentIndex()]

    def _show_fields(self) -> None:
        transport = self.chosen_transport()
        stdio = transport is McpTransport.STDIO
        remote = transport is McpTransport.REMOTE
        for field, shown in (
            (self.command, stdio),
            (self.args, stdio),
            (self.cwd, stdio),
            (self.env, stdio),
            (self.url, not stdio),
            (self.headers, not stdio),
            (self.allowed, remote),
            (self.approval, remote),
            (self.approved, remote and self.approval.currentData() == "always"),
            (self.timeout, not remote),
        ):
            self.form.setRowVisible(field, shown)
        self.warning.setVisible(stdio)

    def accept(self) -> None:
        try:
            config, secrets = self._read()
            config.validate()
        except (InvalidServerConfig, ValueError) as exc:
            self.error.setText(str(exc))
            return
        self._config, self._secrets = config, secrets
        super().accept()

    def _read(self) -> tuple[McpServerConfig, ServerSecrets]:
        transport = self.chosen_transport()
        stdio = transport is McpTransport.STDIO
        env = self.env.pairs() if stdio else {}
        headers = {} if stdio else self.headers.pairs()
        try:
            args = tuple(shlex.split(self.args.text())) if stdio else ()
        except ValueError as exc:
            raise InvalidServerConfig(f"The arguments cannot be split: {exc}.") from None
        allowed = tuple(t.strip() for t in self.allowed.text().split(",") if t.strip())
        approved = tuple(t.strip() for t in self.approved.text().split(",") if t.strip())
        ask = str(self.approval.currentData())
        config = McpServerConfig(
            name=self.name.text().strip(),
            transport=transport,
            command=self.command.text().strip() if stdio else "",
            args=args,
            cwd=self.cwd.text().strip() if stdio else "",
            env_names=tuple(env),
            url="" if stdio else self.url.text().strip(),
            header_names=tuple(headers),
            call_timeout_s=self.timeout.value(),
            allowed_tools=allowed if transport is McpTransport.REMOTE else (),
            require_approval=ask,
            approved_tools=approved if transport is McpTransport.REMOTE and ask == "always" else (),
        )
        return config, ServerSecrets(env, headers)

    def result_config(self) -> McpServerConfig | None:
        return self._config

    def result_secrets(self) -> ServerSecrets:
        return self._secrets
