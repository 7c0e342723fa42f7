"""Small helpers to write one self-contained HTML file: no network, images inline."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

from matplotlib.figure import Figure

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.5;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:0.92rem}
th,td{border:1px solid #ccc;padding:0.3rem 0.6rem;text-align:right}
th:first-child,td:first-child{text-align:left}
figure{margin:1.5rem 0}figcaption{font-size:0.9rem;color:#555}
.note{background:#f6f6f0;border-left:4px solid #E69F00;padding:0.5rem 1rem}
code{background:#f2f2f2;padding:0 0.2rem}
"""


def figure_png(fig: Figure, dpi: int = 120) -> bytes:
    """Render a figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    """The PNG as a ``data:`` URI (the page loads nothing from the network)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def img_tag(png: bytes, alt: str) -> str:
    """An <img> element with the PNG embedded as a data URI."""
    return f'<img src="{data_uri(png)}" alt="{html.escape(alt)}" style="max-width:100%">'


def table_html(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain HTML table with escaped cells."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, body: str) -> str:
    """A complete HTML document with inline CSS and no external resources."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )
