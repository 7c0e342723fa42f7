"""The Richardson and data commands: --json output and one-line errors (issue 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from herz import __version__


def herz(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "herz", *args], capture_output=True, text=True,
                          timeout=120)


def test_version():
    r = herz("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"herz {__version__}"


def test_equilibrium_json():
    r = herz("models", "richardson", "equilibrium", "--k", "0.3", "--l", "0.2", "--a", "0.4",
             "--b", "0.5", "--g", "1", "--h", "2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"x", "y", "eigenvalues", "stable"} <= out.keys()
    assert out["x"] == pytest.approx(55 / 7) and out["y"] == pytest.approx(50 / 7)
    assert out["stable"] is True
    assert out["eigenvalues"] == pytest.approx([-0.2, -0.7])


def test_simulate_json_exact_and_discrete():
    base = ["models", "richardson", "simulate", "--k", "0.3", "--l", "0.2", "--a", "0.4", "--b",
            "0.5", "--g", "1", "--h", "2", "--x0", "1", "--y0", "2", "--t", "0,1,2", "--json"]
    exact = json.loads(herz(*base).stdout)
    assert set(exact) >= {"t", "x", "y"} and exact["t"] == [0, 1, 2]
    disc = json.loads(herz(*base, "--dt", "1").stdout)
    assert disc["x"] == pytest.approx([1.0, 2.2, 3.28]) and disc["y"] == pytest.approx([2.0, 3.2, 4.04])


def test_fit_blocs_json():
    r = herz("models", "richardson", "fit", "--blocs", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["summed"]["slope"] == pytest.approx(0.832, abs=5e-4)
    assert out["published"]["slope"] == 0.73
    assert out["system"] is not None and "k" in out["system"]["coefficients"]


def test_fit_dyad_json_sipri():
    r = herz("models", "richardson", "fit", "--dyad", "IND-PAK", "--start", "1960", "--end", "2020",
             "--source", "sipri", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["years"] == [1960, 2020] and out["unit"] == "USD million (constant 2022)"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["equilibrium", "--k", "-1", "--l", "0.2", "--a", "0.4", "--b", "0.5"], "k = -1.0"),
        (["equilibrium", "--k", "abc", "--l", "0.2", "--a", "0.4", "--b", "0.5"], "--k"),
        (["equilibrium", "--l", "0.2", "--a", "0.4", "--b", "0.5"], "--k"),
        (["fit", "--dyad", "XXX-PAK"], "XXX is not a COW abbreviation"),
        (["fit", "--dyad", "INDPAK"], "dyad = 'INDPAK'"),
        (["fit", "--dyad", "IND-PAK", "--start", "1700"], "start = 1700: must be a year between"),
        (["fit", "--dyad", "IND-PAK", "--source", "cia"], "source = 'cia': must be one of nmc, sipri"),
        (["fit", "--dyad", "UKG-GMY", "--start", "1900", "--end", "1920"], "pounds to 1913"),
        (["fit"], "give exactly one of --dyad A-B or --blocs"),
        (["simulate", "--k", "1", "--l", "1", "--a", "1", "--b", "1", "--x0", "1", "--y0", "1",
          "--t", "0,x"], "t = '0,x'"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, needle):
    r = herz("models", "richardson", *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert needle in lines[0]
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_data_cite_and_list():
    r = herz("data", "cite", "cow_nmc")
    assert r.returncode == 0 and "Singer" in r.stdout
    r = herz("data", "cite", "nope")
    assert r.returncode == 2 and "must be one of" in r.stderr
    out = json.loads(herz("data", "list", "--json").stdout)
    names = {d["name"] for d in out["datasets"]}
    assert {"cow_nmc", "nmc_rival_dyads", "richardson_powers", "sipri_milex"} <= names


def test_run_needs_exactly_one_of_scenario_or_preset():
    r = herz("run")
    assert r.returncode == 2 and "give SCENARIO.toml, --preset NAME or --set NAME=VALUE" in r.stderr
    r = herz("run", "a.toml", "--preset", "cold-war")
    assert r.returncode == 2 and "give one of SCENARIO.toml or --preset NAME, not both" in r.stderr


def test_info_reports_versions_and_platform():
    import numpy

    out = json.loads(herz("info", "--json").stdout)
    assert out["versions"]["herz"] == __version__
    assert out["versions"]["numpy"] == numpy.__version__
    assert out["platform"]["cpus"] >= 1
    text = herz("info").stdout
    assert text.startswith(f"Simulations were run with herz {__version__}") and "numpy" in text
