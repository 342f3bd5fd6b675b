from pathlib import Path

import pytest

from reaimhub.services import transfer
from reaimhub.settings import SETTINGS, load_settings, settings_markdown, shown_url, shown_value
from reaimhub.store import errors
from reaimhub.store.engine import make_engine

REPO = Path(__file__).resolve().parents[1]


def test_configuration_page_is_generated_from_the_settings_table() -> None:
    committed = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == settings_markdown(), (
        "run: .venv/bin/reaimhub settings --markdown > docs/configuration.md"
    )


def test_every_setting_has_an_env_name_help_and_a_parseable_default() -> None:
    names = [s.env for s in SETTINGS]
    assert len(names) == len(set(names))
    for required in (
        "REAIMHUB_DATA_DIR",
        "REAIMHUB_DATABASE_URL",
        "REAIMHUB_HOST",
        "REAIMHUB_PORT",
        "REAIMHUB_LOG_LEVEL",
    ):
        assert required in names
    assert all(s.help.strip() for s in SETTINGS)
    defaults = load_settings(environ={})
    assert defaults.port == 8000
    assert defaults.languages == ("nl", "en", "es", "fr", "ko", "de")
    assert defaults.effective_database_url.startswith("sqlite:///")


def test_values_are_parsed_with_their_type() -> None:
    settings = load_settings(
        environ={
            "REAIMHUB_PORT": "9001",
            "REAIMHUB_LANGUAGES": "nl, EN",
            "REAIMHUB_DATA_DIR": "/tmp/x",
            "REAIMHUB_LOG_LEVEL": "debug",
        }
    )
    assert settings.port == 9001
    assert settings.languages == ("nl", "en")
    assert settings.data_dir == Path("/tmp/x")
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        ("REAIMHUB_PORT", "eighty", "REAIMHUB_PORT must be an integer"),
        ("REAIMHUB_LOG_LEVEL", "loud", "REAIMHUB_LOG_LEVEL must be"),
    ],
)
def test_a_bad_value_says_which_variable_and_why(env: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_settings(environ={env: value})


SECRET = "s3cr3t-PW"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            f"postgresql+psycopg://hub:{SECRET}@db.example:5432/hub",
            "postgresql+psycopg://hub:***@db.example:5432/hub",
        ),
        # malformed: a port that is not a number, a scheme SQLAlchemy does not parse, no driver
        (
            f"postgresql+psycopg://hub:{SECRET}@db.example:port/hub",
            "postgresql+psycopg://hub:***@db.example:port/hub",
        ),
        (f"postgresql+psycopg:/x://hub:{SECRET}@h/hub", "postgresql+psycopg:/x://hub:***@h/hub"),
        (f"mysql://:{SECRET}@db.example/hub", "mysql://:***@db.example/hub"),
        # typed without percent-encoding: SQLAlchemy would show what follows the first '@'
        (f"postgresql://hub:{SECRET}@x/y?z@db.example/hub", "postgresql://hub:***@db.example/hub"),
        (
            f"postgresql://hub@db.example/hub?sslmode=require&password={SECRET}",
            "postgresql://hub@db.example/hub?sslmode=require&password=***",
        ),
        # two URLs in one value, and what has no password is kept as it is
        (f"a://u:{SECRET}@h/1 b://v:{SECRET}@h/2", "a://u:***@h/1 b://v:***@h/2"),
        ("sqlite:////tmp/a:b@c/hub.db", "sqlite:////tmp/a:b@c/hub.db"),
        ("postgresql+psycopg://db.example:5432/hub", "postgresql+psycopg://db.example:5432/hub"),
        ("not a url", "not a url"),
        ("", ""),
    ],
)
def test_a_password_in_a_url_is_never_shown(url: str, shown: str) -> None:
    assert shown_url(url) == shown and SECRET not in shown
    # one rule wherever a URL is shown: `reaimhub settings`, the store's messages, `db copy`
    assert errors.shown_url is shown_url and transfer.shown_url is shown_url
    database_url = next(s for s in SETTINGS if s.name == "database_url")
    assert shown_value(database_url, url) == shown


def test_a_malformed_url_is_refused_without_its_password() -> None:
    for url in (
        f"postgresql+psycopg://hub:{SECRET}@db.example:port/hub",
        f"postgresql+psycopg:/x://hub:{SECRET}@h",
    ):
        with pytest.raises(errors.StoreUnavailable) as refused:
            make_engine(url)
        assert SECRET not in str(refused.value) and "hub:***@" in str(refused.value)
