"""The fixed words of a briefing in each language: titles, section names, the phrases around figures.
Figures and the facts in them come from the data; only these words are written here."""

from __future__ import annotations

__all__ = ["BESLISNOTA_SECTIONS", "META_LABELS", "TOPICS", "label"]

TOPICS = ("summits", "gc_reaim", "un_resolutions", "gge_laws", "coalition", "exchange")

# The decision note's sections, exactly as the seed (../shared/corpora/seed) has them; the last five
# are under Toelichting.
BESLISNOTA_SECTIONS = (
    ("aanleiding", "Aanleiding", 1),
    ("geadviseerd_besluit", "Geadviseerd besluit", 1),
    ("kernpunten", "Kernpunten", 1),
    ("toelichting", "Toelichting", 1),
    ("financieel", "Financiële overwegingen", 2),
    ("juridisch", "Juridische overwegingen", 2),
    ("communicatie", "Communicatie", 2),
    ("uitvoering", "Overwegingen uitvoering", 2),
    ("niet_openbaar", "Informatie die niet openbaar wordt gemaakt", 2),
)

# The labels a briefing stores with itself (its meta), so that it renders the same later: the letter's
# frame, the note's header, the footnotes' words.
META_LABELS = (
    "addressee", "addressee_place", "subject", "date", "reference", "salutation", "closing",
    "signature.defence", "signature.foreign", "signature.name", "cio", "audience", "period", "status",
    "as_of", "notes", "secondary", "restricted", "placeholder", "status.draft", "status.reviewed",
    "status.final",
)  # fmt: skip

_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "topic.summits": "REAIM-tops",
        "topic.gc_reaim": "Global Commission on Responsible AI in the Military Domain (GC REAIM)",
        "topic.un_resolutions": "Resoluties van de Algemene Vergadering van de VN",
        "topic.gge_laws": "Group of Governmental Experts on Lethal Autonomous Weapons Systems (GGE LAWS)",
        "topic.coalition": "Coalitie",
        "topic.exchange": "Multistakeholderbenadering en kennisuitwisseling",
        "title.kamerbrief": "Stand van zaken REAIM",
        "title.beslisnota": "Beslisnota bij de Kamerbrief Stand van zaken REAIM",
        "title.note": "Notitie: stand van zaken REAIM",
        "addressee": "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal",
        "addressee_place": "Postbus 20018, 2500 EA Den Haag",
        "subject": "Onderwerp",
        "date": "Datum",
        "reference": "Kenmerk",
        "salutation": "Geachte voorzitter,",
        "closing": "Hoogachtend,",
        "signature.defence": "DE MINISTER VAN DEFENSIE,",
        "signature.foreign": "DE MINISTER VAN BUITENLANDSE ZAKEN,",
        "signature.name": "naam van de bewindspersoon",
        "cio": "DE CHIEF INFORMATION OFFICER",
        "audience": "Doelgroep",
        "period": "Periode",
        "status": "Status",
        "changes.title": "Wijzigingen sinds de vorige briefing (stand per {date})",
        "changes.none": "Geen cijfers gewijzigd sinds de vorige briefing.",
        "changes.count": "Gewijzigde cijfers: {changed}; nieuw: {added}; niet meer opgenomen: {removed}.",
        "changes.changed": "(vorige briefing: {old})",
        "changes.as_of": "(ongewijzigd; de vorige briefing had stand per {date})",
        "changes.added": "(nieuw sinds de vorige briefing)",
        "changes.removed": "Niet meer opgenomen: {old} (stond in de vorige briefing)",
        "status.draft": "concept",
        "status.reviewed": "beoordeeld",
        "status.final": "definitief",
        "audience.public": "openbaar",
        "audience.registered": "geregistreerde gebruikers",
        "audience.group": "groep {name}",
        "audience.org": "organisatie {name}",
        "as_of": "Stand per",
        "notes": "Noten",
        "secondary": "secundaire bron",
        "restricted": "niet openbaar",
        "placeholder": "IN TE VULLEN",
        "events": "Gebeurtenissen in de periode",
        "translate": (
            "de omschrijvingen van gebeurtenissen en instrumenten staan in het Engels, zoals in de "
            "bronnen; vertaal ze voor verzending"
        ),
        "none_in_period": "Geen gegevens in deze periode.",
        "intro.request": (
            "Met deze brief informeer ik uw Kamer, mede namens de minister van Buitenlandse Zaken, over "
            "de stand van zaken rond het Responsible AI in the Military Domain (REAIM)-proces, naar "
            "aanleiding van {request}."
        ),
        "intro.request.note": (
            "Naar aanleiding van {request} informeert u samen met de minister van Buitenlandse Zaken de "
            "Kamer over de stand van zaken ten aanzien van REAIM."
        ),
        "intro.origin": "Het REAIM-proces komt voort uit de {motion} van {date}.",
        "intro.period": "Deze brief beschrijft de periode van {start} tot en met {end}.",
        "intro.earlier": "Eerder informeerde het kabinet uw Kamer op {date} ({reference}).",
        "intro.period.note": "Deze notitie beschrijft de periode van {start} tot en met {end}.",
        "assessment": "Politieke duiding van {topic} (door de opsteller te schrijven)",
        "instrument.declared": "{n} verklaard",
        "instrument.declared.as_of": "{n} verklaard (stand {date})",
        "instrument.named": "{n} bij naam bekend",
        "instrument.entries": "{n} vermeldingen op de lijst ({members} VN-lidstaten{others})",
        "instrument.complete": "volledige lijst",
        "instrument.partial": "onvolledige lijst: alleen de genoemde staten zijn bekend",
        "vote.first_committee": "Eerste Commissie ({symbol}, {date}): {tally}",
        "vote.plenary": "plenaire vergadering ({date}): {tally}",
        "vote.legend": "voor-tegen-onthouding",
        "churn": "Van {earlier} naar {later}: {joined} nieuw, {stayed} gebleven, {gone} niet opnieuw vermeld",
        "churn.caveat": (
            "Niet opnieuw vermeld betekent niet dat een staat zijn steun heeft ingetrokken: de staat kan "
            "simpelweg niet bij naam genoemd of nog niet vermeld zijn."
        ),
        "churn.direct": "(Rechtstreeks vergeleken, omdat de lijst ertussen onvolledig is.)",
        "churn.later_partial": (
            "{title} noemt maar een deel van de staten bij naam: 'niet opnieuw vermeld' telt vooral staten "
            "die daar niet genoemd zijn (een bovengrens); 'nieuw' en 'gebleven' zijn ondergrenzen."
        ),
        "churn.earlier_partial": (
            "{title} noemt maar een deel van de staten bij naam: 'nieuw' kan staten tellen die die lijst "
            "al steunden zonder genoemd te worden (een bovengrens); 'gebleven' is een ondergrens."
        ),
        "churn.rolling": (
            "{title} is een lijst per {date} die nog kan groeien: een staat die niet opnieuw vermeld is, "
            "kan zich nog aansluiten."
        ),
        "outreach": "Kandidaten voor benadering voor {target}",
        "outreach.item": "{name}: score {score}; steun elders: {evidence}",
        "documents": "Kerndocumenten in de bibliotheek",
        "orgs": "Deelnemende organisaties naar type",
        "orgs.item": "{kind}: {n}",
        "contributions": "Bijdragen in de periode naar type belanghebbende",
        "source.orgs": "REAIM Hub, register van organisaties",
        "source.contributions": "REAIM Hub, bijdragen aan de uitwisseling",
        "source.document": "REAIM Hub-bibliotheek: {name} (document {uid})",
        "document.added": "ongedateerd; in de bibliotheek sinds {date}",
        "source.note": "REAIM Hub, aantekening bij {name} (document {uid}), p. {page}",
        "notes.heading": "Aantekeningen bij documenten in de bibliotheek",
        "kind.state": "staten",
        "kind.international_organisation": "internationale organisaties",
        "kind.academia": "wetenschap",
        "kind.industry": "bedrijfsleven",
        "kind.civil_society": "maatschappelijk middenveld",
        "kind.other": "overig",
        "decision": "U wordt geadviseerd in te stemmen met de verzending van bijgevoegde Kamerbrief.",
        "kernpunten.intro": (
            "U besteedt met deze Kamerbrief aandacht aan de volgende onderwerpen, met de cijfers uit de "
            "gegevens van REAIM Hub:"
        ),
        "fill.financial": "Financiële overwegingen (door de opsteller in te vullen)",
        "fill.legal": "Juridische overwegingen (door de opsteller in te vullen)",
        "fill.communication": "Communicatie (door de opsteller in te vullen)",
        "fill.execution": "Overwegingen uitvoering (door de opsteller in te vullen)",
        "not_public.none": ("Niet van toepassing: deze versie bevat alleen gegevens die openbaar zijn."),
        "not_public.some": (
            "Deze versie bevat gegevens die niet openbaar zijn (noten gemarkeerd als niet openbaar):"
        ),
        "not_public.ground": "Weigeringsgrond onder de Wet open overheid per onderdeel (door de opsteller)",
        "woo.mark": "[Woo 5.1 lid 2 sub {sub}]",
        "woo.ground.a": "betrekkingen met andere staten en internationale organisaties",
        "woo.ground.i": "het goed functioneren van de staat",
        "not_public.twin": "In deze openbare versie zijn de volgende onderdelen niet openbaar gemaakt:",
        "not_public.item": "{section}: {mark} ({ground})",
        "not_public.review": (
            "Toets per onderdeel de weigeringsgrond en de belangenafweging onder de Woo (door de opsteller)"
        ),
    },
    "en": {
        "topic.summits": "REAIM summits",
        "topic.gc_reaim": "Global Commission on Responsible AI in the Military Domain (GC REAIM)",
        "topic.un_resolutions": "UN General Assembly resolutions",
        "topic.gge_laws": "Group of Governmental Experts on Lethal Autonomous Weapons Systems (GGE LAWS)",
        "topic.coalition": "Coalition",
        "topic.exchange": "Multistakeholder approach and knowledge exchange",
        "title.kamerbrief": "State of play REAIM",
        "title.beslisnota": "Decision note on the letter to parliament on the state of play of REAIM",
        "title.note": "Briefing note: REAIM state of play",
        "addressee": "To the Speaker of the House of Representatives of the States General",
        "addressee_place": "PO Box 20018, 2500 EA The Hague",
        "subject": "Subject",
        "date": "Date",
        "reference": "Reference",
        "salutation": "Dear Madam/Sir,",
        "closing": "Yours sincerely,",
        "signature.defence": "THE MINISTER OF DEFENCE,",
        "signature.foreign": "THE MINISTER OF FOREIGN AFFAIRS,",
        "signature.name": "name of the minister",
        "cio": "THE CHIEF INFORMATION OFFICER",
        "audience": "Audience",
        "period": "Period",
        "status": "Status",
        "changes.title": "Changes since the previous briefing (as of {date})",
        "changes.none": "No figure changed since the previous briefing.",
        "changes.count": "Figures changed: {changed}; new: {added}; no longer included: {removed}.",
        "changes.changed": "(previous briefing: {old})",
        "changes.as_of": "(unchanged; the previous briefing was as of {date})",
        "changes.added": "(new since the previous briefing)",
        "changes.removed": "No longer included: {old} (was in the previous briefing)",
        "status.draft": "draft",
        "status.reviewed": "reviewed",
        "status.final": "final",
        "audience.public": "public",
        "audience.registered": "registered users",
        "audience.group": "group {name}",
        "audience.org": "organisation {name}",
        "as_of": "As of",
        "notes": "Notes",
        "secondary": "secondary source",
        "restricted": "not public",
        "placeholder": "TO BE WRITTEN",
        "events": "Events in the period",
        "none_in_period": "No data in this period.",
        "intro.request": (
            "With this letter I inform the House, also on behalf of the Minister of Foreign Affairs, of "
            "the state of play of the Responsible AI in the Military Domain (REAIM) process, in response "
            "to {request}."
        ),
        "intro.request.note": (
            "In answer to {request}, you inform the House, together with the Minister of Foreign Affairs, "
            "of the state of play of REAIM."
        ),
        "intro.origin": "The REAIM process stems from {motion} of {date}.",
        "intro.period": "This letter covers the period from {start} to {end}.",
        "intro.earlier": "The government informed the House earlier on {date} ({reference}).",
        "intro.period.note": "This note covers the period from {start} to {end}.",
        "assessment": "Political assessment of {topic} (to be written by the drafter)",
        "instrument.declared": "{n} declared",
        "instrument.declared.as_of": "{n} declared (as of {date})",
        "instrument.named": "{n} named",
        "instrument.entries": "{n} entries on the list ({members} UN member states{others})",
        "instrument.complete": "complete list",
        "instrument.partial": "partial list: only the states named are known",
        "vote.first_committee": "First Committee ({symbol}, {date}): {tally}",
        "vote.plenary": "plenary ({date}): {tally}",
        "vote.legend": "in favour-against-abstaining",
        "churn": "From {earlier} to {later}: {joined} joined, {stayed} stayed, {gone} not listed again",
        "churn.caveat": (
            "Not listed again does not mean a state withdrew its support: it may simply be unnamed or not "
            "yet listed."
        ),
        "churn.direct": "(Compared directly, because the list in between is partial.)",
        "churn.later_partial": (
            "{title} names only some states: 'not listed again' mostly counts states it does not name (an "
            "upper bound); 'joined' and 'stayed' are lower bounds."
        ),
        "churn.earlier_partial": (
            "{title} names only some states: 'joined' may count states that supported it without being "
            "named (an upper bound); 'stayed' is a lower bound."
        ),
        "churn.rolling": (
            "{title} is a list as of {date} that may still grow: a state not listed again may yet join."
        ),
        "outreach": "Outreach candidates for {target}",
        "outreach.item": "{name}: score {score}; support elsewhere: {evidence}",
        "documents": "Key documents in the library",
        "orgs": "Participating organisations by stakeholder type",
        "orgs.item": "{kind}: {n}",
        "contributions": "Contributions in the period by stakeholder type",
        "source.orgs": "REAIM Hub, register of organisations",
        "source.contributions": "REAIM Hub, contributions to the exchange",
        "source.document": "REAIM Hub library: {name} (document {uid})",
        "document.added": "undated; in the library since {date}",
        "source.note": "REAIM Hub, note on {name} (document {uid}), p. {page}",
        "notes.heading": "Notes on library documents",
        "kind.state": "states",
        "kind.international_organisation": "international organisations",
        "kind.academia": "academia",
        "kind.industry": "industry",
        "kind.civil_society": "civil society",
        "kind.other": "other",
        "decision": "You are advised to approve sending the attached letter to parliament.",
        "kernpunten.intro": "The letter covers the following topics, with the figures from REAIM Hub's data:",
        "fill.financial": "Financial considerations (to be written by the drafter)",
        "fill.legal": "Legal considerations (to be written by the drafter)",
        "fill.communication": "Communication (to be written by the drafter)",
        "fill.execution": "Implementation considerations (to be written by the drafter)",
        "not_public.none": "Not applicable: this version holds public data only.",
        "not_public.some": "This version holds data that is not public (notes marked not public):",
        "not_public.ground": (
            "Ground for withholding under the Open Government Act, per item (by the drafter)"
        ),
        "woo.mark": "[Woo 5.1(2)({sub})]",
        "woo.ground.a": "relations with other states and international organisations",
        "woo.ground.i": "the proper functioning of the State",
        "not_public.twin": "In this public version the following parts are withheld:",
        "not_public.item": "{section}: {mark} ({ground})",
        "not_public.review": (
            "Check each ground and the weighing of interests under the Woo, per item (by the drafter)"
        ),
    },
}


def label(language: str, key: str, **values: object) -> str:
    """The words for `key` in `language`, with `values` filled in."""
    words = _LABELS[language][key]
    return words.format(**values) if values else words
