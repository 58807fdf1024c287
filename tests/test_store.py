"""Outputs and the speech cache in an S3 store (issue 15): a real S3 server (moto) on 127.0.0.1."""

from __future__ import annotations

import io
import json
import logging
import shutil
import urllib.request

import pytest

from bcbook import build as builder
from bcbook.jobs import MANIFEST, STAGING
from test_build import outputs

BUCKET = "books"


@pytest.fixture
def s3(monkeypatch):
    """An empty bucket on an S3 server on 127.0.0.1; s3fs finds it through the usual AWS_* variables (worker
    processes inherit them)."""
    import s3fs
    from moto.server import ThreadedMotoServer
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "test",
                        "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    # moto keeps its buckets per process, from one server to the next: start empty
    urllib.request.urlopen(urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")).close()
    s3fs.S3FileSystem.clear_instance_cache()
    store = s3fs.S3FileSystem()
    store.mkdir(BUCKET)
    yield store
    s3fs.S3FileSystem.clear_instance_cache()
    server.stop()


def objects(store, prefix: str) -> dict[str, bytes]:
    """{key under prefix: bytes} of every object there."""
    store.invalidate_cache()
    return {name[len(prefix) + 1:]: store.cat_file(name) for name in store.find(prefix)}


def published(stored: dict[str, bytes]) -> dict[str, bytes]:
    """The outputs and the manifest among a store's objects: not the shared caches, not what is staged."""
    return {name: data for name, data in stored.items() if not name.startswith(("cache/", STAGING))}


def backwards(speech_cache) -> None:
    """Every sentence in a speech cache, played backwards."""
    import soundfile
    for path in speech_cache.rglob("*.flac"):
        samples, rate = soundfile.read(path, dtype="int16")
        soundfile.write(path, samples[::-1], rate, format="FLAC", subtype="PCM_16")


def test_a_cluster_publishes_to_s3_the_bytes_of_a_local_build_with_the_manifest_last(tiny, tmp_path, s3):
    from distributed import LocalCluster

    builder.build(tiny, ["es"], ["audio"], out_dir=tmp_path / "spoken", workers=1)
    speech = tmp_path / "local" / "cache" / "tts"
    shutil.copytree(tmp_path / "spoken" / "cache" / "tts", speech)
    backwards(speech)  # speech no engine would make: the outputs show where every sentence came from
    builder.build(tiny, ["es"], out_dir=tmp_path / "local", workers=1)
    # the speech goes into the store's shared cache only, so the workers must take every sentence from it
    s3.put(str(speech), f"{BUCKET}/tiny/cache/tts", recursive=True)
    url = f"s3://{BUCKET}/tiny"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        builder.build(tiny, ["es"], out_dir=url, scheduler=cluster.scheduler_address)
    stored = objects(s3, f"{BUCKET}/tiny")
    local = {path.relative_to(tmp_path / "local").as_posix(): path.read_bytes() for path in outputs(tmp_path / "local")}
    assert published(stored) == local
    assert not [name for name in stored if name.startswith(STAGING)], "the staging prefix is removed"
    manifest = json.loads(stored[MANIFEST])["jobs"]
    assert manifest == json.loads(local[MANIFEST])["jobs"]

    events = []
    builder.build(tiny, ["es"], out_dir=url, workers=1, report=lambda state, task, *rest: events.append(state))
    assert events and set(events) == {"skipped"}, "nothing changed: every job is skipped from the store's manifest"


def test_a_failed_build_to_s3_publishes_nothing_and_the_next_one_resumes(tiny, tmp_path, s3, monkeypatch):
    url, pdf = f"s3://{BUCKET}/tiny", builder.WRITERS["pdf"]

    def letter_then_fail(book, date_time, context, part):
        if part == "large-print":
            raise RuntimeError("stopped")
        return pdf(book, date_time, context, part)
    monkeypatch.setitem(builder.WRITERS, "pdf", letter_then_fail)
    with pytest.raises(RuntimeError, match="stopped"):
        builder.build(tiny, ["es"], ["pdf"], out_dir=url, workers=1)
    assert published(objects(s3, f"{BUCKET}/tiny")) == {}, "nothing is published (staged jobs and caches only)"

    monkeypatch.setitem(builder.WRITERS, "pdf", pdf)
    events = []
    builder.build(tiny, ["es"], ["pdf"], out_dir=url, workers=1,
                  report=lambda state, task, *rest: events.append((state, task.name)))
    assert ("resumed", "es/pdf/letter") in events and ("running", "es/pdf/large-print") in events
    builder.build(tiny, ["es"], ["pdf"], out_dir=tmp_path / "local", workers=1)
    stored = published(objects(s3, f"{BUCKET}/tiny"))
    assert sorted(stored) == sorted(p.relative_to(tmp_path / "local").as_posix() for p in outputs(tmp_path / "local"))
    for path in outputs(tmp_path / "local"):
        assert stored[path.relative_to(tmp_path / "local").as_posix()] == path.read_bytes(), path


def test_the_command_line_takes_a_store_url_for_out(tiny, s3):
    from bcbook.cli import main
    out, err = io.StringIO(), io.StringIO()
    assert main(["--project", str(tiny.root), "build", "--lang", "es", "--format", "epub", "--jobs", "1",
                 "--out", f"s3://{BUCKET}/tiny/"], out, err) == 0, err.getvalue()
    assert "es: built epub" in out.getvalue()
    stored = objects(s3, f"{BUCKET}/tiny")
    assert [name for name in stored if name.startswith("es/") and name.endswith(".epub")]
    assert MANIFEST in stored, "the URL is a store, not a folder named s3:"


@pytest.mark.parametrize("url, says", [("nosuch://bucket/books", "Protocol not known: nosuch"),
                                       (f"s3://{BUCKET}-missing/books", "bucket")])
def test_a_store_that_cannot_be_used_is_one_clear_error_before_any_job_runs(tiny, s3, url, says):
    from bcbook.cli import main
    out, err = io.StringIO(), io.StringIO()
    assert main(["--project", str(tiny.root), "build", "--lang", "es", "--format", "epub", "--jobs", "1",
                 "--out", url], out, err) == 2
    assert err.getvalue().startswith(f"bcbook: error: --out {url}") and says in err.getvalue(), err.getvalue()
    assert "running" not in err.getvalue() and "Traceback" not in err.getvalue()


def test_page_maps_and_font_subsets_are_shared_through_the_store(tmp_path, s3):
    from bcbook import diskcache
    from bcbook.store import Store
    shared, made = Store(f"s3://{BUCKET}/tiny/cache/derived"), []
    try:
        diskcache.use(tmp_path / "one machine", shared)
        assert diskcache.remembered("pages", "ab12", lambda: made.append(1) or b"map") == b"map"
        diskcache.use(tmp_path / "another machine", shared)
        assert diskcache.remembered("pages", "ab12", lambda: made.append(2) or b"other") == b"map"
    finally:
        diskcache.use(None)
    assert made == [1], "made once, on the first machine"
    assert (tmp_path / "another machine" / "derived" / "pages" / "ab" / "ab12").read_bytes() == b"map"


def test_out_is_a_store_only_when_a_url_names_one():
    from pathlib import Path
    from bcbook.store import output_option
    assert output_option("s3://bucket/books/") == "s3://bucket/books"
    assert output_option("gs://bucket") == "gs://bucket"
    assert output_option("file:///srv/books") == Path("/srv/books")
    assert output_option("build/out") == Path("build/out")
