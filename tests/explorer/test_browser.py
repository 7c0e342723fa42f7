"""End-to-end: the explorer in a real (system) Chromium, driven by Playwright.

Screenshots go to artifacts/explorer/ for review.
"""

import re
from pathlib import Path

from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "explorer"

TIMEOUT = 120_000


def textbox(page, label):
    return page.get_by_role("textbox", name=label, exact=True)


def set_fields(page, **values):
    labels = {"n_states": "Number of states", "worlds": "Worlds", "steps": "Steps (years)",
              "balance": "Offense-defense balance δ", "d": "Distinguishability d",
              "seed": "Seed"}
    settled(page)  # a rerun still in flight (a preset refilling the form) would overwrite the values
    for key, value in values.items():
        textbox(page, labels[key]).fill(str(value))
    for key, value in values.items():
        expect(textbox(page, labels[key])).to_have_value(str(value))


def no_map(page):
    box = page.get_by_role("checkbox", name="Live escape map around the point")
    if box.is_checked():
        page.get_by_text("Live escape map around the point").click()
    assert not box.is_checked()


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


def test_change_parameter_run_and_plots_update(page):
    page.locator(".st-key-jervis").get_by_text("doubly stable").first.wait_for()
    set_fields(page, n_states=5, worlds=12, steps=30)
    no_map(page)
    run(page)
    first = image_src(page, "trajectories")
    page.get_by_text("Ran 12 worlds of 5 states for 30 years").wait_for(timeout=TIMEOUT)
    page.locator(".st-key-outcomes img").wait_for(timeout=TIMEOUT)
    page.locator(".st-key-network img").wait_for(timeout=TIMEOUT)
    settled(page)
    page.screenshot(path=str(ARTIFACTS / "01-first-run.png"))
    # change the offense-defense balance: the Jervis panel and the plots follow
    set_fields(page, balance=0.3, d=0, seed=7)
    run(page)
    page.get_by_text("seed 7").wait_for(timeout=TIMEOUT)
    page.locator(".st-key-jervis").get_by_text("δ = 0.3, d = 0").wait_for(timeout=TIMEOUT)
    page.locator(".st-key-jervis").get_by_text("doubly dangerous").wait_for(timeout=TIMEOUT)
    wait_src_change(page, "trajectories", first)
    page.locator(".st-key-outcomes img").wait_for(timeout=TIMEOUT)
    settled(page)
    page.screenshot(path=str(ARTIFACTS / "02-after-change.png"))
    # the whole page at once, as a lecture audience sees it when scrolling
    page.set_viewport_size({"width": 1400, "height": 2000})
    to_top(page)
    page.screenshot(path=str(ARTIFACTS / "02-overview-custom.png"))
    no_console_errors(page)


def test_escape_map_and_network_world_choice(page):
    set_fields(page, n_states=4, worlds=8, steps=20)
    run(page)
    page.locator(".st-key-escape_map img").wait_for(timeout=TIMEOUT)
    settled(page)
    page.locator(".st-key-escape_map").screenshot(path=str(ARTIFACTS / "03-escape-map.png"))
    before = image_src(page, "network")
    choose(page, "Sample world", "world 2")
    wait_src_change(page, "network", before)
    page.wait_for_function("() => document.querySelectorAll('.st-key-network').length === 1")
    settled(page)
    page.locator(".st-key-network").screenshot(path=str(ARTIFACTS / "04-network.png"))
    no_console_errors(page)


def test_bad_values_are_refused_with_a_message(page):
    set_fields(page, balance=-1, worlds="many")
    run(page)
    err = page.locator(".st-key-errors")
    err.wait_for(timeout=TIMEOUT)
    settled(page)
    text = err.inner_text()
    assert "offense_defense_balance = -1: must be a number in (0, 100]" in text
    assert "worlds = 'many': must be a whole number between 1 and 2000" in text
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("press Run").count() == 1  # nothing was run
    page.screenshot(path=str(ARTIFACTS / "05-bad-values.png"))
    # fixing the values runs normally
    set_fields(page, balance=1, worlds=5, n_states=3, steps=10)
    no_map(page)
    run(page)
    image_src(page, "trajectories")
    settled(page)
    assert page.locator(".st-key-errors").count() == 0
    no_console_errors(page)


def test_preset_fills_the_form(page):
    choose(page, "Preset", "kantian-community")
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[aria-label=\"Number of states\"]')]"
        ".some(i => i.value === '8')", timeout=TIMEOUT)
    # The form's widgets update in one rerun, not all at once: wait for each (auto-retrying).
    expect(textbox(page, "Distinguishability d")).to_have_value("0.7", timeout=TIMEOUT)
    expect(page.get_by_role("checkbox", name="Costly signalling on")).to_be_checked(timeout=TIMEOUT)
    no_console_errors(page)


def test_long_run_shows_progress_and_can_be_cancelled(page):
    set_fields(page, n_states=30, worlds=2000, steps=400)
    run(page)
    bar = page.get_by_text(re.compile(r"Ran \d+ of 2000 worlds"))
    bar.wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(ARTIFACTS / "06-progress.png"))
    page.get_by_role("button", name="Cancel run").click()
    page.get_by_text("Run cancelled").wait_for(timeout=TIMEOUT)
    page.wait_for_function(
        "() => !document.body.innerText.match(/Ran \\d+ of 2000 worlds/)", timeout=TIMEOUT)
    # the app still answers: a small run finishes after the cancelled one
    set_fields(page, n_states=3, worlds=4, steps=10)
    no_map(page)
    run(page)
    page.get_by_text("Ran 4 worlds of 3 states for 10 years").wait_for(timeout=TIMEOUT)
    no_console_errors(page)


def test_preset_run_with_communities_and_escape_map(page):
    """The lecture view: a preset, its escape map, a world with a security community."""
    choose(page, "Preset", "europe-2025")
    page.wait_for_function(
        "() => [...document.querySelectorAll('input[aria-label=\"Number of states\"]')]"
        ".some(i => i.value === '10')")
    set_fields(page, worlds=12)
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
