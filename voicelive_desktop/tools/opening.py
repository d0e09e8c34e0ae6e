"""The `open_url` and `open_file` tools: what may be opened, checked before the user is asked.

Only web pages (http, https) and existing files under the user's home open; everything else
is refused with the reason, so the model can tell the user. Symlinks are resolved before the
home check: a link in the home folder to /etc stays refused.

A file that would run rather than open (a program, a script, a launcher) is refused too:
"open" in the default app means run for those on Windows (`.exe`, `.bat`, `.js`, `.py`),
macOS (`.command`, `.app`) and Linux desktops (`.desktop`), and there is no tool that runs
commands. They are known by name and, for files with another name, by their first bytes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from voicelive_desktop.tools.desktop_port import DesktopServices
from voicelive_desktop.tools.registry import ToolError, ToolPolicy, ToolRisk, ToolSpec

MAX_URL_CHARS = 2000
_WEB_SCHEMES = ("http", "https")
# Suffixes whose default action runs the file (Windows' PATHEXT and its script hosts, macOS
# launchers, Linux desktop entries and self-running archives, interpreters' scripts).
RUNNABLE_SUFFIXES = frozenset((
    ".exe", ".com", ".bat", ".cmd", ".ps1", ".psm1", ".vbs", ".vbe", ".js", ".jse", ".wsf",
    ".wsh", ".hta", ".msi", ".msp", ".msc", ".scr", ".pif", ".cpl", ".lnk", ".url", ".reg",
    ".jar", ".appref-ms", ".application", ".gadget", ".scf",  # Windows
    ".app", ".command", ".tool", ".pkg", ".mpkg", ".workflow", ".terminal",  # macOS
    ".desktop", ".sh", ".bash", ".zsh", ".fish", ".csh", ".ksh", ".run", ".appimage",  # Linux
    ".py", ".pyw", ".pyz", ".pl", ".rb", ".php", ".lua", ".tcl",  # interpreters' scripts
))  # fmt: skip
# First bytes of executables and scripts: ELF, Windows PE ("MZ"), Mach-O (both byte orders,
# 32/64 bit, universal) and "#!".
_RUNNABLE_MAGIC = (
    b"\x7fELF",
    b"MZ",
    b"#!",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)


def checked_url(url: str) -> str:
    """`url` when it is an http(s) address with a host; raises ToolError saying why not."""
    url = url.strip()
    if not url:
        raise ToolError("The URL is empty.")
    if len(url) > MAX_URL_CHARS:
        raise ToolError(f"The URL is longer than {MAX_URL_CHARS} characters.")
    # Invisible characters (a right-to-left override, a zero-width space) make an address
    # read as another one; no real address needs them.
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in url):
        raise ToolError("The URL contains spaces, control characters or invisible characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        raise ToolError(f"The URL is malformed: {error}.") from None
    scheme = parts.scheme.lower()
    if scheme not in _WEB_SCHEMES:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise ToolError(f"Only http and https addresses can be opened; this one has {shown}.")
    if not host:
        raise ToolError("The URL has no host name.")
    if parts.username or parts.password:
        raise ToolError("URLs with a user name or password in them are not opened.")
    return url


def checked_file(path: str, home: Path) -> Path:
    """The real path of an existing regular file under `home`; raises ToolError otherwise."""
    if not path.strip():
        raise ToolError("The file path is empty.")
    given = Path(path.strip()).expanduser()
    if not given.is_absolute():
        given = home / given
    try:
        real = given.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ToolError(f"There is no file at {str(given)!r}.") from None
    real_home = home.resolve()
    if not real.is_relative_to(real_home):
        raise ToolError(f"Only files in the home folder ({real_home}) can be opened.")
    if not real.is_file():
        raise ToolError(f"{str(real)!r} is not a file.")
    if _runs_as_program(real):
        raise ToolError(
            f"{real.name!r} is a program or script, and open_file opens documents only; "
            "it was not run."
        )
    return real


def _runs_as_program(path: Path) -> bool:
    """Whether the desktop would run `path` rather than open it in a viewer or editor."""
    if path.suffix.lower() in RUNNABLE_SUFFIXES:
        return True
    try:
        with path.open("rb") as file:
            start = file.read(4)
    except OSError as error:
        raise ToolError(f"{path.name!r} cannot be read: {error.strerror or error}.") from None
    return start.startswith(_RUNNABLE_MAGIC)


def opening_tools(desktop: DesktopServices, home: Callable[[], Path] = Path.home) -> list[ToolSpec]:
    """open_url and open_file through `desktop`; Ask by default, since they start programs."""

    def precheck_url(arguments: Mapping[str, Any]) -> None:
        checked_url(str(arguments["url"]))

    async def open_url(arguments: Mapping[str, Any]) -> dict[str, Any]:
        url = checked_url(str(arguments["url"]))
        if not desktop.open_url(url):
            raise ToolError("The desktop could not open a browser for that address.")
        return {"opened": url, "summary": "Opened it in your browser."}

    def precheck_file(arguments: Mapping[str, Any]) -> None:
        checked_file(str(arguments["path"]), home())

    async def open_file(arguments: Mapping[str, Any]) -> dict[str, Any]:
        # Checked again after consent: the file may have moved while the user read the prompt.
        path = checked_file(str(arguments["path"]), home())
        if not desktop.open_file(path):
            raise ToolError(f"No application would open {path.name!r}.")
        return {"opened": str(path), "summary": f"Opened {path.name}."}

    return [
        ToolSpec(
            name="open_url",
            description="Open a web page (http or https only) in the user's default browser.",
            parameters={
                "type": "object",
                "properties": {"url": {"type": "string", "maxLength": MAX_URL_CHARS}},
                "required": ["url"],
                "additionalProperties": False,
            },
            handler=open_url,
            risk=ToolRisk.OPENS_THINGS,
            default_policy=ToolPolicy.ASK,
            precheck=precheck_url,
        ),
        ToolSpec(
            name="open_file",
            description=(
                "Open an existing document in the user's home folder with its default "
                "application (programs and scripts are refused). Give an absolute path, a path "
                "starting with ~, or one relative to the home."
            ),
            parameters={
                "type": "object",
                "properties": {"path": {"type": "string", "maxLength": 4096}},
                "required": ["path"],
                "additionalProperties": False,
            },
            handler=open_file,
            risk=ToolRisk.OPENS_THINGS,
            default_policy=ToolPolicy.ASK,
            precheck=precheck_file,
        ),
    ]
