"""The explorer's page in the browser (Streamlit); start it with ``herz explore``.

This module only lays out widgets and figures: every number comes from
:mod:`herz.explorer.compute` and every figure from :mod:`herz.explorer.figures`.
It is the one module of herz that imports Streamlit (the ``explorer`` extra).

How a run can be cancelled: the run advances in chunks of worlds and updates
a progress bar after each; pressing "Cancel run" makes Streamlit stop the
script at the next update, and the page then keeps the last finished results.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from herz.explorer import compute, figures

CUSTOM = "(custom: set the parameters)"
_SAMPLES = 4
_MAP_WORLDS = 20


def _field_key(name: str) -> str:
    return f"f_{name}"


def _set_form(values: dict[str, Any]) -> None:
    for spec in compute.FIELDS:
        if spec.name in values:
            v = values[spec.name]
            st.session_state[_field_key(spec.name)] = f"{v:g}" if isinstance(v, float) else str(v)
    if "signalling" in values:
        st.session_state[_field_key("signalling")] = bool(values["signalling"])


def _init() -> None:
    ss = st.session_state
    if "initialised" in ss:
        return
    defaults = compute.DEFAULT_INPUTS
    _set_form({spec.name: getattr(defaults, spec.name) for spec in compute.FIELDS}
              | {"signalling": defaults.signalling})
    ss[_field_key("map")] = True
    ss["base"] = None
    ss["result"] = None
    ss["map"] = None
    ss["message"] = None
    ss["initialised"] = True


def _load_preset() -> None:
    name = st.session_state["preset"]
    if name == CUSTOM:
        st.session_state["base"] = None
        return
    form, base = compute.preset_values(name)
    _set_form(form)
    st.session_state["base"] = base


def _form() -> tuple[bool, bool]:
    sb = st.sidebar
    sb.selectbox("Preset", [CUSTOM, *compute.preset_choices()], key="preset",
                 on_change=_load_preset,
                 help="A preset fills the form with the base point of a shipped scenario "
                      "(its design factors are not swept here).")
    with sb.form("parameters"):
        for spec in compute.FIELDS:
            st.text_input(spec.label, key=_field_key(spec.name), help=spec.help)
        st.checkbox("Costly signalling on", key=_field_key("signalling"),
                    help="Kydd's costly signals and verified arms control (mechanism 5)")
        st.checkbox("Live escape map around the point", key=_field_key("map"),
                    help=f"3 x 3 cells, {_MAP_WORLDS} worlds each")
        run = st.form_submit_button("Run", type="primary")
    cancel = sb.button("Cancel run", help="Stop a run in progress; the last results stay")
    return run, cancel


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = {spec.name: st.session_state[_field_key(spec.name)]
                           for spec in compute.FIELDS}
    raw["signalling"] = bool(st.session_state[_field_key("signalling")])
    return raw


def _run(inputs: compute.ExplorerInputs, base: dict[str, Any] | None) -> None:
    ss = st.session_state
    bar = st.progress(0.0, text="Running worlds...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Ran {done} of {total} worlds")

    result = compute.run_worlds(inputs, base, n_samples=_SAMPLES, progress=progress)
    ss["result"] = result
    ss["map"] = None
    if ss[_field_key("map")]:
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
            f"Jervis's world **{jp['world']}: {jp['world_label']}**: "
            f"{jp['world_description']}.")
        st.caption(f"δ = {jp['offense_defense_balance']:g}, d = {jp['distinguishability']:g} "
                   f"(ρ = (1 + d)/2 = {jp['rho']:g}); payoffs CC = {jp['payoffs']['CC']:.2f}, "
                   f"DC = {jp['payoffs']['DC']:.2f}, DD = {jp['payoffs']['DD']:.2f}, "
                   f"CD = {jp['payoffs']['CD']:.2f}, from the world's war gain, war loss and "
                   "arms cost (herz.models.jervis). The game class depends on these payoffs; "
                   "Jervis's world only on the quadrant of δ and ρ.")


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
    left, right = st.columns(2)
    with left, st.container(key="network"):
        st.subheader("Relations")
        k = result.samples.sizes["world"]
        steps = result.samples.sizes["step"] - 1
        world = st.selectbox("Sample world", list(range(k)), key="net_world",
                             format_func=lambda i: f"world {i}")
        year = st.slider("Year", 0, steps, steps, key="net_year")
        net = compute.network(result.samples, world=int(world), step=int(year))
        st.pyplot(figures.network_figure(net), clear_figure=True)
    with right, st.container(key="outcomes"):
        st.subheader("Outcomes")
        shares = compute.outcome_shares(result.outcomes)
        st.pyplot(figures.outcomes_figure(shares), clear_figure=True)
        st.dataframe(shares.round(3), hide_index=True)
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
            st.error("Not run; please fix:\n\n" + "\n".join(f"- {e}" for e in errors))
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
