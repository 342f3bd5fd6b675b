"""The human column headers of every exported table (CSV, semicolon CSV, XLSX), in one place.

A table's columns are ids (`iso3`, `instrument_id`, `as_of`): the JSON download and the API keep them. The
spreadsheet downloads head each column with its label here, translated into the viewer's language when
written (`reaimhub.i18n`: the strings are marked with `N_` for the catalogue). A column a table names at
run time (an instrument id as a column of the overlap matrix) takes its label from the table itself
(`Table.labels`), else this mapping, else the id with its underscores as spaces.
"""

from __future__ import annotations

from collections.abc import Mapping

from reaimhub.i18n import N_, gettext

__all__ = ["COLUMN_LABELS", "column_label"]

COLUMN_LABELS: Mapping[str, str] = {
    # who and what
    "iso3": N_("ISO3 code"),
    "iso2": N_("ISO2 code"),
    "name": N_("State"),
    "un_name": N_("UN name"),
    "un_status": N_("UN status"),
    "un_regional_group": N_("UN regional group"),
    "region": N_("Region"),
    "other_iso3": N_("Other state (ISO3 code)"),
    "other": N_("Other state"),
    "name_as_listed": N_("Name as listed"),
    "instrument_id": N_("Instrument id"),
    "instrument": N_("Instrument"),
    "instruments": N_("Instrument ids"),
    "instrument_titles": N_("Instruments"),
    "id": N_("Instrument id"),
    "title": N_("Title"),
    "process": N_("Process"),
    "kind": N_("Kind"),
    "stage": N_("Stage"),
    "place": N_("Place"),
    "related": N_("Related instruments"),
    "becomes": N_("Becomes"),
    "group_id": N_("Group id"),
    "group": N_("Group"),
    "grouping": N_("Grouping"),
    # positions
    "role": N_("Role"),
    "value": N_("Position (code)"),
    "label": N_("Position"),
    "status": N_("Status"),
    "confidence": N_("Confidence"),
    "note": N_("Note"),
    "positions": N_("Positions"),
    # dates, sources, lists
    "date": N_("Date"),
    "end_date": N_("End date"),
    "as_of": N_("As of"),
    "from_as_of": N_("From: as of"),
    "newest_evidence": N_("Newest evidence"),
    "source": N_("Source"),
    "source_url": N_("Source URL"),
    "list_completeness": N_("Completeness of the list"),
    "list_status": N_("List status"),
    "from_list": N_("From: completeness of the list"),
    "to_list": N_("To: completeness of the list"),
    # counts
    "tally": N_("Official tally"),
    "tally_yes": N_("Tally: yes"),
    "tally_no": N_("Tally: no"),
    "tally_abstain": N_("Tally: abstain"),
    "tally_non_voting": N_("Tally: non-voting"),
    "official_tally": N_("Official tally"),
    "declared_supporters": N_("Declared supporters"),
    "entries_in_data": N_("Entries in the data"),
    "named_in_data": N_("Named in the data"),
    "counts": N_("Counts in the data"),
    "supporters": N_("Supporters"),
    "members": N_("UN member States in the group"),
    "coverage": N_("Coverage"),
    "states": N_("States (ISO3 codes)"),
    "names": N_("States"),
    "count": N_("Number of states"),
    "added": N_("Added"),
    "cumulative": N_("Cumulative"),
    "dating": N_("Dating"),
    # churn
    "comparison": N_("Comparison"),
    "from": N_("From (instrument id)"),
    "to": N_("To (instrument id)"),
    "from_instrument": N_("From"),
    "to_instrument": N_("To"),
    # outreach
    "rank": N_("Rank"),
    "score": N_("Score"),
    "evidence_score": N_("Evidence score"),
    "affinity_bonus": N_("Affinity bonus"),
    "breakdown": N_("Breakdown"),
    "evidence": N_("Evidence"),
    "target": N_("Target"),
    "target_instrument": N_("Target instrument"),
    "status_on_target": N_("Status on the target"),
    "weight": N_("Weight"),
    "counted": N_("Counted"),
    # voting affinity
    "agreement": N_("Agreement"),
    "weighted": N_("Weighted agreement"),
    "shared": N_("Shared roll calls"),
    "same": N_("Same vote"),
    "partial": N_("Partly the same"),
    "opposite": N_("Opposite vote"),
    # audit trail
    "seq": N_("Sequence"),
    "at": N_("At (UTC)"),
    "actor": N_("Actor"),
    "action": N_("Action"),
    "before": N_("Before"),
    "after": N_("After"),
    "client": N_("Client address"),
    "hash": N_("Hash"),
}


def column_label(column: str, overrides: Mapping[str, str] | None = None, locale: str | None = None) -> str:
    """The header of `column`: the table's own label, else the translated label, else the id spelt out."""
    if overrides and column in overrides:
        return overrides[column]
    label = COLUMN_LABELS.get(column)
    if label is None:
        return column.replace("_", " ")
    return gettext(label, locale)
