"""End-to-end: the explorer in a real (system) Chromium, driven by Playwright.

One test per thing a user does: sliders (ranges from the schema) and a run, every
mechanism switch, step-through and animation of a sample world, downloads, the
defaults and the escape study's scenario, Jervis's panel at a neutral balance, presets,
bad input, progress and cancel, the escape map. Screenshots go to artifacts/explorer/
for review; the documentation's screenshots are copied from there.
"""

import csv
import io
import math
import re
from pathlib import Path

from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "explorer"

TIMEOUT = 120_000


#: The costly-signals switch as the form labels it.
SIGNALS = "Costly signals (binding offence cut)"


def slider(page, label):
    return page.locator(f'input[type=range][aria-label="{label}"]')


def slide(page, label, target):
    """Move a slider with the keyboard (Home, then right) until it shows ``target``."""
    s = slider(page, label)
    s.focus()
    s.press("Home")
    for _ in range(400):
        if math.isclose(float(s.get_attribute("aria-valuetext")), target, abs_tol=1e-9):
            return
        s.press("ArrowRight")
    raise AssertionError(f"{label} never reached {target}")


def slider_value(page, label):
    return float(slider(page, label).get_attribute("aria-valuetext"))


def number(page, label):
    return page.get_by_role("spinbutton", name=label, exact=True)


def set_batch(page, **values):
    labels = {"worlds": "Worlds", "steps": "Steps (years)", "seed": "Seed"}
    settled(page)  # a rerun still in flight (a preset refilling the form) would overwrite them
    for key, value in values.items():
        number(page, labels[key]).fill(str(value))
    for key, value in values.items():
        expect(number(page, labels[key])).to_have_value(str(value))


def small(page, states=4, worlds=12, steps=30):
    settled(page)
    slide(page, "Number of states", states)
    set_batch(page, worlds=worlds, steps=steps)
    no_map(page)


def no_map(page):
    box = page.get_by_role("checkbox", name="Live escape map around the point")
    if box.is_checked():
        page.get_by_text("Live escape map around the point").click()
    assert not box.is_checked()


def mechanisms(page):
    """Open the mechanisms expander (if closed) and return its element."""
    exp = page.locator("[data-testid='stExpander']").filter(has_text="Mechanisms")
    if not exp.get_by_role("checkbox", name="War", exact=True).is_visible():
        exp.get_by_text("Mechanisms (every switch of the world)").click()
    expect(exp.get_by_role("checkbox", name="War", exact=True)).to_be_visible()
    return exp


def choose(page, label, option):
    """Pick ``option`` in the select box ``label`` by typing it, as a keyboard user would."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    box.press("Enter")
    assert box.input_value() == option
    settled(page)  # the rerun the choice starts (a preset refills the form) is over


def run(page):
    page.get_by_role("button", name="Run", exact=True).click()


def image_src(page, key):
    img = page.locator(f".st-key-{key} img").first
    img.wait_for(timeout=TIMEOUT)
    return img.get_attribute("src")


def wait_src_change(page, key, old):
    """Wait until the figure in container ``key`` is a new image (the plot updated)."""
    page.wait_for_function(
        "([key, src]) => { const i = document.querySelector('.st-key-' + key + ' img');"
        " return i && i.getAttribute('src') !== src; }", arg=[key, old], timeout=TIMEOUT)


def settled(page):
    """Wait until the script run is over: no element of the page is stale."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-stale=\"true\"]').length === 0"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"] button')",
        timeout=TIMEOUT)


def to_top(page):
    """Scroll the sidebar and the main area back to the top (for whole-page screenshots)."""
    page.evaluate("""() => {
        window.scrollTo(0, 0);
        for (const sel of ["[data-testid='stSidebarContent']", "[data-testid='stMain']",
                           "[data-testid='stAppViewContainer']", "section.main"]) {
            const e = document.querySelector(sel);
            if (e) { e.scrollTop = 0; }
        }
    }""")
    page.wait_for_timeout(500)


def no_console_errors(page):
    assert page.console_errors == [], page.console_errors


def test_sliders_have_the_schemas_ranges_and_a_run_updates_the_plots(page):
    from herz.explorer import compute

    for spec in compute.sliders():
        s = slider(page, spec.label)
        expect(s).to_have_count(1)
        assert math.isclose(slider_value(page, spec.label), spec.default)
        if spec.options is None:  # a plain slider: its ends are the schema's range
            assert float(s.get_attribute("min")) == spec.lo
            assert float(s.get_attribute("max")) == spec.hi
    small(page)
    run(page)
    first = image_src(page, "trajectories")
    page.get_by_text("Ran 12 worlds of 4 states for 30 years").wait_for(timeout=TIMEOUT)
    page.locator(".st-key-outcomes img").wait_for(timeout=TIMEOUT)
    settled(page)
    page.screenshot(path=str(ARTIFACTS / "01-first-run.png"))
    # move the offense-defense balance and distinguishability: Jervis's panel and plots follow
    slide(page, "Offense-defense balance", 0.316)
    slide(page, "Distinguishability", 0.0)
    set_batch(page, seed=7)
    run(page)
    page.get_by_text("seed 7").wait_for(timeout=TIMEOUT)
    page.locator(".st-key-jervis").get_by_text("δ = 0.316, d = 0").wait_for(timeout=TIMEOUT)
    page.locator(".st-key-jervis").get_by_text("world 1: doubly dangerous").wait_for(
        timeout=TIMEOUT)
    wait_src_change(page, "trajectories", first)
    settled(page)
    no_console_errors(page)


def test_every_mechanism_switch_is_on_the_form(page):
    from herz.explorer import compute

    exp = mechanisms(page)
    for sw in compute.switches():
        box = exp.get_by_role("checkbox", name=sw.label, exact=True)
        expect(box).to_have_count(1)
        assert box.is_checked() is sw.default, sw.label
    small(page, states=3, worlds=6, steps=20)
    exp.get_by_text("War", exact=True).click()
    expect(exp.get_by_role("checkbox", name="War", exact=True)).not_to_be_checked()
    run(page)
    page.get_by_text("Ran 6 worlds of 3 states for 20 years").wait_for(timeout=TIMEOUT)
    settled(page)
    expect(mechanisms(page).get_by_role("checkbox", name="War", exact=True)).not_to_be_checked()
    page.set_viewport_size({"width": 1400, "height": 1700})
    to_top(page)
    page.screenshot(path=str(ARTIFACTS / "08-sliders-and-switches.png"))
    no_console_errors(page)


def test_step_through_and_animate_a_sample_world(page):
    small(page, states=5, worlds=6, steps=30)
    run(page)
    page.get_by_text("World 0, year 30 of 30").wait_for(timeout=TIMEOUT)
    before = image_src(page, "network")
    press(page, "year_back")
    page.get_by_text("World 0, year 29 of 30").wait_for(timeout=TIMEOUT)
    wait_src_change(page, "network", before)
    press(page, "year_back")
    page.get_by_text("World 0, year 28 of 30").wait_for(timeout=TIMEOUT)
    press(page, "year_next")
    page.get_by_text("World 0, year 29 of 30").wait_for(timeout=TIMEOUT)
    press(page, "animate_button")
    page.get_by_text("Animated world 0: 12 frames, year 0 to 30").wait_for(timeout=TIMEOUT)
    page.get_by_text("World 0, year 30 of 30").wait_for(timeout=TIMEOUT)
    settled(page)
    page.locator(".st-key-network").screenshot(path=str(ARTIFACTS / "09-step-through.png"))
    no_console_errors(page)


def press(page, key):
    """Click the button with Streamlit key ``key`` once the page has settled."""
    settled(page)
    # while a rerun replaces the page's elements, a widget may briefly be there twice
    page.wait_for_function(f"() => document.querySelectorAll('.st-key-{key} button').length === 1",
                           timeout=TIMEOUT)
    page.locator(f".st-key-{key} button").click()


def _download(page, button):
    settled(page)
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name=button).last.click()
    dl = info.value
    return dl.suggested_filename, Path(dl.path()).read_bytes()


def test_csv_and_png_downloads(page):
    small(page, states=3, worlds=5, steps=10)
    run(page)
    page.get_by_text("Ran 5 worlds of 3 states for 10 years").wait_for(timeout=TIMEOUT)
    settled(page)
    name, data = _download(page, "Download every world's outcome (CSV)")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "herz-outcomes.csv" and len(rows) == 5 and "outcome" in rows[0]
    name, data = _download(page, "Download these paths (CSV)")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "herz-sample-paths.csv" and rows[0].keys() >= {"world", "year", "arms_mean"}
    assert len(rows) == 4 * 11  # four sample worlds, years 0..10
    name, data = _download(page, "Download this figure (PNG)")
    assert name == "herz-arms-trust.png" and data[:8] == b"\x89PNG\r\n\x1a\n"
    no_console_errors(page)


def test_defaults_are_stated_and_the_escape_study_loads_in_one_click(page):
    note = page.locator(".st-key-defaults_note")
    expect(note).to_contain_text("Defaults are the world's own")
    expect(note).to_contain_text("Number of states 10")
    expect(note).to_contain_text("The escape study")
    expect(note).to_contain_text("Number of states 5")
    press(page, "load_escape")
    settled(page)
    expect(note).to_contain_text("Loaded: the escape study's scenario")
    expect(slider(page, "Number of states")).to_have_attribute("aria-valuetext", "5")
    expect(number(page, "Seed")).to_have_value("20250101")
    expect(number(page, "Steps (years)")).to_have_value("100")
    expect(mechanisms(page).get_by_role("checkbox", name=SIGNALS, exact=True)).to_be_checked()
    press(page, "load_defaults")
    settled(page)
    expect(slider(page, "Number of states")).to_have_attribute("aria-valuetext", "10")
    expect(number(page, "Seed")).to_have_value("0")
    no_console_errors(page)


def test_jervis_panel_at_a_neutral_balance(page):
    panel = page.locator(".st-key-jervis")
    expect(panel).to_contain_text("the point where all four of Jervis's worlds meet")
    expect(panel).to_contain_text("neutral (δ = 1): neither offense nor defense has the advantage")
    expect(panel).not_to_contain_text("defense has the advantage (δ > 1)")
    slide(page, "Offense-defense balance", 2.0)
    slide(page, "Distinguishability", 0.9)
    run(page)  # the panel follows the form on the rerun
    expect(panel).to_contain_text("world 4: doubly stable", timeout=TIMEOUT)
    expect(panel).to_contain_text("defense has the advantage (δ > 1)")
    no_console_errors(page)


def test_preset_fills_the_form(page):
    choose(page, "Preset", "kantian-community")
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[aria-label=\"Number of states\"]')]"
        ".some(i => i.getAttribute('aria-valuetext') === '8')", timeout=TIMEOUT)
    # The form's widgets update in one rerun, not all at once: wait for each (auto-retrying).
    expect(slider(page, "Distinguishability")).to_have_attribute("aria-valuetext", "0.70",
                                                                 timeout=TIMEOUT)
    expect(mechanisms(page).get_by_role("checkbox", name=SIGNALS, exact=True)).to_be_checked(
        timeout=TIMEOUT)
    no_console_errors(page)


def test_a_value_outside_the_form_is_marked_and_not_used(page):
    small(page, states=3, worlds=5, steps=10)
    box = number(page, "Worlds")
    box.fill("999999")
    box.press("Tab")
    # the form allows 1..2000 worlds: the field is marked invalid and nothing runs
    expect(box).to_have_attribute("aria-invalid", "true")
    run(page)
    page.wait_for_timeout(3000)
    settled(page)
    assert page.get_by_text("press Run").count() == 1
    assert page.get_by_text(re.compile(r"^Ran \d+ worlds")).count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
    # fixed, it runs
    set_batch(page, worlds=5)
    run(page)
    page.get_by_text("Ran 5 worlds of 3 states for 10 years").wait_for(timeout=TIMEOUT)
    no_console_errors(page)


def test_long_run_shows_progress_and_can_be_cancelled(page):
    settled(page)
    slide(page, "Number of states", 32)
    set_batch(page, worlds=2000, steps=400)
    run(page)
    bar = page.get_by_text(re.compile(r"Ran \d+ of 2000 worlds"))
    bar.wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(ARTIFACTS / "06-progress.png"))
    page.get_by_role("button", name="Cancel run").click()
    page.get_by_text("Run cancelled").wait_for(timeout=TIMEOUT)
    page.wait_for_function(
        "() => !document.body.innerText.match(/Ran \\d+ of 2000 worlds/)", timeout=TIMEOUT)
    # the app still answers: a small run finishes after the cancelled one
    small(page, states=3, worlds=4, steps=10)
    run(page)
    page.get_by_text("Ran 4 worlds of 3 states for 10 years").wait_for(timeout=TIMEOUT)
    no_console_errors(page)


def test_escape_map_and_network_world_choice(page):
    settled(page)
    slide(page, "Number of states", 4)
    set_batch(page, worlds=8, steps=20)
    run(page)
    page.locator(".st-key-escape_map img").wait_for(timeout=TIMEOUT)
    settled(page)
    page.locator(".st-key-escape_map").screenshot(path=str(ARTIFACTS / "03-escape-map.png"))
    before = image_src(page, "network")
    choose(page, "Sample world", "world 2")
    wait_src_change(page, "network", before)
    settled(page)
    name, data = _download(page, "Download the map (CSV)")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "herz-escape-map.csv" and len(rows) == 9 and "p_escape" in rows[0]
    no_console_errors(page)


def test_preset_run_with_communities_and_escape_map(page):
    """The lecture view: a preset, its escape map, a world with a security community."""
    choose(page, "Preset", "europe-2025")
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[aria-label=\"Number of states\"]')]"
        ".some(i => i.getAttribute('aria-valuetext') === '10')", timeout=TIMEOUT)
    set_batch(page, worlds=12)
    run(page)
    page.locator(".st-key-escape_map img").wait_for(timeout=TIMEOUT)
    settled(page)
    before = image_src(page, "network")
    choose(page, "Sample world", "world 1")
    wait_src_change(page, "network", before)
    settled(page)
    page.get_by_text("Ran 12 worlds of 10 states for 100 years").wait_for()
    page.set_viewport_size({"width": 1400, "height": 2500})
    to_top(page)
    page.screenshot(path=str(ARTIFACTS / "00-overview.png"))
    page.locator(".st-key-escape_map").screenshot(path=str(ARTIFACTS / "07-escape-map-preset.png"))
    no_console_errors(page)
