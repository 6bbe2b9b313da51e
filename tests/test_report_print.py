"""report.html printed by Chromium: A4 pages with page numbers, names on one line,
maps at the full text width (so their legends print at their drawn size, ≥ 8 pt)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.browser import Browser
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.browser

#: The A4 text width (182 mm) in CSS pixels (96 per inch).
PRINT_WIDTH_PX = 182 / 25.4 * 96


def print_to_pdf(chromium: str, page: Path, pdf: Path) -> Path:
    """``chromium --headless --print-to-pdf`` of a local page, without the browser's own
    header and footer (the report's @page rules number the pages)."""
    with tempfile.TemporaryDirectory(prefix="lc-print-") as profile:
        subprocess.run(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return pdf


def pdf_pages(pdf: Path) -> int:
    """Number of pages of a PDF (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def test_report_prints_on_numbered_a4_pages(chromium, demo_run, tmp_path):
    pdf = print_to_pdf(chromium, demo_run / "report.html", tmp_path / "report.pdf")
    pages = pdf_pages(pdf)
    assert 6 <= pages <= 20, pages
    size = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert size and abs(float(size.group(1)) - 595) < 2 and abs(float(size.group(2)) - 842) < 2
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext (poppler-utils) is not installed: page numbers not read back")
    for number in (1, pages):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert f"{number} / {pages}" in text, (number, text[-200:])


def test_report_in_print_layout(chromium, demo_run):
    with Browser(chromium, window=(round(PRINT_WIDTH_PX), 1000)) as b:
        b.command("Emulation.setEmulatedMedia", {"media": "print"})
        record = b.open(demo_run / "report.html", settle_s=0.5)
        assert not record.errors()
        checks = b.evaluate(
            """(() => {
              const lines = el => { const r = document.createRange();
                r.selectNodeContents(el); return new Set([...r.getClientRects()]
                  .map(x => Math.round(x.top))).size; };
              const names = [...document.querySelectorAll('table.units td:first-child')];
              const maps = [...document.querySelectorAll('figure.map img')];
              const links = [...document.querySelectorAll('#contents a')];
              return {
                names: names.map(lines),
                mapWidths: maps.map(i => i.getBoundingClientRect().width),
                body: document.body.clientWidth,
                broken: links.filter(a => !document.querySelector(a.getAttribute('href')))
                  .map(a => a.getAttribute('href')),
              };
            })()"""
        )
    assert checks["names"] and max(checks["names"]) == 1, "居委 names stay on one line"
    assert checks["mapWidths"] and min(checks["mapWidths"]) >= 0.97 * checks["body"]
    assert checks["broken"] == []
