"""A Dask cluster builds the same bytes as one machine (issue 15): a real LocalCluster on 127.0.0.1."""

from __future__ import annotations

import shutil

from bcbook import build as builder
from test_build import outputs


def test_a_dask_cluster_builds_the_same_bytes_as_one_process(tiny, tmp_path):
    from distributed import LocalCluster

    builder.build(tiny, ["es"], out_dir=tmp_path / "local", workers=1)
    shutil.copytree(tmp_path / "local" / "cache", tmp_path / "cluster" / "cache")  # the same speech (test_build)
    events = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        builder.build(tiny, ["es"], out_dir=tmp_path / "cluster", scheduler=cluster.scheduler_address,
                      report=lambda state, task, *rest: events.append((state, task.name)))
    assert sorted(name for state, name in events if state == "done") == ["es/audio/narration", "es/audio/read-aloud", "es/epub",
                                                                                 "es/pdf/a4", "es/pdf/large-print", "es/pdf/letter"]
    local = outputs(tmp_path / "local")
    assert len(local) == 1 + 2 + 3 + 2 * 2 + 2
    for path in local:
        assert path.read_bytes() == (tmp_path / "cluster" / path.relative_to(tmp_path / "local")).read_bytes(), path
