"""The HTML report in a real browser (headless Chromium): a non-blank page on screen, and
landscape pages in print."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from components.cli import main
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="install Debian chromium (apt-get install -y chromium) to run the browser test",
)


def png_colours(data: bytes) -> set[bytes]:
    """The distinct pixels of an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    chunks, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(chunks)
    stride = width * channels
    colours: set[bytes] = set()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, channels * 7))
        previous = line
    return colours


def chromium(tmp_path: Path, *args: str) -> None:
    """Run headless Chromium with the flags this machine needs (no network of its own)."""
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )


def rendered_page(tmp_path: Path, stack: str) -> Path:
    page = tmp_path / f"report-{stack}.html"
    config = str(ROOT / f"stacks/Pulumi.{stack}.yaml")
    assert main(["report", "--config", config, "--format", "html", "--output", str(page)]) == 0
    return page


@pytest.mark.parametrize("stack", ["example", "local"])
def test_html_report_renders_in_headless_chromium(stack: str, tmp_path: Path) -> None:
    page = rendered_page(tmp_path, stack)
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri())
    assert shot.is_file(), "Chromium wrote no screenshot"
    data = shot.read_bytes()
    assert len(data) > 20_000
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1400)
    # Text on white plus the green / blue / amber cells: far from a single colour.
    assert len(png_colours(data)) > 20
    # REPORT_SCREENSHOT=docs/report.png keeps the example's screenshot for the README.
    wanted = os.environ.get("REPORT_SCREENSHOT")
    if wanted and stack == "example":
        shutil.copyfile(shot, ROOT / wanted)


def test_html_report_prints_on_landscape_pages_with_its_colours(tmp_path: Path) -> None:
    page = rendered_page(tmp_path, "local")
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.is_file(), "Chromium printed no PDF"
    data = pdf.read_bytes()
    boxes = [
        (float(w), float(h))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    ]
    # A4 landscape is 842 x 595 points; the print stylesheet asks for it on every page.
    assert len(boxes) >= 2
    assert all(abs(w - 842) < 2 and abs(h - 595) < 2 for w, h in boxes), boxes
