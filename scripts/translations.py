"""The portal's message catalogues (src/reaimhub/locale): extract, update, check.

    .venv/bin/python scripts/translations.py update   # extract every marked string, add new ones to each
                                                      # language's messages.po (untranslated), drop gone ones
    .venv/bin/python scripts/translations.py check    # exit 1 when a Dutch translation is missing or fuzzy,
                                                      # or the catalogue lacks a string found in the code

Same as `pybabel extract -F babel.cfg -o src/reaimhub/locale/messages.pot src/reaimhub` then
`pybabel update --no-fuzzy-matching -i src/reaimhub/locale/messages.pot -d src/reaimhub/locale`.
tests/web/test_i18n.py runs `problems()`.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "src" / "reaimhub"
LOCALE_DIR = SOURCE / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
TRANSLATED = ("nl",)  # English is the source language: en/messages.po is kept empty (msgid = text)
LANGUAGES = ("en", *TRANSLATED)


def extract() -> Catalog:
    """Every marked string of the package (Python and the portal's templates), as a template catalogue."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="REAIM Hub", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        SOURCE, method_map, options_map, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(
            message, None, [(f"src/reaimhub/{filename}", lineno)], auto_comments=comments, context=context
        )
    return catalog


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def _write(path: Path, catalog: Catalog) -> None:
    buffer = BytesIO()
    write_po(buffer, catalog, width=100, ignore_obsolete=True, include_lineno=False, sort_output=True)
    new = buffer.getvalue()
    if path.exists() and _undated(path.read_bytes()) == _undated(new):
        return  # nothing changed but the extraction date: leave the file alone
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)


def _undated(po: bytes) -> bytes:
    return b"\n".join(line for line in po.split(b"\n") if not line.startswith(b'"POT-Creation-Date:'))


def update() -> None:
    template = extract()
    _write(TEMPLATE, template)
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = read(language)
        else:
            catalog = Catalog(locale=language, project="REAIM Hub", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False  # the header
        catalog.copyright_holder = "the REAIM Hub authors"
        catalog.version = "1"
        catalog.last_translator = "REAIM Hub <reaimhub@localhost>"
        catalog.language_team = f"REAIM Hub {language}"
        _write(path, catalog)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def problems() -> list[str]:
    """What is wrong with the catalogues, one line each; empty when every string is translated."""
    found: list[str] = []
    extracted = {_key(m.id) for m in extract() if m.id}
    for language in TRANSLATED:
        catalog = read(language)
        known = {_key(m.id) for m in catalog if m.id}
        for missing in sorted(extracted - known):
            found.append(
                f"{language}: not in the catalogue (run scripts/translations.py update): {missing!r}"
            )
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                found.append(f"{language}: fuzzy: {_key(message.id)!r}")
            elif not all(strings):
                found.append(f"{language}: not translated: {_key(message.id)!r}")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    listed = problems()
    for line in listed:
        print(line)
    if command == "check" or listed:
        print(f"{len(listed)} problem(s)" if listed else "every string is translated")
    return 1 if listed and command == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
