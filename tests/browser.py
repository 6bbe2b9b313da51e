"""A small Chrome DevTools Protocol harness for testing generated pages in Chromium.

It starts headless Chromium with a throw-away profile, attaches to one page
over a single websocket (flattened sessions), records console errors,
uncaught exceptions, JavaScript dialogs (``alert``) and every network
request, and can evaluate JavaScript and take screenshots. Everything has a
timeout; :meth:`Browser.close` ends the process it started.

Optionally, requests can be intercepted (``Fetch`` domain) and answered from a
dict of URL → (content type, body), so pages that link a CDN can be tested
without any network access.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

WS_PATTERN = re.compile(r"DevTools listening on (ws://\S+)")
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII="
)


class BrowserError(RuntimeError):
    """Chromium did not start, or a DevTools command failed or timed out."""


@dataclass
class PageRecord:
    """What a page did while it was open."""

    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    loaded: bool = False

    def errors(self) -> list[str]:
        """Console errors, exceptions and error log entries together."""
        return self.console_errors + self.exceptions + self.log_errors


class Browser:
    """Headless Chromium driven over the DevTools protocol.

    Parameters
    ----------
    binary : str
        Path to chromium.
    timeout_s : float
        Limit for start-up and for each command.
    window : (int, int)
        Viewport size in CSS pixels.
    intercept : callable, optional
        ``intercept(url) -> (content_type, bytes) | None`` answers requests
        for http(s) URLs (None: fail the request); without it nothing is
        intercepted.
    """

    def __init__(
        self,
        binary: str,
        timeout_s: float = 30.0,
        window: tuple[int, int] = (1280, 900),
        intercept: Callable[[str], tuple[str, bytes] | None] | None = None,
    ) -> None:
        self.binary = binary
        self.timeout_s = timeout_s
        self.window = window
        self.intercept = intercept
        self.profile_dir = tempfile.mkdtemp(prefix="lc-chromium-")
        self.process: subprocess.Popen[bytes] | None = None
        self.ws: websocket.WebSocket | None = None
        self.session: str | None = None
        self.record = PageRecord()
        self._next_id = 0
        self._stderr_lines: list[str] = []

    # -- process -----------------------------------------------------------------
    def start(self) -> Browser:
        """Start Chromium and attach to a new blank page."""
        args = [
            self.binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--mute-audio",
            f"--window-size={self.window[0]},{self.window[1]}",
            f"--user-data-dir={self.profile_dir}",
            "--remote-debugging-port=0",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        url = self._wait_for_ws_url()
        self.ws = websocket.create_connection(url, timeout=self.timeout_s, suppress_origin=True)
        target = self.command("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.command("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session = attached["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.command(f"{domain}.enable")
        self.command(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": self.window[0],
                "height": self.window[1],
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        if self.intercept is not None:
            self.command(
                "Fetch.enable",
                {"patterns": [{"urlPattern": "http://*"}, {"urlPattern": "https://*"}]},
            )
        return self

    def _wait_for_ws_url(self) -> str:
        assert self.process is not None and self.process.stderr is not None
        found: list[str] = []
        done = threading.Event()

        def read() -> None:
            assert self.process is not None and self.process.stderr is not None
            for raw in self.process.stderr:
                line = raw.decode("utf-8", "replace")
                self._stderr_lines.append(line)
                match = WS_PATTERN.search(line)
                if match and not found:
                    found.append(match.group(1))
                    done.set()
            done.set()

        threading.Thread(target=read, daemon=True).start()
        if not done.wait(self.timeout_s) or not found:
            self.close()
            tail = "".join(self._stderr_lines[-20:])
            raise BrowserError(f"Chromium did not report a DevTools URL in time:\n{tail}")
        return found[0]

    def close(self) -> None:
        """Close the connection, end Chromium and remove its profile folder."""
        if self.ws is not None:
            with contextlib.suppress(OSError, websocket.WebSocketException):
                self.ws.close()
            self.ws = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
            self.process = None
        shutil.rmtree(self.profile_dir, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- protocol ----------------------------------------------------------------
    def command(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a command (to the page session once attached) and wait for its result."""
        if self.ws is None:
            raise BrowserError("the browser is not started")
        self._next_id += 1
        my_id = self._next_id
        message: dict[str, Any] = {"id": my_id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            reply = self._receive(deadline)
            if reply is None:
                continue
            if reply.get("id") == my_id:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
        raise BrowserError(f"{method} timed out after {self.timeout_s} s")

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        assert self.ws is not None
        self.ws.settimeout(max(0.05, min(1.0, deadline - time.monotonic())))
        try:
            raw = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        message = json.loads(raw)
        if "method" in message:
            self._on_event(message["method"], message.get("params", {}))
            return None
        return message

    def _on_event(self, method: str, params: dict[str, Any]) -> None:
        record = self.record
        if method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            record.console_errors.append(text)
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "")
            record.exceptions.append(str(text))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            record.log_errors.append(f"{entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            record.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Page.loadEventFired":
            record.loaded = True
        elif method == "Page.javascriptDialogOpening":
            record.dialogs.append(str(params.get("message", "")))
            self._send_async("Page.handleJavaScriptDialog", {"accept": True})
        elif method == "Fetch.requestPaused":
            self._answer(params)

    def _send_async(self, method: str, params: dict[str, Any]) -> None:
        assert self.ws is not None
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))

    def _answer(self, params: dict[str, Any]) -> None:
        url = params.get("request", {}).get("url", "")
        answer = self.intercept(url) if self.intercept else None
        if answer is None:
            self._send_async(
                "Fetch.failRequest", {"requestId": params["requestId"], "errorReason": "Failed"}
            )
            return
        content_type, body = answer
        self._send_async(
            "Fetch.fulfillRequest",
            {
                "requestId": params["requestId"],
                "responseCode": 200,
                "responseHeaders": [
                    {"name": "Content-Type", "value": content_type},
                    {"name": "Access-Control-Allow-Origin", "value": "*"},
                ],
                "body": base64.b64encode(body).decode("ascii"),
            },
        )

    # -- page --------------------------------------------------------------------
    def open(self, path_or_url: str | Path, settle_s: float = 1.0) -> PageRecord:
        """Navigate to a file path or URL, wait for the load event, then let it settle."""
        self.record = PageRecord()
        url = path_or_url
        if isinstance(path_or_url, Path) or not str(path_or_url).startswith(
            ("file:", "http:", "https:", "about:", "data:")
        ):
            url = Path(path_or_url).resolve().as_uri()
        self.command("Page.navigate", {"url": str(url)})
        self.pump(until=lambda: self.record.loaded)
        self.pump(duration_s=settle_s)
        return self.record

    def pump(
        self, until: Callable[[], bool] | None = None, duration_s: float | None = None
    ) -> None:
        """Process events until ``until()`` is true, or for ``duration_s`` seconds."""
        limit = duration_s if duration_s is not None else self.timeout_s
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if until is not None and until():
                return
            self._receive(deadline)
        if until is not None and not until():
            raise BrowserError(f"timed out after {limit} s waiting for the page")

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its JSON value."""
        result = self.command(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"evaluation failed: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path) -> Path:
        """Save a PNG screenshot of the viewport to ``path``."""
        data = self.command("Page.captureScreenshot", {"format": "png"})["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path


def png_variance(path: Path) -> float:
    """Pixel variance of a PNG (0 for a blank, single-colour image)."""
    import matplotlib.image as mpimg

    pixels = mpimg.imread(os.fspath(path))
    return float(pixels[..., :3].var())
