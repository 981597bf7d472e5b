"""The hourglass picture: the ten funnel layers for a date range, as one
standalone HTML file (inline SVG, no scripts), rendered from the marts."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import duckdb

HALF_COLOURS = {"top": "#3b6fb6", "middle": "#d08a1c", "bottom": "#2f8f5b"}
# Band widths (px) from layer 1 to 10 and below: the hourglass outline.
WIDTHS = (900, 800, 710, 630, 560, 500, 560, 630, 710, 800, 900)
BAND_HEIGHT = 66


@dataclass(frozen=True)
class Figure:
    metric: str
    aggregation: str  # sum | average | last
    value: float | None

    def label(self, end: dt.date) -> str:
        text = f"{self.metric.replace('_', ' ')}: {_number(self.value)}"
        if self.aggregation == "average":
            return text + " per day"
        return text + (f" on {end}" if self.aggregation == "last" else "")


@dataclass(frozen=True)
class Layer:
    number: int
    name: str
    half: str
    headline: Figure
    secondary: Figure


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    developers: int
    share_of_previous: float | None


def date_range(
    con: duckdb.DuckDBPyConnection, start: dt.date | None, end: dt.date | None, days: int = 28
) -> tuple[dt.date, dt.date]:
    """The range asked for; by default the last `days` days ending on as_of_date."""
    as_of = con.execute("select max(date_day) from marts.fct_funnel_daily").fetchall()
    # no data at all: an empty picture ending today rather than a crash
    end = end or as_of[0][0] or dt.datetime.now(dt.UTC).date()
    return start or end - dt.timedelta(days=days - 1), end


def layers(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[Layer]:
    """Each layer's headline and secondary metric, aggregated over the range as the
    seed says: summed (flows), averaged per day (daily distinct counts) or last."""
    rows = con.execute(
        """
        with in_range as (
            select * from marts.fct_funnel_daily where date_day between $start and $end
        ),
        figures as (
            select l.layer_number, l.layer_name, l.hourglass_half, f.metric, f.date_day,
                f.value, l.headline_metric, l.headline_aggregation, l.secondary_metric,
                l.secondary_aggregation
            from marts.dim_funnel_layers as l
            left join in_range as f on f.layer_number = l.layer_number
        ),
        aggregated as (
            select layer_number, metric,
                sum(value) as total, avg(value) as average, max_by(value, date_day) as last
            from figures group by 1, 2
        )
        select l.layer_number, l.layer_name, l.hourglass_half,
            l.headline_metric, l.headline_aggregation,
            case l.headline_aggregation when 'sum' then h.total when 'average' then h.average
                else h.last end,
            l.secondary_metric, l.secondary_aggregation,
            case l.secondary_aggregation when 'sum' then s.total when 'average' then s.average
                else s.last end
        from marts.dim_funnel_layers as l
        left join aggregated as h
            on h.layer_number = l.layer_number and h.metric = l.headline_metric
        left join aggregated as s
            on s.layer_number = l.layer_number and s.metric = l.secondary_metric
        order by l.layer_number
        """,
        {"start": start, "end": end},
    ).fetchall()
    return [Layer(*row[:3], Figure(*row[3:6]), Figure(*row[6:9])) for row in rows]


def stages(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[Stage]:
    """The journey's stages for the weekly cohorts that start within the range."""
    rows = con.execute(
        """
        select stage_number, stage, sum(developers),
            sum(converted_from_previous_stage) / nullif(sum(previous_stage_developers), 0)
        from marts.fct_funnel_conversion
        where cohort_week between $start and $end
        group by all order by stage_number
        """,
        {"start": start, "end": end},
    ).fetchall()
    return [Stage(*row) for row in rows]


def journey_medians(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date):
    """Median hours to first hello world and to production, for sign-ups in the range."""
    return con.execute(
        """
        select median(hours_to_first_hello_world), median(hours_to_production)
        from marts.fct_developer_journey
        where cast(signed_up_at as date) between $start and $end
        """,
        {"start": start, "end": end},
    ).fetchall()[0]


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def render_html(
    layers: list[Layer], stages: list[Stage], medians, start: dt.date, end: dt.date
) -> str:
    width, left = 1420, 40
    centre = left + max(WIDTHS) / 2
    parts = []
    for index, layer in enumerate(layers):
        top, bottom = WIDTHS[index], WIDTHS[index + 1]
        y = 70 + index * BAND_HEIGHT
        points = [
            (centre - top / 2, y),
            (centre + top / 2, y),
            (centre + bottom / 2, y + BAND_HEIGHT - 4),
            (centre - bottom / 2, y + BAND_HEIGHT - 4),
        ]
        outline = " ".join(f"{x:.0f},{py:.0f}" for x, py in points)
        label = f"{layer.number}. {layer.name.replace('_', ' ')}"
        parts.append(
            f'<polygon points="{outline}" fill="{HALF_COLOURS[layer.half]}" opacity="0.88"/>'
            f'<text x="{centre:.0f}" y="{y + 20}" class="layer">{html.escape(label)}</text>'
            f'<text x="{centre:.0f}" y="{y + 38}" class="metric">'
            f"{html.escape(layer.headline.label(end))}</text>"
            f'<text x="{centre:.0f}" y="{y + 54}" class="metric">'
            f"{html.escape(layer.secondary.label(end))}</text>"
        )
    x = left + max(WIDTHS) + 40
    stage_lines = [
        f'<text x="{x}" y="90" class="heading">Developer journey</text>',
        f'<text x="{x}" y="110" class="note">cohorts of weeks starting {start} to {end}</text>',
    ]
    for index, stage in enumerate(stages):
        y = 145 + index * 48
        conversion = (
            "" if stage.number == 1 else f" ({_percent(stage.share_of_previous)} of previous)"
        )
        name = html.escape(stage.name.replace("_", " "))
        stage_lines.append(
            f'<text x="{x}" y="{y}" class="stage">{name}</text>'
            f'<text x="{x}" y="{y + 18}" class="metric-dark">{stage.developers:,} developers'
            f"{html.escape(conversion)}</text>"
        )
    hello, production = medians
    y = 145 + len(stages) * 48 + 10
    stage_lines.append(
        f'<text x="{x}" y="{y}" class="note">median hours to first hello world: '
        f"{_number(hello)}</text>"
        f'<text x="{x}" y="{y + 18}" class="note">median hours to production: '
        f"{_number(production)}</text>"
    )
    height = 70 + len(layers) * BAND_HEIGHT + 40
    title = f"API value generation funnel, {start} to {end}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; color: #222; }}
text.layer {{ fill: white; font-size: 15px; font-weight: 600; text-anchor: middle; }}
text.metric {{ fill: white; font-size: 13px; text-anchor: middle; }}
text.heading {{ font-size: 16px; font-weight: 600; }}
text.stage {{ font-size: 14px; font-weight: 600; }}
text.metric-dark, text.note {{ font-size: 13px; fill: #444; }}
</style></head>
<body>
<h1 style="font-size:20px">{html.escape(title)}</h1>
<p>Top half: layers 1-5 bring people in. Middle: layer 6, the value generated.
Bottom half: layers 7-10 carry it out. Flows are summed over the range, daily
distinct counts averaged per day.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"
  role="img" aria-label="{html.escape(title)}">
{"".join(parts)}
{"".join(stage_lines)}
</svg>
</body></html>
"""


def write_picture(
    warehouse: Path, out: Path, start: dt.date | None = None, end: dt.date | None = None
) -> Path:
    """Render the hourglass for a date range (default: the last 28 days) to `out`,
    from the marts of `warehouse` (the working or the published file)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        start, end = date_range(con, start, end)
        page = render_html(
            layers(con, start, end),
            stages(con, start, end),
            journey_medians(con, start, end),
            start,
            end,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page)
    return out
