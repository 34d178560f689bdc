"""A report as three files: JSON for machines, Markdown for people, a PNG chart.

`rag eval` and `rag bench` both write their results this way; each supplies
its own Markdown and draws its own chart on the axes given here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Draw = Callable[[Any], None]  # draws on a matplotlib Axes


def write_report_files(
    directory: Path,
    names: tuple[str, str, str],
    data: dict[str, Any],
    markdown: str,
    draw: Draw,
    size: tuple[float, float],
) -> list[Path]:
    """``data`` as JSON, ``markdown``, and the chart ``draw`` makes, under
    ``names`` (json, md, png) in ``directory``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in names]
    paths[0].write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown, encoding="utf-8")
    save_chart(paths[2], draw, size)
    return paths


def save_chart(path: Path, draw: Draw, size: tuple[float, float]) -> None:
    """A PNG of what ``draw`` puts on one pair of axes (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=size)
    try:
        draw(axes)
        figure.tight_layout()
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
