"""The escape-map report: generated from a tiny sweep, self-contained, rendered in Chromium.

The browser check drives Debian's Chromium over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: no websocket, no Playwright, no browser download).
It records every network request the page makes and every console message and
uncaught exception, and saves a screenshot to ``artifacts/report.png``.
"""

from __future__ import annotations

import base64
import fcntl
import html as html_mod
import json
import os
import shutil
import subprocess
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from herz.analysis.escape import SIZES, analyse, escape_scenarios, run_escape_map
from herz.experiment.manifest import seal
from herz.report.escape import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def tiny_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("escape")
    run = run_escape_map(out, "tiny", workers=1)
    return run


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[str] = []
        self.external: list[str] = []
        self.ids: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "img":
            self.imgs.append(a.get("src") or "")
        for key in ("src", "href", "action", "data", "poster"):
            val = a.get(key)
            if val and not (val.startswith("data:") or val.startswith("#")):
                self.external.append(f"{tag}.{key}={val[:80]}")
        if tag == "link" or tag == "script" or tag == "iframe":
            self.external.append(tag)
        if tag not in ("meta", "img", "br", "hr", "input", "link"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("meta", "img", "br", "hr", "input", "link"):
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def test_report_is_self_contained_and_complete(tiny_map):
    html = tiny_map.report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    p = _Collect()
    p.feed(html)
    p.close()
    assert p.errors == [] and p.stack == [], (p.errors, p.stack)
    for sid, title in SECTIONS:
        assert sid in p.ids, f"section {sid} missing"
        assert html_mod.escape(title.split(":")[0]) in html
    # images embedded, nothing fetched from anywhere
    assert len(p.imgs) >= 10
    assert all(src.startswith("data:image/png;base64,") for src in p.imgs)
    for src in p.imgs:
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert p.external == []
    assert "http://" not in html and "https://" not in html
    # the thresholds, provenance and verdict are there, with numbers
    an = tiny_map.analysis
    for name in ("burn_in", "race_growth", "entry_trust_fall", "exit_years", "exit_trust"):
        assert name in html
    assert an.map_manifest["scenario_hash"] in html
    assert str(an.map_scenario["seed"]) in html
    from herz import __version__
    assert __version__ in html
    assert "Escape is more likely than not in" in html
    assert "of worlds escaped" in html  # "in this region the game is X, and N% escaped"


def test_verdict_and_tables_are_consistent(tiny_map):
    an = tiny_map.analysis
    v = an.verdict
    assert 0.0 <= v.share_low <= v.share_escape_likely <= v.share_high <= 1.0
    assert v.pooled_low <= v.pooled_escape <= v.pooled_high
    r = an.rates
    assert (r["escape_count"] == r["mitigated_count"] + r["transcended_count"]).all()
    total = r[["war_count", "spiral_count", "mitigated_count", "transcended_count",
               "unresolved_count", "no_dilemma_count"]].sum(axis=1)
    assert (total == r["n"]).all()
    from herz.models.games import GameClass

    assert set(r["game_class"]) <= {c.value for c in GameClass}
    assert "prisoner's dilemma" in set(r["game_class"])
    assert an.logics["count"].sum() == r["n"].sum()
    assert v.top_mechanism in an.sensitivity.table["factor"].tolist()
    # sample worlds replay to the stored outcome (seeds are keyed, not stateful)
    assert an.trajectories and all(s["replay_matches"] for s in an.trajectories.values())
    # the report can be rebuilt from the results alone
    again = analyse(tiny_map.results, trajectories=False)
    assert again.rates["p_escape"].tolist() == r["p_escape"].tolist()


def test_report_cli_default_and_richardson_still_there(tiny_map, tmp_path):
    from typer.testing import CliRunner

    from herz.cli import app

    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", str(tiny_map.out), "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["report"] == str(out) and out.stat().st_size > 100_000
    res = CliRunner().invoke(app, ["report", "--help"])
    assert "richardson" in res.output and "escape" in res.output


def test_failed_runs_do_not_break_the_analysis(tiny_map, tmp_path):
    # delete one sensitivity chunk and mark it failed: its Saltelli block is dropped
    res_dir = tmp_path / "results"
    shutil.copytree(tiny_map.results, res_dir)
    man_path = res_dir / "sensitivity" / "manifest.json"
    man = json.loads(man_path.read_text())
    cid = sorted(man["chunks"])[5]
    man["chunks"][cid]["status"] = "failed"
    man["chunks"][cid]["error"] = "RuntimeError: injected for the test"
    man["seal"] = seal(man)  # as herz writes it
    man_path.write_text(json.dumps(man))
    (res_dir / "sensitivity" / "chunks" / f"{cid}.parquet").unlink()
    an = analyse(res_dir, trajectories=False)
    assert an.sensitivity.blocks_dropped == 1
    assert an.sensitivity.blocks_used == SIZES["tiny"].saltelli_n - 1


def test_scenarios_are_valid_and_fixed():
    a1, b1 = escape_scenarios(SIZES["default"])
    a2, b2 = escape_scenarios(SIZES["default"])
    assert a1.hash == a2.hash and b1.hash == b2.hash
    assert len(a1.points) == SIZES["default"].odb_levels * SIZES["default"].d_levels
    assert a1.adaptive is not None and a1.adaptive.target_ci_width <= 0.10
    assert len(b1.points) == SIZES["default"].saltelli_n * 9


# --------------------------------------------------------------------------- the browser


def _chromium() -> str:
    for path in (os.environ.get("HERZ_CHROMIUM", ""), "/usr/bin/chromium",
                 "/usr/bin/chromium-browser", shutil.which("chromium") or ""):
        if path and Path(path).exists():
            return path
    pytest.fail("the report test needs Debian's Chromium at /usr/bin/chromium: install it with "
                "`apt-get update && apt-get install -y chromium` (or set HERZ_CHROMIUM)",
                pytrace=False)


class _DevTools:
    """A minimal DevTools-protocol client over Chromium's --remote-debugging-pipe."""

    def __init__(self, exe: str, user_dir: str) -> None:
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # move the child's ends out of the way of fds 3 and 4 before dup2 in the child
        hi_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def child() -> None:
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self.proc = subprocess.Popen(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={user_dir}", "--remote-debugging-pipe",
             "--window-size=1280,2000", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(3, 4), preexec_fn=child)  # preexec runs before the fds are closed
        os.close(hi_r)
        os.close(hi_w)
        self.w = to_chrome_w
        self.r = from_chrome_r
        self.buf = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None, timeout: float = 60.0) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.monotonic() + timeout
        while True:
            for m in self._read(deadline):
                if m.get("id") == want:
                    if "error" in m:
                        raise RuntimeError(f"{method}: {m['error']}")
                    return dict(m.get("result", {}))
                self.events.append(m)

    def wait_event(self, method: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.extend(self._read(deadline))

    def _read(self, deadline: float) -> list[dict[str, Any]]:
        import select

        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe: "
                                       + self.proc.stderr.read().decode(errors="replace")[-2000:])
                self.buf += chunk
        out = []
        while b"\0" in self.buf:
            raw, self.buf = self.buf.split(b"\0", 1)
            out.append(json.loads(raw))
        return out

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)


def test_report_renders_in_headless_chromium_without_errors(tiny_map):
    exe = _chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as user_dir:
        dt = _DevTools(exe, user_dir)
        try:
            target = dt.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = dt.send("Target.attachToTarget", {"targetId": target,
                                                       "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                dt.send(f"{domain}.enable", session=session)
            dt.send("Emulation.setDeviceMetricsOverride",
                    {"width": 1280, "height": 2000, "deviceScaleFactor": 1, "mobile": False},
                    session=session)
            url = tiny_map.report.resolve().as_uri()
            dt.send("Page.navigate", {"url": url}, session=session)
            dt.wait_event("Page.loadEventFired", timeout=120)
            state = dt.send("Runtime.evaluate", {"expression": (
                "JSON.stringify({images: document.images.length, "
                "decoded: Array.from(document.images).filter(i => i.complete && "
                "i.naturalWidth > 0).length, sections: document.querySelectorAll('section')"
                ".length, height: document.body.scrollHeight})"),
                "returnByValue": True}, session=session)["result"]["value"]
            shot = dt.send("Page.captureScreenshot", {"format": "png",
                                                      "captureBeyondViewport": False},
                           session=session, timeout=120)
            (ARTIFACTS / "report.png").write_bytes(base64.b64decode(shot["data"]))
        finally:
            dt.close()
    info = json.loads(state)
    assert info["images"] >= 10 and info["decoded"] == info["images"], info
    assert info["sections"] == len(SECTIONS)
    page_events = [e for e in dt.events if e.get("sessionId") == session]
    requests = [e["params"]["request"]["url"] for e in page_events
                if e.get("method") == "Network.requestWillBeSent"]
    assert requests, "the DevTools client saw no request at all (the check would be vacuous)"
    outside = [u for u in requests if not (u.startswith("file:") or u.startswith("data:"))]
    assert outside == [], f"the report made network requests: {outside}"
    errors = [e["params"] for e in page_events
              if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Runtime.consoleAPICalled"
                  and e["params"].get("type") in ("error", "assert"))
              or (e.get("method") == "Log.entryAdded"
                  and e["params"]["entry"].get("level") == "error")]
    assert errors == [], errors
    png = (ARTIFACTS / "report.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
