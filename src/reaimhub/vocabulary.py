"""The words of the data that the portal shows as labels (document types, file formats, position values,
roles, UN status, stakeholder types, disclosure levels, job states), marked for the message catalogue so
that `_(value)` (or the `type_label` filter) shows them in the page's language. Stored values stay as
they are; only their display is translated. A new value: add it here, then run
`scripts/translations.py update` (README, "Translations")."""

from __future__ import annotations

from reaimhub.i18n import N_

__all__ = ["LABELS"]

LABELS = (
    # document types (model.DocType, shown by the type_label filter: "decision_note" -> "decision note")
    N_("resolution"),
    N_("draft resolution"),
    N_("report"),
    N_("working paper"),
    N_("statement"),
    N_("decision note"),
    N_("letter"),
    N_("web page"),
    N_("other"),
    # file formats (search.works)
    N_("Text"),
    N_("Word"),
    N_("Markdown"),
    # position values and roles (coalition.model)
    N_("endorsed"),
    N_("reported as not endorsing"),
    N_("abstained"),
    N_("non-voting"),
    N_("co-sponsor"),
    N_("co-author"),
    N_("party to the statement"),
    N_("observer, associated"),
    N_("not endorsed reported"),
    N_("abstain"),
    N_("non voting"),
    N_("vote"),
    N_("endorsement"),
    N_("sponsorship"),
    # UN status (reference)
    N_("member"),
    N_("observer"),
    # contribution and job states
    N_("pending"),
    N_("approved"),
    N_("rejected"),
    N_("changes requested"),
    N_("queued"),
    N_("todo"),
    N_("doing"),
    N_("succeeded"),
    N_("failed"),
    N_("cancelled"),
    N_("aborted"),
    # roles in an organisation (model.ROLES), briefing states, contribution kinds
    N_("viewer"),
    N_("contributor"),
    N_("editor"),
    N_("moderator"),
    N_("admin"),
    N_("draft"),
    N_("reviewed"),
    N_("final"),
    N_("position"),
    N_("correction"),
    # instrument kinds and stages, event kinds, group kinds (data/reaim, coalition imports; type_label)
    N_("joint statement"),
    N_("outcome document"),
    N_("political declaration"),
    N_("first committee"),
    N_("gge session"),
    N_("plenary"),
    N_("summit"),
    N_("consultations"),
    N_("launch"),
    N_("meeting"),
    N_("motion"),
    N_("revision"),
    N_("session"),
    N_("un regional group"),
    N_("m49 region"),
    N_("m49 subregion"),
    N_("m49 intermediate region"),
    # outreach: kinds of evidence (type_label of coalition.analytics_outreach keys), status on the target,
    # the confidence of a position
    N_("endorsed reaim outcome"),
    N_("endorsed declaration"),
    N_("co sponsor"),
    N_("co author"),
    N_("party to statement"),
    N_("observer associated"),
    N_("voted yes"),
    N_("not named (the list is partial)"),
    N_("official"),
    N_("secondary"),
    # search modes (search.MODES)
    N_("hybrid"),
    N_("lexical"),
    N_("semantic"),
    # completeness of a named list (coalition.model)
    N_("complete"),
    N_("partial"),
    # UN regional groups (reference)
    N_("African Group"),
    N_("Asia and the Pacific Group"),
    N_("Eastern European Group"),
    N_("Latin American and Caribbean Group"),
    N_("Western European and Others Group"),
    # stakeholder types (services.identity)
    N_("state"),
    N_("civil society"),
    N_("academia"),
    N_("industry"),
    N_("international organisation"),
)
