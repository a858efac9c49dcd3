"""Page weight and time to first text of the built book on a slow line, per page type.

Serves a built site with Python's ``http.server`` (which does not compress), opens each page in
Debian's Chromium with an empty cache on an emulated line (Chrome DevTools Protocol
``Network.emulateNetworkConditions``: 400 kbit/s down and up, 400 ms round trips by default) and
prints, per page: the bytes a first visit loads (raw, and as they would travel gzip-compressed),
the bytes that block the first paint (the page and its stylesheets), and the time to first text
(the browser's first contentful paint; the median of ``--repeat`` visits). The search page is
also opened with a query in its address, as the search box of every other page opens it, and
the time until its first result is listed is printed too, and so are the raw and gzip sizes
of the search index (``searchindex.js``) the search page loads. Prints the figures; asserts
nothing.

With ``--before OTHER_SITE`` (an earlier build), each page is visited on both sites in turn, so
that both medians are taken under the same load of a shared machine, and both are printed.

    .venv/bin/python benchmarks/page_benchmark.py [--site _build/html] [--kbit 400] [--rtt 400]
        [--before OLD_SITE] [--only search]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGE_TYPES = {
    "home": "book/intro",
    "module with role-plays": "book/modules/07-not-setting-goals",
    "module, short": "book/modules/12-self-care",
    "card": "book/cards/safety",
    "glossary": "book/glossary",
    "staff reference": "book/staff/scenario-format",
    "search": "search",
    "search, with a query": "search?q=988",
}
FIRST_TEXT = """() => new Promise(done => {
  const found = () => performance.getEntriesByName('first-contentful-paint')[0];
  if (found()) return done(found().startTime);
  new PerformanceObserver(() => found() && done(found().startTime))
    .observe({type: 'paint', buffered: true});
})"""
FIRST_RESULT = """() => new Promise(done => {
  const listed = () => document.querySelector('#search-results li a');
  if (listed()) return done(performance.now());
  new MutationObserver((_, watch) => listed() && (watch.disconnect(), done(performance.now())))
    .observe(document.documentElement, {childList: true, subtree: true});
})"""


class Quiet(SimpleHTTPRequestHandler):
    """A static file handler that does not log requests."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class QuietServer(ThreadingHTTPServer):
    """A server that says nothing when a closing browser drops a connection."""

    def handle_error(self, request, client_address):
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``folder`` on a free local port; return the server and its base URL."""
    server = QuietServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def local_file(site: Path, url: str) -> Path | None:
    """The file in ``site`` that a local URL names, if any."""
    path = site / unquote(urlsplit(url).path).lstrip("/")
    return path if path.is_file() else None


def weights(site: Path, urls: list[str], blocking: set[str]) -> dict:
    """Raw and gzip bytes of the loaded files, and of those that block the first paint."""
    raw = packed = first = 0
    for url in dict.fromkeys(urls):
        path = local_file(site, url)
        if path is None:
            continue
        data = path.read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, 6))
        if url in blocking:
            first += len(data)
    return {"raw": raw, "gzip": packed, "blocking": first}


def index_sizes(site: Path) -> str:
    """The raw and gzip-compressed size of the site's search index, as a line of text."""
    path = site / "searchindex.js"
    if not path.is_file():
        return f"{path}: missing"
    data = path.read_bytes()
    return f"{len(data) / 1000:.1f} kB raw, {len(gzip.compress(data, 6)) / 1000:.1f} kB gzip"


def measure(browser, site: Path, url: str, kbit: int, rtt: int) -> dict:
    """Open one page on the emulated line; its weights and time to first text (ms)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = kbit * 1000 / 8
    conditions = {"offline": False, "latency": rtt}
    cdp.send(
        "Network.emulateNetworkConditions",
        {**conditions, "downloadThroughput": rate, "uploadThroughput": rate},
    )
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.goto(url, wait_until="commit", timeout=120_000)
    first_text = page.evaluate(FIRST_TEXT)
    first_result = page.evaluate(FIRST_RESULT) if "?q=" in url else None
    page.wait_for_load_state("load", timeout=300_000)
    blocking = {url} | set(
        page.evaluate(
            "() => performance.getEntriesByType('resource')"
            ".filter(e => e.renderBlockingStatus === 'blocking').map(e => e.name)"
        )
    )
    result = {
        "first_text": first_text,
        "first_result": first_result,
        **weights(site, urls, blocking),
        "requests": len(urls),
    }
    context.close()
    return result


def main(argv: list[str] | None = None) -> int:
    """Print the table of page weights and first-text times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--kbit", type=int, default=400, help="line speed, kbit/s")
    parser.add_argument("--rtt", type=int, default=400, help="round trip, ms")
    parser.add_argument("--repeat", type=int, default=3, help="visits per page (median shown)")
    parser.add_argument("--before", type=Path, help="an earlier build to measure in turn")
    parser.add_argument("--only", default="", help="only the page types whose name has this")
    args = parser.parse_args(argv)
    sites = [args.site] + ([args.before] if args.before else [])
    for site in sites:
        if not (site / "index.html").is_file():
            print(f"{site}: no built book here (index.html missing); build it first")
            return 1
    from playwright.sync_api import sync_playwright

    servers = [serve(site) for site in sites]
    names = ["", " (before)"]
    print(f"site {args.site}, {args.kbit} kbit/s, {args.rtt} ms round trips, no compression")
    if args.before:
        print(f"before: {args.before}, visited in turn with it")
    for site, name in zip(sites, names, strict=False):
        print(f"search index{name}: {index_sizes(site)}")
    print(
        f"{'page type':<33} {'page':<36} {'raw KB':>7} {'gzip KB':>7} {'block KB':>8} "
        f"{'req':>4} {'first text s':>12} {'results s':>9}"
    )
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for kind, address in PAGE_TYPES.items():
                docname, _, query = address.partition("?")
                if args.only not in kind:
                    continue
                if not all((site / f"{docname}.html").is_file() for site in sites):
                    continue
                runs: list[list[dict]] = [[] for _ in sites]
                for _ in range(args.repeat):
                    for number, (site, (_, base)) in enumerate(zip(sites, servers, strict=True)):
                        url = f"{base}{docname}.html" + (f"?{query}" if query else "")
                        runs[number].append(measure(browser, site, url, args.kbit, args.rtt))
                for number, found in enumerate(runs):
                    got = sorted(found, key=lambda r: r["first_text"])[len(found) // 2]
                    results = got["first_result"]
                    print(
                        f"{kind + names[number]:<33} {address:<36} {got['raw'] / 1000:>7.0f} "
                        f"{got['gzip'] / 1000:>7.0f} {got['blocking'] / 1000:>8.0f} "
                        f"{got['requests']:>4} {got['first_text'] / 1000:>12.2f} "
                        + (f"{results / 1000:>9.2f}" if results is not None else f"{'':>9}")
                    )
            browser.close()
    finally:
        for server, _ in servers:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
