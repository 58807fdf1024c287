"""The command line: every command documented, --help, stats, check, error exits."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest

from bcbook.cli import main, parser
from conftest import LANGUAGES, ROOT


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    commands = parser()._subparsers._group_actions[0].choices
    assert set(commands) == {"build", "extract", "update", "stats", "review", "figures", "check"}
    for name in commands:
        assert f"bcbook {name}" in readme, name
    assert re.search(r"^\s+make\s*$", readme, re.M) and "make test" in readme


@pytest.mark.parametrize("command", ["build", "extract", "update", "stats", "review", "figures", "check"])
def test_help_explains_each_command(command, capsys):
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    assert len(capsys.readouterr().out) > 100


def test_stats_shows_each_language(tiny):
    status, out, _ = run("--project", str(tiny.root), "stats")
    assert status == 0
    assert re.search(r"^en\s+\d+\s+\d+\s+0\s+0\s+0\s+100\.0%\s+-\s+-\s+source$", out, re.M)
    assert re.search(r"^es\s+\d+\s+\d+\s+0\s+\d+\s+0\s+\d+\.\d%\s+0\s+0\s+not reviewed$", out, re.M)
    assert run("--project", str(tiny.root), "stats", "--strict")[0] == 1


def test_a_reader_that_stops_early_gets_no_traceback(tiny):
    """`bcbook stats | head -1`: the pipe is closed before bcbook writes (here before it has even started)."""
    with subprocess.Popen([sys.executable, "-m", "bcbook.cli", "--project", str(tiny.root), "stats"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        process.stdout.close()
        errors = process.stderr.read()
    assert errors == "" and process.returncode == 1


def test_global_options_work_after_the_command_too(tiny):
    before = run("--project", str(tiny.root), "stats")
    assert run("stats", "--project", str(tiny.root)) == before and before[0] == 0


HEAVY = ("weasyprint", "scipy", "numpy", "pyloudnorm", "lameenc", "ebooklib", "gtts", "pikepdf", "fontTools", "lxml")


@pytest.mark.parametrize("argv", [["--help"], ["stats"], ["build", "--help"]])
def test_commands_that_render_nothing_load_no_renderer(argv):
    code = ("import sys\nfrom bcbook.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print([m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "--project", str(ROOT), *argv],
                          capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_every_published_catalog_is_complete():
    status, out, err = run("--project", str(ROOT), "stats", "--strict")
    assert (status, err) == (0, "")
    for lang in LANGUAGES[1:]:
        assert re.search(rf"^{lang}\s+(\d+)\s+\1\s+0\s+0\s+0\s+100\.0%\s", out, re.M), lang


def test_source_error_exits_2_with_file_and_line(tiny):
    chapter = tiny.source / "chapters" / "01-tiny.md"
    chapter.write_text(chapter.read_text() + "\n<b>raw</b>\n")
    status, _, err = run("--project", str(tiny.root), "build")
    assert status == 2
    assert "bcbook: error: source/chapters/01-tiny.md:18: raw HTML is not allowed" in err


def test_a_second_build_into_one_folder_stops_at_once_naming_the_first(tiny, tmp_path):
    """While a build holds the output folder, another build there is one line and exit 2, and writes nothing;
    once it is released, the build runs."""
    from bcbook import lock
    held = lock.hold(tmp_path / "out")
    try:
        status, _, err = run("--project", str(tiny.root), "build", "--format", "epub", "--out", str(tmp_path / "out"))
    finally:
        held.close()
    assert status == 2
    first = rf"\(bcbook build, process {os.getpid()}, started [^)]+\)"
    assert re.fullmatch(rf"bcbook: error: another build is writing to {re.escape(str(tmp_path / 'out'))} {first}; "
                        r"wait until it ends, or build into another folder with --out\n", err)
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["cache"]
    assert run("--project", str(tiny.root), "build", "--format", "epub", "--out", str(tmp_path / "out"))[0] == 0


def test_check_validates_and_fails_on_a_bad_file(tiny, tmp_path):
    assert run("--project", str(tiny.root), "build")[0] == 0
    status, out, _ = run("--project", str(tiny.root), "check")
    assert status == 0 and out.count("ok   ") == 10  # 2 EPUBs, 2 read-aloud EPUBs and 6 PDFs
    bad = tmp_path / "bad.epub"
    bad.write_bytes(b"not a zip")
    status, out, _ = run("check", str(bad))
    assert status == 1 and "FAIL" in out


def test_extract_then_update_keeps_the_catalog_complete(book_project):
    assert run("--project", str(book_project.root), "extract")[0] == 0
    assert run("--project", str(book_project.root), "update")[0] == 0
    status, out, _ = run("--project", str(book_project.root), "stats", "--strict")
    assert status == 0, out


def test_top_level_help_reads_cleanly(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "option_strings" not in text and "100% and safe" in text
