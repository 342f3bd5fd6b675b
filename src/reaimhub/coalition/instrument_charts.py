"""The charts of one instrument's supporters, built from a `SupportersResult` of the analytics service:
`supporters_over_time_chart` (the step line) and `coverage_chart` (bars per group), drawn by
`reaimhub.coalition.charts`. Words, state names and numbers are in the current language
(`reaimhub.i18n`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reaimhub.coalition.charts import BarRow, render_bar_chart, render_step_chart
from reaimhub.i18n import N_, state_name
from reaimhub.i18n import gettext as _
from reaimhub.reference import state_by_iso3

if TYPE_CHECKING:
    from reaimhub.services.analytics import SupportersResult

__all__ = ["COVERAGE_GROUPINGS", "coverage_chart", "supporters_over_time_chart"]

# grouping name of the analytics service -> (chart title, group label in the plural)
COVERAGE_GROUPINGS: dict[str, tuple[str, str]] = {
    "un_group": (N_("UN regional group"), N_("UN regional groups")),
    "region": (N_("M49 region"), N_("M49 regions")),
    "subregion": (N_("M49 sub-region"), N_("M49 sub-regions")),
}


def _name(iso3: str) -> str:
    """The state's name (English common name; in Dutch, CLDR's)."""
    state = state_by_iso3(iso3)
    return state_name(iso3, state.name() if state is not None else iso3)


def _subject(result: SupportersResult) -> str:
    i = result.instrument
    return f"{i.title}{f' ({i.symbol})' if i.symbol else ''}"


def _as_of_text(result: SupportersResult) -> str:
    return result.as_of or _("date not given in the source")


def supporters_over_time_chart(result: SupportersResult, *, id_prefix: str = "chart-over-time") -> str:
    """Cumulative supporters of the instrument, with its declared number and its list's caveat."""
    i = result.instrument
    named = i.named_list
    dating = sorted({p.dating for p in result.timeline})
    caption = _(
        "Each step is the date of a state's first supporting position in the data (%(dating)s).",
        dating="; ".join(dating),
    )
    caption += " " + _("Named list: %(text)s.", text=named.text) if named.text else ""
    caveat = None
    if not named.complete:
        head = named.label if named.named is not None else _("Partial list")
        caveat = _("%(head)s: the line shows named supporters only.", head=head)
    return render_step_chart(
        result.timeline,
        title=_("Supporters over time: %(subject)s", subject=_subject(result)),
        as_of=_as_of_text(result),
        source=i.sources or _("see the positions table"),
        caption=caption,
        y_label=N_("Supporters (cumulative)"),
        caveat=caveat,
        declared=i.declared_supporters,
        declared_as_of=i.supporters_as_of or i.date,
        id_prefix=id_prefix,
    )


def coverage_chart(result: SupportersResult, grouping: str, *, id_prefix: str | None = None) -> str:
    """Coverage of the instrument by the groups of `grouping` (a key of `result.coverage`)."""
    if grouping not in result.coverage:
        raise ValueError(f"no coverage by {grouping!r}; the result has: {', '.join(result.coverage)}")
    i = result.instrument
    cov = result.coverage[grouping]
    single, plural = COVERAGE_GROUPINGS.get(grouping, (grouping, grouping))
    rows = [
        BarRow(
            r.group.name,
            len(r.supporters),
            r.members,
            _("supporters: %(names)s", names=", ".join(map(_name, r.supporters))),
        )
        if r.supporters
        else BarRow(r.group.name, 0, r.members)
        for r in cov.rows
    ]
    caption = _("Coverage: supporters among the group's UN member States / the group's UN member States.")
    if cov.not_un_members:
        names = ", ".join(_name(s) for s in cov.not_un_members)
        caption += " " + _(
            "Supporters that are not UN member States, outside every share: %(names)s.", names=names
        )
    if cov.ungrouped:
        ungrouped = ", ".join(map(_name, cov.ungrouped))
        caption += " " + _(
            "UN member supporters in no %(group)s: %(names)s.", group=_(single), names=ungrouped
        )
    named = i.named_list
    lower_bound = None
    if not named.complete:
        head = named.label if named.named is not None else _("Partial list")
        lower_bound = _(
            "%(head)s: every share is a lower bound; a state not named may still support it.", head=head
        )
    groups_source = "; ".join(cov.sources)
    return render_bar_chart(
        rows,
        title=_("Supporters by %(group)s: %(subject)s", group=_(single), subject=_subject(result)),
        as_of=_as_of_text(result),
        source=_("positions: %(cite)s", cite=i.sources or _("see the positions table"))
        + (" | " + _("groups: %(cite)s", cite=groups_source) if groups_source else ""),
        caption=caption,
        value_label=_("Share of the UN member States in each of the %(groups)s", groups=_(plural)),
        lower_bound=lower_bound,
        id_prefix=id_prefix or f"chart-coverage-{grouping}",
    )
