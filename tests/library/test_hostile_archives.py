"""Archives are never inflated without a bound: decompression bombs (ZIP, DOCX, gzip) built in the test fail
with a clear code before anything is unpacked, memory stays flat, and the batch goes on. The library
never inflates gzip (it is named and refused); the roll-call import, which does, bounds each line."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from reaimhub.coalition.rollcalls import RollCallFile
from reaimhub.library.formats import ERROR_CODES, extract, sniff
from reaimhub.library.formats.archive import MIB, Limits, open_zip, read_member
from reaimhub.model import IngestError
from reaimhub.services.hub import Hub
from reaimhub.services.library import ingest_bytes, ingest_paths

from .zip_bombs import (
    BODY_HEAD,
    BODY_TAIL,
    deflated,
    docx_with,
    gzip_of_spaces,
    many_members,
    real_docx,
    replace_member,
    spaces,
)

GIB_OF_SPACES = 1024  # MiB


def _error(data: bytes, filename: str) -> IngestError:
    with pytest.raises(IngestError) as caught:
        extract(data, filename)
    return caught.value


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each hostile file on disk (about 1 MB each), by the name it is ingested under."""
    gib = spaces(GIB_OF_SPACES, BODY_HEAD, BODY_TAIL)
    files = {
        # honest headers: word/document.xml says it unpacks to 1 GiB
        "spaces.docx": docx_with(gib),
        # the headers say 1,000 bytes, the data inflates to 1 GiB (checksum of the whole, or of the first
        # 1,000 bytes, so that even the checksum agrees with the lie)
        "lying.docx": docx_with(gib, declared=(1000, 0)),
        "lying-crc.docx": docx_with(gib, declared=(1000, zlib.crc32((BODY_HEAD + b" " * 1000)[:1000]))),
        "many-members.docx": many_members(12_000),
        "spaces.zip": docx_with(gib),
        "report.txt": gzip_of_spaces(GIB_OF_SPACES),  # gzip under a text name
        "report.html.gz": gzip_of_spaces(GIB_OF_SPACES),
    }
    folder = tmp_path_factory.mktemp("bombs")
    for name, data in files.items():
        (folder / name).write_bytes(data)
        assert len(data) < 2 * MIB, name
    return {name: folder / name for name in files}


EXPECTED = {
    "spaces.docx": ("archive_limit", "would unpack to 1,024 MiB, more than the 256 MiB allowed"),
    "lying.docx": ("corrupt", "damaged"),
    "lying-crc.docx": ("corrupt", "damaged"),
    "many-members.docx": ("archive_limit", "more than the 10,000 allowed"),
    "spaces.zip": ("archive_limit", "would unpack to 1,024 MiB"),
    "report.txt": ("unsupported_type", "gzip-compressed files are not supported"),
    "report.html.gz": ("unsupported_type", "gzip-compressed files are not supported"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bomb_fails_with_a_clear_code(bombs: dict[str, Path], name: str) -> None:
    code, words = EXPECTED[name]
    error = _error(bombs[name].read_bytes(), name)
    assert (error.code, words in error.message) == (code, True), error.message
    assert code in ERROR_CODES


_MEASURE = """
import json, resource, sys
from pathlib import Path
from reaimhub.library.formats import extract
from reaimhub.model import IngestError

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

files = [(Path(p).name, Path(p).read_bytes()) for p in sys.argv[2:]]
extract(Path(sys.argv[1]).read_bytes(), "warm.docx")  # the DOCX reader's first use, before measuring
base = peak()
codes = {}
for name, data in files:
    try:
        extract(data, name)
        codes[name] = "ok"
    except IngestError as exc:
        codes[name] = exc.code
print(json.dumps({"growth": peak() - base, "codes": codes}))
"""


def test_memory_stays_flat_on_archives_that_inflate_to_a_gibibyte(
    bombs: dict[str, Path], tmp_path: Path
) -> None:
    """In a fresh process: the peak resident size grows by a few MiB at most while every bomb is read."""
    warm = tmp_path / "warm.docx"
    warm.write_bytes(real_docx("A paragraph to warm the reader up."))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(warm), *map(str, bombs.values())],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    measured = json.loads(done.stdout)
    assert measured["codes"] == {name: code for name, (code, _) in EXPECTED.items()}
    assert measured["growth"] < 48 * MIB, f"peak memory grew by {measured['growth'] / MIB:.0f} MiB"


def test_checks_come_from_the_central_directory_before_any_read() -> None:
    # One member of 2 MiB of spaces: over the ratio (it packs about 1000 to 1), under the size limit.
    data = docx_with(spaces(2, BODY_HEAD, BODY_TAIL))
    with pytest.raises(IngestError) as caught:
        open_zip(data, Limits(max_bytes=64 * MIB, max_ratio=100))
    assert "'word/document.xml' is compressed" in caught.value.message
    # The whole archive's ratio counts too: 40 members of 64 KiB each pass one by one (below the floor).
    buffer = io.BytesIO(docx_with(deflated(b"<w:document/>")))
    with zipfile.ZipFile(buffer, "a") as archive:
        for n in range(40):
            archive.writestr(f"word/media/blank{n}.xml", b" " * (64 * 1024), zipfile.ZIP_DEFLATED)
    many = buffer.getvalue()
    with pytest.raises(IngestError) as caught:
        open_zip(many, Limits(max_ratio=50, ratio_floor=MIB))
    assert "times its size" in caught.value.message
    # Members and size, as configured.
    with pytest.raises(IngestError, match="more than the 5 allowed"):
        open_zip(many_members(5), Limits(max_members=5))
    with pytest.raises(IngestError, match="more than the 1 MiB allowed"):
        open_zip(docx_with(deflated(b"x" * (2 * MIB))), Limits(max_bytes=MIB, max_ratio=10_000))


def test_reads_stop_at_the_declared_size() -> None:
    """A part that says 5 MiB and inflates to 1 GiB gives at most 5 MiB, then fails its checksum."""
    data = docx_with(spaces(GIB_OF_SPACES, BODY_HEAD, BODY_TAIL), declared=(5 * MIB, 0))
    with open_zip(data, Limits(max_ratio=10_000)) as archive:
        assert len(read_member(archive, "word/document.xml", 1000)) == 1000
        with pytest.raises(zipfile.BadZipFile):
            read_member(archive, "word/document.xml")


def test_real_documents_are_within_the_default_limits(corpora: Path) -> None:
    docs = sorted((corpora / "docx").rglob("*.docx"))
    assert len(docs) >= 10
    for path in docs:
        with open_zip(path.read_bytes()):
            pass


def test_the_setting_changes_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = real_docx("A short paragraph.")
    assert extract(data, "short.docx").media_type.endswith("wordprocessingml.document")
    monkeypatch.setenv("REAIMHUB_ARCHIVE_MAX_MB", "0")
    error = _error(data, "short.docx")
    assert error.code == "archive_limit" and "more than the 0 MiB allowed" in error.message


def test_xml_entities_in_a_docx_are_neither_expanded_nor_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    base = real_docx("PLACEHOLDER")
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        document = archive.read("word/document.xml")
    laughs = b'<!ENTITY lol "lollollollollollollollollollol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    doctype = (
        b"<!DOCTYPE w:document [" + laughs + b'<!ENTITY xxe SYSTEM "' + secret.as_uri().encode() + b'">]>'
    )
    at = document.index(b"<w:document")
    for body in (b"before &xxe; after", b"before &lol9; after"):
        hostile = document[:at] + doctype + document[at:].replace(b"PLACEHOLDER", body)
        data = replace_member(base, "word/document.xml", hostile)
        try:
            extracted = extract(data, "entities.docx")
        except IngestError as exc:
            assert exc.code == "corrupt"  # libxml2 refuses the billion laughs outright
            continue
        text = " ".join(block.text for page in extracted.pages for block in page.blocks or [])
        assert "TOPSECRET" not in text and "lol" not in text


def test_sniffing_a_bomb_reads_no_member(bombs: dict[str, Path]) -> None:
    with pytest.raises(IngestError) as caught:
        sniff(bombs["spaces.docx"].read_bytes(), "spaces.docx")
    assert caught.value.code == "archive_limit"
    assert sniff(bombs["report.txt"].read_bytes(), "report.txt") == "application/gzip"


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_batch_with_bombs_stores_each_failure_and_goes_on(
    hub: Hub, bombs: dict[str, Path], corpora: Path, tmp_path: Path
) -> None:
    good = tmp_path / "zz-note.txt"
    good.write_bytes((corpora / "seed" / "beslisnota-reaim-kamerbrief.txt").read_bytes())
    report = ingest_paths(hub, [*bombs.values(), good])
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["zz-note.txt"].status == "ok"
    for name, (code, _) in EXPECTED.items():
        assert (by_name[name].status, by_name[name].error_code) == ("failed", code), by_name[name]
    # The same through the single-file path the web upload uses.
    again = ingest_bytes(hub, bombs["spaces.docx"].read_bytes(), "upload.docx")
    assert (again.status, again.error_code) == ("failed", "archive_limit")
    assert "was refused without being unpacked" in again.message


def test_a_gzip_roll_call_file_without_line_breaks_is_refused_not_inflated(tmp_path: Path) -> None:
    """The one reader that does inflate gzip (the unvotes roll-call import) reads it line by line, each
    line bounded: a header, then 1 GiB of spaces without a line break, is refused after a MiB or so."""
    header = b"rcid,session,importantvote,date,unres,amend,para,short,descr\n"
    path = tmp_path / "un_roll_calls.csv.gz"
    path.write_bytes(gzip.compress(header) + gzip_of_spaces(GIB_OF_SPACES))
    tracemalloc.start()
    try:
        with RollCallFile(path) as reader:
            rows = list(reader)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == []
    assert [str(e) for e in reader.errors.errors] == [
        "line 2: the file cannot be read past line 1: a line is longer than 1,048,576 characters"
    ]
    assert peak < 32 * MIB, f"{peak / MIB:.0f} MiB"
