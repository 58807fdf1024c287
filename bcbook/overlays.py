"""Read-aloud EPUB: the narration's chapter audio and EPUB 3 Media Overlays (SMIL 3) for the e-book.

Requires the narration's timings (bcbook.audio.render makes a Narration)
and ebooklib. Guarantees: `add(package, narration, documents)` adds each
chapter's audio (the same mastered MP3 as the audio edition, not encoded
again), one SMIL document per chapter with a `<par>` per spoken sentence
(text ref to the sentence's span id, audio clip in seconds) in reading
order, a figure's caption and description inside a `<seq
epub:type="figure">` (escapable), notes, list items and glossary terms and
definitions marked with their epub:type (skippable); the chapter's manifest
item gets `media-overlay`; `media:duration` is given per overlay and for
the book (their sum), with `media:active-class` and `media:narrator`.
ACTIVE_CLASS is styled in ACTIVE_CSS: black on yellow, 15.9:1, set with
both colours so a reader's night mode cannot lower the contrast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub
from lxml import etree

from .epub_compat import FileItem

SMIL_NS = "http://www.w3.org/ns/SMIL"
EPUB_NS = "http://www.idpf.org/2007/ops"
ACTIVE_CLASS = "-epub-media-overlay-active"
ACTIVE_CSS = (f"\n/* Read-aloud: the sentence being read (media:active-class). */\n"
              f".{ACTIVE_CLASS} {{ background-color: #ffe14d; color: #000000; }}\n").encode("utf-8")


@dataclass(frozen=True)
class Clip:
    """One spoken sentence: the id of its span, when it is heard (seconds in its chapter's file), its role."""

    ref: str
    begin: float
    end: float
    role: str = ""  # "", "note", "list-item", "glossterm", "glossdef", "figure:<figure id>"


@dataclass(frozen=True)
class ChapterAudio:
    chapter_id: str
    file_name: str  # inside the EPUB, e.g. "audio/01-invasive-breast-cancer.mp3"
    audio: Path  # the MP3 file
    duration: float  # seconds
    clips: tuple[Clip, ...]


@dataclass(frozen=True)
class Narration:
    narrator: str  # the synthetic voice, e.g. "espeak-ng, en-us"
    chapters: tuple[ChapterAudio, ...]

    @property
    def duration(self) -> float:
        return sum(chapter.duration for chapter in self.chapters)


def clock(seconds: float) -> str:
    """A SMIL clock value, h:mm:ss.fff."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def smil(chapter: ChapterAudio, text_file: str) -> bytes:
    """The chapter's overlay: a <par> per sentence in reading order; figures as escapable <seq>s."""
    root = etree.Element(f"{{{SMIL_NS}}}smil", nsmap={None: SMIL_NS, "epub": EPUB_NS}, version="3.0")
    body = etree.SubElement(root, f"{{{SMIL_NS}}}body")
    seq = etree.SubElement(body, f"{{{SMIL_NS}}}seq", {"id": f"seq-{chapter.chapter_id}",
                                                       f"{{{EPUB_NS}}}textref": f"../{text_file}#{chapter.chapter_id}"})
    figure, parent = "", seq
    for clip in chapter.clips:
        if clip.role.startswith("figure:") and clip.role != figure:
            figure = clip.role
            parent = etree.SubElement(seq, f"{{{SMIL_NS}}}seq", {
                "id": f"seq-{clip.role[7:]}", f"{{{EPUB_NS}}}type": "figure",
                f"{{{EPUB_NS}}}textref": f"../{text_file}#{clip.role[7:]}"})
        elif not clip.role.startswith("figure:"):
            figure, parent = "", seq
        _par(parent, clip, text_file, chapter.file_name)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _par(parent, clip: Clip, text_file: str, audio_file: str) -> None:
    attrs = {"id": f"par-{clip.ref}"}
    if clip.role and not clip.role.startswith("figure:"):
        attrs[f"{{{EPUB_NS}}}type"] = clip.role
    par = etree.SubElement(parent, f"{{{SMIL_NS}}}par", attrs)
    etree.SubElement(par, f"{{{SMIL_NS}}}text", src=f"../{text_file}#{clip.ref}")
    etree.SubElement(par, f"{{{SMIL_NS}}}audio", src=f"../{audio_file}", clipBegin=clock(clip.begin),
                     clipEnd=clock(clip.end))


def add(package: epub.EpubBook, narration: Narration, documents: dict) -> None:
    """Audio, overlays and their metadata into the package; `documents` maps chapter id -> its XHTML item."""
    def meta(prop: str, value: str, refines: str = "") -> None:
        package.add_metadata(None, "meta", value, {"property": prop, **({"refines": refines} if refines else {})})

    for number, chapter in enumerate(narration.chapters, start=1):
        document = documents[chapter.chapter_id]
        overlay_id = f"mo-{chapter.chapter_id}"
        package.add_item(FileItem(f"audio-{number}", chapter.file_name, "audio/mpeg", chapter.audio))
        package.add_item(epub.EpubSMIL(uid=overlay_id, file_name=f"smil/{chapter.chapter_id}.smil",
                                       content=smil(chapter, document.file_name)))
        document.media_overlay = overlay_id
        meta("media:duration", clock(chapter.duration), f"#{overlay_id}")
    meta("media:duration", clock(narration.duration))
    meta("media:narrator", narration.narrator)
    meta("media:active-class", ACTIVE_CLASS)
