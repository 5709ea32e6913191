"""Helpers for the book tests: a recording HTTP server, a headless Chromium driven over the
DevTools protocol (standard library only), and building small throwaway books.

Chromium is started with ``--remote-debugging-pipe``: it reads protocol commands from file
descriptor 3 and writes replies and events to file descriptor 4, each message a JSON object
followed by a NUL byte (https://chromedevtools.github.io/devtools-protocol/).
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD_HTML = REPO / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"

def built_page(name: str) -> str:
    """The HTML of a built chapter; fails (never skips) when the book has not been built."""
    import pytest

    path = BUILD_HTML / "chapters" / f"{name}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make book` first, then `make test`",
                    pytrace=False)
    return path.read_text(encoding="utf-8")


#: Flags for a quiet, offline, throwaway headless browser.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--hide-scrollbars",
    "--remote-debugging-pipe",
]


# --------------------------------------------------------------------------- server
class RecordingServer:
    """Serve a folder on 127.0.0.1 in a thread, recording every request and its status."""

    def __init__(self, folder: Path):
        self.requests: list[tuple[str, int]] = []
        lock = threading.Lock()
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_request(self, code="-", size="-"):  # noqa: D401 - http.server API
                with lock:
                    requests.append((self.path, int(code) if str(code).isdigit() else 0))

            def log_message(self, format, *args):  # silence stderr
                pass

        handler = functools.partial(Handler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def failures(self) -> list[tuple[str, int]]:
        return [(p, c) for p, c in self.requests if c >= 400]

    def __enter__(self) -> "RecordingServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------- browser
@dataclass
class PageReport:
    """What happened while one page loaded."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    n_images: int = 0
    title: str = ""


class Chromium:
    """A headless Chromium controlled over ``--remote-debugging-pipe``."""

    def __init__(self, user_data_dir: Path, timeout: float = 30.0):
        self.timeout = timeout
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()

        def wire() -> None:  # runs in the child before exec
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, close_fds=False)
        os.close(cmd_r)
        os.close(out_w)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._events: "queue.Queue[dict]" = queue.Queue()
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session: str | None = None

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._out_r, 65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self._events.put(msg)

    def send(self, method: str, params: dict | None = None, *, session: bool = True) -> dict:
        """Send one command and wait for its reply; raise on a protocol error."""
        self._next_id += 1
        mid = self._next_id
        msg: dict = {"id": mid, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while mid not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(f"no reply from Chromium to {method}")
                self._cond.wait(left)
            reply = self._replies.pop(mid)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open_tab(self, width: int = 1280, height: int = 900, scale: float = 1) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale,
                   "mobile": False})

    def drain(self) -> list[dict]:
        events = []
        while True:
            try:
                events.append(self._events.get_nowait())
            except queue.Empty:
                return events

    def visit(self, url: str, settle: float = 0.7) -> PageReport:
        """Load ``url``, wait for the load event plus ``settle`` seconds, report problems."""
        self.drain()
        report = PageReport(url)
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + self.timeout
        loaded = False
        events: list[dict] = []
        while time.monotonic() < deadline:
            try:
                ev = self._events.get(timeout=0.2)
            except queue.Empty:
                if loaded and time.monotonic() > settle_until:
                    break
                continue
            events.append(ev)
            if ev.get("method") == "Page.loadEventFired" and not loaded:
                loaded = True
                settle_until = time.monotonic() + settle
        if not loaded:
            report.console_errors.append("the page never fired its load event")
        events += self.drain()
        for ev in events:
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                report.console_errors.append(f"uncaught exception: {text}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                 "assert"):
                args = [a.get("value", a.get("description", "")) for a in params.get("args", [])]
                report.console_errors.append("console.error: " + " ".join(map(str, args)))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                report.console_errors.append(f"{entry.get('source')}: {entry.get('text')} "
                                             f"{entry.get('url', '')}".strip())
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                report.failed_requests.append(f"{params.get('errorText')} "
                                              f"(request {params.get('requestId')})")
            elif method == "Network.responseReceived":
                resp = params.get("response", {})
                if resp.get("status", 200) >= 400:
                    report.failed_requests.append(f"HTTP {resp['status']} {resp.get('url')}")
        check = self.evaluate(
            "JSON.stringify({title: document.title, n: document.images.length,"
            " broken: Array.from(document.images)"
            ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)})")
        info = json.loads(check)
        report.title, report.n_images, report.broken_images = (info["title"], info["n"],
                                                               info["broken"])
        return report

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, selector: str | None = None) -> None:
        """Save a PNG of the whole page, or of the element ``selector`` scrolled into view."""
        if selector is None:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"],
                    "height": min(size["height"], 12000), "scale": 1}
        else:
            rect = json.loads(self.evaluate(
                f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                " e.scrollIntoView(); const r = e.getBoundingClientRect();"
                " return JSON.stringify({x: r.left + window.scrollX, y: r.top + window.scrollY,"
                " width: r.width, height: r.height}); })()"))
            clip = {**rect, "scale": 1}
        shot = self.send("Page.captureScreenshot", {"format": "png", "clip": clip,
                                                    "captureBeyondViewport": True})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except RuntimeError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_w)
        os.close(self._out_r)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------- tiny books
def write_tiny_book(folder: Path, pages: dict[str, str], bib: str,
                    data: dict[str, str] | None = None) -> None:
    """Lay out a throwaway book that uses the repository's own ``_config.yml``.

    ``pages`` maps a chapter name (``chapters/<name>.md``) to its text; the first is the
    root. ``data`` maps relative paths to file contents (CSV files the pages read).
    """
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "_config.yml", folder / "_config.yml")
    names = list(pages)
    toc = [f"format: jb-book", f"root: chapters/{names[0]}"]
    if len(names) > 1:
        toc.append("chapters:")
        toc += [f"  - file: chapters/{n}" for n in names[1:]]
    (folder / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    (folder / "references.bib").write_text(bib, encoding="utf-8")
    (folder / "chapters").mkdir(exist_ok=True)
    # The configuration names the favicon, extra root files and style sheet kept here.
    for assets in ("images", "_static"):
        shutil.copytree(REPO / "chapters" / assets, folder / "chapters" / assets,
                        dirs_exist_ok=True)
    for name, text in pages.items():
        (folder / "chapters" / f"{name}.md").write_text(text, encoding="utf-8")
    for rel, text in (data or {}).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build_book(folder: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Build a book exactly as ``make book`` does; return the finished process."""
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", ".", "--path-output", ".", "--builder", "html",
         "-W", "-n", "--keep-going"],
        cwd=folder, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "ignore"})


#: The notebook header every MyST-Markdown chapter starts with.
NOTEBOOK_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
