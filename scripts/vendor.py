"""Fetch the front-end files charte vendors, from the npm registry, checked by their integrity.

    python3 scripts/vendor.py          # (re)write them; prints what it wrote
    python3 scripts/vendor.py --check  # exit 1 if a committed copy differs from the registry's

- htmx (BSD-0-Clause) -> src/charte/entrypoints/web/static/htmx.min.js: the console's progressive
  enhancement, served from /static (no CDN: the CSP allows scripts from 'self' only).
- axe-core (MPL-2.0) -> tests/browser/vendor/axe.min.js: the accessibility checker the browser
  tests inject into each page.
- swagger-ui-dist (Apache-2.0) -> src/charte/entrypoints/web/static/swagger/: the API's
  documentation page (/docs), served from /static so that it works offline and under the CSP.

Each tarball is verified against the registry's `dist.integrity` (SHA-512) before a file is
taken out of it. Versions are pinned here; change them deliberately.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "https://registry.npmjs.org"
SWAGGER = ROOT / "src/charte/entrypoints/web/static/swagger"
FILES = [
    ("htmx.org", "2.0.8", "package/dist/htmx.min.js", ROOT / "src/charte/entrypoints/web/static/htmx.min.js"),
    ("axe-core", "4.10.3", "package/axe.min.js", ROOT / "tests/browser/vendor/axe.min.js"),
    ("swagger-ui-dist", "5.35.0", "package/swagger-ui-bundle.js", SWAGGER / "swagger-ui-bundle.js"),
    ("swagger-ui-dist", "5.35.0", "package/swagger-ui.css", SWAGGER / "swagger-ui.css"),
    ("swagger-ui-dist", "5.35.0", "package/LICENSE", SWAGGER / "LICENSE"),
]


def _get(url: str) -> bytes:
    if not url.startswith(REGISTRY + "/"):
        raise SystemExit(f"refusing to fetch outside the npm registry: {url}")
    with urllib.request.urlopen(url, timeout=60) as answer:  # noqa: S310 - https registry only
        data: bytes = answer.read()
    return data


@cache
def _tarball(package: str, version: str) -> bytes:
    meta = json.loads(_get(f"{REGISTRY}/{package}/{version}"))
    tarball = _get(meta["dist"]["tarball"])
    algorithm, _, expected = meta["dist"]["integrity"].partition("-")
    if algorithm != "sha512" or base64.b64encode(hashlib.sha512(tarball).digest()).decode() != expected:
        raise SystemExit(f"{package}@{version}: the tarball does not match the registry's integrity")
    return tarball


def fetch(package: str, version: str, member: str) -> bytes:
    tarball = _tarball(package, version)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        extracted = archive.extractfile(member)
        if extracted is None:
            raise SystemExit(f"{package}@{version}: {member} is not a file in the tarball")
        return extracted.read()


def main() -> int:
    check = "--check" in sys.argv[1:]
    differs = 0
    for package, version, member, target in FILES:
        data = fetch(package, version, member)
        if check:
            same = target.exists() and target.read_bytes() == data
            differs += not same
            print(f"{package}@{version}: {'same' if same else 'DIFFERS'} ({target.relative_to(ROOT)})")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"{package}@{version}: {len(data):,} bytes -> {target.relative_to(ROOT)}")
    return 1 if differs else 0


if __name__ == "__main__":
    raise SystemExit(main())
