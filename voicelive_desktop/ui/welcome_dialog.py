"""First-run dialog: enter an endpoint and key (or Entra ID), or try the offline demo."""

from __future__ import annotations

import enum
from urllib.parse import urlparse

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from voicelive_desktop import APP_NAME
from voicelive_desktop.engine.session_settings import AuthMethod
from voicelive_desktop.ui.contrast import Tone, tone_style, warning_style


class WelcomeChoice(str, enum.Enum):
    """How the user left the welcome dialog."""

    CONNECT = "connect"
    DEMO = "demo"
    LATER = "later"


def endpoint_problem(endpoint: str) -> str | None:
    """Why `endpoint` cannot be a Voice Live endpoint, or None if it looks usable."""
    if not endpoint:
        return "Enter the endpoint of your Azure AI Voice Live resource."
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("https", "wss", "http", "ws") or not parsed.hostname:
        return "The endpoint must be a URL such as https://<resource>.cognitiveservices.azure.com"
    return None


class WelcomeDialog(QDialog):
    """Asks for what the app needs to connect; `choice` says what the user picked."""

    def __init__(
        self, endpoint: str = "", keyring_problem: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.setMinimumWidth(500)
        self.choice = WelcomeChoice.LATER

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        title = QLabel(f"<h2>Welcome to {APP_NAME}</h2>")
        intro = QLabel(
            "Talk to an assistant on Azure AI Voice Live. Enter your resource's endpoint and "
            "key, or try the offline demo first: it runs a small local server, no account needed."
        )
        intro.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(intro)

        form = QFormLayout()
        self.endpoint = QLineEdit(endpoint)
        self.endpoint.setPlaceholderText("https://<resource>.cognitiveservices.azure.com")
        form.addRow("Endpoint:", self.endpoint)
        self.auth_key = QRadioButton("API key")
        self.auth_entra = QRadioButton("Microsoft Entra ID")
        self.auth_key.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.auth_key)
        group.addButton(self.auth_entra)
        auth_row = QVBoxLayout()
        auth_row.addWidget(self.auth_key)
        auth_row.addWidget(self.auth_entra)
        form.addRow("Sign in with:", auth_row)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("from Keys and Endpoint in the Azure portal")
        form.addRow("API key:", self.api_key)
        self.remember = QCheckBox("Remember the key in the system keyring")
        self.remember.setChecked(keyring_problem is None)
        form.addRow("", self.remember)
        self.auth_key.toggled.connect(self.api_key.setEnabled)
        self.auth_key.toggled.connect(self.remember.setEnabled)
        layout.addLayout(form)

        self.keyring_note = QLabel(keyring_problem or "")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(keyring_problem is not None)
        self.keyring_note.setStyleSheet(warning_style(self))
        layout.addWidget(self.keyring_note)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(tone_style(self, Tone.ERROR))
        self.problem.hide()
        layout.addWidget(self.problem)

        buttons = QDialogButtonBox()
        self.demo_button = QPushButton("Try the offline demo")
        self.connect_button = QPushButton("Connect")
        self.connect_button.setDefault(True)
        self.later_button = QPushButton("Later")
        buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo_button.clicked.connect(self._choose_demo)
        self.connect_button.clicked.connect(self._choose_connect)
        self.later_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def auth(self) -> AuthMethod:
        return AuthMethod.ENTRA_ID if self.auth_entra.isChecked() else AuthMethod.API_KEY

    @property
    def endpoint_text(self) -> str:
        return self.endpoint.text().strip()

    @property
    def key_text(self) -> str:
        return self.api_key.text().strip()

    def _choose_demo(self) -> None:
        self.choice = WelcomeChoice.DEMO
        self.accept()

    def _choose_connect(self) -> None:
        problem = endpoint_problem(self.endpoint_text)
        if problem is None and self.auth is AuthMethod.API_KEY and not self.key_text:
            problem = "Enter the API key, or choose Microsoft Entra ID."
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.choice = WelcomeChoice.CONNECT
        self.accept()
