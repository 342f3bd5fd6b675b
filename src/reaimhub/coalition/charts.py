"""Charts of the supporters of one instrument, as standalone SVG (no network, no JavaScript, no fonts).

Two figures, in the style of the world map (`reaimhub.coalition.geo.choropleth`):

- `render_step_chart`: cumulative supporters over time as a step line (dates across, counts up), with a
  dashed line for the declared number of supporters when it is known, and, for a partial list, a visible
  note ("6 of 61 named: the line shows named supporters only") and the declared-but-not-named gap hatched.
- `render_bar_chart`: coverage of each group as a horizontal bar on a 0-100 % axis, with the count
  ("12 of 54") written beside it; for a partial list every share is a lower bound, which the figure says,
  and the rest of each bar is hatched (not named, which may include supporters).

The title, the as-of date and the source are part of every picture; the colours are Okabe-Ito (told
apart with the common colour vision deficiencies) and what is partial is hatched, so that it is told
apart without colour. Every mark carries a `<title>` tooltip, and `<desc>` gives the numbers as text.
Output is deterministic: the same input gives the same bytes. `instrument_charts` builds both figures
from a `SupportersResult` of the analytics service. Words are in the current language (`reaimhub.i18n`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from reaimhub.coalition.analytics import TimePoint
from reaimhub.coalition.geo.choropleth import OKABE_ITO
from reaimhub.coalition.svgcanvas import (
    MUTED_COLOUR,
    PAD,
    TEXT_COLOUR,
    SvgCanvas,
    check_figure_inputs,
)
from reaimhub.coalition.svgcanvas import one_decimal as _n  # short: it stands in every coordinate
from reaimhub.coalition.svgtext import text_width, wrap
from reaimhub.i18n import N_, format_decimal
from reaimhub.i18n import gettext as _

__all__ = ["WIDTH", "BarRow", "render_bar_chart", "render_step_chart"]

WIDTH = 820
_GRID = "#D9D9D9"
_TRACK = "#EEEEEE"
_LINE = OKABE_ITO["blue"]
_DECLARED = OKABE_ITO["vermillion"]
_NOTE_FILL = "#FFF6E0"
_NOTE_STROKE = OKABE_ITO["orange"]
_HATCH_FILL = "#F2F2F2"
_HATCH_LINE = "#9A9A9A"


@dataclass(frozen=True)
class BarRow:
    """One bar: `count` of `total` (the denominator); `tip` is added to the bar's tooltip."""

    label: str
    count: int
    total: int
    tip: str = ""

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None


# --- text and frame -------------------------------------------------------------------------------


def _canvas() -> SvgCanvas:
    return SvgCanvas(WIDTH, _n)


def _header(canvas: SvgCanvas, title: str, as_of: str, caption: str | None) -> float:
    return canvas.header(title, as_of, caption, title_size=18, title_y=28)


def _note(canvas: SvgCanvas, y: float, text: str, prefix: str) -> float:
    """A boxed, hatched-swatch note that cannot be missed (partial lists, lower bounds)."""
    lines = wrap(text, 13, WIDTH - 2 * PAD - 44)
    height = 12 + 13 * 1.35 * len(lines)
    canvas.add(
        f'<g class="caveat"><rect x="{PAD}" y="{_n(y)}" width="{WIDTH - 2 * PAD}" height="{_n(height)}" '
        f'rx="4" fill="{_NOTE_FILL}" stroke="{_NOTE_STROKE}" stroke-width="1"/>'
        f'<rect x="{PAD + 10}" y="{_n(y + 8)}" width="18" height="12" fill="url(#{prefix}-hatch)" '
        f'stroke="{_HATCH_LINE}" stroke-width=".6"/>'
    )
    canvas.paragraph(PAD + 36, y + 19, text, 13, WIDTH - 2 * PAD - 44, weight="bold")
    canvas.add("</g>")
    return y + height


def _document(canvas: SvgCanvas, y: float, source: str, prefix: str, title: str, desc: str) -> str:
    """The footer (the source) under y, then the standalone SVG with the hatch pattern in its defs."""
    hatch = (
        f'<pattern id="{prefix}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{_HATCH_FILL}"/>'
        f'<line x1="3" y1="0" x2="3" y2="6" stroke="{_HATCH_LINE}" stroke-width="1"/></pattern>'
    )
    height = canvas.footer(y, [_("Source: %(cite)s", cite=source)])
    return canvas.document(height, prefix, title, desc, hatch)


def _legend(canvas: SvgCanvas, y: float, items: Sequence[tuple[str, str]]) -> float:
    """Legend items (swatch markup drawn at (x, y), label) laid out in rows; returns the next baseline."""
    x = float(PAD)
    canvas.add('<g class="legend">')
    for swatch, label in items:
        width = 30 + text_width(label, 12) + 20
        x, y = canvas.legend_place(x, y, width)
        canvas.add(swatch.replace("{x}", _n(x)).replace("{x2}", _n(x + 22)).replace("{y}", _n(y)))
        canvas.text(x + 28, y + 4, label, 12)
        x += width
    canvas.add("</g>")
    return y + 22


# --- dates ------------------------------------------------------------------------------------------


def _day(text: str) -> date:
    """An ISO date, or the first day of an ISO month or year ("2024-09", "2024")."""
    text = text.strip()[:10]
    for size, suffix in ((10, ""), (7, "-01"), (4, "-01-01")):
        if len(text) == size:
            try:
                return date.fromisoformat(text + suffix)
            except ValueError:
                break
    raise ValueError(f"not a date: {text!r}")


def _date_ticks(start: date, end: date) -> list[tuple[date, str]]:
    """Ticks on the first of a month (short spans) or of a year, at most eight of them."""
    span_months = (end.year - start.year) * 12 + end.month - start.month
    if span_months <= 24:
        step = next(s for s in (1, 2, 3, 6, 12) if span_months // s <= 7)
        ticks: list[tuple[date, str]] = []
        year, month = start.year, start.month
        while True:
            month += 1
            if month > 12:
                year, month = year + 1, 1
            day = date(year, month, 1)
            if day > end:
                return ticks
            if (month - 1) % step == 0:
                ticks.append((day, f"{year}-{month:02d}"))
    step = next(s for s in (1, 2, 5, 10, 20, 50) if (end.year - start.year) // s <= 7)
    return [
        (date(y, 1, 1), str(y))
        for y in range(start.year + 1, end.year + 1)
        if y % step == 0 and date(y, 1, 1) <= end
    ]


def _count_ticks(top: int) -> tuple[int, int]:
    """(axis maximum, tick step) for counts up to `top`, with at most eight steps."""
    wanted = max(1, math.ceil(top * 1.08))
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if math.ceil(wanted / step) <= 8:
            return math.ceil(wanted / step) * step, step
    step = 10 ** len(str(wanted))
    return math.ceil(wanted / step) * step, step


# --- cumulative supporters over time ----------------------------------------------------------------


def render_step_chart(
    points: Sequence[TimePoint],
    *,
    title: str,
    as_of: str,
    source: str,
    caption: str | None = None,
    y_label: str = N_("Supporters (cumulative)"),
    caveat: str | None = None,
    declared: int | None = None,
    declared_as_of: str | None = None,
    id_prefix: str = "chart",
) -> str:
    """A standalone SVG (`WIDTH` px wide) of cumulative supporters as a step line over dated points.

    `declared` draws a dashed horizontal line ("61 declared"); `caveat`, for a partial list, is written
    in a box in the figure ("6 of 61 named: the line shows named supporters only"), and the gap between
    the line and the declared number after the last point is hatched. The line stops at `as_of` (or the
    last point if later): nothing after that date is in the data. Raises ValueError for a blank as-of
    date or source, an invalid id prefix or a date that is not ISO.
    """
    check_figure_inputs(as_of, source, id_prefix, figure="chart")
    prefix = id_prefix
    ordered = sorted(points, key=lambda p: p.date)
    days = [_day(p.date) for p in ordered]
    last_count = ordered[-1].cumulative if ordered else 0
    canvas = _canvas()
    y = _header(canvas, title, as_of, caption)
    if caveat:
        y = _note(canvas, y + 6, caveat, prefix) + 4

    # frame: the dates of the points, the as-of date and the declared number's date, padded
    known = [*days]
    for extra in (as_of, declared_as_of):
        if _is_date(extra or ""):
            known.append(_day(extra or ""))
    first, last = (min(known), max(known)) if known else (date(2000, 1, 1), date(2000, 1, 1))
    pad = timedelta(days=max(45, round((last - first).days * 0.06)))
    start, end = first - pad, last + pad
    top_count, step = _count_ticks(max(last_count, declared or 0, 1))
    left, right = 72.0, WIDTH - 28.0
    top, bottom = y + 30, y + 30 + 250
    span = (end - start).days or 1

    def px(day: date) -> float:
        return left + (day - start).days / span * (right - left)

    def py(count: float) -> float:
        return bottom - count / top_count * (bottom - top)

    canvas.add('<g class="axes">')
    for value in range(0, top_count + 1, step):
        canvas.add(
            f'<line x1="{_n(left)}" y1="{_n(py(value))}" x2="{_n(right)}" y2="{_n(py(value))}" '
            f'stroke="{_GRID if value else MUTED_COLOUR}" stroke-width="{1 if value else 1.2}"/>'
        )
        canvas.text(left - 6, py(value) + 4, str(value), 11, colour=MUTED_COLOUR, anchor="end")
    for day, label in _date_ticks(start, end):
        x = px(day)
        canvas.add(
            f'<line x1="{_n(x)}" y1="{_n(bottom)}" x2="{_n(x)}" y2="{_n(bottom + 5)}" '
            f'stroke="{MUTED_COLOUR}"/>'
        )
        canvas.text(x, bottom + 18, label, 11, colour=MUTED_COLOUR, anchor="middle")
    middle = (top + bottom) / 2
    canvas.text(
        PAD + 10,
        middle,
        _(y_label),
        12,
        colour=MUTED_COLOUR,
        anchor="middle",
        extra=f'transform="rotate(-90 {PAD + 10} {_n(middle)})"',
    )
    canvas.text((left + right) / 2, bottom + 36, _("Date"), 12, colour=MUTED_COLOUR, anchor="middle")
    canvas.add("</g>")

    line_end = px(max([*days, *([_day(as_of)] if _is_date(as_of) else [])], default=end))
    if declared is not None:
        yd = py(declared)
        if caveat and ordered and declared > last_count:
            not_named_tip = _("%(n)s declared supporters not named in the data", n=declared - last_count)
            x0 = px(days[-1])
            canvas.add(
                f'<rect class="not-named" x="{_n(x0)}" y="{_n(yd)}" width="{_n(max(right - x0, 1))}" '
                f'height="{_n(py(last_count) - yd)}" fill="url(#{prefix}-hatch)" opacity=".9">'
                f"<title>{not_named_tip}</title>"
                "</rect>"
            )
        label = (
            _("%(n)s declared (as of %(date)s)", n=declared, date=declared_as_of)
            if declared_as_of
            else _("%(n)s declared", n=declared)
        )
        canvas.add(
            f'<g class="declared" data-declared="{declared}">'
            f'<line x1="{_n(left)}" y1="{_n(yd)}" x2="{_n(right)}" y2="{_n(yd)}" stroke="{_DECLARED}" '
            f'stroke-width="2" stroke-dasharray="7 4"><title>{escape(label)}</title></line>'
        )
        canvas.text(right - 4, yd - 6, label, 12, weight="bold", colour=TEXT_COLOUR, anchor="end")
        canvas.add("</g>")

    if ordered:
        path = [f"M{_n(left)} {_n(py(0))}"]
        for day, point in zip(days, ordered, strict=True):
            path.append(f"H{_n(px(day))}V{_n(py(point.cumulative))}")
        path.append(f"H{_n(max(line_end, px(days[-1])))}")
        canvas.add(
            f'<path class="step" d="{"".join(path)}" fill="none" stroke="{_LINE}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
        canvas.add('<g class="points">')
        labelled = len(ordered) <= 12
        for n, (day, point) in enumerate(zip(days, ordered, strict=True)):
            x, yp = px(day), py(point.cumulative)
            tip = _(
                "%(date)s: %(n)s cumulative (+%(added)s); %(dating)s",
                date=point.date,
                n=point.cumulative,
                added=len(point.added),
                dating=point.dating,
            )
            canvas.add(
                f'<circle cx="{_n(x)}" cy="{_n(yp)}" r="4.5" fill="{_LINE}" stroke="#FFFFFF" '
                f'stroke-width="1.5" data-date={quoteattr(point.date)} data-cumulative="{point.cumulative}">'
                f"<title>{escape(tip)}</title></circle>"
            )
            if labelled or n == len(ordered) - 1:
                text = (
                    _("%(n)s on %(date)s", n=point.cumulative, date=point.date)
                    if n == len(ordered) - 1
                    else str(point.cumulative)
                )
                below = declared is not None and 0 < py(declared) - yp < 22 and declared < point.cumulative
                anchor = "end" if x > (left + right) / 2 + 120 else ""
                canvas.text(
                    x + (-8 if anchor else 8),
                    yp + (18 if below else -8),
                    text,
                    12,
                    weight="bold",
                    anchor=anchor,
                )
        canvas.add("</g>")
    else:
        canvas.text((left + right) / 2, middle, _("No supporter is named in the data."), 13, anchor="middle")

    items = [
        (
            f'<line x1="{{x}}" y1="{{y}}" x2="{{x2}}" y2="{{y}}" stroke="{_LINE}" stroke-width="2.5"/>',
            _("Supporters named in the data (cumulative)"),
        )
    ]
    if declared is not None:
        items.append(
            (
                f'<line x1="{{x}}" y1="{{y}}" x2="{{x2}}" y2="{{y}}" stroke="{_DECLARED}" stroke-width="2" '
                'stroke-dasharray="7 4"/>',
                _("%(n)s declared", n=declared),
            )
        )
        if caveat and declared > last_count:
            items.append(
                (
                    f'<rect x="{{x}}" y="{{y}}" width="22" height="12" transform="translate(0 -6)" '
                    f'fill="url(#{prefix}-hatch)" stroke="#808080" stroke-width=".6"/>',
                    _("Declared but not named in the data"),
                )
            )
    y = _legend(canvas, bottom + 62, items)
    desc = _("As of %(date)s.", date=as_of) + " "
    desc += "; ".join(_("%(date)s: %(n)s cumulative", date=p.date, n=p.cumulative) for p in ordered)
    if declared is not None:
        desc += ". " + _("%(n)s declared", n=declared)
    if caveat:
        desc += f". {caveat}"
    desc += ". " + _("Source: %(cite)s", cite=source)
    return _document(canvas, y, source, prefix, title, desc)


def _is_date(text: str) -> bool:
    try:
        _day(text)
    except ValueError:
        return False
    return True


# --- coverage by group ---------------------------------------------------------------------------------


def render_bar_chart(
    rows: Sequence[BarRow],
    *,
    title: str,
    as_of: str,
    source: str,
    caption: str | None = None,
    value_label: str = N_("Share of the group"),
    lower_bound: str | None = None,
    id_prefix: str = "chart",
) -> str:
    """A standalone SVG (`WIDTH` px wide): one horizontal bar per row, its share on a 0-100 % axis, with
    "12 of 54 (22.2%)" written beside it. `lower_bound`, for a partial list, is written in a box in the
    figure, each share reads "at least", and the rest of every bar is hatched (not named, which may
    include supporters). Raises ValueError for a blank as-of date or source or an invalid id prefix."""
    check_figure_inputs(as_of, source, id_prefix, figure="chart")
    prefix = id_prefix
    canvas = _canvas()
    y = _header(canvas, title, as_of, caption)
    if lower_bound:
        y = _note(canvas, y + 6, lower_bound, prefix) + 4
    label_width = min(max((text_width(r.label, 12.5) for r in rows), default=80), 280)
    left = PAD + label_width + 12
    right = WIDTH - PAD - 170
    top = y + 22
    band, bar = 30, 18

    def px(share: float) -> float:
        return left + share * (right - left)

    bottom = top + band * len(rows)
    canvas.add('<g class="axes">')
    for pct in (0, 25, 50, 75, 100):
        x = px(pct / 100)
        canvas.add(
            f'<line x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}" y2="{_n(bottom + 4)}" '
            f'stroke="{MUTED_COLOUR if pct == 0 else _GRID}" stroke-width="{1.2 if pct == 0 else 1}"/>'
        )
        canvas.text(x, bottom + 18, f"{pct}%", 11, colour=MUTED_COLOUR, anchor="middle")
    canvas.text((left + right) / 2, bottom + 36, _(value_label), 12, colour=MUTED_COLOUR, anchor="middle")
    canvas.add("</g>")

    rest_fill = f"url(#{prefix}-hatch)" if lower_bound else _TRACK
    rest_tip = _("not named: the partial list may leave out supporters") if lower_bound else _("not listed")
    canvas.add('<g class="bars">')
    for n, row in enumerate(rows):
        yb = top + n * band + (band - bar) / 2
        share = row.share
        label = _(row.label)
        count_text = _("%(count)s of %(total)s", count=row.count, total=row.total)
        if share is None:
            value = count_text + " (" + _("n/a") + ")"
        elif lower_bound:
            at_least = _("at least %(pct)s%%", pct=format_decimal(share * 100, 1))
            value = f"{count_text} ({at_least})"
        else:
            value = f"{count_text} ({format_decimal(share * 100, 1)}%)"
        tip = f"{label}: {value}" + (f"; {row.tip}" if row.tip else "")
        canvas.add(
            f'<g class="bar" data-group={quoteattr(row.label)} data-count="{row.count}" '
            f'data-total="{row.total}"><title>{escape(tip)}</title>'
        )
        canvas.text(left - 10, yb + bar - 4, label, 12.5, anchor="end")
        canvas.add(
            f'<rect x="{_n(left)}" y="{_n(yb)}" width="{_n(right - left)}" height="{bar}" fill="{rest_fill}" '
            f'stroke="#BDBDBD" stroke-width=".6">'
            f"<title>{escape(f'{label}: {row.total - row.count} {rest_tip}')}</title></rect>"
        )
        if share:
            canvas.add(
                f'<rect x="{_n(left)}" y="{_n(yb)}" width="{_n(px(share) - left)}" height="{bar}" '
                f'fill="{_LINE}"><title>{escape(tip)}</title></rect>'
            )
        canvas.text(right + 10, yb + bar - 4, value, 12.5, weight="bold")
        canvas.add("</g>")
    canvas.add("</g>")

    items = [
        (
            f'<rect x="{{x}}" y="{{y}}" width="22" height="12" transform="translate(0 -6)" fill="{_LINE}"/>',
            _("Supporters"),
        )
    ]
    items.append(
        (
            f'<rect x="{{x}}" y="{{y}}" width="22" height="12" transform="translate(0 -6)" '
            f'fill="{rest_fill}" stroke="#808080" stroke-width=".6"/>',
            _("Not named: may include supporters")
            if lower_bound
            else _("Not listed: no entry in the data, which records no position"),
        )
    )
    y = _legend(canvas, bottom + 60, items)
    desc = _("As of %(date)s.", date=as_of) + " "
    desc += "; ".join(
        _(r.label)
        + ": "
        + _("%(count)s of %(total)s", count=r.count, total=r.total)
        + (f" ({format_decimal(r.share * 100, 1)}%)" if r.share is not None else "")
        for r in rows
    )
    if lower_bound:
        desc += f". {lower_bound}"
    desc += ". " + _("Source: %(cite)s", cite=source)
    return _document(canvas, y, source, prefix, title, desc)
