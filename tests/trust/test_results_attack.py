"""Results directories under attack (issue 23): a corruption and crafted-manifest matrix.

One finished toy sweep (4 design points x 2 chunks of 2 replicates) is copied for every
case; a sibling directory ``outside/`` next to the copy holds a file an attacker would
like herz to overwrite. Each case damages or crafts the copy, then runs the command line
in this process (:func:`herz.cli.main`, stderr captured) as a user would:

- ``herz verify``: must report a discrepancy (exit 1) or refuse the manifest (exit 2);
- ``herz query``: must refuse (exit 2, one line) and never print rows;
- ``herz resume``: must either repair (exit 0; the rows, the chunk files and the design
  then equal the undamaged sweep's and ``verify`` passes) or refuse in one line without
  changing the directory;
- nothing outside the results directory may change (``outside/`` and the parent are
  snapshotted before and after), and no command may end in a traceback (an exception
  escaping ``main``).

``test_matrix_summary`` prints the matrix (``pytest -s``) that issue 23's note quotes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from herz.cli import main
from herz.experiment import parse_scenario, sweep
from herz.experiment.manifest import seal
from herz.experiment.store import encode_chunk
from herz.experiment.verify import verify

TOY = """
[experiment]
name = "attack"
model = "toy"
seed = 23
steps = 10
replicates = 4
chunk_size = 2

[design]
method = "grid"
[design.factors]
offense_defense_balance = [0.5, 2.0]
distinguishability = [0.0, 1.0]
"""
CHUNK = "p000001-r0000002-0000004"
OTHER = "p000002-r0000000-0000002"
ROWS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def ref(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("attack-ref")
    res = sweep(parse_scenario(TOY), output=root / "ref", runner="inprocess")
    assert res.ok and res.done == 8
    return {"path": res.path, "rows": _rows(res.path), "files": _digests(res.path)}


def _rows(d: Path) -> pd.DataFrame:
    files = sorted((d / "chunks").glob("*.parquet"))
    df = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
    return df.sort_values(["point", "replicate"]).reset_index(drop=True)


def _digests(d: Path) -> dict[str, str]:
    out = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
           for p in sorted((d / "chunks").glob("*.parquet"))}
    out["design.parquet"] = hashlib.sha256((d / "design.parquet").read_bytes()).hexdigest()
    return out


def _snapshot(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every entry under ``root`` (but ``skip``) with its kind and content hash."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if skip is not None and (here == skip or skip in here.parents):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            p = here / name
            if skip is not None and p == skip:
                continue
            if p.is_symlink():
                out[str(p)] = "link:" + os.readlink(p)
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[str(p)] = "dir"
    return out


def _man(d: Path) -> dict[str, Any]:
    man: dict[str, Any] = json.loads((d / "manifest.json").read_text())
    return man


def _write(d: Path, man: Any, *, reseal: bool = True) -> None:
    if reseal and isinstance(man, dict):
        try:
            man["seal"] = seal(man)
        except (AttributeError, TypeError):  # a shape the seal cannot read: leave it
            pass
    (d / "manifest.json").write_text(json.dumps(man))


def _flip(path: Path, where: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x5A
    path.write_bytes(bytes(data))


def _unrecord(man: dict[str, Any], cid: str) -> None:
    """As if the chunk finished after the manifest's last rewrite."""
    rec = man["chunks"][cid]
    for key in ("sha256", "rows", "bytes", "finished", "seconds", "worker"):
        rec.pop(key, None)
    rec["status"] = "pending"
    man["status"] = "interrupted"


def _edit(fn: Callable[[dict[str, Any]], Any], *, reseal: bool = True) -> Callable[..., None]:
    def mutate(d: Path, outside: Path) -> None:
        man = _man(d)
        out = fn(man)
        _write(d, man if out is None else out, reseal=reseal)
    return mutate


# --------------------------------------------------------------------------- the cases


def _stray(name: str) -> Callable[..., None]:
    def mutate(d: Path, outside: Path) -> None:
        shutil.copy(d / "chunks" / f"{CHUNK}.parquet", d / "chunks" / name)
    return mutate


def _unrecorded_chunk(d: Path, outside: Path) -> None:
    man = _man(d)
    del man["chunks"][CHUNK]  # its file stays: a chunk whose record was removed
    _write(d, man)


def _rename_id(target: Callable[[Path], str]) -> Callable[..., None]:
    def mutate(d: Path, outside: Path) -> None:
        man = _man(d)
        rec = man["chunks"].pop(CHUNK)
        rec["status"] = "pending"
        rec["id"] = target(outside)
        man["chunks"][rec["id"]] = rec
        _write(d, man)
    return mutate


def _symlinked_chunk(d: Path, outside: Path) -> None:
    chunk = d / "chunks" / f"{CHUNK}.parquet"
    target = outside / "victim.parquet"
    target.write_bytes(chunk.read_bytes())  # the very bytes: only the link is wrong
    chunk.unlink()
    chunk.symlink_to(target)


def _symlinked_chunks_dir(d: Path, outside: Path) -> None:
    shutil.copytree(d / "chunks", outside / "chunks")
    shutil.rmtree(d / "chunks")
    (d / "chunks").symlink_to(outside / "chunks")


def _flip_done(d: Path, outside: Path) -> None:
    _flip(d / "chunks" / f"{CHUNK}.parquet")


def _flip_pending(d: Path, outside: Path) -> None:
    man = _man(d)
    _unrecord(man, CHUNK)
    _write(d, man)
    _flip(d / "chunks" / f"{CHUNK}.parquet", 0.3)


def _pending_holds_other(d: Path, outside: Path) -> None:
    man = _man(d)
    _unrecord(man, CHUNK)
    _write(d, man)
    shutil.copy(d / "chunks" / f"{OTHER}.parquet", d / "chunks" / f"{CHUNK}.parquet")


def _deleted_design(d: Path, outside: Path) -> None:
    (d / "design.parquet").unlink()


def _damaged_design(d: Path, outside: Path) -> None:
    _flip(d / "design.parquet")


def _wrong_bytes(man: dict[str, Any]) -> None:
    man["chunks"][CHUNK]["bytes"] += 7


def _forged(reseal: bool) -> Callable[..., None]:
    def fn(man: dict[str, Any]) -> None:
        text = man["scenario_toml"].replace("steps = 10", "steps = 11")
        sc = parse_scenario(text)
        man.update(scenario_toml=text, scenario_hash=sc.hash, scenario=sc.to_dict())
    return _edit(fn, reseal=reseal)


def _forged_chunk_sha(d: Path, outside: Path) -> None:
    """A chunk's value changed and its SHA-256 and size in the manifest updated to match."""
    path = d / "chunks" / f"{CHUNK}.parquet"
    table = pq.read_table(path)
    col = table.column("replicate").to_pylist()
    table = table.set_column(table.schema.get_field_index("replicate"), "replicate",
                             __import__("pyarrow").array(col[::-1]))
    data = encode_chunk(table.replace_schema_metadata(None), CHUNK, _man(d)["scenario_hash"])
    path.write_bytes(data)
    man = _man(d)
    man["chunks"][CHUNK].update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    _write(d, man, reseal=False)


def _early_kill(complete: bool) -> Callable[..., None]:
    """A sweep killed while renaming its first manifest into place."""
    def mutate(d: Path, outside: Path) -> None:
        man = _man(d)
        for cid in man["chunks"]:
            (d / "chunks" / f"{cid}.parquet").unlink()
        man["chunks"] = {}
        man["status"] = "created"
        data = json.dumps({**man, "seal": seal(man)}).encode()
        (d / "manifest.json").unlink()
        (d / ".manifest.json.tmp-4242").write_bytes(data if complete else data[:200])
    return mutate


def _foreign_model(man: dict[str, Any]) -> None:
    man["scenario_toml"] = man["scenario_toml"].replace('model = "toy"', 'model = "os:system"')
    man["scenario"]["model"] = "os:system"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    def fn(man: dict[str, Any]) -> None:
        keys = path.split(".")
        obj = man
        for k in keys[:-1]:
            obj = obj[k]
        if value is KeyError:
            del obj[keys[-1]]
        else:
            obj[keys[-1]] = value
    return fn


def _raw(text: str) -> Callable[..., None]:
    def mutate(d: Path, outside: Path) -> None:
        (d / "manifest.json").write_text(text)
    return mutate


def _off_plan(man: dict[str, Any]) -> None:
    """A pending record beyond the scenario's replicates (ids valid, plan not)."""
    rec = {"id": "p000000-r0000004-0000006", "point": 0, "start": 4, "stop": 6, "round": 0,
           "seed_key": [1, 0], "status": "pending"}
    man["chunks"][rec["id"]] = rec


def _overlapping(man: dict[str, Any]) -> None:
    """A second record over replicates another chunk holds."""
    rec = {"id": "p000000-r0000001-0000003", "point": 0, "start": 1, "stop": 3, "round": 0,
           "seed_key": [1, 0], "status": "pending"}
    man["chunks"][rec["id"]] = rec


REPAIR, REFUSE = "repair", "refuse"
REC = f"chunks.{CHUNK}"
CASES: dict[str, tuple[Callable[..., None], str]] = {
    "stray ._ file": (_stray(f"._{CHUNK}.parquet"), REPAIR),
    "stray sync copy": (_stray(f"{CHUNK} (1).parquet"), REPAIR),
    "stray non-Parquet file": (_stray("notes.txt"), REPAIR),
    "unrecorded chunk": (_unrecorded_chunk, REPAIR),
    "climbing id ../": (_rename_id(lambda o: "../../outside/victim"), REFUSE),
    "absolute id": (_rename_id(lambda o: str(o / "victim")), REFUSE),
    "symlinked chunk": (_symlinked_chunk, REPAIR),
    "symlinked chunks/": (_symlinked_chunks_dir, REFUSE),
    "flipped byte, done chunk": (_flip_done, REPAIR),
    "flipped byte, pending chunk": (_flip_pending, REPAIR),
    "pending record holds another chunk": (_pending_holds_other, REPAIR),
    "record off the plan": (_edit(_off_plan), REPAIR),
    "overlapping record": (_edit(_overlapping), REPAIR),
    "deleted design.parquet": (_deleted_design, REPAIR),
    "damaged design.parquet": (_damaged_design, REPAIR),
    "wrong bytes field": (_edit(_wrong_bytes), REPAIR),
    "forged manifest (re-hashed, resealed)": (_forged(True), REFUSE),
    "forged manifest (re-hashed, not resealed)": (_forged(False), REFUSE),
    "chunk and its SHA-256 forged": (_forged_chunk_sha, REFUSE),
    "early kill, first manifest complete": (_early_kill(True), REPAIR),
    "early kill, first manifest torn": (_early_kill(False), REFUSE),
    "model outside herz (os:system)": (_edit(_foreign_model), REFUSE),
    "huge stop = 10**12": (_edit(_set(f"{REC}.stop", 10**12)), REFUSE),
    "runs = {}": (_edit(_set("runs", {})), REFUSE),
    'scenario = "x"': (_edit(_set("scenario", "x")), REFUSE),
    "missing scenario_hash": (_edit(_set("scenario_hash", KeyError)), REFUSE),
    "scenario_toml = 5": (_edit(_set("scenario_toml", 5)), REFUSE),
    'point = "x"': (_edit(_set(f"{REC}.point", "x")), REFUSE),
    'stop = "abc"': (_edit(_set(f"{REC}.stop", "abc")), REFUSE),
    "chunks = []": (_edit(_set("chunks", [])), REFUSE),
    "seconds = NaN": (_edit(_set(f"{REC}.seconds", float("nan"))), REFUSE),
    "chunk record = 5": (_edit(_set(REC, 5)), REFUSE),
    "manifest = []": (_edit(lambda man: []), REFUSE),
    "JSON nested 100,000 deep": (_raw("[" * 100_000 + "]" * 100_000), REFUSE),
    "manifest not JSON": (_raw('{"format": "herz-sweep/1", "chunks": {'), REFUSE),
}


#: Cases whose rows are intact: query answers (the model is never imported to read rows).
READABLE = {"model outside herz (os:system)"}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, bool]:
    """(exit code, stdout, stderr, whether an exception escaped main)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    except BaseException as exc:  # a traceback on the command line
        cap = capsys.readouterr()
        return -1, cap.out, f"{cap.err}{type(exc).__name__}: {exc}", True
    cap = capsys.readouterr()
    return code, cap.out, cap.err, "Traceback" in cap.err


@pytest.fixture
def case_dir(ref: dict[str, Any], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    d = tmp_path / "results"
    shutil.copytree(ref["path"], d)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.parquet").write_bytes(b"not yours")
    (outside / "note.txt").write_text("keep me")
    yield d, outside


@pytest.mark.parametrize("name", list(CASES))
def test_attack_matrix(name: str, ref: dict[str, Any], case_dir: tuple[Path, Path],
                       capsys: pytest.CaptureFixture[str]) -> None:
    d, outside = case_dir
    mutate, expect = CASES[name]
    mutate(d, outside)
    parent = d.parent
    before_outside = _snapshot(parent, skip=d)
    row: dict[str, Any] = {"tracebacks": 0}

    code, out, err, tb = _run(["verify", str(d), "--sample", "2", "--json"], capsys)
    row["tracebacks"] += tb
    assert code in (1, 2), (name, code, out, err)
    row["verify"] = "refused" if code == 2 else "flagged"
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("herz: error: "), err
    else:
        assert json.loads(out)["ok"] is False

    code, out, err, tb = _run(["query", str(d), "SELECT count(*) AS n FROM results"], capsys)
    row["tracebacks"] += tb
    if name in READABLE:  # nothing wrong with the rows: query reads them, imports nothing
        assert code == 0 and "16" in out, (name, code, out, err)
        row["query"] = "answered"
    else:
        assert code == 2 and not out.strip(), (name, code, out, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("herz: error: "), err
        row["query"] = "refused"

    inside_before = _snapshot(d)
    code, out, err, tb = _run(["resume", str(d), "--runner", "inprocess", "--no-progress",
                               "--json"], capsys)
    row["tracebacks"] += tb
    row["message"] = err.strip().splitlines()[0][:160] if err.strip() else ""
    if expect == REPAIR:
        assert code == 0, (name, code, err)
        assert _digests(d) == ref["files"], name
        pd.testing.assert_frame_equal(_rows(d), ref["rows"])
        assert verify(d, sample=2).ok, name
        code, out, err, tb = _run(["query", str(d), "SELECT count(*) AS n FROM results",
                                   "--csv"], capsys)
        assert code == 0 and out.split() == ["n", "16"], (out, err)
        row["resume"] = "repaired"
    else:
        assert code == 2, (name, code, out, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("herz: error: "), err
        assert _snapshot(d) == inside_before, name  # a refusal changes nothing
        row["resume"] = "refused"
    after_outside = _snapshot(parent, skip=d)
    row["outside"] = len(set(before_outside.items()) ^ set(after_outside.items()))
    assert row["outside"] == 0 and row["tracebacks"] == 0, (name, row)
    ROWS[name] = row


def test_huge_stop_is_refused_in_bounded_time(case_dir: tuple[Path, Path]) -> None:
    d, _ = case_dir
    man = _man(d)
    man["chunks"][CHUNK]["stop"] = 10**12
    _write(d, man)
    t = time.perf_counter()
    with pytest.raises(Exception, match="less than or equal to 10000000"):
        verify(d)
    assert time.perf_counter() - t < 5


def test_early_kill_state_is_recovered_by_sweep(ref: dict[str, Any], case_dir: tuple[Path, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    d, _ = case_dir
    _early_kill(False)(d, d.parent)
    scen = d.parent / "attack.toml"
    scen.write_text(TOY)
    code, _, err, tb = _run(["sweep", str(scen), "-o", str(d), "--runner", "inprocess",
                               "--no-progress"], capsys)
    assert code == 0 and not tb, err
    assert "stopped before its manifest was written" in err
    assert _digests(d) == ref["files"]


def test_output_that_is_a_file_and_an_empty_query(ref: dict[str, Any], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    scen = tmp_path / "attack.toml"
    scen.write_text(TOY)
    target = tmp_path / "a-file"
    target.write_text("x")
    code, _, err, tb = _run(["sweep", str(scen), "-o", str(target), "--no-progress"], capsys)
    assert code == 2 and not tb and err.startswith("herz: error: output = ")
    assert "is a file" in err and len(err.strip().splitlines()) == 1
    code, out, err, tb = _run(["query", str(ref["path"]), ""], capsys)
    assert code == 2 and not tb and not out and err.startswith("herz: error: sql = ''")


def test_query_runs_with_duckdb_locked_down(ref: dict[str, Any], tmp_path: Path) -> None:
    from herz.experiment import ResultsError, query

    victim = tmp_path / "victim.csv"
    for sql in (f"COPY (SELECT 1) TO '{victim}'",
                f"COPY (SELECT 1) TO '{ref['path'] / 'chunks' / 'x.csv'}'",
                "SELECT * FROM read_csv('/etc/passwd')",
                f"SELECT * FROM read_parquet('{ref['path'] / 'design.parquet'}')",
                "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true",
                f"ATTACH '{tmp_path / 'x.duckdb'}'"):
        with pytest.raises(ResultsError, match="query failed"):
            query(ref["path"], sql)
    assert not victim.exists() and not (tmp_path / "x.duckdb").exists()
    assert not (ref["path"] / "chunks" / "x.csv").exists()
    assert query(ref["path"], "SELECT count(*) AS n FROM results")["n"].tolist() == [16]


def test_partial_reads_only_verified_chunks_and_says_so(ref: dict[str, Any],
                                                        case_dir: tuple[Path, Path],
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    d, _ = case_dir
    man = _man(d)
    _unrecord(man, CHUNK)
    _write(d, man)
    _flip(d / "chunks" / f"{CHUNK}.parquet", 0.3)  # never read: it is not marked done
    code, out, err, tb = _run(["query", str(d), "SELECT count(*) AS n FROM results", "--csv",
                               "--partial"], capsys)
    assert code == 0 and not tb and out.split() == ["n", "14"]
    assert "partial results: 14 of 16 runs (7 of 8 chunks) verified" in err


def _wait(cond: Callable[[], bool], proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if cond():
            return
        if proc.poll() is not None:
            raise AssertionError(f"the sweep ended before {what}: {proc.communicate()}")
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"timed out waiting for {what}")


SLOW = TOY.replace("[design]", "[world]\nsleep = 2.0\n\n[design]")
API = ("import sys; from herz.cli import main; main(['sweep', sys.argv[1], '-o', sys.argv[2], "
       "'--runner', 'inprocess', '--no-progress'] + sys.argv[3:])")


def test_deleted_lock_still_keeps_a_second_writer_out_and_sigterm_stops_cleanly(
        tmp_path: Path) -> None:
    import signal

    scen = tmp_path / "slow.toml"
    scen.write_text(SLOW)
    out = tmp_path / "r"
    first = subprocess.Popen([sys.executable, "-c", API, str(scen), str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait(lambda: (out / "manifest.json").exists() and (out / ".lock").exists(), first,
          "the first writer started")
    holder = json.loads((out / ".lock").read_text())
    assert holder["pid"] == first.pid
    (out / ".lock").unlink()  # the deletion trick: the lock is on the directory itself
    second = subprocess.run([sys.executable, "-c", API, str(scen), str(out), "--resume"],
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert ("in use by another process" in second.stderr
            or f"in use by PID {first.pid} on " in second.stderr), second.stderr
    assert "resume=True" not in second.stderr
    # the holder writes its record again at its next manifest save
    _wait(lambda: (out / ".lock").exists(), first, "the holder's record written again")
    third = subprocess.run([sys.executable, "-c", API, str(scen), str(out)],
                           capture_output=True, text=True, timeout=120)
    assert third.returncode == 2 and f"in use by PID {first.pid} on " in third.stderr
    _wait(lambda: len(list((out / "chunks").glob("*.parquet"))) >= 1, first, "a chunk")
    first.send_signal(signal.SIGTERM)
    _, ferr = first.communicate(timeout=60)
    assert first.returncode == 143, ferr
    assert b"terminated (SIGTERM)" in ferr and b"Traceback" not in ferr
    man = json.loads((out / "manifest.json").read_text())
    assert man["status"] == "interrupted" and man["runs"][-1]["status"] == "interrupted"


def test_matrix_summary() -> None:
    """Print the matrix (pytest -s); every case ran and none wrote outside or crashed."""
    assert set(ROWS) == set(CASES), set(CASES) - set(ROWS)
    print(f"\n{'case':44s} verify   query    resume   outside tracebacks")
    for name, r in ROWS.items():
        print(f"{name:44s} {r['verify']:8s} {r['query']:8s} {r['resume']:8s} "
              f"{r['outside']:7d} {r['tracebacks']:3d}")
    print(f"{len(ROWS)} cases: verify flagged or refused {len(ROWS)}, query refused "
          f"{sum(r['query'] == 'refused' for r in ROWS.values())}, resume repaired "
          f"{sum(r['resume'] == 'repaired' for r in ROWS.values())} and refused "
          f"{sum(r['resume'] == 'refused' for r in ROWS.values())}, files touched outside "
          f"{sum(r['outside'] for r in ROWS.values())}, tracebacks "
          f"{sum(r['tracebacks'] for r in ROWS.values())}")
    for name, r in ROWS.items():
        print(f"{name}: {r['message']}")
    assert sum(r["outside"] + r["tracebacks"] for r in ROWS.values()) == 0


def test_the_lock_without_fcntl_uses_filelock_and_names_the_holder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    from herz.experiment import ResultsError
    from herz.experiment.locking import DirectoryLock

    monkeypatch.setitem(sys.modules, "fcntl", None)  # as on Windows: import fcntl fails
    with warnings.catch_warnings():  # filelock imported here warns of its soft lock
        warnings.simplefilter("ignore")
        first = DirectoryLock(tmp_path)
        first.acquire()
    try:
        assert first._file_lock is not None and first._fd is None
        with pytest.raises(ResultsError, match=f"in use by PID {os.getpid()} on "):
            DirectoryLock(tmp_path).acquire()
    finally:
        first.release()
    with DirectoryLock(tmp_path):  # released: the next writer gets it
        pass
    assert not (tmp_path / ".lock").exists()


JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats()
                    | st.text(max_size=20),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8),
                                                                              kids, max_size=3),
                    max_leaves=6)


def _paths(obj: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*here, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:3]):
            out += _paths(v, (*here, i))
    return out


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_crafted_manifests(ref: dict[str, Any], tmp_path: Path, data: st.DataObject) -> None:
    """Any value at any place of the manifest: a clean HerzError or a sound answer."""
    import tempfile

    from herz.errors import HerzError
    from herz.experiment import query, resume

    d = Path(tempfile.mkdtemp(dir=tmp_path)) / "r"
    shutil.copytree(ref["path"], d)
    man = _man(d)
    path = data.draw(st.sampled_from(_paths(man)), label="path")
    value = data.draw(JSON, label="value")
    if path:
        obj = man
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    else:
        man = value
    _write(d, man, reseal=data.draw(st.booleans(), label="reseal"))
    changed = _man(d) != json.loads((ref["path"] / "manifest.json").read_text())
    for call in (lambda: verify(d, sample=1), lambda: query(d, "SELECT count(*) AS n FROM results"),
                 lambda: resume(d, runner="inprocess")):
        try:
            out = call()
        except HerzError:
            continue
        if isinstance(out, pd.DataFrame) and changed:
            assert out["n"].tolist() == [16]  # an answer is the right one
    assert _digests(d).keys() >= {"design.parquet"}


def test_a_file_system_that_cannot_flock_a_directory_falls_back_to_filelock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import fcntl
    import stat as stat_mod

    from herz.experiment import ResultsError
    from herz.experiment.locking import DirectoryLock

    real = fcntl.flock

    def flock(fd: int, op: int) -> None:
        if stat_mod.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.ENOTSUP, "Operation not supported")
        real(fd, op)

    monkeypatch.setattr(fcntl, "flock", flock)
    with DirectoryLock(tmp_path) as first:
        assert first._fd is None and first._file_lock is not None
        with pytest.raises(ResultsError, match=f"in use by PID {os.getpid()} on "):
            DirectoryLock(tmp_path).acquire()


def test_a_foreign_design_parquet_is_not_taken_for_leftovers(tmp_path: Path) -> None:
    import pyarrow as pa

    from herz.experiment import ResultsError

    out = tmp_path / "mine"
    out.mkdir()
    pq.write_table(pa.table({"a": [1]}), out / "design.parquet")  # the user's own file
    before = _snapshot(out)
    with pytest.raises(ResultsError, match="not a herz results directory"):
        sweep(parse_scenario(TOY), output=out, runner="inprocess")
    assert _snapshot(out) == before


def test_the_real_command_line_prints_one_line(ref: dict[str, Any],
                                               case_dir: tuple[Path, Path]) -> None:
    """The same in a fresh process (the entry point's own stderr): a crafted id, a query."""
    d, outside = case_dir
    _rename_id(lambda o: "../../outside/victim")(d, outside)
    cmd = [sys.executable, "-c", "import sys; from herz.cli import main; main(sys.argv[1:])"]
    res = subprocess.run([*cmd, "resume", str(d), "--runner", "inprocess", "--no-progress"],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "never a path" in res.stderr
    assert (outside / "victim.parquet").read_bytes() == b"not yours"
