"""The hourglass picture: the ten funnel layers for a date range, as one
standalone HTML file (inline SVG, no scripts), rendered from the marts.

Each layer is a bar centred on the page, so the stack draws the hourglass from
the data: a bar's width follows its headline figure on a log scale (see
`band_share`). Beside each bar, a sparkline of the headline figure per day.
The page is a CSS grid that reflows from a phone to print; SVGs scale to their
column (viewBox, no fixed pixel width).

The page and SVG helpers (`page`, `sparkline`, `bar`) serve any report picture:
a new picture queries its marts, then builds its body from them.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

HALF_COLOURS = {"top": "#3b6fb6", "middle": "#d08a1c", "bottom": "#2f8f5b"}
# The layer whose row also shows its sessions (session_figures).
END_USERS_LAYER = 10
# The thinnest bar (a figure of 0 or none), as a share of the full width.
MIN_BAND_SHARE = 0.04

PAGE_CSS = """
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 0 auto; padding: 1.5rem;
  max-width: 90rem; color: #222; line-height: 1.35; }
h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p.note, .note { color: #555; font-size: .9rem; }
svg { display: block; width: 100%; height: auto; }
.layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(16rem, 1fr); gap: 2rem; }
.layer { display: grid; grid-template-columns: minmax(11rem, 2fr) minmax(0, 3fr) minmax(5rem, 1fr);
  gap: .75rem; align-items: center; padding: .35rem 0; border-bottom: 1px solid #eee;
  break-inside: avoid; }
.layer .name { font-weight: 600; }
.layer .figures { font-size: .85rem; color: #444; overflow-wrap: anywhere; }
.spark { font-size: .7rem; color: #666; }
ol.journey { padding-left: 1.2rem; margin: 0; }
ol.journey li { margin-bottom: .6rem; }
ol.journey .count { font-weight: 600; }
@media (max-width: 64rem) { .layout { grid-template-columns: minmax(0, 1fr); } }
@media (max-width: 40rem) {
  .layer { grid-template-columns: minmax(0, 1fr); gap: .25rem; }
}
@media print { body { padding: 0; max-width: none; } }
"""


@dataclass(frozen=True)
class Figure:
    metric: str
    aggregation: str  # sum | average | last | median (of the range's events)
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
    trend: tuple[float, ...] = ()  # the headline metric per day of the range
    more: tuple[Figure, ...] = ()  # further figures shown under the two


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    developers: int
    previous_stage_developers: int  # developers who reached the stage before
    converted_from_previous_stage: int  # of those, how many reached this one


def date_range(
    con: duckdb.DuckDBPyConnection, start: dt.date | None, end: dt.date | None, days: int = 28
) -> tuple[dt.date | None, dt.date | None]:
    """The range asked for; by default the last `days` days ending on as_of_date.
    (None, None) when the marts hold no day and none was asked for."""
    as_of = con.execute("select max(date_day) from marts.fct_funnel_daily").fetchall()
    end = end or as_of[0][0]
    if end is None:
        return start, None
    return start or end - dt.timedelta(days=days - 1), end


def layers(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[Layer]:
    """Each layer's headline and secondary metric, aggregated over the range as the
    seed says: summed (flows), averaged per day (daily distinct counts) or last;
    with the headline's daily values for the sparkline."""
    rows = con.execute(
        """
        with in_range as (
            select * from marts.fct_funnel_daily where date_day between $start and $end
        ),
        aggregated as (
            select layer_number, metric, sum(value) as total, avg(value) as average,
                max_by(value, date_day) as last, list(value order by date_day) as daily
            from in_range group by 1, 2
        )
        select l.layer_number, l.layer_name, l.hourglass_half,
            l.headline_metric, l.headline_aggregation,
            case l.headline_aggregation when 'sum' then h.total when 'average' then h.average
                else h.last end,
            l.secondary_metric, l.secondary_aggregation,
            case l.secondary_aggregation when 'sum' then s.total when 'average' then s.average
                else s.last end,
            coalesce(h.daily, [])
        from marts.dim_funnel_layers as l
        left join aggregated as h
            on h.layer_number = l.layer_number and h.metric = l.headline_metric
        left join aggregated as s
            on s.layer_number = l.layer_number and s.metric = l.secondary_metric
        order by l.layer_number
        """,
        {"start": start, "end": end},
    ).fetchall()
    shown = [Layer(*row[:3], Figure(*row[3:6]), Figure(*row[6:9]), tuple(row[9])) for row in rows]
    more = {END_USERS_LAYER: session_figures(con, start, end)}
    return [replace(layer, more=more.get(layer.number, ())) for layer in shown]


def session_figures(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date):
    """Layer 10's sessions over the range (docs/analyst_guide.md, "End-user
    sessions"): sessions started per day, averaged over the range's days, and the
    median minutes from first to last request of all sessions started in the range
    (not an average of daily medians); None when no session started."""
    per_day, median = con.execute(
        """
        select
            (select avg(end_user_sessions) from marts.fct_funnel_l10_end_users
             where date_day between $start and $end),
            (select median(duration_minutes) from marts.fct_end_user_sessions
             where started_date between $start and $end)
        """,
        {"start": start, "end": end},
    ).fetchall()[0]
    return (
        Figure("end_user_sessions", "average", per_day),
        Figure("median_session_minutes", "median", median),
    )


def stages(con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> list[Stage]:
    """The journey's stages for the weekly cohorts that start within the range."""
    rows = con.execute(
        """
        select stage_number, stage, sum(developers), sum(previous_stage_developers),
            sum(converted_from_previous_stage)
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


def band_share(value: float | None, largest: float | None) -> float:
    """A bar's width as a share of the full width: log10(1 + value) over
    log10(1 + largest), so every tenfold step adds the same width and a layer of
    millions of requests sits beside one of tens of developers; at least
    MIN_BAND_SHARE (a figure of 0, none, or every figure 0)."""
    if not value or not largest or value <= 0:
        return MIN_BAND_SHARE
    scaled = math.log10(1 + value) / math.log10(1 + largest)
    return MIN_BAND_SHARE + (1 - MIN_BAND_SHARE) * min(scaled, 1.0)


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def bar(share: float, colour: str, label: str) -> str:
    """A centred horizontal bar `share` (0-1) of its column's width, as SVG."""
    width = 1000 * share
    return (
        f'<svg viewBox="0 0 1000 44" preserveAspectRatio="none" role="img"'
        f' aria-label="{html.escape(label)}">'
        f'<rect class="band" x="{(1000 - width) / 2:.1f}" y="2" width="{width:.1f}" height="40"'
        f' rx="4" fill="{colour}"/></svg>'
    )


def sparkline(values: tuple[float | None, ...] | list[float | None], label: str) -> str:
    """A small line of `values` (None and missing days drawn as 0), scaled from 0
    to their maximum, as SVG; an empty series draws a flat line."""
    points = [v or 0.0 for v in values] or [0.0]
    top = max(points) or 1.0
    step = 100 / max(len(points) - 1, 1)
    line = " ".join(f"{i * step:.1f},{22 - 20 * v / top:.1f}" for i, v in enumerate(points))
    return (
        f'<svg viewBox="0 0 100 24" preserveAspectRatio="none" role="img"'
        f' aria-label="{html.escape(label)}"><polyline points="{line}" fill="none"'
        ' stroke="#555" stroke-width="1.5" vector-effect="non-scaling-stroke"/></svg>'
    )


def page(title: str, body: str) -> str:
    """A standalone HTML page: `title` as its heading, `body` (HTML) below it."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{PAGE_CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
{body}
</body></html>
"""


def _layer_rows(layers: list[Layer], end: dt.date) -> str:
    largest = max((layer.headline.value or 0 for layer in layers), default=0)
    rows = []
    for layer in layers:
        name = f"{layer.number}. {layer.name.replace('_', ' ')}"
        headline = layer.headline.label(end)
        daily = layer.headline.metric.replace("_", " ")
        more = "".join(f"<br>{html.escape(figure.label(end))}" for figure in layer.more)
        band = bar(band_share(layer.headline.value, largest), HALF_COLOURS[layer.half], headline)
        rows.append(
            f'<div class="layer"><div><div class="name">{html.escape(name)}</div>'
            f'<div class="figures">{html.escape(headline)}<br>'
            f"{html.escape(layer.secondary.label(end))}{more}</div></div>"
            f'<div>{band}</div><div class="spark">{sparkline(layer.trend, f"{daily} per day")}'
            f"{html.escape(daily)} per day</div></div>"
        )
    return "\n".join(rows)


def _journey(stages: list[Stage], medians, start: dt.date, end: dt.date) -> str:
    items = []
    previous_name = None
    for stage in stages:
        name = stage.name.replace("_", " ")
        line = f'<span class="count">{stage.developers:,}</span> developers'
        if previous_name is not None:
            share = (
                stage.converted_from_previous_stage / stage.previous_stage_developers
                if stage.previous_stage_developers
                else None
            )
            line += (
                f'<br><span class="note">of the {stage.previous_stage_developers:,} who reached'
                f" {previous_name}, {stage.converted_from_previous_stage:,}"
                f" ({_percent(share)}) also reached {name}</span>"
            )
        items.append(f"<li><strong>{html.escape(name)}</strong>: {line}</li>")
        previous_name = name
    hello, production = medians
    return f"""<h2>Developer journey</h2>
<p class="note">Weekly sign-up cohorts starting {start} to {end}. Stages are not nested
(a developer can reach production without certification), so a stage can count more
developers than the one before; each conversion says whom it divides.</p>
<ol class="journey">{"".join(items)}</ol>
<p class="note">Median hours from sign-up to first hello world: {_number(hello)}<br>
Median hours from sign-up to production: {_number(production)}</p>"""


def render_html(
    layers: list[Layer], stages: list[Stage], medians, start: dt.date, end: dt.date
) -> str:
    """The hourglass page for the range: a row per layer (figures, bar, sparkline)
    and the developer journey beside them."""
    body = f"""<p class="note">Top half (blue): layers 1-5 bring people in. Middle (orange):
layer 6, the value generated. Bottom half (green): layers 7-10 carry it out. Flows are
summed over the range, daily distinct counts averaged per day, stocks taken on {end};
the median session is that of all end-user sessions started in the range.
Bar widths follow each layer's headline figure on a log scale (log10 of 1 + the figure,
the largest figure spanning the column), so every tenfold step adds the same width.</p>
<div class="layout"><section aria-label="layers">
{_layer_rows(layers, end)}
</section><section>
{_journey(stages, medians, start, end)}
</section></div>"""
    return page(f"API value generation funnel, {start} to {end}", body)


def render_empty(reason: str) -> str:
    """The page when there is nothing to draw, saying why."""
    return page(
        "API value generation funnel: no data",
        f'<p class="note">{html.escape(reason)}</p>',
    )


def write_picture(
    warehouse: Path, out: Path, start: dt.date | None = None, end: dt.date | None = None
) -> Path:
    """Render the hourglass for a date range (default: the last 28 days) to `out`,
    from the marts of `warehouse` (the working or the published file). With no
    funnel day in the marts, the page says there is no data."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        start, end = date_range(con, start, end)
        if start is None or end is None:
            text = render_empty("The marts hold no funnel day yet: no API request has been loaded.")
        else:
            text = render_html(
                layers(con, start, end),
                stages(con, start, end),
                journey_medians(con, start, end),
                start,
                end,
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return out
