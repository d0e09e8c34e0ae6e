"""The frozen app: builds the PyInstaller bundle, starts it under X11 and through its desktop entry.

Slow (the build takes ~20-40 s) and needs a real X server: run it in the X11 invocation, e.g.
`xvfb-run -a .venv/bin/python -m pytest -m x11 tests/packaging/test_bundle.py`.
The bundle size, build time and cold-start times go to the terminal; the screenshot to
build/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.fixtures.virtual_audio import VirtualAudio
from tests.packaging.desktop_entry import exec_argv, read_entry
from voicelive_desktop import APP_ID

pytestmark = [pytest.mark.slow, pytest.mark.x11, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
SCREENSHOTS = ROOT / "build" / "screenshots"
PREBUILT_BUNDLE_ENV = "VOICELIVE_TEST_BUNDLE"
SYSTEM_PORTAUDIO = Path("/usr/lib/x86_64-linux-gnu/libportaudio.so.2")


def report(config: pytest.Config, line: str) -> None:
    """Figures the acceptance asks to see, printed even when pytest captures output."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"[bundle] {line}")


def prebuilt_bundle(pytestconfig: pytest.Config) -> Path | None:
    """The bundle tools/test.sh built beside the parallel tests, if this run has one.

    $VOICELIVE_TEST_BUNDLE names a folder with dist/, build.log (the build script's output) and
    status (its exit code).
    """
    folder = os.environ.get(PREBUILT_BUNDLE_ENV)
    if not folder:
        return None
    out = Path(folder)
    log = (out / "build.log").read_text(errors="replace")
    status = (out / "status").read_text().strip()
    assert status == "0", f"the build script exited with {status}:\n{log[-6000:]}"
    report_build(pytestconfig, log)
    return out / "dist" / APP_ID


def report_build(config: pytest.Config, log: str) -> None:
    for line in log.splitlines():
        if line.startswith("[build] bundle:"):
            report(config, line.removeprefix("[build] "))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Path:
    """dist/voicelive-desktop built by the real build script, into a temp folder."""
    prebuilt = prebuilt_bundle(pytestconfig)
    if prebuilt is not None:
        return prebuilt
    out = tmp_path_factory.mktemp("bundle")
    env = {
        **os.environ,
        # Reuse the test venv (it has the `package` extra) rather than make a fresh one.
        "VENV": sys.prefix,
        "DIST_DIR": str(out / "dist"),
        "WORK_DIR": str(out / "work"),
    }
    result = subprocess.run(
        ["bash", str(LINUX / "build.sh"), "--no-deb"],
        env=env,
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-6000:]
    report_build(pytestconfig, result.stderr)
    return out / "dist" / APP_ID


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A first-run user: empty home and XDG dirs, the test's X display, no real keyring."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "QT_", "DBUS_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(HOME=str(home), PATH="/usr/bin:/bin")
    return env


def launch(
    argv: list[str], env: dict[str, str], screenshot: Path | None = None
) -> tuple[float, str]:
    """Runs launch_check on `argv`; returns (ms until the window was mapped, its WM_CLASS)."""
    command = [sys.executable, str(LINUX / "launch_check.py"), "--timeout", "5"]
    if screenshot is not None:
        command += ["--screenshot", str(screenshot)]
    result = subprocess.run(
        [*command, "--", *argv], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    mapped = re.search(r"window mapped after (\d+) ms", result.stdout)
    wm_class = re.search(r"WM_CLASS (.*)", result.stdout)
    assert mapped and wm_class, result.stdout
    return float(mapped.group(1)), wm_class.group(1)


def test_bundled_app_shows_its_demo_window_within_5_s(
    bundle: Path, user_env: dict[str, str], pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    shot = tmp_path / "bundle-demo-window.png"
    cold_ms, wm_class = launch([str(bundle / APP_ID), "--demo"], user_env, shot)
    report(pytestconfig, f"first start (fresh user) to mapped window: {cold_ms:.0f} ms")
    warm_ms, _ = launch([str(bundle / APP_ID), "--demo"], user_env)
    report(pytestconfig, f"second start to mapped window: {warm_ms:.0f} ms")

    # The launcher ties the window to the entry through StartupWMClass = the WM_CLASS class.
    entry = read_entry(ROOT / "resources" / "linux" / f"{APP_ID}.desktop")
    assert wm_class.endswith(f'"{entry["StartupWMClass"]}"'), wm_class

    # The screenshot shows a drawn window, not an empty black screen.
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert not image.isNull()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)
    }
    assert len(colours) > 20
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOTS / shot.name)
    report(pytestconfig, f"screenshot: {SCREENSHOTS / shot.name}")


def test_installed_desktop_entry_exec_starts_the_bundle(
    bundle: Path, user_env: dict[str, str], tmp_path: Path
) -> None:
    installed = subprocess.run(
        ["bash", str(bundle / "install-user.sh")],
        env=user_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    home = Path(user_env["HOME"])
    entry = read_entry(home / ".local" / "share" / "applications" / f"{APP_ID}.desktop")
    argv = exec_argv(entry["Exec"])
    assert argv == [str(home / ".local" / "lib" / APP_ID / APP_ID)]
    launch(argv, user_env)


@pytest.mark.audio
def test_bundled_offline_demo_answers_out_loud(
    bundle: Path, user_env: dict[str, str], virtual_audio: VirtualAudio
) -> None:
    """The demo conversation in the frozen app: bundled simulator, engine, espeak and speaker."""
    env = {**user_env, "PULSE_SERVER": virtual_audio.env["PULSE_SERVER"]}
    command = [str(bundle / APP_ID), "--headless", "--demo", "--say", "hello there"]
    with virtual_audio.record_speaker() as played:
        result = subprocess.run(
            [*command, "--duration", "15"],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    answers = [line for line in lines if line.startswith("assistant:")]
    assert answers, result.stdout
    assert "hello there" in answers[0]
    assert "response: completed" in lines
    rms = float(np.sqrt(np.mean(np.square(played.samples)))) if played.samples.size else 0.0
    assert rms > 0.01, f"the speaker stayed silent (rms {rms:.4f})"


def test_bundle_reports_every_library_and_its_own_portaudio(
    bundle: Path, user_env: dict[str, str], tmp_path: Path
) -> None:
    """--diagnose from the bundle on a system that looks as if libportaudio2 were not installed."""
    if not (SYSTEM_PORTAUDIO.exists() and shutil.which("unshare") and os.geteuid() == 0):
        pytest.skip("hiding the system PortAudio needs root, unshare and Debian's libportaudio2")
    # In a private mount namespace (this one process only) blank the system library and give
    # the loader a cache without it, so find_library("portaudio") finds nothing, as after
    # `apt purge libportaudio2`. Only the bundle's runtime hook can then find its own copy.
    hide_portaudio = (
        f'mount --bind /dev/null "{SYSTEM_PORTAUDIO.resolve()}"'
        f' && ldconfig -X -C "{tmp_path}/ld.so.cache"'
        f' && mount --bind "{tmp_path}/ld.so.cache" /etc/ld.so.cache && exec "$@"'
    )
    command = ["unshare", "--mount", "sh", "-c", hide_portaudio, "sh", str(bundle / APP_ID)]
    result = subprocess.run(
        [*command, "--diagnose"],
        env={**user_env, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = f"exit code {result.returncode}\n{result.stdout}{result.stderr}"
    assert "[ OK ] Versions" in output, output
    assert "PortAudio library not found" not in output, output
    assert "PortAudio V19" in output, output
    # libsndfile came with soundfile (the app imports it at start, for recordings).
    assert re.search(r"soundfile \(libsndfile, recordings\) 0\.\d+", output), output
