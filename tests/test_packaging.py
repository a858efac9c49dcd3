"""The package ships every data file it reads: a non-editable install has them too."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "peercoach"


def test_every_data_file_is_package_data():
    """Each file in src/peercoach that is not Python matches a package-data pattern."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["peercoach"]
    data = [
        p.relative_to(PACKAGE)
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    ]
    assert data, "no data files found: is the package where this test looks?"
    shipped = {p.relative_to(PACKAGE) for pattern in patterns for p in PACKAGE.glob(pattern)}
    missing = sorted(str(path) for path in data if path not in shipped)
    assert not missing, f"add patterns for these to [tool.setuptools.package-data]: {missing}"
