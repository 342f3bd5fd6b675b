"""The format-handler contract and the registry that routes sniffed bytes to the best handler."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import ClassVar

from reaimhub.model import Extracted, IngestError

from . import messages
from .sniff import decoding_once, extension, sniff

__all__ = ["FormatHandler", "Registry"]


class FormatHandler(abc.ABC):
    """Turns the bytes of one family of formats into `Extracted`.

    `score` says how well the handler fits a sniffed media type (0 = not at all); the extension
    only breaks ties, it never selects a handler on its own.
    """

    media_types: ClassVar[tuple[str, ...]] = ()
    extensions: ClassVar[tuple[str, ...]] = ()

    def score(self, media_type: str, filename: str) -> int:
        if media_type not in self.media_types:
            return 0
        return 10 + (1 if extension(filename) in self.extensions else 0)

    @abc.abstractmethod
    def extract(self, data: bytes, filename: str) -> Extracted:
        """Extract text and metadata; raise IngestError with a stable code on failure."""


class Registry:
    """Picks the best-scoring handler for a file (after the empty, mismatch and support checks)."""

    def __init__(self, handlers: Iterable[FormatHandler]) -> None:
        self.handlers = tuple(handlers)

    def best(self, media_type: str, filename: str) -> FormatHandler | None:
        scored = [(handler.score(media_type, filename), handler) for handler in self.handlers]
        score, handler = max(scored, key=lambda pair: pair[0], default=(0, None))
        return handler if score > 0 else None

    def extract(self, data: bytes, filename: str) -> Extracted:
        if not data:
            raise IngestError("empty_file", "the file is empty (0 bytes)")
        with decoding_once():  # sniffing and the handler share one decode of the text
            media_type = sniff(data, filename)
            mismatch = messages.mismatch(data, filename, media_type)
            if mismatch is not None:
                raise IngestError("type_mismatch", mismatch)
            handler = self.best(media_type, filename)
            if handler is None:
                raise IngestError("unsupported_type", messages.unsupported(data, media_type))
            return handler.extract(data, filename)
