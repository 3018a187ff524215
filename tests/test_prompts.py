from __future__ import annotations

from pathlib import Path

import pytest

from extractor.errors import ConfigError
from extractor.templates import load_prompt


def test_bundled_claims_prompt_has_name_version_and_a_stable_hash() -> None:
    prompt = load_prompt("claims")
    assert (prompt.name, prompt.version) == ("claims", "1")
    assert len(prompt.template_sha256) == 64
    assert prompt.template_sha256 == load_prompt("claims").template_sha256


def test_article_text_is_inserted_as_data_not_as_template_syntax() -> None:
    article = "He wrote {{ secret }} and {% raw %} and {article} and {0} and $x."
    messages = load_prompt("claims").render(article)
    assert article in messages[-1]["content"]


def _write_prompt(path: Path, example_quote: str) -> Path:
    path.write_text(
        f'''name = "mine"
version = "7"
[params]
temperature = 0.2
[messages]
system = "Extract."
user = "<article>\\n{{article}}\\n</article>"
[[examples]]
text = "Officials said 5 people died."
[[examples.claims]]
statement = "Officials said 5 people died."
subject = "officials"
source = {{name = "officials", kind = "government"}}
evidence = {{quote = "{example_quote}"}}
''',
        encoding="utf-8",
    )
    return path


def test_prompt_file_with_examples_renders_them_as_turns(tmp_path: Path) -> None:
    prompt = load_prompt(str(_write_prompt(tmp_path / "mine.toml", "5 people died")))
    messages = prompt.render("Article body.")
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert prompt.params == {"temperature": 0.2}
    assert prompt.version == "7"


def test_example_whose_quote_is_not_in_its_own_text_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="example 1 quotes text"):
        load_prompt(str(_write_prompt(tmp_path / "bad.toml", "7 people died")))


def test_unknown_prompt_name_says_what_exists() -> None:
    with pytest.raises(ConfigError, match="claims"):
        load_prompt("no-such-prompt")
