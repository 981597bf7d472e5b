"""The growth pictures: a retention triangle (heat map of weekly sign-up cohorts)
and a growth-accounting bar chart, as one standalone HTML file (inline SVG, no
scripts), rendered from marts.fct_retention and marts.fct_growth_accounting
(docs/metrics.md, "Retention, growth accounting and stickiness")."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hourglass.picture import _number, _percent

CELL_WIDTH, CELL_HEIGHT = 56, 26
BAR_WIDTH, CHART_HEIGHT = 44, 280
# growth accounting's parts, bottom to top above the axis; churned goes below it
PARTS = (("retained", "#3b6fb6"), ("resurrected", "#d08a1c"), ("new", "#2f8f5b"))
CHURNED_COLOUR = "#c0392b"


@dataclass(frozen=True)
class Cohort:
    """One row of the triangle: a cohort's size and its retention rate per period
    number (0 first); `complete` says whether each period had ended by as_of_date."""

    start: dt.date
    size: int
    rates: list[float]
    complete: list[bool]


@dataclass(frozen=True)
class Period:
    """One bar of the growth-accounting chart: entity counts of one period."""

    start: dt.date
    new: int
    retained: int
    resurrected: int
    churned: int
    quick_ratio: float | None
    complete: bool


def retention_triangle(
    con: duckdb.DuckDBPyConnection, entity_type: str = "developer", cohorts: int = 12
) -> list[Cohort]:
    """The last `cohorts` weekly sign-up cohorts of `entity_type` (developer or
    account), oldest first, each with retention_rate by period_number."""
    rows = con.execute(
        """
        select cohort_start, max(cohort_size),
            list(retention_rate order by period_number),
            list(is_period_complete order by period_number)
        from marts.fct_retention
        where entity_type = $entity_type and period_type = 'week'
            and cohort_start in (
                select distinct cohort_start from marts.fct_retention
                where entity_type = $entity_type and period_type = 'week'
                order by cohort_start desc limit $cohorts
            )
        group by cohort_start
        order by cohort_start
        """,
        {"entity_type": entity_type, "cohorts": cohorts},
    ).fetchall()
    return [Cohort(*row) for row in rows]


def growth_periods(
    con: duckdb.DuckDBPyConnection, entity_type: str = "developer", periods: int = 12
) -> list[Period]:
    """The last `periods` ISO weeks of growth accounting for `entity_type`, oldest first."""
    rows = con.execute(
        """
        select * from (
            select period_start, new, retained, resurrected, churned, quick_ratio,
                is_period_complete
            from marts.fct_growth_accounting
            where entity_type = $entity_type and period_type = 'week'
            order by period_start desc
            limit $periods
        )
        order by period_start
        """,
        {"entity_type": entity_type, "periods": periods},
    ).fetchall()
    return [Period(*row) for row in rows]


def _cell_colour(rate: float) -> str:
    """White (0) to deep blue (1)."""
    low, high = (255, 255, 255), (30, 75, 150)
    return "#" + "".join(
        f"{round(lo + (hi - lo) * rate):02x}" for lo, hi in zip(low, high, strict=True)
    )


def render_triangle(cohorts: list[Cohort]) -> str:
    """The heat map as an SVG element: one row per cohort, one cell per period."""
    left, top = 170, 50
    columns = max((len(c.rates) for c in cohorts), default=0)
    parts = [
        f'<text x="{left + n * CELL_WIDTH + CELL_WIDTH / 2:.0f}" y="{top - 10}" '
        f'class="axis">week {n}</text>'
        for n in range(columns)
    ]
    for row, cohort in enumerate(cohorts):
        y = top + row * CELL_HEIGHT
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" class="cohort">'
            f"{cohort.start} ({cohort.size:,})</text>"
        )
        for column, (rate, complete) in enumerate(zip(cohort.rates, cohort.complete, strict=True)):
            x = left + column * CELL_WIDTH
            text_class = "cell-light" if rate > 0.55 else "cell-dark"
            running = "" if complete else ' stroke="#888" stroke-dasharray="3,2"'
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL_WIDTH - 2}" height="{CELL_HEIGHT - 2}" '
                f'fill="{_cell_colour(rate)}"{running}>'
                f"<title>cohort {cohort.start}, week {column}: {_percent(rate)}</title></rect>"
                f'<text x="{x + CELL_WIDTH / 2 - 1:.0f}" y="{y + 17}" class="{text_class}">'
                f"{_percent(rate)}</text>"
            )
    width = left + columns * CELL_WIDTH + 20
    height = top + len(cohorts) * CELL_HEIGHT + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="retention triangle">{"".join(parts)}</svg>'
    )


def render_bars(periods: list[Period]) -> str:
    """The growth-accounting chart as an SVG element: retained, resurrected and new
    stacked above the axis, churned below it, one bar per period."""
    left, top = 60, 40
    above = max((p.new + p.retained + p.resurrected for p in periods), default=0)
    below = max((p.churned for p in periods), default=0)
    scale = CHART_HEIGHT / (above + below) if above + below else 0
    axis = top + above * scale
    parts = [
        f'<line x1="{left}" y1="{axis:.0f}" x2="{left + len(periods) * (BAR_WIDTH + 12)}" '
        f'y2="{axis:.0f}" stroke="#444"/>'
    ]
    for index, period in enumerate(periods):
        x = left + index * (BAR_WIDTH + 12)
        y = axis
        for name, colour in PARTS:
            height = getattr(period, name) * scale
            y -= height
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{BAR_WIDTH}" height="{height:.1f}" '
                f'fill="{colour}" class="{name}"><title>{period.start}: '
                f"{getattr(period, name):,} {name}</title></rect>"
            )
        parts.append(
            f'<rect x="{x}" y="{axis:.1f}" width="{BAR_WIDTH}" '
            f'height="{period.churned * scale:.1f}" fill="{CHURNED_COLOUR}" class="churned">'
            f"<title>{period.start}: {period.churned:,} churned</title></rect>"
            f'<text x="{x + BAR_WIDTH / 2:.0f}" y="{y - 4:.1f}" class="axis">'
            f"{period.new + period.retained + period.resurrected:,}</text>"
            f'<text x="{x + BAR_WIDTH / 2:.0f}" y="{top + CHART_HEIGHT + 18}" class="axis">'
            f"{period.start:%m-%d}{'' if period.complete else '*'}</text>"
            f'<text x="{x + BAR_WIDTH / 2:.0f}" y="{top + CHART_HEIGHT + 34}" class="axis">'
            f"{_number(period.quick_ratio)}</text>"
        )
    for index, (name, colour) in enumerate([*PARTS, ("churned", CHURNED_COLOUR)]):
        x = left + index * 120
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18}" y="15" class="legend">{name}</text>'
        )
    width = left + len(periods) * (BAR_WIDTH + 12) + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(width, 520)}" '
        f'height="{top + CHART_HEIGHT + 44}" role="img" aria-label="growth accounting">'
        f"{''.join(parts)}</svg>"
    )


def render_html(cohorts: list[Cohort], periods: list[Period], as_of: dt.date | None) -> str:
    """The page: the retention triangle of weekly developer cohorts and the weekly
    growth accounting of developers, with how to read them."""
    title = f"Developer retention and growth, as of {as_of or 'no data'}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; color: #222; }}
text.axis {{ font-size: 12px; fill: #444; text-anchor: middle; }}
text.cohort {{ font-size: 12px; fill: #222; text-anchor: end; }}
text.cell-light {{ font-size: 12px; fill: white; text-anchor: middle; }}
text.cell-dark {{ font-size: 12px; fill: #222; text-anchor: middle; }}
text.legend {{ font-size: 12px; fill: #222; }}
</style></head>
<body>
<h1 style="font-size:20px">{html.escape(title)}</h1>
<h2 style="font-size:16px">Retention by weekly sign-up cohort</h2>
<p>Each row is the developers who signed up in the week starting on that day
(their number in brackets); each cell the share of them active in week n after
it (week 0 is the sign-up week). Dashed cells are weeks still running.</p>
{render_triangle(cohorts)}
<h2 style="font-size:16px">Growth accounting, developers per week</h2>
<p>Above the line: developers active in the week, split into retained (also
active the week before), resurrected (back after a gap) and new (first active
week ever). Below: churned (active the week before, not this week). Under each
bar its Monday (* still running) and the quick ratio, (new + resurrected) /
churned.</p>
{render_bars(periods)}
</body></html>
"""


def write_growth_picture(warehouse: Path, out: Path) -> Path:
    """Render the growth pictures from the marts of `warehouse` (the working or the
    published file) to `out`; returns `out`."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        as_of = con.execute("select max(date_day) from marts.fct_stickiness_daily").fetchall()
        page = render_html(retention_triangle(con), growth_periods(con), as_of[0][0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page)
    return out
