"""World maps of an instrument's positions (one per role), with categories in the Okabe-Ito palette and
hatched "not listed" / "not named" states. Categories of a role whose colours are close in lightness differ in
texture too (dots, rings, bars), so that each map reads in greyscale (tests/coalition/test_map_greyscale.py).
"""

from __future__ import annotations

from reaimhub.coalition.geo import NOT_LISTED, OKABE_ITO, Category, render_choropleth
from reaimhub.coalition.model import Role, completeness_text
from reaimhub.i18n import N_
from reaimhub.i18n import gettext as _
from reaimhub.reference import load_states, state_by_iso3
from reaimhub.services.coalition import (
    InstrumentView,
)

__all__ = [
    "NOT_NAMED",
    "ROLE_TITLES",
    "instrument_map",
    "instrument_roles",
    "role_is_complete",
]


_GREY_NOT_MEMBER = "#999999"
_ROLE_CATEGORIES: dict[Role, tuple[Category, ...]] = {
    Role.ENDORSEMENT: (
        Category("endorsed", N_("Endorsed"), OKABE_ITO["blue"]),
        Category(
            "not_endorsed_reported", N_("Reported as not endorsing"), OKABE_ITO["vermillion"], texture="dots"
        ),
    ),
    Role.VOTE: (
        Category("yes", N_("Yes"), OKABE_ITO["blue"]),
        Category("no", N_("No"), OKABE_ITO["vermillion"], texture="dots"),
        Category("abstain", N_("Abstained"), OKABE_ITO["orange"]),
        Category("non_voting", N_("Non-voting"), OKABE_ITO["yellow"]),
        Category("not_a_member", N_("Not a UN member (cannot vote)"), _GREY_NOT_MEMBER, texture="bars"),
    ),
    Role.SPONSORSHIP: (
        Category("co_sponsor", N_("Co-sponsor"), OKABE_ITO["bluish_green"], texture="dots"),
        Category("co_author", N_("Co-author"), OKABE_ITO["blue"]),
        Category("party_to_statement", N_("Party to the statement"), OKABE_ITO["sky_blue"]),
        Category(
            "observer_associated", N_("Observer, associated"), OKABE_ITO["reddish_purple"], texture="rings"
        ),
    ),
}
NOT_NAMED = Category("not_named", N_("Not named (the list is partial)"), NOT_LISTED.colour, pattern=True)
ROLE_TITLES = {
    Role.ENDORSEMENT: N_("Endorsements"),  # translated where shown
    Role.VOTE: N_("Recorded votes"),
    Role.SPONSORSHIP: N_("Co-sponsors, co-authors and parties"),
}


def instrument_roles(view: InstrumentView) -> list[Role]:
    """The roles with positions on the instrument, or the one its kind implies when it has none."""
    present = {Role(p["role"]) for p in view.positions}
    if not present:
        return [Role.VOTE if view.instrument.is_vote else Role.ENDORSEMENT]
    return [role for role in (Role.VOTE, Role.ENDORSEMENT, Role.SPONSORSHIP) if role in present]


def role_is_complete(view: InstrumentView, role: Role) -> bool:
    """Whether the absence of a state from this role's list is itself information ("not listed").

    Only a complete named list says so; for an instrument with several roles (votes named in a press
    release and co-sponsors as tabled), the dataset's completeness label covers them all.
    """
    return view.instrument.named_list.complete and any(Role(p["role"]) is role for p in view.positions)


def instrument_map(view: InstrumentView, role: Role, *, id_prefix: str = "map") -> str:
    """The world map of one role's positions on an instrument, as standalone SVG."""
    i = view.instrument
    complete = role_is_complete(view, role)
    values: dict[str, str] = {}
    for p in view.positions:
        if Role(p["role"]) is role and state_by_iso3(p["iso3"]) is not None:
            values[p["iso3"]] = p["value"]
    categories = [c for c in _ROLE_CATEGORIES[role] if c.key != "not_a_member"]
    if role is Role.SPONSORSHIP:
        categories = [c for c in categories if c.key in values.values()] or categories[:1]
    if role is Role.VOTE:
        for state in load_states():
            if state.un_status == "observer" and state.iso3 not in values:
                values[state.iso3] = "not_a_member"
        categories.append(next(c for c in _ROLE_CATEGORIES[role] if c.key == "not_a_member"))
    default = NOT_LISTED if complete else NOT_NAMED
    categories.append(default)
    if complete:
        caption = _("Complete named list. A state without an entry is not listed; that is not a position.")
    else:
        caption = _(
            "%(completeness)s. A state that is not named is not known to be outside the list: the data does "
            "not name it.",
            completeness=completeness_text(i.named_list),
        )
    as_of = view.as_of or i.date or _("date not given in the source")
    title = f"{i.title}{f' ({i.symbol})' if i.symbol else ''}: {_(ROLE_TITLES[role]).lower()}"
    return render_choropleth(
        values,
        categories,
        title=title,
        as_of=as_of,
        source=i.sources or _("see the positions table"),
        caption=caption,
        default=default.key,
        id_prefix=id_prefix,
    )
