"""The read-aloud EPUB (Media Overlays) and the page list of both EPUBs, for every language (issue 11).

Checked on the session build: EPUBCheck, every SMIL text ref resolving to a
sentence span in reading order, every clip inside its audio file, the
durations adding up, sync measured on the decoded chapter audio (each
sentence's clipBegin within 50 ms of where its speech starts), the same
documents in both EPUBs, and page-break markers that sit where the US
Letter PDF's pages begin.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from mutagen.mp3 import MP3

from bcbook import overlays
from bcbook.check import check_epub
from conftest import LANGUAGES, NARRATED

NS = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml",
      "epub": "http://www.idpf.org/2007/ops", "s": "http://www.w3.org/ns/SMIL"}
SLUG = "invasive-breast-cancer"
RATE = 44100


def read_aloud(build_dir: Path, lang: str) -> Path:
    return build_dir / lang / f"{SLUG}-read-aloud.epub"


@cache
def _package(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _opf(files: dict[str, bytes]):
    return etree.fromstring(files["EPUB/content.opf"])


def _clock(value: str) -> float:
    hours, minutes, seconds = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _overlays(files: dict[str, bytes]) -> dict[str, etree._Element]:
    return {name: etree.fromstring(data) for name, data in files.items() if name.endswith(".smil")}


def _resolve(smil_name: str, src: str) -> tuple[str, str]:
    path, _, fragment = src.partition("#")
    return str(Path(smil_name).parent.joinpath(path)).replace("EPUB/smil/../", "EPUB/"), fragment


@pytest.mark.parametrize("lang", NARRATED)
def test_read_aloud_epub_passes_epubcheck(build_dir, lang):
    result = check_epub(read_aloud(build_dir, lang))
    assert (result.fatals, result.errors, result.warnings, result.messages) == (0, 0, 0, [])


@pytest.mark.parametrize("lang", NARRATED)
def test_every_par_points_at_a_sentence_in_reading_order_and_inside_its_audio(build_dir, lang):
    files = _package(read_aloud(build_dir, lang))
    opf = _opf(files)
    overlay_items = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:item", NS)
                     if item.get("media-type") == "application/smil+xml"}
    chapters = [item for item in opf.iterfind(".//opf:item", NS) if item.get("media-overlay")]
    assert len(chapters) == len(overlay_items) >= 8
    total = 0.0
    for name, smil in _overlays(files).items():
        refs = [_resolve(name, text.get("src")) for text in smil.iterfind(".//s:text", NS)]
        documents = {document for document, _ in refs}
        assert len(documents) == 1
        xhtml = etree.fromstring(files[documents.pop()])
        order = {element.get("id"): index for index, element in enumerate(xhtml.iter()) if element.get("id")}
        positions = [order[fragment] for _, fragment in refs]  # KeyError: a ref to no element
        assert positions == sorted(positions), "pars follow the text's reading order"
        clips = [(_clock(a.get("clipBegin")), _clock(a.get("clipEnd")), _resolve(name, a.get("src"))[0])
                 for a in smil.iterfind(".//s:audio", NS)]
        audio = {path for _, _, path in clips}
        assert len(audio) == 1
        length = MP3(io.BytesIO(files[audio.pop()])).info.length
        assert all(0 < begin < end <= length for begin, end, _ in clips)
        assert all(a[1] <= b[0] for a, b in zip(clips, clips[1:]))
        total += _duration(opf, name)
    book_duration = _clock(opf.xpath("//opf:meta[@property='media:duration'][not(@refines)]", namespaces=NS)[0].text)
    assert abs(book_duration - total) < 1.0


def _duration(opf, smil_name: str) -> float:
    href = smil_name.removeprefix("EPUB/")
    item_id = opf.xpath("//opf:item[@href=$href]/@id", namespaces=NS, href=href)[0]
    return _clock(opf.xpath("//opf:meta[@property='media:duration'][@refines=$ref]", namespaces=NS,
                            ref=f"#{item_id}")[0].text)


def _decoded(data: bytes) -> np.ndarray:
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(RATE),
                          "pipe:1"], input=data, capture_output=True, check=True).stdout
    return np.frombuffer(pcm, np.int16).astype(np.float32) / 32768


def _onsets(samples: np.ndarray, frame: int = 220) -> np.ndarray:
    """Start times (s) of speech after at least 0.3 s of silence: 5 ms frames louder than -45 dBFS."""
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    loud = np.sqrt((frames ** 2).mean(axis=1)) > 10 ** (-45 / 20)
    starts, quiet = [], 0
    for index, is_loud in enumerate(loud):
        if is_loud and quiet * frame >= 0.3 * RATE:
            starts.append(index * frame / RATE)
        quiet = 0 if is_loud else quiet + 1
    return np.array(starts)


@pytest.mark.parametrize("lang", NARRATED)
def test_each_sentence_is_clipped_where_its_speech_starts(build_dir, lang):
    """Measured, not assumed: decode two chapters and find where speech resumes after each pause."""
    files = _package(read_aloud(build_dir, lang))
    for name, smil in list(_overlays(files).items())[:2]:
        audio_path = _resolve(name, smil.find(".//s:audio", NS).get("src"))[0]
        onsets = _onsets(_decoded(files[audio_path]))
        begins = [_clock(a.get("clipBegin")) for a in smil.iterfind(".//s:audio", NS)]
        misses = [(round(b, 3), round(float(onsets[np.abs(onsets - b).argmin()]), 3)) for b in begins
                  if np.abs(onsets - b).min() > 0.05]
        assert misses == [], name


@pytest.mark.parametrize("lang", NARRATED)
def test_both_epubs_have_the_same_documents_and_the_read_aloud_one_says_what_it_adds(build_dir, lang):
    plain, spoken = _package(build_dir / lang / f"{SLUG}.epub"), _package(read_aloud(build_dir, lang))
    documents = [name for name in plain if name.endswith(".xhtml")]
    assert documents and all(plain[name] == spoken[name] for name in documents)
    opf = _opf(spoken)
    meta = lambda prop: [m.text for m in opf.xpath(f"//opf:meta[@property='{prop}']", namespaces=NS)]  # noqa: E731
    assert "auditory" in meta("schema:accessMode") and "auditory" in meta("schema:accessModeSufficient")
    assert "synchronizedAudioText" in meta("schema:accessibilityFeature")
    assert meta("media:active-class") == [overlays.ACTIVE_CLASS] and meta("media:narrator")[0].strip()
    css = b"".join(data for name, data in spoken.items() if name.endswith(".css")).decode()
    rule = re.search(r"\.%s \{ background-color: (#\w+); color: (#\w+); \}" % re.escape(overlays.ACTIVE_CLASS), css)
    assert rule and _contrast(*rule.groups()) >= 4.5


def _contrast(one: str, two: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("lang, kind", [(lang, kind) for lang in LANGUAGES for kind in ("plain", "read-aloud")
                                        if kind == "plain" or lang in NARRATED])
def test_page_list_follows_the_us_letter_handout(build_dir, lang, kind):
    path = build_dir / lang / (f"{SLUG}.epub" if kind == "plain" else f"{SLUG}-read-aloud.epub")
    files = _package(path)
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    links = nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
    pdf = build_dir / lang / f"{SLUG}-letter.pdf"
    page_count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True, check=True).stdout).group(1))
    numbers = [int(link.text) for link in links]
    assert numbers == sorted(numbers) and len(numbers) >= page_count - 3 and numbers[-1] <= page_count
    opf = _opf(files)
    assert opf.xpath("//opf:meta[@property='source-of'][.='pagination']", namespaces=NS)
    for link in links:
        document, _, fragment = link.get("href").partition("#")
        xhtml = etree.fromstring(files[f"EPUB/{document}"])
        marker = xhtml.xpath("//*[@id=$id]", id=fragment)[0]
        assert marker.get(f"{{{NS['epub']}}}type") == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == link.text
        _assert_starts_on_page(marker, pdf, int(link.text))


def _assert_starts_on_page(marker, pdf: Path, number: int) -> None:
    """The words right after the marker are printed on that page of the US Letter PDF."""
    following = marker.getnext()
    texts = [text for text in (following.itertext() if following is not None else []) if re.search(r"\w", text)]
    # its first word (a line break may reorder right-to-left words in pdftotext's output); CJK: its first letters
    first = next((_letters(word) for word in texts[0].split() if len(_letters(word)) >= 3), "") if texts else ""
    words = first if first and " " in texts[0].strip() else _letters(texts[0])[:12] if texts else ""
    if len(words) < 3:
        return  # nothing printed to look up
    page = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert words[:12] in _letters(page), (number, words)


def _letters(text: str) -> str:
    """Letters only, in stored order: pdftotext's bidi guess may move digits and brackets in right-to-left text."""
    return "".join(char for char in text if unicodedata.category(char).startswith("L"))
