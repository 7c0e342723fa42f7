"""The Richardson report, herz's main job until the escape map exists (issue 2)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from herz.cli import main


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag in ("link", "script") and (a.get("href") or a.get("src")):
            self.links.append(a.get("href") or a.get("src"))


def test_report_writes_self_contained_html(tmp_path, capsys):
    try:
        main(["report", "richardson", "-o", str(tmp_path), "--json"])
    except SystemExit as exc:  # main exits only on errors or explicit codes
        assert exc.code in (0, None)
    out = json.loads(capsys.readouterr().out)
    html = (tmp_path / "richardson_report.html").read_text()
    parser = _Collect()
    parser.feed(html)
    assert parser.imgs and all(src.startswith("data:image/png;base64,") for src in parser.imgs)
    assert parser.links == []  # nothing fetched from the network
    assert "0.73" in html and "194" in html
    assert (tmp_path / "richardson_blocs_fit.png").stat().st_size > 10_000
    assert abs(out["blocs"]["fit"]["slope"] - 0.832) < 5e-4
    assert set(out["dyads"]) == {"USA-RUS", "IND-PAK", "GRC-TUR", "ISR-EGY"}
