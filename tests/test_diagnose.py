"""`--diagnose`: the report a user would paste into a bug, and its exit code, on real systems.

The endpoint cases run against real local HTTP/websocket servers (aiohttp) on free ports.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import WSMsgType, web

from tests.fixtures.echo_path import SCENARIOS, espeak_speech
from tests.fixtures.stepped_duplex import DeviceTiming, SteppedDuplex
from voicelive_desktop.audio.echo_reference import EchoReferencePairing, PlaybackHistory
from voicelive_desktop.audio.local_echo_canceller import LocalEchoCanceller
from voicelive_desktop.audio.mic_echo_stage import LocalCancellerStage
from voicelive_desktop.diagnose import local_report
from voicelive_desktop.diagnostic_checks import Status
from voicelive_desktop.echo_report import measure_echo, save_echo_report
from voicelive_desktop.endpoint_probe import probe_endpoint
from voicelive_desktop.engine.session_settings import EchoCancellationMode

KEY = "DiagnoseKey-7f3a9c1e5b2d4f60"
MODELS = {"gpt-realtime", "my-deployment"}  # what the local Voice-Live-like server serves


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app_dirs(tmp_path: Path) -> dict[str, str]:
    """An environment with private config/data/log dirs and no inherited endpoint or key."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("AZURE_VOICE_LIVE_ENDPOINT", "AZURE_VOICE_LIVE_API_KEY")
    }
    for kind in ("CONFIG", "DATA", "LOG"):
        env[f"VOICELIVE_DESKTOP_{kind}_DIR"] = str(tmp_path / kind.lower())
    return env


def diagnose(env: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voicelive_desktop", "--diagnose", *options],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- the whole command --------------------------------------------------------------------


@pytest.mark.audio
def test_with_the_virtual_sound_system_it_lists_devices_and_exits_zero(
    virtual_audio: object, app_dirs: dict[str, str]
) -> None:
    result = diagnose({**app_dirs, "PULSE_SERVER": os.environ["PULSE_SERVER"]}, "--demo")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "[ OK ] Audio:" in out
    assert "'pulse' in=" in out and "rate=" in out
    assert "default input" in out and "default output" in out
    assert "Azure AI Voice Live SDK 1.3" in out and "Qt for Python (PySide6) 6." in out
    assert f"settings {app_dirs['VOICELIVE_DESKTOP_CONFIG_DIR']}" in out
    assert f"log {app_dirs['VOICELIVE_DESKTOP_LOG_DIR']}" in out
    assert "[ OK ] Endpoint (built-in demo simulator): '127.0.0.1' answers" in out
    assert "Result: no problem found" in out
    # A report changes nothing: no settings, log or history files appear.
    for kind in ("CONFIG", "DATA", "LOG"):
        assert not Path(app_dirs[f"VOICELIVE_DESKTOP_{kind}_DIR"]).exists()


def test_without_a_sound_server_it_says_so_and_exits_non_zero(app_dirs: dict[str, str]) -> None:
    result = diagnose({**app_dirs, "PULSE_SERVER": "unix:/nonexistent/pulse/native"})
    assert result.returncode == 1
    assert "[FAIL] Audio: no audio devices found; is a sound server" in result.stdout
    assert "Result: broken (Audio" in result.stdout


@pytest.mark.parametrize(
    ("endpoint", "problem"),
    [
        ("http://127.0.0.1:{port}", "Connection refused: nothing accepts connections on port"),
        ("https://nonexistent.invalid", "could not be found (DNS lookup failed)"),
        ("not a url", "is not a web address"),
    ],
)
def test_a_wrong_endpoint_is_named_and_exits_non_zero(
    app_dirs: dict[str, str], endpoint: str, problem: str
) -> None:
    result = diagnose(app_dirs, "--endpoint", endpoint.format(port=free_port()))
    assert result.returncode == 1
    endpoint_line = next(line for line in result.stdout.splitlines() if "] Endpoint" in line)
    assert endpoint_line.startswith("[FAIL]")
    assert problem in endpoint_line
    assert "Endpoint)" in result.stdout.splitlines()[-1]
    assert "Traceback" not in result.stdout + result.stderr


def test_the_endpoint_comes_from_the_environment_and_the_key_is_never_printed(
    app_dirs: dict[str, str],
) -> None:
    env = {
        **app_dirs,
        "AZURE_VOICE_LIVE_ENDPOINT": f"http://127.0.0.1:{free_port()}",
        "AZURE_VOICE_LIVE_API_KEY": KEY,
    }
    result = diagnose(env)
    assert "from AZURE_VOICE_LIVE_ENDPOINT" in result.stdout
    assert KEY not in result.stdout + result.stderr


def test_no_keyring_backend_is_a_clear_warning_not_a_failure(app_dirs: dict[str, str]) -> None:
    env = {**app_dirs, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = diagnose(env, "--endpoint", "not a url")
    keyring_line = next(line for line in result.stdout.splitlines() if "] Keyring:" in line)
    assert keyring_line.startswith("[WARN] Keyring: keyring.backends.fail.Keyring")
    assert "No system keyring is available" in keyring_line
    assert "Keyring" not in result.stdout.splitlines()[-1]  # not listed among the failures


def test_the_report_does_not_load_qt_widgets(app_dirs: dict[str, str]) -> None:
    script = (
        "import sys\n"
        "from voicelive_desktop.__main__ import main\n"
        "main(['--diagnose', '--endpoint', 'not a url'])\n"
        "loaded = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "print('QT MODULES:', loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=app_dirs,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "QT MODULES: []" in result.stdout, result.stdout + result.stderr


@pytest.mark.keyring
def test_a_key_stored_in_the_keyring_is_used_for_the_probe_and_not_shown(
    secret_service_keyring: object, app_dirs: dict[str, str], voicelive_like_server: str
) -> None:
    import keyring

    keyring.set_password("voicelive-desktop", voicelive_like_server, KEY)
    try:
        result = diagnose(
            {**app_dirs, "DBUS_SESSION_BUS_ADDRESS": os.environ["DBUS_SESSION_BUS_ADDRESS"]},
            "--endpoint",
            voicelive_like_server,
        )
    finally:
        keyring.delete_password("voicelive-desktop", voicelive_like_server)
    assert "SecretService" in result.stdout and "a key is stored for" in result.stdout
    assert "[ OK ] Endpoint:" in result.stdout
    assert "the API key was accepted" in result.stdout
    assert KEY not in result.stdout + result.stderr


@pytest.mark.parametrize(("model", "verdict"), [("my-deployment", "[ OK ]"), ("gone", "[FAIL]")])
def test_the_stored_endpoint_is_probed_with_the_stored_model(
    app_dirs: dict[str, str], voicelive_like_server: str, model: str, verdict: str
) -> None:
    config = Path(app_dirs["VOICELIVE_DESKTOP_CONFIG_DIR"])
    config.mkdir()
    settings = {"version": 1, "connection": {"endpoint": voicelive_like_server, "model": model}}
    (config / "settings.json").write_text(json.dumps(settings))
    result = diagnose({**app_dirs, "AZURE_VOICE_LIVE_API_KEY": KEY})
    lines = result.stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if "] Endpoint:" in line)
    assert lines[index].startswith(verdict)
    assert f"from settings; model {model}" in lines[index + 1]
    if verdict == "[FAIL]":
        assert "was not found" in lines[index] and "HTTP 404" in lines[index]


def test_local_report_for_copy_diagnostics_has_every_local_section(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VOICELIVE_DESKTOP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("VOICELIVE_DESKTOP_DATA_DIR", str(tmp_path / "data"))
    report = local_report()
    names = [check.name for check in report.checks]
    assert names == ["Versions", "Audio", "Echo", "Keyring", "Paths", "Crashes"]
    assert report.checks[0].status is Status.OK
    assert "diagnostics (" in report.to_text().splitlines()[0]


def test_the_last_sessions_echo_delay_and_suppression_are_reported(
    app_dirs: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICELIVE_DESKTOP_DATA_DIR", app_dirs["VOICELIVE_DESKTOP_DATA_DIR"])
    history = PlaybackHistory()
    stage = LocalCancellerStage(
        EchoReferencePairing(history, follow_residual=False), LocalEchoCanceller()
    )
    duplex = SteppedDuplex(history, SCENARIOS["loud_speakers"], DeviceTiming(rate=48_000))
    speech = espeak_speech("The weather this week is sunny and warm, with a little wind. " * 3)
    for mic, captured_at in duplex.frames(speech[: 8 * 24_000]):
        stage.process(mic, captured_at)
    report = measure_echo(EchoCancellationMode.THIS_COMPUTER, stage, 0.030, 0.020)
    save_echo_report(report)
    out = diagnose(app_dirs).stdout
    line = next(line for line in out.splitlines() if "Echo" in line)
    assert "this_computer" in line
    # The room's 50 ms direct delay is what PortAudio did not report: measured.
    assert "echo delay: 100.0 ms (PortAudio latencies 50.0 ms + measured +50.0 ms" in out
    assert report.erle_db is not None and report.erle_db >= 25
    assert f"suppression (ERLE): {report.erle_db:.1f} dB, on this computer" in out


def test_a_damaged_settings_file_is_a_warning_and_is_left_untouched(
    app_dirs: dict[str, str],
) -> None:
    config = Path(app_dirs["VOICELIVE_DESKTOP_CONFIG_DIR"])
    config.mkdir()
    (config / "settings.json").write_text("{ not json")
    result = diagnose(app_dirs)
    assert "[WARN] Paths:" in result.stdout and "is unreadable" in result.stdout
    assert (config / "settings.json").read_text() == "{ not json"
    assert [p.name for p in config.iterdir()] == ["settings.json"]


# -- the endpoint probe against real local servers ----------------------------------------


async def _voicelive_like(request: web.Request) -> web.StreamResponse:
    """Accepts the realtime websocket only with the right key, like the service."""
    if request.path != "/voice-live/realtime" or request.query.get("model") not in MODELS:
        return web.Response(status=404)
    if request.headers.get("api-key") != KEY:
        return web.Response(status=401)
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type is WSMsgType.CLOSE:
            break
    return ws


async def _redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("https://elsewhere.example/voice-live/realtime")


async def _start(handler: web.Handler) -> web.AppRunner:
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    return runner


@pytest.fixture
def voicelive_like_server() -> Iterator[str]:
    """A real aiohttp server in a thread that answers like Voice Live; yields its http URL."""
    import asyncio
    import threading

    loop = asyncio.new_event_loop()
    port = free_port()
    ready = threading.Event()
    runner_box: list[web.AppRunner] = []

    async def serve() -> None:
        runner = await _start(_voicelive_like)
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runner_box.append(runner)
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
    assert ready.wait(10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner_box[0].cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@pytest_asyncio.fixture
async def local_server() -> AsyncIterator[dict[str, str]]:
    """Plain and TLS (self-signed) Voice-Live-like servers plus a redirecting one."""
    runners = []
    urls: dict[str, str] = {}
    for name, handler, tls in (
        ("voicelive", _voicelive_like, None),
        ("redirect", _redirect, None),
        ("self_signed", _voicelive_like, _self_signed_context()),
    ):
        runner = await _start(handler)
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port, ssl_context=tls).start()
        runners.append(runner)
        urls[name] = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    yield urls
    for runner in runners:
        await runner.cleanup()


def _self_signed_context() -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    with tempfile.TemporaryDirectory() as directory:
        cert_path = Path(directory) / "cert.pem"
        key_path = Path(directory) / "key.pem"
        cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
    return context


@pytest.mark.asyncio
async def test_probe_accepts_a_real_handshake_with_the_right_key(
    local_server: dict[str, str],
) -> None:
    outcome = await probe_endpoint(local_server["voicelive"], KEY)
    assert outcome.answered is True
    assert "handshake accepted; the API key was accepted" in outcome.message


@pytest.mark.asyncio
async def test_probe_reports_a_rejected_key_with_its_status(local_server: dict[str, str]) -> None:
    outcome = await probe_endpoint(local_server["voicelive"], "WrongKey-000000000")
    assert outcome.answered is False
    assert "rejected the API key or token (HTTP 401)" in outcome.message


@pytest.mark.asyncio
async def test_probe_without_a_key_counts_401_as_answering(local_server: dict[str, str]) -> None:
    outcome = await probe_endpoint(local_server["voicelive"], None)
    assert outcome.answered is True
    assert "answers (HTTP 401 without a key" in outcome.message


@pytest.mark.asyncio
async def test_probe_reports_a_wrong_path_as_http_404(local_server: dict[str, str]) -> None:
    outcome = await probe_endpoint(local_server["voicelive"] + "/wrong/base", KEY)
    assert outcome.answered is False
    assert "HTTP 404" in outcome.message


@pytest.mark.asyncio
async def test_probe_names_a_tls_failure(local_server: dict[str, str]) -> None:
    outcome = await probe_endpoint(local_server["self_signed"], KEY)
    assert outcome.answered is False
    assert "TLS" in outcome.message and "certificate" in outcome.message.lower()


@pytest.mark.asyncio
async def test_probe_refuses_to_follow_a_redirect_with_the_key(
    local_server: dict[str, str],
) -> None:
    outcome = await probe_endpoint(local_server["redirect"], KEY)
    assert outcome.answered is False
    assert "redirected to 'elsewhere.example'" in outcome.message


@pytest.mark.asyncio
async def test_probe_gives_up_on_a_silent_server_after_its_timeout() -> None:
    with socket.socket() as silent:  # accepts TCP but never answers HTTP
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        outcome = await probe_endpoint(f"http://127.0.0.1:{port}", KEY, timeout_s=0.5)
    assert outcome.answered is False
    assert "did not answer within" in outcome.message
