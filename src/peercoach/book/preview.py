"""``peercoach preview``: the book on localhost, rebuilt when a page or scenario changes.

Staff edit a page or a scenario, save, and the open browser tab reloads itself once the rebuild
is done (the preview adds a tiny script to each page it serves; the built site itself is not
changed). Any scenario can be played on its own at ``/scenario/<id>``, from its YAML, without a
rebuild. Everything is served from this machine only (127.0.0.1).
"""

from __future__ import annotations

import html
import http.server
import json
import threading
import time
from functools import partial
from pathlib import Path

WATCHED = ("book/**/*.md", "book/**/*.bib", "_toc.yml", "_config.yml", "scenarios/*.yaml")
RELOAD = b"""<script>(function(){var v=null;setInterval(function(){fetch('/__version')
.then(function(r){return r.text();}).then(function(t){if(v!==null&&t!==v)location.reload();v=t;})
.catch(function(){});},1000);})();</script>"""


def snapshot(root: Path) -> dict[str, int]:
    """The modification time of every watched file."""
    files = {}
    for pattern in WATCHED:
        for path in root.glob(pattern):
            if "_build" not in path.parts:
                files[str(path)] = path.stat().st_mtime_ns
    return files


class Preview:
    """The state of one preview: the build counter and the last build's problems."""

    def __init__(self, root: Path):
        self.root = root
        self.version = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def rebuild(self) -> float:
        """Build the book (incrementally); returns the seconds it took."""
        from peercoach.book.build import build_book

        started = time.monotonic()
        status, problems = build_book(self.root, strict_all=False)
        with self.lock:
            self.problems = problems
            self.version += 1
        seconds = time.monotonic() - started
        verdict = "built" if not status else f"built with {len(problems)} problem(s)"
        print(f"[preview] {verdict} in {seconds:.1f} s", flush=True)
        for problem in problems:
            print(f"  {problem}", flush=True)
        return seconds

    def watch(self, interval: float = 0.5) -> None:
        """Rebuild whenever a watched file changes (runs until the process stops)."""
        seen = snapshot(self.root)
        while True:
            time.sleep(interval)
            now = snapshot(self.root)
            if now != seen:
                changed = sorted(set(now.items()) ^ set(seen.items()))
                names = sorted({Path(name).name for name, _ in changed})
                print(f"[preview] changed: {', '.join(names)}", flush=True)
                seen = now
                self.rebuild()


def scenario_page(root: Path, scenario_id: str) -> bytes:
    """A standalone page that plays one scenario with the book's own player."""
    from peercoach.scenario import ScenarioError, load_scenario, scenario_file
    from peercoach.sphinxext import scenario_player

    try:
        scenario = load_scenario(scenario_file(scenario_id, root))
    except ScenarioError as error:
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in error.problems)
        body = f"<h1>{html.escape(scenario_id)} has problems</h1><ul>{items}</ul>"
        return _page(f"Problems in {scenario_id}", body)
    body = (
        f"<h1>Preview: {html.escape(scenario.title)}</h1>{scenario_player(scenario)}"
        "<script src='/__static/roleplay.js'></script>"
    )
    return _page(scenario.title, body)


def _page(title: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<link rel='stylesheet' href='/__static/peercoach.css'></head>"
        f"<body><main>{body}</main></body></html>"
    ).encode() + RELOAD


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site, the reload counter, scenario previews and the player's files."""

    preview: Preview

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path == "/__version":
            return self._send(str(self.preview.version).encode(), "text/plain")
        if self.path == "/__problems":
            return self._send(json.dumps(self.preview.problems).encode(), "application/json")
        if self.path.startswith("/scenario/"):
            scenario_id = self.path.removeprefix("/scenario/").strip("/")
            return self._send(scenario_page(self.preview.root, scenario_id), "text/html")
        if self.path.startswith("/__static/"):
            from peercoach.sphinxext import STATIC

            name = Path(self.path).name
            static = STATIC / name
            kind = "text/css" if name.endswith(".css") else "application/javascript"
            if static.is_file():
                return self._send(static.read_bytes(), kind)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send(
                path.read_bytes().replace(b"</body>", RELOAD + b"</body>"), "text/html"
            )
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the http.server API
        return


def serve(root: Path, port: int, build_first: bool = True) -> http.server.ThreadingHTTPServer:
    """Start the preview server on 127.0.0.1:``port`` in a thread and return it."""
    preview = Preview(root)
    if build_first:
        preview.rebuild()
    site = root / "_build" / "html"
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), partial(handler, directory=str(site))
    )
    server.preview = preview
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def preview_command(args) -> int:
    """Serve the book on localhost and rebuild it when a page or scenario changes."""
    from peercoach.course_config import course_root

    root = course_root()
    server = serve(root, args.port)
    port = server.server_address[1]
    print(f"Preview: http://127.0.0.1:{port}/ (a scenario: http://127.0.0.1:{port}/scenario/ID)")
    print("Edit and save a page or a scenario: the page reloads after the rebuild. Ctrl-C stops.")
    try:
        server.preview.watch()
    except KeyboardInterrupt:
        print("Preview stopped.")
    finally:
        server.shutdown()
    return 0
