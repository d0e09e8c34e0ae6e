"""What the GUI app costs while it waits and while it talks, and whether its reply delay stays
flat, against a baseline client in the style of the SDK's basic sample (issue 15).

    .venv/bin/python benchmarks/app_cpu.py [--rounds 2] [--turns 20] [--idle-s 20]

One run starts, for all clients alike: Xvfb (unless DISPLAY is set), the test suite's private
PulseAudio (virtual mic and speaker, tests/fixtures/virtual_audio.py) and the simulator in
this process. Then, alternating the clients in every round (reversed order in odd rounds,
because this machine is noisy):
- the real GUI app (`benchmarks/app_driver.py`: the app's own start-up with `--connect`),
  once with its window shown, once minimised, once hidden as the tray leaves it, and (for
  what issue 13's panel and inspector cost) once shown with the session panel closed and
  once shown with the event inspector open;
- the baseline (`benchmarks/baseline_client.py`: blocking 1024-frame reads at 24 kHz, base64,
  one append per block, playback from a queue, as `basic_voice_assistant_async.py`).
Each run: connected and silent for `--idle-s` (process CPU from /proc: utime + stime), then a
spoken conversation (espeak-ng into the virtual mic; CPU over the first 3 turns), RSS after it.
The shown app and the baseline talk `--turns` turns; per turn the speaker's monitor and the
mic feed are recorded to time the reply delay (end of speech in the mic -> first reply audio
at the speaker), split at the simulator's `speech_stopped` into the capture share and the
playback share. Underruns: the app's own counters (its session-end log line), the baseline's
underflowed writes, and ALSA's "underrun occurred" lines on either's stderr.
It prints figures, ratios and the issue's goals; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# It reads CPU time from /proc and sound from PulseAudio: Linux only. Type checkers skip the
# rest of the module when checking it as Windows or macOS would see it.
if sys.platform != "linux":
    sys.exit("app_cpu measures through /proc and PulseAudio: it runs on Linux")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.benchmark_audio import MonitorRecorder, SimulatorThread  # noqa: E402
from voicelive_desktop.protocol import DEMO_API_KEY  # noqa: E402

QUESTION = "What will the weather be like tomorrow?"
TALK_CPU_TURNS = 3
_SESSION_LINE = re.compile(r"speaker underruns (\d+) \(device (\d+)\)")
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Turn:
    capture_ms: float
    playback_ms: float
    client_ms: float  # first audio delta sent -> heard: the client's own part of playback
    alsa_underruns: int


@dataclass
class Run:
    """One client process's figures."""

    client: str
    idle_cpu: float = 0.0  # % of one core
    talk_cpu: float = 0.0
    rss_mb: float = 0.0
    turns: list[Turn] = field(default_factory=list)
    underruns: int = 0  # counted by the client itself
    device_underruns: int = 0
    alsa_underruns: int = 0
    paints: int | None = None
    paints_by_widget: dict[str, int] = field(default_factory=dict)


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Client:
    """A client process: its stdout lines, its stderr in a file, its CPU clock."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], work: Path) -> None:
        self.name = name
        self.stderr_path = work / f"{name}.stderr"
        self._stderr = self.stderr_path.open("wb")
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while "READY" not in self.lines:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.stderr_path.read_text(errors="replace")[-3000:]
                sys.exit(f"{self.name} did not get ready:\n{tail}")
            time.sleep(0.05)

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def alsa_underruns(self) -> int:
        return self.stderr_path.read_bytes().count(b"underrun occurred")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
        self._stderr.close()


class Bench:
    """The shared set-up and one measured run per client."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        from tests.fixtures.virtual_audio import VirtualAudio

        self.args = args
        self.work = work
        self.audio = VirtualAudio.in_new_directory("voicelive-bench-audio-")
        self.audio.start()
        self.question = self.audio.speech_wav(QUESTION)
        self.simulator = SimulatorThread()

    def close(self) -> None:
        self.simulator.close()
        self.audio.stop()

    def env(self, client: str) -> dict[str, str]:
        home = self.work / client
        return {
            **self.audio.env,
            "QT_QPA_PLATFORM": "xcb",
            "AZURE_VOICE_LIVE_API_KEY": DEMO_API_KEY,
            "VOICELIVE_DESKTOP_CONFIG_DIR": str(home / "config"),
            "VOICELIVE_DESKTOP_DATA_DIR": str(home / "data"),
            "VOICELIVE_DESKTOP_LOG_DIR": str(home / "log"),
            "PYTHONPATH": str(ROOT),
        }

    def run(self, client: str, turns: int) -> Run:
        script = "baseline_client.py" if client == "baseline" else "app_driver.py"
        command = [sys.executable, str(ROOT / "benchmarks" / script)]
        command += ["--endpoint", self.simulator.endpoint]
        if client != "baseline":
            command += ["--mode", client.removeprefix("app-")]
        process = Client(client, command, self.env(client), self.work)
        result = Run(client)
        try:
            process.wait_ready()
            connection = self.simulator.latest_connection()
            time.sleep(2.0)  # start-up work (imports, first paints, device warm-up) settles
            began = process.cpu()
            time.sleep(self.args.idle_s)
            result.idle_cpu = (process.cpu() - began) / self.args.idle_s * 100
            mic = MonitorRecorder(self.audio.env, "micfeed.monitor")
            speaker = MonitorRecorder(self.audio.env, "speaker.monitor")
            with mic, speaker:
                talk_began_at, talk_began = time.monotonic(), process.cpu()
                for index in range(turns):
                    alsa_before = process.alsa_underruns()
                    spoken = self.speak_turn(connection, speaker)
                    if index == min(turns, TALK_CPU_TURNS) - 1:
                        talk_s = time.monotonic() - talk_began_at
                        result.talk_cpu = (process.cpu() - talk_began) / talk_s * 100
                    turn = self.measure_turn(connection, mic, speaker, spoken)
                    turn.alsa_underruns = process.alsa_underruns() - alsa_before
                    result.turns.append(turn)
            result.rss_mb = rss_mb(process.process.pid)
        finally:
            process.stop()
        self._read_counters(process, result)
        return result

    def speak_turn(self, connection: int, speaker: MonitorRecorder) -> tuple[float, float]:
        """Say the question into the mic and wait until the reply has played out."""
        done_before = self.simulator.count(connection, "response.done")
        started = time.monotonic()
        self.audio.play_into_mic(self.question)
        ended = time.monotonic()
        deadline = ended + 60
        while self.simulator.count(connection, "response.done") <= done_before:
            if time.monotonic() > deadline:
                sys.exit("no reply within 60 s")
            time.sleep(0.05)
        while not speaker.quiet_for(0.4):
            time.sleep(0.05)
        return started, ended

    def measure_turn(
        self,
        connection: int,
        mic: MonitorRecorder,
        speaker: MonitorRecorder,
        spoken: tuple[float, float],
    ) -> Turn:
        started, ended = spoken
        speech_end = mic.last_loud(started, ended + 0.5)
        stopped = self.simulator.first_after(
            connection, "input_audio_buffer.speech_stopped", speech_end
        )
        first_delta = self.simulator.first_after(connection, "response.audio.delta", stopped)
        heard = speaker.first_loud(stopped)
        return Turn(
            capture_ms=(stopped - speech_end) * 1000,
            playback_ms=(heard - stopped) * 1000,
            client_ms=(heard - first_delta) * 1000,
            alsa_underruns=0,
        )

    def _read_counters(self, process: Client, result: Run) -> None:
        result.alsa_underruns = process.alsa_underruns()
        text = process.stderr_path.read_text(errors="replace")
        for line in process.lines:
            if line.startswith("{"):
                report = json.loads(line)
                if "paints" in report:
                    result.paints = int(report["paints"])
                    result.paints_by_widget = report["by_widget"]
                if "underruns" in report:
                    result.underruns = int(report["underruns"])
        match = _SESSION_LINE.search(text)
        if match:
            result.underruns, result.device_underruns = int(match[1]), int(match[2])


CLIENTS = (
    "app-shown",
    "app-minimised",
    "app-tray",
    "app-panel-closed",
    "app-inspector-open",
    "baseline",
)
# Issue 15's goals are for the window as a user leaves it: shown (panel open), minimised or
# in the tray. The panel-closed and inspector-open runs show what those two cost (issue 13).
GOAL_CLIENTS = ("app-shown", "app-minimised", "app-tray")
LABELS = {
    "app-shown": "app, window shown",
    "app-minimised": "app, minimised",
    "app-tray": "app, in the tray",
    "app-panel-closed": "app, shown, panel closed",
    "app-inspector-open": "app, shown, inspector open",
    "baseline": "baseline (SDK sample style)",
}


# A bare PySide6 window (QApplication + QMainWindow with one label, shown): the floor any
# PySide6 app pays before its own imports, printed beside the app's RSS for reference.
_BARE_QT_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("bare"))
window.resize(1080, 680)
window.show()
def report():
    status = open("/proc/self/status").read().split("VmRSS:")[1]
    print(int(status.split()[0]) / 1024, flush=True)
    app.quit()
QTimer.singleShot(2000, report)
app.exec()
"""


def bare_qt_window_rss_mb() -> float:
    """RSS of a bare shown PySide6 window on the same display, 2 s after it showed."""
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [sys.executable, "-c", _BARE_QT_WINDOW],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return float(result.stdout.split()[-1])


def median_range(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} [{min(values):.2f}-{max(values):.2f}]"


def print_figure(title: str, runs: dict[str, list[Run]], value: str, unit: str) -> None:
    print(f"\n{title} ({unit}; median of rounds [range]; ratio to the baseline's median)")
    base = statistics.median(getattr(r, value) for r in runs["baseline"])
    for client in CLIENTS:
        values = [getattr(r, value) for r in runs[client]]
        if not values:
            continue
        ratio = "" if client == "baseline" else f"  x{statistics.median(values) / base:.2f}"
        print(f"  {LABELS[client]:<30}{median_range(values)}{ratio}")


def first_last_medians(turns: list[Turn]) -> tuple[float, float]:
    playback = [t.playback_ms for t in turns]
    return statistics.median(playback[:5]), statistics.median(playback[-5:])


def print_delays(runs: dict[str, list[Run]]) -> None:
    print("\nreply delay per turn, ms: end of speech -> first reply audio at the speaker")
    print("  = capture share (-> server speech_stopped) + playback share (-> heard);")
    print("  'client' is the playback share's part after the first audio delta was sent")
    print("  (median over rounds)")
    header = "  turn  " + "".join(
        f"{name:>34}" for name in ("app: total = capture + playback (client)", "baseline")
    )
    print(header)
    count = min(len(r.turns) for c in ("app-shown", "baseline") for r in runs[c])
    for index in range(count):
        cells = []
        for client in ("app-shown", "baseline"):
            turns = [r.turns[index] for r in runs[client]]
            capture = statistics.median(t.capture_ms for t in turns)
            playback = statistics.median(t.playback_ms for t in turns)
            own = statistics.median(t.client_ms for t in turns)
            alsa = sum(t.alsa_underruns for t in turns)
            cells.append(
                f"{capture + playback:6.0f} = {capture:4.0f} + {playback:4.0f} ({own:4.0f})"
                f" u{alsa:<3d}"
            )
        print(f"  {index + 1:>4}  " + "".join(f"{cell:>34}" for cell in cells))
    print("  (uN: ALSA 'underrun occurred' lines during the turn, all rounds)")


def print_goals(runs: dict[str, list[Run]]) -> None:
    def med(client: str, figure: Callable[[Run], float]) -> float:
        return statistics.median(figure(r) for r in runs[client])

    def verdict(ok: bool) -> str:
        return "met " if ok else "MISSED"

    print("\ngoals (issue 15)")
    idle = max(med(c, lambda r: r.idle_cpu) for c in GOAL_CLIENTS)
    base_idle = med("baseline", lambda r: r.idle_cpu)
    base_talk = med("baseline", lambda r: r.talk_cpu)
    print(f"  [{verdict(idle < 3.0)}] idle under 3 % of one core: app at most {idle:.2f} %")
    print(
        f"  [{verdict(idle <= base_idle)}] idle no more than the baseline's: "
        f"{idle:.2f} % vs {base_idle:.2f} %"
    )
    talk = max(med(c, lambda r: r.talk_cpu) for c in GOAL_CLIENTS)
    print(
        f"  [{verdict(talk <= base_talk)}] talking no more than the baseline's: "
        f"{talk:.2f} % vs {base_talk:.2f} %"
    )
    rss = max(med(c, lambda r: r.rss_mb) for c in GOAL_CLIENTS)
    print(f"  [{verdict(rss <= 150)}] RSS 150 MB or less: {rss:.0f} MB")
    for run in runs["app-shown"]:
        first, last = first_last_medians(run.turns)
        print(
            f"  [{verdict(last - first <= 10)}] playback share flat: first 5 turns "
            f"{first:.0f} ms, last 5 {last:.0f} ms (median)"
        )
    app_runs = [r for c in GOAL_CLIENTS for r in runs[c]]
    counted = sum(r.underruns + r.device_underruns for r in app_runs)
    alsa = sum(r.alsa_underruns for r in app_runs)
    print(
        f"  [{verdict(counted == 0 and alsa == 0)}] no underruns: app counted {counted} "
        f"(buffer {sum(r.underruns for r in app_runs)}, device "
        f"{sum(r.device_underruns for r in app_runs)}), ALSA lines {alsa}; baseline counted "
        f"{sum(r.underruns for r in runs['baseline'])}, ALSA lines "
        f"{sum(r.alsa_underruns for r in runs['baseline'])}"
    )
    hidden = [r.paints for c in ("app-minimised", "app-tray") for r in runs[c]]
    print(
        f"  [{verdict(all(p == 0 for p in hidden))}] no repaint minimised or in the tray: "
        f"{hidden} paint events; listening still works: every turn was answered"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--turns", type=int, default=20, help="turns of the long conversation")
    parser.add_argument("--idle-s", type=float, default=20.0)
    parser.add_argument(
        "--clients", nargs="+", choices=CLIENTS, default=list(CLIENTS), help="(for a quick look)"
    )
    args = parser.parse_args()
    if args.turns < TALK_CPU_TURNS:
        parser.error(f"--turns must be at least {TALK_CPU_TURNS}")

    from tools.screenshot import start_xvfb

    # A SIGTERM (timeout, Ctrl+C from a wrapper) still stops the clients and the daemons.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("terminated"))
    xvfb = None if os.environ.get("DISPLAY") else start_xvfb()
    runs: dict[str, list[Run]] = {client: [] for client in CLIENTS}
    with tempfile.TemporaryDirectory(prefix="voicelive-bench-") as work:
        bench = Bench(args, Path(work))
        try:
            for round_index in range(args.rounds):
                order = args.clients if round_index % 2 == 0 else args.clients[::-1]
                for client in order:
                    turns = args.turns if client in ("app-shown", "baseline") else TALK_CPU_TURNS
                    run = bench.run(client, turns)
                    runs[client].append(run)
                    print(
                        f"round {round_index + 1} {client}: idle {run.idle_cpu:.2f} %, talking "
                        f"{run.talk_cpu:.2f} %, RSS {run.rss_mb:.0f} MB, paints {run.paints} "
                        f"{run.paints_by_widget or ''}",
                        flush=True,
                    )
            bare_rss = bare_qt_window_rss_mb()
        finally:
            bench.close()
            if xvfb is not None:
                xvfb.terminate()
                xvfb.wait(timeout=5)
    print(f"\n{args.rounds} rounds; {args.idle_s:g} s idle; CPU from /proc, % of one core")
    if not {"app-shown", "baseline"} <= set(args.clients):
        return 0  # ratios and delays are against the baseline and the shown window
    print_figure("connected and silent", runs, "idle_cpu", "% of one core")
    print_figure(f"talking, first {TALK_CPU_TURNS} turns", runs, "talk_cpu", "% of one core")
    print_figure("RSS after the conversation", runs, "rss_mb", "MB")
    print(f"  (reference: a bare shown PySide6 QMainWindow, {bare_rss:.0f} MB)")
    print_delays(runs)
    if set(GOAL_CLIENTS) <= set(args.clients):
        print_goals(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
