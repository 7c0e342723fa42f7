"""The Streamlit page run headless (streamlit.testing), without a browser."""

from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "src" / "herz" / "explorer" / "app.py"


@pytest.fixture
def at():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=120)
    app.run()
    assert not app.exception
    return app


def submit(at):
    next(b for b in at.button if b.label == "Run").click()
    at.run()
    assert not at.exception


def test_first_view_shows_the_jervis_point_and_no_results(at):
    assert any("Jervis's world" in m.value for m in at.markdown)
    assert any("press Run" in i.value for i in at.info)
    assert at.session_state["result"] is None


def test_bad_values_give_a_message_and_no_run(at):
    at.text_input(key="f_distinguishability").input("1.5")
    submit(at)
    assert any("distinguishability = 1.5: must be a number between 0 and 1" in e.value
               for e in at.error)
    assert at.session_state["result"] is None


def test_a_small_run_and_a_preset(at):
    at.text_input(key="f_n_states").input("3")
    at.text_input(key="f_worlds").input("5")
    at.text_input(key="f_steps").input("10")
    at.checkbox(key="f_map").uncheck()
    submit(at)
    res = at.session_state["result"]
    assert len(res.outcomes) == 5 and res.params.n_states == 3
    at.selectbox(key="preset").select("cold-war").run()
    assert at.text_input(key="f_n_states").value == "2"
    assert at.checkbox(key="f_signalling").value is True
    assert at.session_state["base"]["culture"] == "hobbesian"


def test_a_failing_run_is_a_message(at, monkeypatch):
    from herz.explorer import compute

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(compute, "run_worlds", boom)
    at.text_input(key="f_worlds").input("2")
    submit(at)
    assert any("The run failed: disk full" in e.value for e in at.error)
