"""A measure's actuals across quarters against its target line, drawn in the terminal.

`TrendChart.show(trend)` draws a `services.reviews.models.MeasureTrend`
(oldest first): the actuals as a line with markers and the target as a
second line (its top too, for a range measure), and, where it is given, each
financial year's benchmark median across that year's quarters. Quarters
with no actual are left as gaps. The y axis is labelled at round numbers in
the app's own figures (``150,000``), not plotext's own (``147333.3``). plotext is imported when the chart is first mounted, not when
this module is, so start-up stays light.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from projtui.domain.formatting import format_number
from projtui.domain.quarter import FinancialYear
from projtui.services.reviews.models import MeasureTrend

_Y_AXIS_WIDTH = 10  # the y-axis labels and frame, roughly
_TICK_WIDTH = 10  # a `26/27Q2` label and the gap after it
_DEFAULT_TICKS = 6  # before the chart has a size
_Y_TICKS = 5  # at most: the chart is a few lines high
_ROUND_STEPS = (1, 2, 2.5, 5)  # times a power of ten: the gaps between y-axis labels a reader counts in


def _short(label: str) -> str:
    """`2026/27 Q2` → `26/27Q2`, so quarter labels fit under the axis."""
    year, _, quarter = label.partition(" ")
    return f"{year[2:]}{quarter}" if len(year) == 7 else label


def _y_ticks(values: Sequence[float], most: int = _Y_TICKS) -> list[float]:
    """Round numbers from just below the lowest of ``values`` to just above the highest, evenly apart, at most ``most`` of them.

    One value alone gets a span around it, as plotext gives it.
    """
    low, high = min(values), max(values)
    if low == high:
        low, high = (-1.0, 1.0) if low == 0 else sorted((low / 2, low * 3 / 2))
    power = 10.0 ** math.floor(math.log10((high - low) / (most - 1)))
    for step in (power * times * scale for scale in (1, 10, 100) for times in _ROUND_STEPS):
        first, last = math.floor(low / step), math.ceil(high / step)
        if last - first < most:
            break
    return [n * step for n in range(first, last + 1)]


class TrendChart(Widget):
    """The trend of one measure: a plotext chart, with a caption saying which measure and what is drawn."""

    # Styled in screens/review.tcss (the screen that uses it).

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Static("", id="trend-caption")
        yield PlotextPlot(id="trend-plot")

    def clear(self, caption: str = "No measure selected.") -> None:
        self.query_one("#trend-caption", Static).update(Text(caption))
        plot = self._plot()
        plot.plt.clear_data()
        plot.plt.clear_figure()
        plot.refresh()

    def _plot(self):
        from textual_plotext import PlotextPlot

        return self.query_one("#trend-plot", PlotextPlot)

    def show(self, trend: MeasureTrend, medians: Mapping[FinancialYear, float] | None = None) -> None:
        """Draw ``trend``; ``medians``: a benchmark median by year (``domain.measures.year_medians``), drawn over that year."""
        fields = trend.measure.fields
        points = trend.points
        caption = Text.assemble(
            (f"{fields.code or ''} ", "bold"),
            fields.name,
            (f"  ({fields.unit}, {fields.direction.value} is better)", "dim"),
        )
        self.query_one("#trend-caption", Static).update(caption)
        plot = self._plot()
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        if not points:
            plt.title("no figures yet")
            plot.refresh()
            return
        xs = list(range(1, len(points) + 1))
        labels = [_short(str(p.quarter)) for p in points]
        # No more labels than fit: when they crowd, plotext drops some, and which
        # ones depends on string hashing, so the axis would change from run to run.
        room = max(2, (plot.size.width - _Y_AXIS_WIDTH) // _TICK_WIDTH) if plot.size.width else _DEFAULT_TICKS
        step = -(-len(points) // room)  # ceiling division
        plt.xticks(xs[::step], labels[::step])
        targets = [(x, p.target) for x, p in zip(xs, points, strict=True) if p.target is not None]
        if targets:
            plt.plot([x for x, _ in targets], [y for _, y in targets], label="target", marker="braille", color="cyan")
        tops = [(x, p.target_max) for x, p in zip(xs, points, strict=True) if p.target_max is not None]
        if tops:
            plt.plot([x for x, _ in tops], [y for _, y in tops], label="target top", marker="braille", color="cyan")
        # One segment a year, so one year's median is never joined to the next by a slope that means nothing.
        label = "benchmark median"
        for year, median in sorted((medians or {}).items()):
            in_year = [x for x, p in zip(xs, points, strict=True) if p.quarter.fy_start_year == year.start_year]
            if in_year:
                plt.plot(in_year, [median] * len(in_year), label=label, marker="braille", color="magenta")
                label = None
        actuals = [(x, p.actual) for x, p in zip(xs, points, strict=True) if p.actual is not None]
        if actuals:
            plt.plot([x for x, _ in actuals], [y for _, y in actuals], label="actual", marker="●", color="orange")
        drawn = [y for _, y in (*targets, *tops, *actuals)] + list((medians or {}).values())
        if drawn:
            ticks = _y_ticks(drawn)
            plt.ylim(ticks[0], ticks[-1])
            plt.yticks(ticks, [format_number(tick) for tick in ticks])
        plot.refresh()
