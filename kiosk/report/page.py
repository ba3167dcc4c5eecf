"""The report's HTML page: one self-contained file (pictures inline) in French, to open in a
browser and print. Every text from the store or the configuration is escaped."""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape

from kiosk.report.figures import Report

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
REFUSAL_LABELS = {
    "closed": "hors des horaires d'ouverture",
    "cap": "quota du jour atteint",
    "printer": "imprimante indisponible",
    "store": "incident d'enregistrement",
    "paused": "distribution suspendue par un agent",
    "unknown": "motif inconnu de la borne",
    "appointment_unknown": "rendez-vous inconnu",
    "appointment_early": "rendez-vous : trop tôt",
    "appointment_late": "rendez-vous : trop tard",
}
VOID_LABELS = {
    "interrupted": "interrompu (coupure de courant, redémarrage)",
    "printer": "échec d'impression",
    "error": "erreur du logiciel",
}
SURVEY_REASON_LABELS = {  # the kiosk's five reasons (kiosk.core.events.SURVEY_REASONS)
    "accueil": "accueil et courtoisie",
    "attente": "temps d'attente",
    "information": "clarté des informations",
    "locaux": "confort des locaux",
    "demarche": "ma démarche a abouti",
}
CHART_ALT = {
    "tickets": "Tickets émis par jour et par motif",
    "heatmap": "Arrivées par jour de la semaine et par heure",
    "satisfaction": "Réponses de satisfaction par jour",
    "printer": "Arrêts de l'imprimante par jour",
}

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; max-width: 60rem;
       margin: 1.5rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem;
     border-bottom: 2px solid #1f5f99; padding-bottom: .2rem; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #eef3f8; }
.kpi { display: flex; flex-wrap: wrap; gap: .6rem; padding: 0; list-style: none; }
.kpi li { border: 1px solid #bbb; border-radius: .3rem; padding: .4rem .7rem; min-width: 10rem; }
.kpi b { display: block; font-size: 1.4rem; color: #1f5f99; }
.note { background: #fff6dd; border-left: 4px solid #e0a800; padding: .5rem .8rem; }
img { max-width: 100%; height: auto; }
footer { margin-top: 2rem; color: #666; font-size: .8rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               img, table { break-inside: avoid; } }
"""


def fr_date(day: dt.date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def fr_number(value: float, decimals: int = 1) -> str:
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def fr_int(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _img(name: str, png: bytes | None) -> str:
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<p><img src="data:image/png;base64,{data}" alt="{escape(CHART_ALT.get(name, name))}"></p>'
    )


def build_page(
    report: Report,
    *,
    site: str,
    kiosk_id: str,
    category_labels: Mapping[str, str],
    charts: Mapping[str, bytes] | None,
    charts_missing_hint: str | None,
    generated_at: dt.datetime,
    retention_days: int,
) -> str:
    """The whole page as text."""
    charts = charts or {}

    def label(category: str) -> str:
        return category_labels.get(category, category)

    period = f"du {fr_date(report.first)} au {fr_date(report.last)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Rapport d'accueil – {escape(site)} – {escape(period)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Rapport d'accueil – {escape(site)}</h1>",
        f'<p class="sub">Borne {escape(kiosk_id)}, {escape(period)}. Établi le '
        f"{escape(fr_date(generated_at.date()))} à {generated_at:%H:%M}.</p>",
    ]
    if report.note:
        parts.append(f'<p class="note">{escape(report.note)}</p>')
    if charts_missing_hint:
        parts.append(
            f'<p class="note">Les graphiques demandent matplotlib : '
            f"<code>{escape(charts_missing_hint)}</code>. Les tableaux ci-dessous sont complets.</p>"
        )
    if report.is_empty:
        parts.append(
            '<p class="note">Aucune activité enregistrée sur cette période : ni ticket, ni '
            "demande refusée, ni réponse au questionnaire, ni arrêt de l'imprimante.</p>"
        )
        parts.append(_footer(retention_days))
        return "\n".join(parts) + "\n</body></html>\n"
    parts += _summary(report)
    parts += _tickets_section(report, label, charts)
    parts += _arrivals_section(report, charts)
    parts += _refusals_section(report, label)
    parts += _satisfaction_section(report, charts)
    parts += _printer_section(report, charts)
    parts.append(_footer(retention_days))
    return "\n".join(parts) + "\n</body></html>\n"


def _summary(report: Report) -> list[str]:
    issued = report.total("issued")
    items = [
        (fr_int(issued), "tickets émis"),
        (fr_int(report.total("printed")), "tickets imprimés"),
        (fr_int(report.total("voided")), "tickets annulés (non imprimés)"),
        (fr_int(report.total("refused")), "demandes refusées"),
        (fr_int(report.refused_closed), "venues porte close"),
    ]
    if report.answers:
        items.append((fr_int(report.answers), "réponses au questionnaire"))
        items.append((f"{fr_number(report.satisfied_pct or 0)} %", "satisfaits (note 3 ou 4)"))
        items.append((f"{fr_number(report.mean_score or 0, 2)} / 4", "note moyenne"))
    down_min = sum(p.downtime_open_s for p in report.printer) / 60
    items.append((fr_number(down_min, 0) + " min", "imprimante arrêtée pendant l'ouverture"))
    items.append((fr_int(sum(p.paper_outs for p in report.printer)), "fins de papier"))
    lis = "".join(f"<li><b>{escape(v)}</b>{escape(t)}</li>" for v, t in items)
    return ["<h2>En bref</h2>", f'<ul class="kpi">{lis}</ul>']


DAILY_TABLE_MAX_DAYS = 62  # longer periods are tabulated by week (the CSV files keep days)


def _grouping(report: Report) -> tuple[str, Callable[[dt.date], dt.date], Callable[[dt.date], str]]:
    """(column title, the row a day belongs to, the row's label): days, or weeks."""
    if (report.last - report.first).days < DAILY_TABLE_MAX_DAYS:
        return "Jour", lambda d: d, lambda d: f"{WEEKDAYS[d.weekday()]} {fr_date(d)}"
    return (
        "Semaine",
        lambda d: d - dt.timedelta(days=d.weekday()),
        lambda d: f"semaine du {fr_date(d)}",
    )


def _tickets_section(
    report: Report, label: Callable[[str], str], charts: Mapping[str, bytes]
) -> list[str]:
    title, row_of, row_label = _grouping(report)
    per_cat: dict[str, Counter[str]] = {}
    per_day: dict[dt.date, Counter[str]] = {}
    for r in report.tickets:
        for outcome in ("issued", "printed", "voided", "refused"):
            per_cat.setdefault(r.category, Counter())[outcome] += getattr(r, outcome)
            per_day.setdefault(row_of(r.service_day), Counter())[outcome] += getattr(r, outcome)
    header = ("", "émis", "imprimés", "annulés", "refusés")
    cols = ("issued", "printed", "voided", "refused")
    return [
        "<h2>Fréquentation</h2>",
        _img("tickets", charts.get("tickets")),
        "<h3>Par motif de visite</h3>",
        _table(
            ("Motif", *header[1:]),
            [(label(c), *(fr_int(v[o]) for o in cols)) for c, v in sorted(per_cat.items())],
        ),
        f"<h3>Par {title.lower()}</h3>",
        _table(
            (title, *header[1:]),
            [(row_label(d), *(fr_int(v[o]) for o in cols)) for d, v in sorted(per_day.items())],
        ),
        "<p>Le détail par jour et par motif est dans <code>tickets.csv</code>.</p>",
    ]


def _arrivals_section(report: Report, charts: Mapping[str, bytes]) -> list[str]:
    parts = [
        "<h2>Quand les usagers viennent</h2>",
        "<p>Chaque demande compte à l'heure où l'usager a touché la borne, qu'il ait reçu un "
        "ticket ou non ; les venues porte close sont les demandes faites hors des horaires.</p>",
    ]
    if "heatmap" in charts:
        parts.append(_img("heatmap", charts["heatmap"]))
    hours = sorted({h for _, h in report.arrivals})
    rows = []
    for wd in range(7):
        if any(report.arrivals[wd, h] for h in hours):
            cells = [
                f"{report.arrivals[wd, h]}"
                + (f" ({report.arrivals_closed[wd, h]})" if report.arrivals_closed[wd, h] else "")
                for h in hours
            ]
            rows.append((WEEKDAYS[wd], *cells))
    parts.append(_table(("Jour", *(f"{h}h" for h in hours)), rows))
    parts.append(
        "<p>Entre parenthèses : dont venues porte close. Fichier <code>arrivals.csv</code>.</p>"
    )
    return parts


def _refusals_section(report: Report, label: Callable[[str], str]) -> list[str]:
    by_reason: Counter[str] = Counter()
    for (_, _, reason), n in report.refusals.items():
        by_reason[reason] += n
    parts = ["<h2>Demandes refusées et tickets annulés</h2>"]
    if by_reason:
        parts.append(
            _table(
                ("Motif du refus", "demandes"),
                [(REFUSAL_LABELS.get(r, r or "?"), fr_int(n)) for r, n in by_reason.most_common()],
            )
        )
        per_cat: Counter[tuple[str, str]] = Counter()
        for (_, category, reason), n in report.refusals.items():
            per_cat[category, reason] += n
        reasons = [r for r, _ in by_reason.most_common()]
        parts.append(
            _table(
                ("Motif de visite", *(REFUSAL_LABELS.get(r, r or "?") for r in reasons)),
                [
                    (label(c), *(fr_int(per_cat[c, r]) for r in reasons))
                    for c in sorted({c for c, _ in per_cat})
                ],
            )
        )
    else:
        parts.append("<p>Aucune demande refusée.</p>")
    if report.voids:
        parts.append(
            _table(
                ("Cause de l'annulation", "tickets"),
                [(VOID_LABELS.get(r, r or "?"), fr_int(n)) for r, n in report.voids.most_common()],
            )
        )
    return parts


def _satisfaction_section(report: Report, charts: Mapping[str, bytes]) -> list[str]:
    parts = ["<h2>Satisfaction des usagers</h2>"]
    if not report.answers:
        return [*parts, "<p>Aucune réponse au questionnaire sur cette période.</p>"]
    parts.append(
        "<p>Quatre visages, de 1 (mécontent) à 4 (très satisfait), sans position neutre ; "
        "une même réponse répétée dans les secondes qui suivent ne compte qu'une fois. Rien "
        "n'identifie l'usager.</p>"
    )
    parts.append(_img("satisfaction", charts.get("satisfaction")))
    scores: Counter[int] = Counter()
    for (_, s), n in report.survey.items():
        scores[s] += n
    total = report.answers
    parts.append(
        _table(
            ("Note", "réponses", "part"),
            [
                (str(s), fr_int(scores[s]), f"{fr_number(100 * scores[s] / total)} %")
                for s in (4, 3, 2, 1)
            ],
        )
    )
    title, row_of, row_label = _grouping(report)
    rows: dict[dt.date, Counter[int]] = {}
    for (day, score), n in report.survey.items():
        rows.setdefault(row_of(day), Counter())[score] += n
    parts.append(
        _table(
            (title, "réponses", "note moyenne", "satisfaits"),
            [
                (
                    row_label(d),
                    fr_int(sum(c.values())),
                    fr_number(sum(k * n for k, n in c.items()) / sum(c.values()), 2),
                    f"{fr_number(100 * (c[3] + c[4]) / sum(c.values()))} %",
                )
                for d, c in sorted(rows.items())
            ],
        )
    )
    reasons = sorted({r for r, _ in report.survey_reasons})
    if any(reasons):
        parts.append("<h3>Motifs donnés</h3>")
        parts.append(
            _table(
                ("Motif", "1", "2", "3", "4", "total"),
                [
                    (
                        SURVEY_REASON_LABELS.get(r, r) or "(sans motif)",
                        *(fr_int(report.survey_reasons[r, s]) for s in (1, 2, 3, 4)),
                        fr_int(sum(report.survey_reasons[r, s] for s in (1, 2, 3, 4))),
                    )
                    for r in reasons
                ],
            )
        )
    return parts


def _printer_section(report: Report, charts: Mapping[str, bytes]) -> list[str]:
    parts = ["<h2>Imprimante</h2>"]
    if not report.printer:
        return [*parts, "<p>Aucun arrêt de l'imprimante sur cette période.</p>"]
    parts.append(_img("printer", charts.get("printer")))
    parts.append(
        _table(
            ("Jour", "fins de papier", "arrêt (min)", "dont heures d'ouverture (min)"),
            [
                (
                    f"{WEEKDAYS[p.service_day.weekday()]} {fr_date(p.service_day)}",
                    fr_int(p.paper_outs),
                    fr_number(p.downtime_s / 60, 0),
                    fr_number(p.downtime_open_s / 60, 0),
                )
                for p in report.printer
            ],
        )
    )
    return parts


def _footer(retention_days: int) -> str:
    return (
        "<footer>Chiffres tenus par la borne elle-même, au moment de chaque événement, et "
        f"conservés {retention_days} jours ; ils ne dépendent pas du serveur de file "
        "d'attente. Les fichiers CSV à côté de cette page donnent les mêmes chiffres.</footer>"
    )
