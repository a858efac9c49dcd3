"""Regenerate the trainer guide's report screenshots (``book/images/report-*.png``).

Builds the simulated cohort of ``benchmarks/certification_cohort.py`` (eight coach profiles, all
nine assignments released, submitted and graded with ``peercoach grade``, as root) in a temporary
folder, runs ``peercoach report`` and ``peercoach certificate skilled`` there, and photographs the
pages in Debian's Chromium (headless, through Playwright) at 1100 x 900 pixels::

    .venv/bin/python tests/report/make_screenshots.py [--keep DIR]

``--keep DIR`` builds the course in ``DIR`` (which must not exist yet) and leaves it there, to
look at the report the screenshots come from. ``book/trainer/reports.md`` shows the images.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "book" / "images"
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the suite's one Chromium setup

VIEWPORT = {"width": 1100, "height": 900}
READY = "skilled"
# Image name -> element of the report to scroll to the top (None: the top of the page).
REPORT_SHOTS = {
    "report-summary.png": None,
    "report-readiness.png": "coaches",
    "report-missing.png": "table-readiness",
    "report-cohort.png": "cohort",
    "report-items.png": "items",
}
SCROLL = """id => {
  const el = document.getElementById(id);
  window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16);
}"""


def _cohort_module():
    """``benchmarks/certification_cohort.py``, which builds the graded cohort."""
    path = ROOT / "benchmarks" / "certification_cohort.py"
    spec = importlib.util.spec_from_file_location("certification_cohort", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build(course_dir: Path):
    """The graded cohort in ``course_dir``, with its report and certificates written."""
    bindir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    graded = _cohort_module().run(course_dir)
    if graded.report.code != 0 or graded.certificates[READY].code != 0:
        raise SystemExit(f"the report or the certificate failed:\n{graded.report.err}")
    stages = ", ".join(f"{k} {v:.0f} s" for k, v in graded.seconds.items())
    print(f"Cohort built ({stages}): {graded.report.out.strip()}")
    return graded


def photograph(report: Path, certificate: Path, images: Path) -> list[Path]:
    """Take every screenshot; returns the files written."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
        page.goto(report.as_uri())
        for name, element in REPORT_SHOTS.items():
            if element is None:
                page.evaluate("window.scrollTo(0, 0)")
            else:
                page.evaluate(SCROLL, element)
            page.screenshot(path=str(images / name))
            written.append(images / name)
        page.goto(certificate.as_uri())
        page.screenshot(path=str(images / "report-certificate.png"))
        written.append(images / "report-certificate.png")
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the course here and keep it")
    parser.add_argument("--images", type=Path, default=IMAGES, help="where to write the PNGs")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium).", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="peercoach-") as tmp:
        course_dir = args.keep or Path(tmp) / "exercises"
        graded = build(course_dir)
        args.images.mkdir(parents=True, exist_ok=True)
        out, certs = graded.root / "report-out", graded.root / "certs-out"
        written = photograph(out / "index.html", certs / f"{READY}.html", args.images)
    for path in written:
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
