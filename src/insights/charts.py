"""Geometry of the simple bar charts on the attendance page. The table next to each
chart holds the same numbers: the chart is decoration for sighted readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_WIDTH = 32
GAP = 12
PLOT_HEIGHT = 120
TOP = 20  # room for the value above a full bar
BOTTOM = 24  # room for the label under the bars


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: str
    label_x: int
    label_y: int
    value_y: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: int
    bars: list[Bar]


def rate_chart(points: Sequence[tuple[str, float | None]]) -> BarChart:
    """Bars for rates 0..1 (above 1 drawn full height, labelled with the real value; None: no bar)."""
    bars = []
    baseline = TOP + PLOT_HEIGHT
    for index, (label, rate) in enumerate(points):
        x = GAP + index * (BAR_WIDTH + GAP)
        height = 0 if rate is None else round(min(rate, 1.0) * PLOT_HEIGHT)
        bars.append(
            Bar(
                x=x,
                y=baseline - height,
                width=BAR_WIDTH,
                height=height,
                label=label,
                value="–" if rate is None else f"{round(rate * 100)} %",
                label_x=x + BAR_WIDTH // 2,
                label_y=baseline + 16,
                value_y=baseline - height - 5,
            )
        )
    width = GAP + len(points) * (BAR_WIDTH + GAP)
    return BarChart(width=max(width, 2 * GAP), height=baseline + BOTTOM, baseline=baseline, bars=bars)
