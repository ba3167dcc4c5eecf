"""The report's pictures, drawn with matplotlib (the optional ``report`` extra).

matplotlib is imported only here, only when ``kiosk report`` draws: the kiosk itself never
loads it. The object API (``Figure``) is used, not pyplot: no GUI backend, no global state.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Mapping
from typing import Any

from kiosk.report.figures import Report

logger = logging.getLogger(__name__)

INSTALL_HINT = "pip install kiosk-borne[report]"
DPI = 90
WEEKDAY_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
SCORE_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#9bc53d", 4: "#2e8b57"}
SCORE_LABELS = {1: "1 (mécontent)", 2: "2", 3: "3", 4: "4 (très satisfait)"}
CATEGORY_COLOURS = ("#1f5f99", "#5b9bd5", "#7f6a93", "#3a8f8f", "#b07d2b", "#8c564b", "#666666")


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def render_charts(report: Report, category_labels: Mapping[str, str]) -> dict[str, bytes]:
    """PNG pictures by name (``tickets``, ``heatmap``, ``satisfaction``, ``printer``); only
    those with something to show. Raises ImportError without matplotlib."""
    from matplotlib.figure import Figure

    charts: dict[str, bytes] = {}
    if report.tickets:
        charts["tickets"] = _png(_tickets_chart(Figure, report, category_labels))
    if report.arrivals:
        charts["heatmap"] = _png(_heatmap(Figure, report))
    if report.survey:
        charts["satisfaction"] = _png(_satisfaction_chart(Figure, report))
    if report.printer:
        charts["printer"] = _png(_printer_chart(Figure, report))
    return charts


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


DAILY_MAX_DAYS = 62  # longer periods are drawn by week, then by month (readable, and fast)


def _bins(report: Report) -> tuple[list[dt.date], float, Callable[[dt.date], int]]:
    """The bars' dates, their width in days, and the bar of each day."""
    n = (report.last - report.first).days + 1
    if n <= DAILY_MAX_DAYS:
        days = [report.first + dt.timedelta(days=i) for i in range(n)]
        return days, 0.8, lambda d: (d - report.first).days
    if n <= 3 * 366:
        monday = report.first - dt.timedelta(days=report.first.weekday())
        weeks = (report.last - monday).days // 7 + 1
        starts = [monday + dt.timedelta(weeks=i) for i in range(weeks)]
        return [d + dt.timedelta(days=3) for d in starts], 6.0, lambda d: (d - monday).days // 7
    y0, m0 = report.first.year, report.first.month
    months = (report.last.year - y0) * 12 + report.last.month - m0 + 1
    starts = [dt.date(y0 + (m0 - 1 + i) // 12, (m0 - 1 + i) % 12 + 1, 15) for i in range(months)]
    return starts, 25.0, lambda d: (d.year - y0) * 12 + d.month - m0


def _unit(width_days: float) -> str:
    return "jour" if width_days < 1 else ("semaine" if width_days < 10 else "mois")


def _date_axis(ax: Any) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m"))
    ax.spines[["top", "right"]].set_visible(False)


def _tickets_chart(figure: Any, report: Report, labels: Mapping[str, str]) -> Any:
    fig = figure(figsize=(9, 3.4), layout="constrained")
    ax = fig.subplots()
    days, width, index = _bins(report)
    categories = sorted({r.category for r in report.tickets})
    bottom = [0] * len(days)
    for k, category in enumerate(categories):
        values = [0] * len(days)
        for r in report.tickets:
            if r.category == category:
                values[index(r.service_day)] += r.issued
        ax.bar(
            days,
            values,
            bottom=bottom,
            width=width,
            color=CATEGORY_COLOURS[k % len(CATEGORY_COLOURS)],
            label=labels.get(category, category),
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    refused = [0] * len(days)
    for r in report.tickets:
        refused[index(r.service_day)] += r.refused
    if any(refused):
        ax.bar(
            days,
            refused,
            bottom=bottom,
            width=width,
            color="#d9d9d9",
            hatch="//",
            edgecolor="#999999",
            linewidth=0,
            label="refusés",
        )
    ax.set_ylabel(f"visiteurs par {_unit(width)}")
    ax.set_title(f"Tickets émis par {_unit(width)} et par motif, et demandes refusées", loc="left")
    ax.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _date_axis(ax)
    return fig


def _heatmap(figure: Any, report: Report) -> Any:
    hours = sorted({h for _, h in report.arrivals})
    lo, hi = hours[0], hours[-1]
    columns = list(range(lo, hi + 1))
    has_closed = bool(report.arrivals_closed)
    fig = figure(figsize=(9, 2.6 * (2 if has_closed else 1)), layout="constrained")
    axes = fig.subplots(2 if has_closed else 1, 1, squeeze=False)[:, 0]
    panels = [
        (report.arrivals, "Arrivées (toutes demandes) par jour de la semaine et heure", "Blues")
    ]
    if has_closed:
        panels.append(
            (report.arrivals_closed, "Dont venues porte close (hors horaires)", "Oranges")
        )
    for ax, (counts, title, cmap) in zip(axes, panels, strict=True):
        grid = [[counts[wd, h] for h in columns] for wd in range(7)]
        peak = max(max(row) for row in grid) or 1
        ax.imshow(grid, aspect="auto", cmap=cmap, vmin=0, vmax=peak)
        ax.set_yticks(range(7), WEEKDAY_SHORT)
        ax.set_xticks(range(len(columns)), [f"{h}h" for h in columns])
        ax.set_title(title, loc="left")
        if len(columns) <= 16:
            for y, row in enumerate(grid):
                for x, value in enumerate(row):
                    if value:
                        ax.text(
                            x,
                            y,
                            str(value),
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="white" if value > peak * 0.6 else "black",
                        )
    return fig


def _satisfaction_chart(figure: Any, report: Report) -> Any:
    fig = figure(figsize=(9, 3.0), layout="constrained")
    ax = fig.subplots()
    days, width, index = _bins(report)
    bottom = [0] * len(days)
    for score in (1, 2, 3, 4):
        values = [0] * len(days)
        for (day, s), n in report.survey.items():
            if s == score:
                values[index(day)] += n
        ax.bar(
            days,
            values,
            bottom=bottom,
            width=width,
            color=SCORE_COLOURS[score],
            label=SCORE_LABELS[score],
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel(f"réponses par {_unit(width)}")
    ax.set_title(f"Satisfaction : réponses par {_unit(width)} et par note", loc="left")
    ax.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _date_axis(ax)
    return fig


def _printer_chart(figure: Any, report: Report) -> Any:
    fig = figure(figsize=(9, 2.6), layout="constrained")
    ax = fig.subplots()
    days, width, index = _bins(report)
    minutes = [0.0] * len(days)
    outs = [0] * len(days)
    for p in report.printer:
        minutes[index(p.service_day)] += p.downtime_open_s / 60
        outs[index(p.service_day)] += p.paper_outs
    ax.bar(
        days, minutes, width=width, color="#c0392b", label="minutes d'arrêt (heures d'ouverture)"
    )
    from matplotlib.ticker import MaxNLocator

    ax2 = ax.twinx()
    marked = [(d, n) for d, n in zip(days, outs, strict=True) if n]
    ax2.plot([d for d, _ in marked], [n for _, n in marked], "v", color="#333333",
             label="fins de papier")  # fmt: skip
    ax2.set_ylim(0, max([1, *outs]) * 1.15)
    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_ylabel(f"fins de papier par {_unit(width)}")
    ax2.spines[["top"]].set_visible(False)
    ax.set_ylabel(f"minutes par {_unit(width)}")
    ax.set_title("Imprimante : arrêts pendant l'ouverture et fins de papier", loc="left")
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    fig.legend(handles=handles, fontsize="small", frameon=False, loc="outside lower center",
               ncols=2)  # fmt: skip
    _date_axis(ax)
    return fig
