"""Starts the app on the current X display and measures cold start to its window being mapped.

    DISPLAY=:99 python packaging/linux/launch_check.py [--screenshot shot.png] -- CMD [ARGS...]

Prints the time from process start to the main window being visible, the window's WM_CLASS
(which the desktop entry's StartupWMClass must match) and saves a screenshot of the screen;
then closes the app. Exits non-zero, with the app's output, if no window shows in time.
Needs xdotool, xprop and ImageMagick's `import` and `convert` (all in tools/apt-packages.txt).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# It drives an X display with xdotool and signals the app's process group: Linux only. Type
# checkers skip the rest of the module when checking it as Windows or macOS would see it.
if sys.platform != "linux":
    sys.exit("launch_check runs on Linux, under X11")

WINDOW_TITLE = "VoiceLive"
POLL_S = 0.02
# The bare Xvfb root is one colour; a drawn window has dozens.
PAINTED_MIN_COLOURS = 20


def visible_window(title: str, pid: int) -> str | None:
    """The id of a mapped window of `pid` whose title contains `title`, if there is one yet."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", title],
        capture_output=True,
        text=True,
        check=False,
    )
    ids = found.stdout.split()
    return ids[0] if ids else None


def wm_class(window_id: str) -> str:
    """WM_CLASS as xprop prints it, e.g. `"voicelive-desktop", "VoiceLive Desktop"`."""
    out = subprocess.run(
        ["xprop", "-id", window_id, "WM_CLASS"], capture_output=True, text=True, check=False
    ).stdout
    return out.partition("=")[2].strip()


def colour_count(image: Path) -> int:
    """How many distinct colours the PNG has (ImageMagick's %k)."""
    out = subprocess.run(
        ["convert", str(image), "-format", "%k", "info:"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return int(out.strip() or 0)


def save_painted_screen(path: Path, timeout_s: float) -> None:
    """Saves the screen once something is drawn on it, or as it is after `timeout_s`.

    A mapped window is not yet a painted one: on a busy machine the first paint can come seconds
    later, and a screenshot then shows only the black root window.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
        if colour_count(path) > PAINTED_MIN_COLOURS or time.monotonic() >= deadline:
            return
        time.sleep(0.5)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Closes the app the way a desktop session would, and kills it if it does not go."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the app's cold start under X11.")
    parser.add_argument("--title", default=WINDOW_TITLE, help="text in the main window's title")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for it")
    parser.add_argument("--settle", type=float, default=1.5, help="seconds before the screenshot")
    parser.add_argument("--screenshot", type=Path, help="save a PNG of the screen here")
    parser.add_argument(
        "--paint-timeout", type=float, default=10.0, help="seconds to wait for a drawn screen"
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the app's command line")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the app's command line after --")
    if not os.environ.get("DISPLAY"):
        print("launch_check: DISPLAY is not set; run under Xvfb or xvfb-run", file=sys.stderr)
        return 2
    for tool in ("xdotool", "xprop", "import", "convert"):
        if shutil.which(tool) is None:
            print(f"launch_check: {tool} is missing (see tools/apt-packages.txt)", file=sys.stderr)
            return 2

    with tempfile.TemporaryFile() as output:
        started = time.monotonic()
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        window = None
        try:
            while time.monotonic() - started < args.timeout and process.poll() is None:
                window = visible_window(args.title, process.pid)
                if window:
                    break
                time.sleep(POLL_S)
            elapsed_ms = (time.monotonic() - started) * 1000
            if window is None:
                output.seek(0)
                log = output.read().decode(errors="replace")[-4000:]
                state = (
                    f"exited with code {process.returncode}"
                    if process.poll() is not None
                    else f"showed no window titled '{args.title}' within {args.timeout:g} s"
                )
                print(f"launch_check: the app {state}\n--- app output ---\n{log}", file=sys.stderr)
                return 1
            print(f"window mapped after {elapsed_ms:.0f} ms (window id {window})")
            print(f"WM_CLASS {wm_class(window)}")
            if args.screenshot:
                time.sleep(args.settle)
                save_painted_screen(args.screenshot, args.paint_timeout)
                print(f"screenshot {args.screenshot}")
            if process.poll() is not None:
                print(f"launch_check: the app quit by itself (code {process.returncode})")
                return 1
        finally:
            stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
