"""The explorer's page in the browser (Streamlit); start it with ``herz explore``.

This module only lays out widgets and figures: every number comes from
:mod:`herz.explorer.compute` and every figure from :mod:`herz.explorer.figures`.
It is the one module of herz that imports Streamlit (the ``explorer`` extra).

The sliders, their ranges, defaults and help, and the mechanism switches are read
from the world's schema (:mod:`herz.world.schema`) through ``compute``.

How a run can be cancelled: the run advances in chunks of worlds and updates
a progress bar after each; pressing "Cancel run" makes Streamlit stop the
script at the next update, and the page then keeps the last finished results.
"""

from __future__ import annotations

import io
import time
from typing import Any

import streamlit as st

from herz.explorer import compute, figures

CUSTOM = "(custom: set the parameters)"
_SAMPLES = 4
_MAP_WORLDS = 20
#: Frames of the animation of a sample world (years are spread evenly over the run).
_FRAMES = 12


def _key(name: str) -> str:
    return f"f_{name}"


def _set_form(values: dict[str, Any]) -> None:
    ss = st.session_state
    for spec in compute.sliders():
        if spec.name in values:
            v = values[spec.name]
            ss[_key(spec.name)] = int(v) if spec.integer else float(v)
    for batch in compute.BATCH:
        if batch.name in values:
            ss[_key(batch.name)] = int(values[batch.name])
    for sw in compute.switches():
        if f"mechanisms.{sw.name}" in values:
            ss[_key(f"mechanisms.{sw.name}")] = bool(values[f"mechanisms.{sw.name}"])


def _init() -> None:
    ss = st.session_state
    if "initialised" in ss:
        return
    _set_form(compute.default_form())
    ss[_key("map")] = True
    ss["base"] = None
    ss["result"] = None
    ss["map"] = None
    ss["message"] = None
    ss["loaded"] = None
    ss["initialised"] = True


@st.cache_data
def _defaults_note() -> str:
    return compute.defaults_note()


def _load_preset() -> None:
    name = st.session_state["preset"]
    if name == CUSTOM:
        st.session_state["base"] = None
        st.session_state["loaded"] = None
        return
    form, base = compute.preset_values(name)
    _set_form(form)
    st.session_state["base"] = base
    st.session_state["loaded"] = f"preset {name}"


def _load_escape_study() -> None:
    form, base = compute.escape_study_values()
    _set_form(form)
    st.session_state["base"] = base
    st.session_state["preset"] = CUSTOM
    st.session_state["loaded"] = "the escape study's scenario"


def _load_defaults() -> None:
    _set_form(compute.default_form())
    st.session_state["base"] = None
    st.session_state["preset"] = CUSTOM
    st.session_state["loaded"] = None


def _slider(spec: compute.Slider) -> None:
    key = _key(spec.name)
    if spec.options is not None:
        st.select_slider(spec.label, options=spec.choices(st.session_state[key]), key=key,
                         help=spec.help, format_func=lambda v: f"{v:g}")
    else:
        st.slider(spec.label, min_value=spec.lo if not spec.integer else int(spec.lo),
                  max_value=spec.hi if not spec.integer else int(spec.hi), step=spec.step,
                  key=key, help=spec.help)


def _form() -> tuple[bool, bool]:
    sb = st.sidebar
    sb.selectbox("Preset", [CUSTOM, *compute.preset_choices()], key="preset",
                 on_change=_load_preset,
                 help="A preset fills the form with the base point of a shipped scenario "
                      "(its design factors are not swept here).")
    # (no help= on these buttons: a tooltip renders a second copy of the button)
    sb.button("Load the escape study's scenario", key="load_escape",
              on_click=_load_escape_study)
    sb.button("Back to the defaults", key="load_defaults", on_click=_load_defaults)
    with sb.container(key="defaults_note"):
        st.caption(_defaults_note() + " Load it with the button above."
                   + (f" Loaded: {st.session_state['loaded']}." if st.session_state["loaded"]
                      else ""))
    with sb.form("parameters"):
        st.markdown("**World**")
        for spec in compute.sliders():
            _slider(spec)
        with st.expander("Mechanisms (every switch of the world)", expanded=False):
            for sw in compute.switches():
                st.checkbox(sw.label, key=_key(f"mechanisms.{sw.name}"), help=sw.help)
        st.markdown("**Batch**")
        for batch in compute.BATCH:
            st.number_input(batch.label, min_value=int(batch.lo),
                            max_value=None if batch.hi == float("inf") else int(batch.hi),
                            step=1, key=_key(batch.name), help=batch.help)
        st.checkbox("Live escape map around the point", key=_key("map"),
                    help=f"3 x 3 cells, {_MAP_WORLDS} worlds each")
        run = st.form_submit_button("Run", type="primary")
    cancel = sb.button("Cancel run", help="Stop a run in progress; the last results stay")
    return run, cancel


def _raw() -> dict[str, Any]:
    ss = st.session_state
    raw: dict[str, Any] = {spec.name: ss[_key(spec.name)] for spec in compute.sliders()}
    raw.update({b.name: ss[_key(b.name)] for b in compute.BATCH})
    raw.update({f"mechanisms.{sw.name}": bool(ss[_key(f"mechanisms.{sw.name}")])
                for sw in compute.switches()})
    return raw


def _run(inputs: compute.ExplorerInputs, base: dict[str, Any] | None) -> None:
    ss = st.session_state
    bar = st.progress(0.0, text="Running worlds...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Ran {done} of {total} worlds")

    result = compute.run_worlds(inputs, base, n_samples=_SAMPLES, progress=progress)
    ss["result"] = result
    ss["map"] = None
    ss["net_year"] = int(result.samples.sizes["step"] - 1)
    if ss[_key("map")]:
        bar.progress(0.0, text="Escape map...")

        def map_progress(done: int, total: int) -> None:
            bar.progress(done / total, text=f"Escape map: {done} of {total} cells")

        ss["map"] = compute.escape_map(inputs, base, worlds=_MAP_WORLDS,
                                       steps=min(inputs.steps, 100), progress=map_progress)
    bar.empty()
    ss["message"] = (f"Ran {inputs.worlds} worlds of {inputs.n_states} states for "
                     f"{inputs.steps} years (seed {inputs.seed}).")


def _jervis(inputs: compute.ExplorerInputs | None, base: dict[str, Any] | None) -> None:
    with st.container(key="jervis", border=True):
        st.subheader("Jervis's game at this point")
        if inputs is None:
            st.caption("Fix the form to see the game.")
            return
        jp = compute.jervis_point(compute.world_params(inputs, base))
        q = jp["cooperation_threshold"]
        q_text = "no trust suffices (one-shot)" if q is None else f"q* = {q:.2f}"
        st.markdown(
            f"**{jp['game_class']}** ({jp['ordering']}), {q_text}; conquest probability "
            f"p = {jp['conquest_probability']:.2f}.  \n"
            f"Jervis's worlds: **{jp['world_label']}**: {jp['world_description']}.")
        st.caption(f"δ = {jp['offense_defense_balance']:g}, d = {jp['distinguishability']:g} "
                   f"(ρ = (1 + d)/2 = {jp['rho']:g}); payoffs CC = {jp['payoffs']['CC']:.2f}, "
                   f"DC = {jp['payoffs']['DC']:.2f}, DD = {jp['payoffs']['DD']:.2f}, "
                   f"CD = {jp['payoffs']['CD']:.2f}, from the world's war gain, war loss and "
                   "arms cost (herz.models.jervis). The game class follows from these payoffs; "
                   "Jervis's world only from the quadrant of δ and d.")


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    from herz.plot import plt

    plt.close(fig)
    return buf.getvalue()


def _step(delta: int) -> None:
    ss = st.session_state
    last = int(ss["result"].samples.sizes["step"] - 1)
    ss["net_year"] = max(0, min(last, int(ss.get("net_year", last)) + delta))


def _animate() -> None:
    ss = st.session_state
    ss["net_year"] = int(ss["result"].samples.sizes["step"] - 1)
    ss["animate"] = True


def _sample_world(result: compute.RunResult) -> None:
    ss = st.session_state
    with st.container(key="network"):
        st.subheader("A sample world, year by year")
        k = result.samples.sizes["world"]
        last = result.samples.sizes["step"] - 1
        world = st.selectbox("Sample world", list(range(k)), key="net_world",
                             format_func=lambda i: f"world {i}")
        b1, b2, b3 = st.columns(3)
        b1.button("◀ Previous year", key="year_back", on_click=_step, args=(-1,))
        b2.button("Next year ▶", key="year_next", on_click=_step, args=(1,))
        b3.button("Animate", key="animate_button", on_click=_animate)
        year = st.slider("Year", 0, int(last), key="net_year")
        outcome = str(result.samples["outcome"].values[int(world)])
        frame = st.empty()
        caption = st.empty()
        if ss.pop("animate", False):
            years = sorted({round(i * last / (_FRAMES - 1)) for i in range(_FRAMES)})
            for y in years:
                net = compute.network(result.samples, world=int(world), step=int(y))
                frame.pyplot(figures.network_figure(net), clear_figure=True)
                caption.caption(f"Animating world {world}: year {y} of {last}")
                time.sleep(0.15)
            ss["animated"] = f"Animated world {world}: {len(years)} frames, year 0 to {last}."
        net = compute.network(result.samples, world=int(world), step=int(year))
        frame.pyplot(figures.network_figure(net), clear_figure=True)
        caption.caption(f"World {world}, year {year} of {last}; this world ends in {outcome}. "
                        + ss.get("animated", ""))


def _results() -> None:
    ss = st.session_state
    result: compute.RunResult | None = ss["result"]
    if result is None:
        st.info("Set the parameters (or pick a preset) and press Run.")
        return
    if ss["message"]:
        st.caption(ss["message"])
    with st.container(key="trajectories"):
        st.subheader("Arms and trust in sample worlds")
        st.pyplot(figures.trajectories_figure(result.samples), clear_figure=True)
        d1, d2 = st.columns(2)
        d1.download_button("Download these paths (CSV)", key="dl_paths",
                           data=compute.sample_paths(result.samples).to_csv(index=False),
                           file_name="herz-sample-paths.csv", mime="text/csv",
                           on_click="ignore")
        d2.download_button("Download this figure (PNG)", key="dl_paths_png",
                           data=_png(figures.trajectories_figure(result.samples)),
                           file_name="herz-arms-trust.png", mime="image/png",
                           on_click="ignore")
    left, right = st.columns(2)
    with left:
        _sample_world(result)
    with right, st.container(key="outcomes"):
        st.subheader("Outcomes")
        shares = compute.outcome_shares(result.outcomes)
        st.pyplot(figures.outcomes_figure(shares), clear_figure=True)
        st.dataframe(shares.round(3), hide_index=True)
        st.download_button("Download every world's outcome (CSV)", key="dl_outcomes",
                           data=result.outcomes.to_csv(index=False),
                           file_name="herz-outcomes.csv", mime="text/csv", on_click="ignore")
    if ss["map"] is not None:
        with st.container(key="escape_map"):
            st.subheader("Escape map around the point")
            fig_col, table_col = st.columns([3, 2])
            with fig_col:
                st.pyplot(figures.escape_map_figure(ss["map"]), clear_figure=True)
            with table_col:
                cells = ss["map"][["offense_defense_balance", "distinguishability", "p_escape",
                                   "low", "high", "p_war"]].rename(columns={
                    "offense_defense_balance": "δ", "distinguishability": "d",
                    "p_escape": "P(escape)", "p_war": "P(war)"})
                st.dataframe(cells.round(3), hide_index=True)
                st.download_button("Download the map (CSV)", key="dl_map",
                                   data=ss["map"].to_csv(index=False),
                                   file_name="herz-escape-map.csv", mime="text/csv",
                                   on_click="ignore")


def main() -> None:
    """Lay out the page: the form in the sidebar, the Jervis point, the results."""
    st.set_page_config(page_title="herz explorer", layout="wide")
    _init()
    st.title("herz explorer: how inescapable is the security dilemma?")
    run, cancel = _form()
    base = st.session_state["base"]
    inputs, errors = compute.parse_inputs(_raw(), base=base)
    if cancel:
        st.warning("Run cancelled; the results below are from the last finished run.")
    if errors:
        with st.container(key="errors"):
            st.error("Not run; please fix:\n\n"
                     + "\n".join(f"- {e}" for e in compute.label_errors(errors)))
    _jervis(inputs, base)
    if run and inputs is not None:
        try:
            _run(inputs, base)
        except Exception as exc:  # a failed run is a message on the page, never a crash
            # (Streamlit's own stop and rerun signals are BaseExceptions and pass through)
            with st.container(key="run_failed"):
                st.error(f"The run failed: {exc}")
    _results()


if __name__ == "__main__":
    main()
