"""Measure an EPUB chapter as a reader's browser lays it out (Chromium headless), for the figure tests.

Requires Chromium (Debian package `chromium`, in the Makefile's DEBIAN_NEEDS).
Guarantees: `measure(epub, chapter, width, font_scale)` unpacks the EPUB,
adds a script to a copy of the chapter that records, for every
figure.stage-figure, the <svg> box, each SVG <text> box and drawn size in
CSS px, each callout disc box, and each figure-key item's font size, then
returns that record parsed from Chromium's --dump-dom output;
`lines_of(epub, chapter, selector, width)` gives, for every element the CSS
selector matches, its text and how many line boxes it was laid out on, with
the left and right of the page and of everything drawn in it (whether the reader must scroll sideways);
`svg_text_boxes(svg, direction)` puts an SVG inline in a page of that
direction and returns each <text>'s box in the SVG's units. Nothing in the
book is changed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

SCRIPT = r"""
function box(e) { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }
const out = [];
for (const fig of document.querySelectorAll('figure.stage-figure')) {
  const svg = fig.querySelector('svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  out.push({id: fig.id, svg: box(svg), page: box(document.documentElement),
    texts: [...svg.querySelectorAll('text')].map(t => ({text: t.textContent, box: box(t),
      px: parseFloat(getComputedStyle(t).fontSize) * scale})),
    discs: [...svg.querySelectorAll('g.callout')].map(g => ({id: g.id, box: box(g),
      numeral: g.querySelector('text').textContent})),
    items: [...fig.querySelectorAll('.figure-key li')].map(li => ({text: li.textContent,
      px: parseFloat(getComputedStyle(li).fontSize), box: box(li)}))});
}
const pre = document.createElementNS('http://www.w3.org/1999/xhtml', 'pre');
pre.setAttribute('id', 'bcbook-measure');
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
"""


SVG_SCRIPT = r"""
const svg = document.querySelector('svg');
const out = {viewBox: [svg.viewBox.baseVal.x, svg.viewBox.baseVal.y, svg.viewBox.baseVal.width,
                       svg.viewBox.baseVal.height],
  texts: [...svg.querySelectorAll('text')].map(t => { const b = t.getBBox();
    return {text: t.textContent, box: [b.x, b.y, b.x + b.width, b.y + b.height]}; })};
const pre = document.createElement('pre');
pre.id = 'bcbook-measure';
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
"""


LINES_SCRIPT = r"""
const page = document.documentElement.getBoundingClientRect();
const drawn = [...document.body.querySelectorAll('*')].map(e => e.getBoundingClientRect()).filter(r => r.width);
const out = {page: [page.left, page.right], drawn: [Math.min(...drawn.map(r => r.left)), Math.max(...drawn.map(r => r.right))],
  elements: [...document.querySelectorAll(SELECTOR)].map(e => ({text: e.textContent,
    lines: new Set([...e.getClientRects()].map(r => Math.round(r.top))).size}))};
const pre = document.createElementNS('http://www.w3.org/1999/xhtml', 'pre');
pre.setAttribute('id', 'bcbook-measure');
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
"""


def lines_of(epub: Path, chapter: str, selector: str, width: int = 400) -> dict:
    """{page: its [left, right], drawn: the [left, right] of all it draws, elements: [{text, lines}]} for `selector` in EPUB/<chapter> at
    `width` CSS px: `lines` counts the distinct rows of the element's line boxes (1: kept on one line)."""
    return _measured(epub, chapter, width, 100, LINES_SCRIPT.replace("SELECTOR", json.dumps(selector)))


def svg_text_boxes(svg: bytes, direction: str) -> dict:
    """Each <text>'s box in the SVG's own units, with the SVG inline in a page of the given direction."""
    markup = svg.decode("utf-8").split("?>", 1)[-1]
    page = (f'<!DOCTYPE html><html dir="{direction}"><body dir="{direction}">{markup}'
            f'<script>{SVG_SCRIPT}</script></body></html>')
    return _dump(page, "page.html")


def _dump(page: str, name: str) -> dict | list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(page, encoding="utf-8")
        return _run(path)


def _run(path: Path) -> dict | list:
    run = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                          "--window-size=800,2000", "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r'<pre id="bcbook-measure">(.*?)</pre>', run.stdout, re.S)
    assert found, f"Chromium returned no measurements: {run.stderr[-500:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
                      .replace("&amp;", "&"))


def measure(epub: Path, chapter: str, width: int = 400, font_scale: int = 100) -> list[dict]:
    """The figures of EPUB/<chapter> measured at `width` CSS px with the root font at `font_scale` %."""
    return _measured(epub, chapter, width, font_scale, SCRIPT)


def _measured(epub: Path, chapter: str, width: int, font_scale: int, script: str) -> dict | list:
    """What `script` records in EPUB/<chapter>, laid out at `width` CSS px with the root font at `font_scale` %."""
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(epub) as archive:
            archive.extractall(folder)
        page = Path(folder) / "EPUB" / chapter
        # Headless Chromium will not make a window narrower than 500 px, so the page itself is held to `width`.
        extra = (f'<style>html {{ width: {width}px !important; font-size: {font_scale}% !important; }}</style>'
                 f'<script><![CDATA[{script}]]></script></body>')
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", extra), encoding="utf-8")
        return _run(page)
