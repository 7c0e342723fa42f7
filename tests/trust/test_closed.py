"""Closed by default: loopback servers, data-only scenarios, no pickle or eval of user input."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herz.cli import app
from herz.cli.explore import host_warning, is_loopback, streamlit_command
from herz.experiment import ScenarioError, load_scenario, parse_scenario

SRC = Path(__file__).resolve().parents[2] / "src" / "herz"
runner = CliRunner()


# ----------------------------------------------------------------- the explorer


def test_explore_binds_loopback_unless_asked() -> None:
    res = runner.invoke(app, ["explore", "--dry-run"])
    assert res.exit_code == 0
    cmd = res.stdout.split()
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert res.stderr == ""
    assert streamlit_command("127.0.0.1", 8501)[streamlit_command("127.0.0.1", 8501).index("--server.address") + 1] \
        == "127.0.0.1"


@pytest.mark.parametrize("flag", ["--address", "--host"])
@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.20", "explorer.example.org"])
def test_another_address_is_used_and_warns_on_stderr(flag: str, address: str) -> None:
    res = runner.invoke(app, ["explore", "--dry-run", flag, address])
    assert res.exit_code == 0
    cmd = res.stdout.split()
    assert cmd[cmd.index("--server.address") + 1] == address
    assert f"warning: binding to {address}" in res.stderr
    assert "warning" not in res.stdout


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]"])
def test_loopback_addresses_do_not_warn(address: str) -> None:
    assert is_loopback(address) and host_warning(address) is None
    res = runner.invoke(app, ["explore", "--dry-run", "--address", address])
    assert res.exit_code == 0 and res.stderr == ""


def test_no_other_server_binds_beyond_loopback() -> None:
    # The only listeners herz starts itself: the explorer (above) and the local Dask cluster.
    text = (SRC / "experiment" / "runners.py").read_text()
    assert 'LocalCluster(n_workers=n, threads_per_worker=1, processes=True,\n' \
           '                                         host="127.0.0.1", dashboard_address=None)' in text
    listeners = []
    for path in SRC.rglob("*.py"):
        src = path.read_text(encoding="utf-8")
        for word in ("0.0.0.0", "LocalCluster(", ".listen(", ".bind(", "HTTPServer", "serve_forever",
                     "--server.address"):
            if word in src:
                listeners.append((path.relative_to(SRC).as_posix(), word))
    assert sorted(listeners) == [("cli/explore.py", "--server.address"),
                                 ("experiment/runners.py", "LocalCluster(")]


def test_the_local_dask_cluster_listens_on_loopback_only() -> None:
    import ipaddress
    import os

    import psutil

    from herz.experiment import DaskRunner

    with DaskRunner(None, workers=1) as dask:
        info = dask._client.scheduler_info()
        addresses = [info["address"], *info["workers"]]
        assert len(addresses) == 2
        assert all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses
        # every socket the driver and the worker process listen on (scheduler, its HTTP
        # routes, nanny, worker) is on loopback
        pids = {os.getpid(), *dask._client.run(os.getpid).values()}
        assert len(pids) == 2
        listening = [c.laddr for pid in pids for c in psutil.Process(pid).net_connections(kind="inet")
                     if c.status == psutil.CONN_LISTEN]
        assert len(listening) >= 4
        assert all(ipaddress.ip_address(a.ip).is_loopback for a in listening), listening


# ----------------------------------------------------------------- no code from data

#: Modules that deserialize code or objects; herz reads Parquet and JSON only.
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
UNSAFE_ATTRS = {"read_pickle", "to_pickle", "load_pickle", "unsafe_load", "full_load"}


def unsafe_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in UNSAFE_MODULES:
                found.append(node.module)
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in UNSAFE_CALLS:
                found.append(f"{f.id}()")
            elif isinstance(f, ast.Attribute) and f.attr in UNSAFE_ATTRS:
                found.append(f".{f.attr}()")
            elif isinstance(f, ast.Attribute) and f.attr == "load" and isinstance(f.value, ast.Name) \
                    and f.value.id == "yaml":
                found.append("yaml.load()")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append("allow_pickle")
                if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append("shell=True")
    return found


def test_the_guard_finds_what_it_looks_for() -> None:
    bad = ("import pickle\nfrom marshal import loads\neval('1')\nexec('x=1')\n"
           "pd.read_pickle(p)\nnp.load(p, allow_pickle=True)\nsubprocess.run(c, shell=True)\nyaml.load(s)\n")
    assert unsafe_uses(ast.parse(bad)) == ["pickle", "marshal", "eval()", "exec()", ".read_pickle()",
                                           "allow_pickle", "shell=True", "yaml.load()"]
    assert unsafe_uses(ast.parse("json.loads(s)\nos.execv(a, b)\npq.read_table(f)\n")) == []


def test_no_pickle_eval_or_exec_in_herz() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 40
    found = {p.relative_to(SRC).as_posix(): u for p in files
             if (u := unsafe_uses(ast.parse(p.read_text(encoding="utf-8"))))}
    assert found == {}


def test_the_store_reads_parquet_and_json_only() -> None:
    from herz.experiment import integrity, locking, manifest, store

    readers = set()
    for module in (store, manifest, integrity, locking):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        readers |= {f"{n.func.value.id}.{n.func.attr}" for n in ast.walk(tree)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    and isinstance(n.func.value, ast.Name)
                    and n.func.value.id in ("pq", "pa", "json", "pd", "np")
                    and ("read" in n.func.attr or "load" in n.func.attr)}
    assert readers <= {"pq.read_table", "pq.read_schema", "pq.ParquetFile", "json.loads", "json.load"}, readers
    assert "pq.read_table" in readers and "json.loads" in readers


CODE = "__import__('pathlib').Path('{marker}').write_text('ran')"


def _scenario(field: str, marker: Path) -> str:
    code = CODE.format(marker=marker.as_posix())
    values = {"name": f'name = "{code}"', "description": f"description = {code!r}",
              "model": f"model = {code!r}", "seed": f"seed = {code!r}"}
    experiment = {"name": 'name = "x"', "description": 'description = ""', "model": 'model = "toy"',
                  "seed": "seed = 1"}
    experiment[field] = values[field]
    return "[experiment]\n" + "\n".join(experiment.values()) + "\nreplicates = 1\n"


@pytest.mark.parametrize("field", ["name", "model", "seed"])
def test_python_in_a_scenario_is_an_invalid_string_never_run(field: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "code.toml"
    path.write_text(_scenario(field, marker))
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert f"experiment.{field} = " in str(err.value) and str(path) in str(err.value)
    assert not marker.exists()


def test_python_in_a_free_text_field_stays_text(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    sc = parse_scenario(_scenario("description", marker))
    assert sc.description == CODE.format(marker=marker.as_posix())
    assert not marker.exists()


def test_python_in_world_parameters_and_factor_levels_is_rejected(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = CODE.format(marker=marker.as_posix())
    text = (f'[experiment]\nmodel = "world"\nseed = 1\n[world]\nn_states = {code!r}\n'
            f'[design]\nmethod = "grid"\n[design.factors]\ndistinguishability = [{code!r}]\n')
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, source="code.toml")
    assert "code.toml: world.n_states" in str(err.value)
    assert not marker.exists()


def test_a_python_file_is_not_a_scenario(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "scenario.py"
    path.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n")
    with pytest.raises(ScenarioError, match="malformed TOML"):
        load_scenario(path)
    res = runner.invoke(app, ["sweep", str(path), "--workers", "1"])
    assert res.exit_code != 0
    assert not marker.exists()
