"""A measure's rules: its targets, status, direction of travel, achievement and the benefit roll-up.

Written the way a council performance officer would explain them, one job a module:

* ``rule`` - ``MeasureRule``: what the rules need to know about a measure, checked once;
* ``targets`` - the quarter's target: profiled, or on the straight line from
  the baseline to the end target (year to date for a cumulative measure);
* ``rating`` - **status**: the quarter's actual against its target, by the
  measure's polarity and written tolerance; *monitor only* without a target,
  *not due* when its cadence skips the quarter (not the same as *no data*);
* ``travel`` - **direction of travel**: the arrow shows performance, not the
  number (for "lower is better" a fall is improving);
* ``achievement`` - (actual - baseline) / (target - baseline);
* ``forecast`` - the owner's **year-end forecast** rated against the year-end
  target, and the **realisation forecast**: the least-squares trend of the
  actuals read at the target period, with its verdict;
* ``benchmark`` - the year's figure set against a comparator set: its
  **quartile**, honouring direction;
* ``rollup`` - **benefit on track** from its measures' statuses;
* ``figures`` - ``quarter_figures``: all of the above for one quarter, the
  one function every screen, report and check calls;
* ``vocabulary`` - the statuses, travels and target bases, with their symbols and labels.

Plain functions over plain values; no I/O.
"""

from projtui.domain.measures.achievement import achievement, progress
from projtui.domain.measures.benchmark import (
    Benchmark,
    BenchmarkPosition,
    benchmark_position,
    describe_benchmark,
    standing,
    year_figure,
    year_medians,
)
from projtui.domain.measures.figures import QuarterFigures, quarter_figures
from projtui.domain.measures.forecast import (
    MIN_POINTS,
    RealisationForecast,
    describe_year_end,
    realisation_forecast,
    year_end_status,
)
from projtui.domain.measures.rating import measure_status, reporting_started, status
from projtui.domain.measures.rollup import (
    OnTrackCount,
    StatusCounts,
    benefit_on_track,
    count_statuses,
    rollup_counts,
)
from projtui.domain.measures.rule import RULE_FIELDS, MeasureRule, in_pounds
from projtui.domain.measures.targets import (
    on_trajectory,
    target_basis,
    target_for,
    target_max_for,
)
from projtui.domain.measures.travel import (
    previous_due_quarter,
    travel,
    travel_vs_last_year,
    travel_vs_previous_quarter,
)
from projtui.domain.measures.vocabulary import (
    MeasureStatus,
    Outlook,
    TargetBasis,
    Travel,
)

__all__ = [
    "Benchmark",
    "BenchmarkPosition",
    "benchmark_position",
    "describe_benchmark",
    "standing",
    "year_figure",
    "year_medians",
    "MIN_POINTS",
    "MeasureRule",
    "RULE_FIELDS",
    "MeasureStatus",
    "OnTrackCount",
    "StatusCounts",
    "count_statuses",
    "Outlook",
    "QuarterFigures",
    "RealisationForecast",
    "TargetBasis",
    "Travel",
    "achievement",
    "benefit_on_track",
    "describe_year_end",
    "in_pounds",
    "measure_status",
    "on_trajectory",
    "previous_due_quarter",
    "progress",
    "quarter_figures",
    "realisation_forecast",
    "reporting_started",
    "rollup_counts",
    "status",
    "target_basis",
    "target_for",
    "target_max_for",
    "travel",
    "travel_vs_last_year",
    "travel_vs_previous_quarter",
    "year_end_status",
]
