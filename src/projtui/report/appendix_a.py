"""Appendix A of the quarterly pack: the corporate KPIs, grouped by their primary ambition (issue 13).

A Cabinet's KPI appendix: each KPI's code and name, what good is, its
target, the financial year's quarters (Q1–Q4, blank after the report's
quarter), the year to date, this quarter's status and travel, the owner's
year-end forecast, the benchmark quartile and the commentary as it has
accumulated over the year. A KPI is a measure (``measure_line.MeasureLine``),
so every figure and judgement is the one rule's (``domain.measures``): the
year to date is ``year_figure``'s roll-up, a direction-"none" KPI gets
figures and a trend, never a status. KPIs linked to no known ambition get
a group of their own, last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from projtui.domain.codes import natural_key
from projtui.domain.measures import MeasureRule, year_figure
from projtui.domain.quarter import FinancialYear, Quarter
from projtui.report.measure_line import MeasureLine, measure_line_fields
from projtui.snapshot.document import Ambition, Kpi

__all__ = ["KpiGroup", "KpiQuarter", "ReportKpi", "kpi_groups"]


@dataclass(frozen=True)
class KpiQuarter:
    """One quarter of the report's financial year: its actual, if reported by the report's quarter."""

    quarter: Quarter
    actual: float | None
    provisional: bool


@dataclass(frozen=True, kw_only=True)
class ReportKpi(MeasureLine):
    """A corporate KPI in the report's quarter."""

    service: str | None
    owner: str | None
    ambitions: tuple[str, ...]  # codes, primary first
    quarters: tuple[KpiQuarter, ...]  # Q1–Q4 of the report's financial year
    year_to_date: float | None  # `domain.measures.year_figure` at the report's quarter
    commentary: tuple[tuple[Quarter, str], ...]  # this year's, quarter by quarter, up to the report's


@dataclass(frozen=True)
class KpiGroup:
    """The KPIs whose primary ambition is ``code`` (None: linked to none the portfolio holds)."""

    code: str | None
    title: str
    kpis: tuple[ReportKpi, ...]

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}" if self.code else self.title


def kpi_groups(ambitions: Sequence[Ambition], kpis: Sequence[Kpi], quarter: Quarter) -> tuple[KpiGroup, ...]:
    """The KPIs by primary ambition, in the ambitions' order; only ambitions that have some."""
    known = {a.code for a in ambitions}
    by_primary: dict[str | None, list[ReportKpi]] = {}
    for kpi in sorted(kpis, key=lambda k: natural_key(k.code)):
        primary = kpi.ambitions[0] if kpi.ambitions and kpi.ambitions[0] in known else None
        by_primary.setdefault(primary, []).append(report_kpi(kpi, quarter))
    groups = [KpiGroup(a.code, a.title, tuple(by_primary[a.code])) for a in ambitions if a.code in by_primary]
    if None in by_primary:
        groups.append(KpiGroup(None, "KPIs linked to no ambition", tuple(by_primary[None])))
    return tuple(groups)


def report_kpi(kpi: Kpi, quarter: Quarter) -> ReportKpi:
    """One KPI's line: figures up to ``quarter`` only, whatever later quarters the document holds."""
    year = quarter.fy_start_year
    this_year = [Quarter(year, n) for n in range(1, 5)]
    return ReportKpi(
        **measure_line_fields(kpi, quarter, f"KPI {kpi.code}", note=kpi.commentary.get(quarter)),
        service=kpi.service,
        owner=kpi.owner,
        ambitions=tuple(kpi.ambitions),
        quarters=tuple(
            KpiQuarter(q, kpi.actuals.get(q), q in kpi.provisional) if q <= quarter else KpiQuarter(q, None, False) for q in this_year
        ),
        year_to_date=year_figure(MeasureRule.from_measure(kpi), FinancialYear(year), kpi.actuals, up_to=quarter),
        commentary=tuple((q, kpi.commentary[q]) for q in this_year if q <= quarter and q in kpi.commentary),
    )
