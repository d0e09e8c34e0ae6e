"""API key handling: real Secret Service keyring, env overrides, and no usable backend."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backends.fail
import keyring.errors
import pytest

from tests.fixtures.secret_service import SecretServiceKeyring
from voicelive_desktop.credentials import (
    ENV_API_KEY,
    KEYRING_SERVICE,
    CredentialStore,
    KeyringUnavailable,
    KeySource,
    describe_keyring_error,
)
from voicelive_desktop.engine.auth import ENV_ENDPOINT

ENDPOINT = "https://unit-test.cognitiveservices.azure.com"


@pytest.fixture
def no_keyring_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What keyring selects on a machine with no backend at all."""
    monkeypatch.delenv(ENV_API_KEY, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.allow_log_warnings(
    r"credentials: keyring: The system keyring failed \(PasswordDeleteError",
)
@pytest.mark.keyring
def test_key_round_trip_through_secret_service(
    secret_service_keyring: SecretServiceKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_API_KEY, raising=False)
    monkeypatch.delenv(ENV_ENDPOINT, raising=False)
    store = CredentialStore()
    store.save_key(ENDPOINT, "round-trip-key-1")
    # Read back through the backend directly: the key really is in the Secret Service.
    assert secret_service_keyring.backend.get_password(KEYRING_SERVICE, ENDPOINT) == (
        "round-trip-key-1"
    )
    resolved = CredentialStore().resolve(ENDPOINT)
    assert resolved.api_key == "round-trip-key-1"
    assert resolved.key_source is KeySource.KEYRING
    assert "round-trip-key-1" not in repr(resolved)
    store.forget_key(ENDPOINT)
    assert CredentialStore().resolve(ENDPOINT).api_key is None
    store.forget_key(ENDPOINT)  # forgetting twice is fine


def test_env_overrides_without_storing(
    no_keyring_backend: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_ENDPOINT, "https://from-env.example")
    monkeypatch.setenv(ENV_API_KEY, "env-key")
    resolved = CredentialStore().resolve("https://from-settings.example")
    assert resolved.endpoint == "https://from-env.example"
    assert resolved.api_key == "env-key"
    assert resolved.key_source is KeySource.ENVIRONMENT
    # The command line beats the environment for the endpoint.
    assert CredentialStore().resolve("", "https://cli.example").endpoint == "https://cli.example"


@pytest.mark.allow_log_warnings(r"credentials: keyring: No system keyring")
def test_no_backend_gives_clear_message_and_this_run_key(no_keyring_backend: None) -> None:
    store = CredentialStore()
    with pytest.raises(KeyringUnavailable, match="No system keyring is available"):
        store.save_key(ENDPOINT, "secret-xyz")
    resolved = store.resolve(ENDPOINT)
    assert resolved.api_key is None
    assert resolved.keyring_problem is not None
    assert "this run only" in resolved.keyring_problem
    assert "Traceback" not in resolved.keyring_problem

    store.use_for_this_run(ENDPOINT, "secret-xyz")
    resolved = store.resolve(ENDPOINT)
    assert resolved.api_key == "secret-xyz"
    assert resolved.key_source is KeySource.THIS_RUN_ONLY
    assert CredentialStore().resolve(ENDPOINT).api_key is None  # gone with the process


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (keyring.errors.NoKeyringError("no backend"), "No system keyring is available"),
        (keyring.errors.KeyringLocked("Failed to unlock the collection!"), "keyring is locked"),
        (keyring.errors.InitError("Prompt dismissed.."), "could not be opened (Prompt dismissed"),
        (keyring.errors.KeyringError("odd"), "keyring failed (KeyringError: odd)"),
    ],
)
def test_each_keyring_failure_has_its_own_sentence(error: Exception, words: str) -> None:
    message = describe_keyring_error(error)
    assert words in message
    assert "this run only" in message
