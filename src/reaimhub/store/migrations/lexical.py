"""The stemmed lexical index (issue 11): each passage's words stemmed in its document's language, next
to the exact index of migration 0001, for ranking a question by any of its words."""

from __future__ import annotations

from reaimhub.store.accents import folded_sql
from reaimhub.store.migrations.base import Migration
from reaimhub.store.migrations.library import _PUNCTUATION

__all__ = [
    "ACCENT_FOLDED_INDEX",
    "LEXEME_STATISTICS",
    "PASSAGE_LENGTHS",
    "STEMMED_INDEX",
    "STEMS_SPLIT_AT_UNDERSCORES",
    "WORDS_TEXT",
    "WORD_SPLIT_INDEXES",
]

_LANGUAGES = {"nl": "dutch", "en": "english", "es": "spanish", "fr": "french", "de": "german"}

# PostgreSQL's configurations drop their language's stop words from the index; ours keep them, as the
# SQLite index does: a query drops its stop words itself, and a stop word of one language dropped from
# another language's passages only ("del" in Spanish) would look rare to the rank and mislead it.
_TS_CONFIGS = tuple(
    statement
    for name in _LANGUAGES.values()
    for statement in (
        f"CREATE TEXT SEARCH DICTIONARY reaimhub_{name}_stem (TEMPLATE = snowball, Language = {name})",
        f"CREATE TEXT SEARCH CONFIGURATION reaimhub_{name} (COPY = {name})",
        f"ALTER TEXT SEARCH CONFIGURATION reaimhub_{name} "
        f"ALTER MAPPING REPLACE {name}_stem WITH reaimhub_{name}_stem",
    )
)

# Document language -> our text-search configuration (Snowball stemmer, no stop words), else simple.
_TS_CONFIG = (
    "CREATE FUNCTION reaimhub_ts_config(lang text) RETURNS regconfig LANGUAGE sql IMMUTABLE AS $$ "
    "SELECT CASE lang "
    + " ".join(f"WHEN '{code}' THEN 'reaimhub_{name}'::regconfig" for code, name in _LANGUAGES.items())
    + " ELSE 'simple'::regconfig END $$"
)

# What PostgreSQL indexes: the text with typographic punctuation (migration 0005) and slashes replaced
# by spaces. PostgreSQL's parser reads "A/RES/79/239" as one file-path token, SQLite's as four words, and
# the query parser as four words of a phrase: both indexes of PostgreSQL now split it as SQLite does.
TSVECTOR_TEXT = "regexp_replace({text}, '[/" + _PUNCTUATION[1:] + "', ' ', 'g')"
_SQLITE_STEM = "reaimhub_stem({row}.text, (SELECT language FROM documents WHERE id = {row}.document_id))"

STEMMED_INDEX = Migration(
    11,
    "stemmed_index",
    (),
    only={
        # SQLite: a contentless FTS5 table (the stems are not kept twice) filled by triggers through
        # the SQL function reaimhub_stem(text, language), which the store registers on every
        # connection (`store/engine.py`, `reaimhub.stemming.stem_text`). A document whose language
        # changes later keeps its stems: a query looks a word up in every language's stems anyway.
        "sqlite": (
            """CREATE VIRTUAL TABLE passages_stem USING fts5(
                text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
            )""",
            "CREATE TRIGGER passages_stem_insert AFTER INSERT ON passages BEGIN "
            f"INSERT INTO passages_stem(rowid, text) VALUES (new.id, {_SQLITE_STEM.format(row='new')}); END",
            "CREATE TRIGGER passages_stem_delete AFTER DELETE ON passages BEGIN "
            "DELETE FROM passages_stem WHERE rowid = old.id; END",
            "CREATE TRIGGER passages_stem_update AFTER UPDATE OF text ON passages BEGIN "
            "DELETE FROM passages_stem WHERE rowid = old.id; "
            f"INSERT INTO passages_stem(rowid, text) VALUES (new.id, {_SQLITE_STEM.format(row='new')}); END",
            # The passages stored before this migration.
            "INSERT INTO passages_stem(rowid, text) SELECT p.id, reaimhub_stem(p.text, d.language) "
            "FROM passages p JOIN documents d ON d.id = p.document_id",
        ),
        # PostgreSQL: its own Snowball stemmers, chosen per row by a trigger (a generated column cannot
        # read the document's language). The search uses the same configurations (`search._backend`).
        "postgresql": (
            *_TS_CONFIGS,
            _TS_CONFIG,
            "ALTER TABLE passages ADD COLUMN stem_tsv tsvector",
            "CREATE FUNCTION passages_stem_tsv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "NEW.stem_tsv := to_tsvector(reaimhub_ts_config("
            "(SELECT language FROM documents WHERE id = NEW.document_id)), "
            f"{TSVECTOR_TEXT.format(text='NEW.text')}); RETURN NEW; END $$",
            "CREATE TRIGGER passages_stem_tsv BEFORE INSERT OR UPDATE OF text ON passages "
            "FOR EACH ROW EXECUTE FUNCTION passages_stem_tsv()",
            "UPDATE passages p SET stem_tsv = to_tsvector(reaimhub_ts_config(d.language), "
            f"{TSVECTOR_TEXT.format(text='p.text')}) FROM documents d WHERE d.id = p.document_id",
            "CREATE INDEX passages_stem_tsv ON passages USING GIN (stem_tsv)",
            "ALTER TABLE passages DROP COLUMN tsv",
            "ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple', {TSVECTOR_TEXT.format(text='text')})) STORED",
            "CREATE INDEX passages_tsv ON passages USING GIN (tsv)",
        ),
    },
)

# PostgreSQL's exact index folds accents as SQLite's tokenizer does (remove_diacritics): "autonom*" and
# "armas autonomas" find "armas autónomas" on both engines; the query folds its words the same way
# (`search._backend`). SQLite's index is unchanged.
ACCENT_FOLDED_INDEX = Migration(
    14,
    "accent_folded_exact_index",
    (),
    only={
        "postgresql": (
            "ALTER TABLE passages DROP COLUMN tsv",
            "ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple', {folded_sql(TSVECTOR_TEXT.format(text='text'))})) STORED",
            "CREATE INDEX passages_tsv ON passages USING GIN (tsv)",
        ),
    },
)

# What PostgreSQL indexes since migration 0018: the text with every ASCII punctuation mark as well
# replaced by a space, so that PostgreSQL's parser, which knows numbers ("3000.09"), hyphenated words
# ("DoD-Richtlinie": the whole and its parts), e-mail addresses, hosts and tags, sees the words that
# SQLite's unicode61 tokenizer and the query parser see ("3000" "09", "dod" "richtlinie").
WORDS_TEXT = (
    "regexp_replace({text}, '[\\u0021-\\u002f\\u003a-\\u0040\\u005b-\\u0060\\u007b-\\u007e"
    + _PUNCTUATION[1:]
    + "', ' ', 'g')"
)

# The stemmed index as SQLite's: stemmed in the document's language, then accent-folded (FTS5's
# remove_diacritics after `reaimhub_stem`); folding the stemmer's output keeps the stemmer's own
# accented suffixes working. A tsvector's text form folded and read again merges the lexemes that
# folding makes equal, with their positions.
_STEM_TSV = (
    folded_sql("to_tsvector(reaimhub_ts_config({language}), " + WORDS_TEXT.format(text="{text}") + ")::text")
    + "::tsvector"
)

WORD_SPLIT_INDEXES = Migration(
    18,
    "word_split_indexes",
    (),
    only={
        "postgresql": (
            "CREATE OR REPLACE FUNCTION passages_stem_tsv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "NEW.stem_tsv := "
            + _STEM_TSV.format(
                language="(SELECT language FROM documents WHERE id = NEW.document_id)", text="NEW.text"
            )
            + "; RETURN NEW; END $$",
            "UPDATE passages p SET stem_tsv = "
            + _STEM_TSV.format(language="d.language", text="p.text")
            + " FROM documents d WHERE d.id = p.document_id",
            "ALTER TABLE passages DROP COLUMN tsv",
            "ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            f"(to_tsvector('simple', {folded_sql(WORDS_TEXT.format(text='text'))})) STORED",
            "CREATE INDEX passages_tsv ON passages USING GIN (tsv)",
        ),
    },
)

# The lexical rank of a large library takes a common word's document frequency from ANALYZE's most common
# lexemes of the stemmed index (search._backend): keep 10,000 of them rather than PostgreSQL's 1,000, so
# that every form it must still count is in at most a small share of the passages.
LEXEME_STATISTICS = Migration(
    19,
    "lexeme_statistics",
    (),
    only={"postgresql": ("ALTER TABLE passages ALTER COLUMN stem_tsv SET STATISTICS 1000",)},
)

# BM25 divides a word's weight by the passage's length against the average. FTS5 counts every word of a
# passage; a tsvector's length (read from its header) counts its distinct words, so PostgreSQL ranked
# long passages, which repeat words most, higher than SQLite did (the same question put another document
# first on each engine). Every word of the indexed text has a position (our configurations drop no stop
# words), so the last position is the passage's length in words, as FTS5 counts it. Positions stop at
# 16,383; a passage is far shorter. A stored column, computed once per write after the trigger that
# fills stem_tsv: computing it per scored passage would read every position at each search.
PASSAGE_LENGTHS = Migration(
    21,
    "passage_lengths",
    (),
    only={
        "postgresql": (
            "CREATE FUNCTION reaimhub_tsv_words(words tsvector) RETURNS integer LANGUAGE sql IMMUTABLE "
            "PARALLEL SAFE AS $$ SELECT coalesce(max(pos), 0) FROM unnest(words) AS lexeme, "
            "unnest(lexeme.positions) AS pos $$",
            "ALTER TABLE passages ADD COLUMN stem_words integer "
            "GENERATED ALWAYS AS (reaimhub_tsv_words(stem_tsv)) STORED",
        ),
    },
)

# SQLite's stemmed index: the words of a passage with an underscore stemmed again, now that "_" separates
# words (`reaimhub.stemming.words`). It joined them ("Group_of_Governmental_Experts" in a URL was one word,
# stemmed whole, then split by FTS5 into unstemmed words, rare among stems); no other passage's stems
# change. PostgreSQL's index split them already (migration 0018).
_WITH_UNDERSCORE = "SELECT id FROM passages WHERE instr(text, '_') > 0"
STEMS_SPLIT_AT_UNDERSCORES = Migration(
    22,
    "stems_split_at_underscores",
    (),
    only={
        "sqlite": (
            f"DELETE FROM passages_stem WHERE rowid IN ({_WITH_UNDERSCORE})",
            "INSERT INTO passages_stem(rowid, text) SELECT p.id, reaimhub_stem(p.text, d.language) "
            f"FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({_WITH_UNDERSCORE})",
        ),
    },
)
