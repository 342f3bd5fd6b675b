from pathlib import Path

import pytest

from reaimhub.settings import SETTINGS, load_settings, settings_markdown

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
