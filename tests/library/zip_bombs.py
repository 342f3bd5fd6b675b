"""Hostile ZIP and gzip files built in the test, in milliseconds: a 1 GiB member is a ~1 MB deflate stream
made of one compressed MiB of spaces repeated (each block ends with a full flush, so the blocks chain).

Sizes in the headers are what the caller declares, so a header can lie about what the data inflates to.
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MIB = 1024 * 1024
SPACE_MIB = b" " * MIB


@dataclass(frozen=True)
class Member:
    name: str
    stream: bytes  # raw deflate
    size: int  # what it really inflates to
    crc: int


def deflated(data: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member("", packer.compress(data) + packer.flush(), len(data), zlib.crc32(data))


def spaces(mib: int, head: bytes = b"", tail: bytes = b"") -> Member:
    """`head`, then `mib` MiB of spaces, then `tail`, deflated without compressing `mib` MiB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = block.compress(SPACE_MIB) + block.flush(zlib.Z_FULL_FLUSH)  # no history: the same every time
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = last.compress(tail) + last.flush()
    crc = zlib.crc32(head)
    for _ in range(mib):
        crc = zlib.crc32(SPACE_MIB, crc)
    crc = zlib.crc32(tail, crc)
    return Member("", first + one * mib + end, len(head) + mib * MIB + len(tail), crc)


def build_zip(members: list[tuple[str, Member]], declared: dict[str, tuple[int, int]] | None = None) -> bytes:
    """A ZIP of deflated members; `declared[name] = (size, crc)` puts a lie in both headers."""
    declared = declared or {}
    out = io.BytesIO()
    central = []
    for name, member in members:
        size, crc = declared.get(name, (member.size, member.crc))
        raw = name.encode()
        offset = out.tell()
        fields = (20, 0, 8, 0, 0x21, crc, len(member.stream), size, len(raw), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + raw + member.stream)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset) + raw)
    start = out.tell()
    for entry in central:
        out.write(entry)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)
W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="' + W + b'"><w:body><w:p><w:r><w:t>'
BODY_TAIL = b"</w:t></w:r></w:p></w:body></w:document>"


def docx_with(document: Member, declared: tuple[int, int] | None = None) -> bytes:
    """A DOCX whose word/document.xml is `document` (its header saying `declared` when given)."""
    members = [
        ("[Content_Types].xml", deflated(_TYPES)),
        ("_rels/.rels", deflated(_RELS)),
        ("word/document.xml", document),
    ]
    return build_zip(members, {"word/document.xml": declared} if declared else None)


def many_members(count: int) -> bytes:
    empty = deflated(b"")
    return build_zip([(f"word/part{n}.xml", empty) for n in range(count)] + [("word/document.xml", empty)])


def gzip_of_spaces(mib: int) -> bytes:
    """A gzip stream of `mib` MiB of spaces (member after member: it needs no 1 GiB in memory to make)."""
    one = gzip.compress(SPACE_MIB, compresslevel=9, mtime=0)
    return one * mib


def real_docx(text: str) -> bytes:
    """A small valid DOCX (python-docx's own template) with one paragraph."""
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, blob: bytes) -> bytes:
    """`data` (a ZIP) with member `name` replaced by `blob`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, blob if info.filename == name else src.read(info))
    return out.getvalue()
