"""A toolkit, not one pipeline: your own schema and prompt, backends as plugins, one import name."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, cli_env
from typer.testing import CliRunner

from extractor import Extractor, extract
from extractor.backends import available
from extractor.cli import app
from extractor.errors import ConfigError
from extractor.settings import Settings
from extractor.testing import FakeOpenAI, MockBackend, Reply, schema_responder

PLUGINS = Path(__file__).parent / "plugins" / "echo_backend"
ARTICLE = "Police arrested 12 protesters in Valencia on Monday. The mayor condemned it."

EVENTS = """
from pydantic import BaseModel
from extractor.schemas import Quote

class Event(BaseModel):
    what: str
    where: Quote
    when: Quote | None = None

class EventSet(BaseModel):
    events: list[Event] = []
"""


@pytest.fixture
def events_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "mymodels"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "events.py").write_text(textwrap.dedent(EVENTS))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _event_reply(request: object) -> Reply:
    return Reply.json(
        {
            "events": [
                {"what": "arrest", "where": {"quote": "Valencia"}, "when": {"quote": "Monday"}}
            ]
        }
    )


def test_a_user_schema_runs_end_to_end_from_python_with_quotes_grounded_at_any_depth(
    events_module: Path,
) -> None:
    from mymodels.events import EventSet  # type: ignore[import-not-found]

    with FakeOpenAI(_event_reply) as server:
        record = extract(
            ARTICLE,
            schema=EventSet,
            prompt="List the events.\n<article>\n{article}\n</article>",
            base_url=server.url,
            model="m",
            use_cache=False,
        )
        sent = server.requests[0].body["response_format"]["json_schema"]["schema"]
    assert record.status == "ok", record.error
    assert "events" in sent["properties"]
    (event,) = record.events
    assert ARTICLE[event.where.start : event.where.end] == "Valencia"
    assert event.when.alignment == "exact"
    line = json.loads(record.to_json())
    assert list(line)[:4] == ["id", "source", "status", "events"]
    assert line["events"][0]["when"]["start"] == ARTICLE.index("Monday")


def test_a_prompt_file_names_a_user_schema_by_import_path_and_the_cli_runs_it(
    events_module: Path, tmp_path: Path
) -> None:
    prompt = tmp_path / "events.toml"
    prompt.write_text(
        'name = "events"\nversion = "1"\nschema = "mymodels.events:EventSet"\n'
        '[messages]\nsystem = "Find events."\nuser = "<article>\\n{article}\\n</article>"\n'
    )
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    with FakeOpenAI(schema_responder(seed=1)) as server:
        result = CliRunner().invoke(
            app,
            ["run", str(tmp_path / "a.txt"), "-o", str(out), "--quiet", "--prompt", str(prompt),
             "--base-url", server.url, "--model", "m", "--cache-dir", str(tmp_path / "c")],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["status"] == "ok" and "events" in record and "claims" not in record
    report = CliRunner().invoke(app, ["ledger", str(out)])
    assert report.exit_code == 2
    assert "claim schema" in report.output


def test_a_plugin_backend_is_picked_by_name_with_no_change_to_extractor(tmp_path: Path) -> None:
    """The plugin lives in its own package with its own entry point (tests/plugins/)."""
    out = tmp_path / "out.jsonl"
    env = cli_env(None, tmp_path / "cache", PYTHONPATH=str(PLUGINS))
    done = subprocess.run(
        [sys.executable, "-m", "extractor.cli", "run", str(SEEDS), "-o", str(out), "--quiet",
         "--backend", "echo", "--model", "echo-1"],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 5 and {r["status"] for r in records} == {"ok"}
    assert {r["provenance"]["mode"] for r in records} == {"echo"}
    assert all(r["claims"][0]["evidence"]["alignment"] == "exact" for r in records)


def test_an_unknown_backend_names_the_installed_ones() -> None:
    with pytest.raises(ConfigError, match=r"installed backends are .*openai.*rules"):
        Extractor(Settings.from_env(env={}, backend="nope", model="x"))
    assert {"openai", "rules", "mock"} <= set(available())


def test_backend_options_are_checked_by_their_backend() -> None:
    with pytest.raises(ConfigError, match="takes no endpoint options"):
        Extractor(Settings.from_env(env={}, model="rules", base_url="http://x/v1"))
    with pytest.raises(ConfigError, match="mode"):
        Extractor(Settings.from_env(env={}, model="m", base_url="http://x/v1", mode="yaml"))


def test_the_mock_backend_runs_the_shared_salvage_path_in_process() -> None:
    backend = MockBackend(responder=schema_responder(seed=4))
    extractor = Extractor(Settings(model="mock", use_cache=False), backend=backend)
    records = extractor.extract_many([ARTICLE, "Another article with 3 arrests."])
    assert [r.status for r in records] == ["ok", "ok"]
    assert [r.id for r in records] == ["0", "1"]  # input order
    assert len(backend.requests) == 2


def test_schemas_and_prompts_have_one_import_name() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import schemas"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode != 0 and "import extractor.schemas" in done.stderr
    assert not (ROOT / "extractor" / "schemas").exists()  # no symlinks


def test_extract_works_inside_a_running_event_loop_and_empty_text_is_an_empty_record() -> None:
    import asyncio

    async def notebook_cell() -> str:
        return extract("", model="rules").error.type  # type: ignore[union-attr]

    assert asyncio.run(notebook_cell()) == "empty"


def test_async_with_extractor_closes_its_http_client_and_cache(settings: Settings) -> None:
    import asyncio
    import gc
    import warnings

    from extractor.articles import Article

    async def use() -> str:
        async with Extractor(settings) as extractor:
            record = await extractor.aextract_article(Article(id="a", text=ARTICLE))
        return record.status

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        assert asyncio.run(use()) == "ok"
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
