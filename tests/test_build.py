"""The build: reproducible bytes, atomic writes, the last good output kept on failure, stats."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from bcbook import build as builder
from bcbook import reader
from bcbook.i18n.po import PoSyntaxError
from conftest import ROOT


def outputs(folder):
    """Every published file (not the speech cache, not what a stopped build staged)."""
    return sorted(p for p in folder.rglob("*.*") if p.is_file()
                  and not {"cache", ".bcbook-staging"} & set(p.relative_to(folder).parts))


def test_same_inputs_give_the_same_bytes(tiny, tmp_path):
    builder.build(tiny, out_dir=tmp_path / "a")
    # espeak-ng's output varies by a few samples from call to call, so the audio is reproducible
    # from the speech cache (as every rebuild is); everything else is reproducible from scratch.
    shutil.copytree(tmp_path / "a" / "cache", tmp_path / "b" / "cache")
    builder.build(tiny, out_dir=tmp_path / "b")
    first = outputs(tmp_path / "a")
    assert len(first) == 1 + 2 * (2 + 3 + 2 * 2 + 2)  # the manifest; per language: 2 EPUBs (plain, read-aloud), 3 PDFs, 2 chapters (MP3,
    # VTT), playlist, audiobook
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes(), path.name


def test_editions_come_from_the_cache_only_while_what_they_are_made_of_is_unchanged(tiny, tmp_path, monkeypatch):
    cache, reads, read_book = tmp_path / "editions", [], reader.read_book
    monkeypatch.setattr(reader, "read_book", lambda *args: reads.append(args) or read_book(*args))
    first = builder.gather(tiny, cache=cache)
    assert builder.gather(tiny, cache=cache) == first and len(reads) == 1  # taken, not gathered again
    assert builder.gather(tiny, ["es"], cache=cache) == first[1:] and len(reads) == 2  # other languages: a miss
    catalog = tiny.locales / "es" / "LC_MESSAGES" / "bcbook.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n# a translator's note\n", encoding="utf-8")
    assert builder.gather(tiny, cache=cache) == first and len(reads) == 3  # any byte of a catalog: a miss
    for entry in cache.iterdir():
        entry.write_bytes(b"damaged")
    assert builder.gather(tiny, cache=cache) == builder.gather(tiny)  # a damaged entry is gathered again


def test_stats_counts_what_the_build_gathers_without_making_the_books(tiny):
    """builder.reports (bcbook stats) gives the Reports gather gives, in every language of the real book and in
    the tiny one with a missing, an unsafe and a fuzzy translation; it looks up what review.entries lists."""
    catalog = tiny.locales / "es" / "LC_MESSAGES" / "bcbook.po"
    text = catalog.read_text(encoding="utf-8").replace('msgstr "Una línea inicial."', 'msgstr "Una <b>línea</b>."')
    catalog.write_text(text.replace('msgstr "Un accesorio"', '#, fuzzy\nmsgstr "Un accesorio"'), encoding="utf-8")
    for project in (tiny, builder.Project(ROOT)):
        reports = builder.reports(project)
        assert reports == [edition.report for edition in builder.gather(project)]
    spanish = builder.reports(tiny, ["es"])[0]
    assert (spanish.invalid, spanish.fuzzy) == (1, 1) and spanish.missing and "<b>" in spanish.problems[0]


def test_stats_takes_its_counts_from_the_editions_a_build_kept(tiny, tmp_path, monkeypatch):
    cache, reads, read_book = tmp_path / "editions", [], reader.read_book
    monkeypatch.setattr(reader, "read_book", lambda *args: reads.append(args) or read_book(*args))
    gathered = [edition.report for edition in builder.gather(tiny, cache=cache)]
    assert builder.reports(tiny, cache=cache) == gathered and len(reads) == 1  # from the editions
    assert builder.reports(tiny, ["es"], cache=cache) == gathered[1:] and len(reads) == 2  # counted, and kept:
    assert builder.reports(tiny, ["es"], cache=cache) == gathered[1:] and len(reads) == 2
    chapter = tiny.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new English line.\n", encoding="utf-8")
    assert builder.reports(tiny, cache=cache)[1].missing == gathered[1].missing + 1 and len(reads) == 3


def test_after_an_edit_only_changed_translations_are_checked_again(tiny, tmp_path, monkeypatch):
    """The safety checks of translations are kept beside the editions: an edit of the English text or of a
    catalog checks again only the translations that changed (a damaged keep is checked from scratch)."""
    from bcbook.i18n import safety
    cache, checks, check = tmp_path / "editions", [], safety.check
    monkeypatch.setattr(safety, "check", lambda source, msgstr, hosts: checks.append(msgstr) or check(source, msgstr,
                                                                                                          hosts))
    first = builder.gather(tiny, cache=cache)
    assert len(checks) > 5
    chapter, catalog = tiny.source / "chapters" / "01-tiny.md", tiny.locales / "es" / "LC_MESSAGES" / "bcbook.po"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new English line.\n", encoding="utf-8")
    checks.clear()
    assert builder.gather(tiny, cache=cache)[1].report.missing == first[1].report.missing + 1 and checks == []
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("Una línea inicial.", "Una primera línea."),
                       encoding="utf-8")
    assert builder.gather(tiny, cache=cache) and checks == ["Una primera línea."]
    (cache / "checked.memo").write_bytes(b"damaged")
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n# a note\n", encoding="utf-8")
    checks.clear()
    assert builder.gather(tiny, cache=cache) == builder.gather(tiny) and len(checks) > 5


def test_jobs_run_longest_first_and_the_short_ones_that_wait_for_others_last(tiny, tmp_path):
    planned = builder.plan(tiny, ["es"], list(builder.WRITERS), tmp_path / "out")
    planned.lock.close()
    read_from = {name for task in planned.tasks for name in task.after}
    assert [task.name for task in sorted(planned.tasks, key=lambda task: builder.run_order(task, read_from))] == [
        "es/audio/narration", "es/pdf/letter", "es/pdf/a4", "es/pdf/large-print", "es/epub", "es/audio/read-aloud"]


def test_work_split_in_two_processes_gives_what_one_gives():
    """bcbook.halves (stats on many languages): every second item in a forked process, results in order, and what
    the child added to the shared memo comes back."""
    from bcbook import halves
    memo: dict = {}

    def work(items):
        memo.update({item: os.getpid() for item in items})
        return [(item, os.getpid()) for item in items]
    result = halves.in_two(list(range(7)), work, memo)
    assert [item for item, _ in result] == list(range(7)) and memo == dict(result)
    assert [pid == os.getpid() for _, pid in result] == [True, False] * 3 + [True]


def test_an_error_in_the_forked_half_is_the_one_counting_alone_gives(book_project):
    """A broken catalog counted by the forked process: the error names its file and line, as without a fork."""
    languages = builder.reports(book_project)
    broken = languages[1::2][-1].lang  # one the child counts
    catalog = book_project.locales / broken / "LC_MESSAGES" / "bcbook.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgid "unfinished\n', encoding="utf-8")
    with pytest.raises(PoSyntaxError, match=rf"locales/{broken}/LC_MESSAGES/bcbook.po:\d+: unterminated string"):
        builder.reports(book_project)


def test_jobs_wait_for_the_pdf_edition_whose_pages_they_list():
    from bcbook import pages
    assert {source for sources in builder.READS_FROM.values() for source in sources if source[0] == "pdf"} == \
        {("pdf", pages.EDITION)}


def test_source_date_epoch_sets_the_modified_date(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    editions = builder.gather(tiny)
    assert builder.build_time(editions[0].book) == (2023, 11, 14, 22, 13, 20)


def test_failed_build_keeps_the_last_good_output(tiny, tmp_path):
    out = tmp_path / "out"
    builder.build(tiny, out_dir=out)
    good = {path: path.read_bytes() for path in outputs(out)}
    catalog = tiny.locales / "es" / "LC_MESSAGES" / "bcbook.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    chapter = tiny.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text() + "\nA changed English line.\n")
    with pytest.raises(PoSyntaxError):
        builder.build(tiny, out_dir=out)
    assert {path: path.read_bytes() for path in outputs(out)} == good
    assert not list(out.rglob(".*"))  # no temporary files left behind


def test_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out" / "book.epub"
    builder.write_atomically(target, b"old")

    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        builder.write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["book.epub"]


def test_fallbacks_are_counted_and_strict_refuses_them(tiny, tmp_path):
    editions = builder.gather(tiny, ["es"])
    report = editions[0].report
    assert report.missing > 0 and report.translated + report.missing == report.total
    with pytest.raises(builder.StrictError, match=f"es: {report.missing} missing"):
        builder.build(tiny, ["es"], strict=True, out_dir=tmp_path)


def test_unknown_language_and_format_are_clear_errors(tiny, tmp_path):
    with pytest.raises(builder.BuildError, match="unknown language fr: source/book.toml lists en, es"):
        builder.build(tiny, ["fr"], out_dir=tmp_path)
    with pytest.raises(builder.BuildError, match="unknown format mobi"):
        builder.build(tiny, formats=["mobi"], out_dir=tmp_path)


def test_missing_catalog_says_how_to_create_it(tiny, tmp_path):
    (tiny.locales / "es" / "LC_MESSAGES" / "bcbook.po").unlink()
    with pytest.raises(FileNotFoundError, match="bcbook update --init es"):
        builder.build(tiny, ["es"], out_dir=tmp_path)


def test_unchanged_jobs_are_skipped_and_changed_ones_redone(tiny, tmp_path, monkeypatch):
    rendered = []  # counted in this process: no worker processes (workers=1)
    for name, writer in list(builder.WRITERS.items()):
        monkeypatch.setitem(builder.WRITERS, name,
                            lambda book, time, context, part="", name=name, writer=writer:
                            rendered.append(f"{book.lang}/{name}") or writer(book, time, context, part))
    out = tmp_path / "out"
    builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
    first = {path: path.read_bytes() for path in outputs(out)}
    assert sorted(rendered) == ["en/epub", "es/epub"]
    builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
    assert len(rendered) == 2 and {path: path.read_bytes() for path in outputs(out)} == first
    catalog = tiny.locales / "es" / "LC_MESSAGES" / "bcbook.po"
    catalog.write_text(catalog.read_text().replace('msgstr "Libro diminuto"', 'msgstr "Libro muy diminuto"'))
    builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
    assert rendered[2:] == ["es/epub"]
    (out / "en" / "tiny.epub").write_bytes(b"damaged")  # a changed output is redone, not trusted
    builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
    assert rendered[3:] == ["en/epub"] and (out / "en" / "tiny.epub").read_bytes() == first[out / "en" / "tiny.epub"]
    builder.build(tiny, formats=["epub"], out_dir=out, force=True, workers=1)
    assert sorted(rendered[4:]) == ["en/epub", "es/epub"]


def test_a_build_with_nothing_to_do_reads_no_output(tiny, tmp_path, monkeypatch):
    """Files whose size and time are as the last build left them are trusted without being read again."""
    from bcbook import jobs
    out = tmp_path / "out"
    builder.build(tiny, formats=["epub", "pdf"], out_dir=out, workers=1)
    hashed = []
    read = jobs.path_hash
    monkeypatch.setattr(jobs, "path_hash", lambda path: hashed.append(path.stat().st_size) or read(path))
    builder.build(tiny, formats=["epub", "pdf"], out_dir=out, workers=1)
    assert hashed == []
    path = out / "es" / "tiny-letter.pdf"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # touched: read, found unchanged
    builder.build(tiny, formats=["epub", "pdf"], out_dir=out, workers=1)
    assert hashed == [path.stat().st_size]


def test_worker_processes_build_the_same_bytes_as_one_process(tiny, tmp_path):
    builder.build(tiny, ["es"], out_dir=tmp_path / "one", workers=1)
    shutil.copytree(tmp_path / "one" / "cache", tmp_path / "two" / "cache")  # the same speech (see above)
    events = []
    builder.build(tiny, ["es"], out_dir=tmp_path / "two", workers=2,
                  report=lambda state, task, *rest: events.append((state, task.name)))
    for job, sources in {"es/epub": ["es/pdf/letter"],
                         "es/audio/read-aloud": ["es/pdf/letter", "es/audio/narration"]}.items():
        assert all(events.index(("done", source)) < events.index(("running", job)) for source in sources), events
    first = outputs(tmp_path / "one")
    assert len(first) == 1 + 2 + 3 + 2 * 2 + 2
    for path in first:
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes(), path.name


def test_tasks_that_wait_for_each_other_are_refused_not_left_hanging():
    from bcbook import runner
    from bcbook.jobs import Job

    def task(name: str, after: tuple = ()) -> runner.Task:
        return runner.Task(Job("en", name, "key"), None, (), None, None, after=after)
    ordered = runner.in_dependency_order([task("audio", ("en/pdf",)), task("pdf"), task("epub", ("en/pdf",))])
    assert [t.name for t in ordered] == ["en/pdf", "en/audio", "en/epub"]
    with pytest.raises(RuntimeError, match="wait for each other: en/a, en/b"):
        runner.in_dependency_order([task("a", ("en/b",)), task("b", ("en/a",))])


def test_progress_shows_every_job_and_a_summary(tiny, tmp_path):
    import io

    from bcbook.cli import main
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", "--project", str(tiny.root), "--out", str(tmp_path), "--format", "epub", "-j", "2"],
                out, err) == 0
    lines = err.getvalue().splitlines()
    for lang in ("en", "es"):
        assert f"{lang}/epub: running" in lines and any(line.startswith(f"{lang}/epub: done in ") for line in lines)
    assert "[##############################] 2/2 jobs" in lines
    assert re.match(r"built 2 jobs, kept 0 unchanged; epub \d+\.\d s \(work\), \d+\.\d s in all$", lines[-1])
    err = io.StringIO()
    main(["build", "--project", str(tiny.root), "--out", str(tmp_path), "--format", "epub"], io.StringIO(), err)
    assert "en/epub: unchanged since the last build, kept" in err.getvalue()
    assert err.getvalue().splitlines()[-1].startswith("built 0 jobs, kept 2 unchanged")
    quiet = io.StringIO()
    main(["build", "--project", str(tiny.root), "--out", str(tmp_path), "--format", "epub", "--quiet"],
         io.StringIO(), quiet)
    assert quiet.getvalue() == ""


def test_a_killed_build_loses_nothing_and_the_next_one_redoes_only_unfinished_jobs(tiny, tmp_path):
    import signal
    import subprocess
    import sys

    out = tmp_path / "out"
    builder.build(tiny, out_dir=out, workers=1)
    good = {path: path.read_bytes() for path in outputs(out)}
    chapter = tiny.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text().replace("A lead line.", "A changed lead line."))  # every job is stale
    code = "import sys\nfrom bcbook.cli import main\nsys.exit(main(sys.argv[1:]))"
    build = subprocess.Popen([sys.executable, "-c", code, "build", "--project", str(tiny.root), "--out", str(out),
                              "-j", "1"], stderr=subprocess.PIPE, text=True)
    seen = []
    for line in build.stderr:  # the narration jobs run first: kill the build in the second one
        seen.append(line.strip())
        if line.strip() == "es/audio/narration: running":
            build.send_signal(signal.SIGKILL)
            break
    build.wait()
    build.stderr.close()
    assert "en/audio/narration: running" in seen and any(line.startswith("en/audio/narration: done") for line in seen)
    assert {path: path.read_bytes() for path in outputs(out)} == good  # the last good outputs, untouched
    events = []
    builder.build(tiny, out_dir=out, workers=1, report=lambda state, task, *rest: events.append((state, task.name)))
    assert ("resumed", "en/audio/narration") in events and ("running", "en/audio/narration") not in events
    assert ("running", "es/audio/narration") in events
    assert not (out / ".bcbook-staging").exists()
    changed = {path for path in outputs(out) if good.get(path) != path.read_bytes()}
    assert out / "en" / "tiny.epub" in changed and out / "es" / "audio" / "tiny.m4b" in changed


@pytest.mark.parametrize("format_name", ["pdf", "epub", "audio"])
def test_the_code_a_job_is_keyed_by_holds_everything_its_writer_runs(tiny, tmp_path, format_name):
    """jobs.code_version leaves out modules no writer runs, and per format those its writer never loads: a
    writer run on the tiny book, in a fresh process, loads none of them (an edit there keeps the job fresh)."""
    import subprocess
    import sys

    from bcbook import jobs
    code = ("import sys\nfrom bcbook import build as b\nfrom bcbook.context import Context\n"
            "baseline = set(sys.modules)\n"
            f"project = b.Project(__import__('pathlib').Path({str(tiny.root)!r}))\nbook = b.gather(project, ['es'])[0].book\n"
            f"b.WRITERS[{format_name!r}](book, b.build_time(book), Context(project, __import__('pathlib').Path({str(tmp_path)!r})))\n"
            "for name in sorted(sys.modules):\n"
            "    if name.startswith('bcbook') and getattr(sys.modules[name], '__file__', None):\n"
            "        print(name in baseline, sys.modules[name].__file__.split('/bcbook/', 1)[1])\n")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    loaded = [line.split(" ", 1) for line in lines if line]
    assert len(loaded) > 20
    never = jobs.NOT_WRITER_OF[format_name]
    assert [path for _, path in loaded if path.startswith(never)] == []
    assert [path for early, path in loaded if early == "False" and path.startswith(jobs.NOT_WRITERS)] == []


def test_several_books_build_in_one_job_graph_and_publish_only_together(tmp_path):
    """`bcbook build A B` (or a library file naming them): every book checked before any job runs, the
    jobs of both in one run, each book in its own build/, and nothing published when one book fails."""
    import subprocess
    import sys

    from conftest import TINY, copy_project
    leaflets = [copy_project(TINY, tmp_path / name) for name in ("leaflet-a", "leaflet-b")]
    (tmp_path / "library.txt").write_text("# the clinic's leaflets\nleaflet-a\n\nleaflet-b\n", encoding="utf-8")
    command = [sys.executable, "-m", "bcbook.cli", "build", str(tmp_path / "library.txt"), "--format", "epub",
               "-j", "1"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "leaflet-a/en/epub: done" in done.stderr and "leaflet-b/es/epub: done" in done.stderr
    assert "leaflet-b/es: built epub" in done.stdout
    assert all((book.build / lang / "tiny.epub").is_file() for book in leaflets for lang in ("en", "es"))
    chapter = leaflets[0].source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new English line.\n", encoding="utf-8")
    catalog = leaflets[1].locales / "es" / "LC_MESSAGES" / "bcbook.po"
    catalog.write_text(catalog.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    before = (leaflets[0].build / "en" / "tiny.epub").read_bytes()
    with pytest.raises(PoSyntaxError):
        builder.build_books(leaflets, formats=["epub"], workers=1)
    assert (leaflets[0].build / "en" / "tiny.epub").read_bytes() == before  # the first book waits for the second
    with pytest.raises(builder.BuildError, match="same folder name"):
        builder.build_books([leaflets[0], builder.Project(tmp_path / "elsewhere" / "leaflet-a")], workers=1)


def test_each_pdf_edition_is_a_job_of_its_own(tiny, tmp_path):
    """The PDF editions lay out in jobs of their own (so two cores share them), one per bcbook.pdf.document
    edition, each writing its one file; an edit to the audio code leaves them fresh, as before."""
    from bcbook.pdf import document, render
    assert builder.PARTS["pdf"] == tuple(document.EDITIONS)
    events = []
    builder.build(tiny, ["es"], formats=["pdf"], out_dir=tmp_path, workers=1,
                  report=lambda state, task, *rest: events.append((state, task.name)))
    assert [name for state, name in events if state == "done"] == [f"es/pdf/{edition}" for edition in document.EDITIONS]
    manifest = json.loads((tmp_path / "bcbook-manifest.json").read_text())["jobs"]
    assert {name: list(record["files"]) for name, record in manifest.items()} == {
        f"es/pdf/{edition}": [f"es/{render.FILE_NAMES[edition].format(slug='tiny')}"] for edition in document.EDITIONS}
    import io

    from bcbook.cli import main
    out = io.StringIO()
    assert main(["build", "--project", str(tiny.root), "--out", str(tmp_path), "--lang", "es", "--format", "pdf"],
                out, io.StringIO()) == 0
    assert out.getvalue().startswith("es: kept pdf (")  # every edition's job kept: the format is kept


def test_workers_start_early_when_a_file_the_book_is_made_of_is_newer_than_the_last_build(tiny, tmp_path, monkeypatch):
    """The fork server loads the writers' libraries while the build plans (bcbook.runner.warm_up) on a first
    build, and after an edit of the source or a catalog; a build with nothing changed starts no server."""
    from bcbook import runner
    started = []
    monkeypatch.setattr(runner, "warm_up", lambda workers, scheduler: started.append(workers))
    out = tmp_path / "out"
    builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
    builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
    assert started == [1]
    for edited in (tiny.source / "chapters" / "01-tiny.md", next(tiny.locales.glob("*/LC_MESSAGES/*.po"))):
        built = (out / "bcbook-manifest.json").stat().st_mtime
        os.utime(edited, (built + 1, built + 1))  # edited after the last build
        builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
        os.utime(edited, (built, built))  # and now built
    builder.build(tiny, formats=["epub"], out_dir=out, workers=1)
    assert started == [1, 1, 1]
