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


def small_form(at, states=3, worlds=5, steps=10):
    at.select_slider(key="f_n_states").set_value(states)
    at.number_input(key="f_worlds").set_value(worlds)
    at.number_input(key="f_steps").set_value(steps)
    at.checkbox(key="f_map").uncheck()


def test_first_view_shows_the_jervis_point_and_no_results(at):
    assert any("Jervis's worlds" in m.value for m in at.markdown)
    assert any("press Run" in i.value for i in at.info)
    assert at.session_state["result"] is None


def test_the_form_has_the_schemas_sliders_and_every_switch(at):
    from herz.explorer import compute

    labels = [s.label for s in at.slider] + [s.label for s in at.select_slider]
    assert sorted(labels) == sorted(s.label for s in compute.sliders())
    assert at.slider(key="f_distinguishability").min == 0.0
    assert at.slider(key="f_distinguishability").max == 1.0
    switches = {c.key for c in at.checkbox if c.key.startswith("f_mechanisms.")}
    assert switches == {f"f_mechanisms.{s.name}" for s in compute.switches()}
    assert any("The escape study" in c.value for c in at.caption)


def test_a_small_run_and_a_preset(at):
    small_form(at)
    submit(at)
    res = at.session_state["result"]
    assert len(res.outcomes) == 5 and res.params.n_states == 3
    at.selectbox(key="preset").select("cold-war").run()
    assert at.select_slider(key="f_n_states").value == 2
    assert at.checkbox(key="f_mechanisms.signalling").value is True
    assert at.session_state["base"]["culture"] == "hobbesian"


def test_a_switch_turned_off_reaches_the_run(at):
    small_form(at)
    at.checkbox(key="f_mechanisms.war").uncheck()
    submit(at)
    res = at.session_state["result"]
    assert res.params.mechanisms.war is False
    assert int(res.outcomes["n_wars"].sum()) == 0


def test_step_through_and_animate(at):
    small_form(at)
    submit(at)
    assert at.session_state["net_year"] == 10
    next(b for b in at.button if b.label == "◀ Previous year").click()
    at.run()
    assert at.session_state["net_year"] == 9
    next(b for b in at.button if b.label == "Animate").click()
    at.run()
    assert not at.exception
    assert any("Animated world 0: 11 frames, year 0 to 10" in c.value for c in at.caption)


def test_escape_study_button_loads_its_scenario(at):
    next(b for b in at.button if b.label == "Load the escape study's scenario").click()
    at.run()
    assert at.select_slider(key="f_n_states").value == 5
    assert at.number_input(key="f_seed").value == 20250101
    assert at.checkbox(key="f_mechanisms.signalling").value is True
    assert any("Loaded: the escape study's scenario" in c.value for c in at.caption)


def test_a_failing_run_is_a_message(at, monkeypatch):
    from herz.explorer import compute

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(compute, "run_worlds", boom)
    at.number_input(key="f_worlds").set_value(2)
    submit(at)
    assert any("The run failed: disk full" in e.value for e in at.error)
