"""Adding a language to the rules baseline is one data file: no code changes.

A copy of the package gets a Portuguese cue file (written here, in a temporary folder: no tracked
file is touched), and a fresh interpreter reads a Portuguese report with it. The English and
Spanish files are not involved in anything asserted here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PORTUGUESE = '''
code = "pt"
stopwords = """o a os as de do da dos das que e em um uma por com para se seu sua ao no na
mais mas foi segundo disse este esta entre sobre desde também"""

[numbers]
decimal = ","
thousands = "."
words = { "dois" = 2, "três" = 3, "quatro" = 4, "cinco" = 5, "dez" = 10 }
scales = { "mil" = 1000, "milhões" = 1000000 }
currencies = "reais real dólares"
percent = ["por cento"]
durations = "anos ano meses mês dias dia horas hora"
labels = "número artigo"

[words]
function_words = """a ante após até com contra desde em entre para por sem sob sobre e ou mas
que quem como é são foi foram está estão não já muito mais menos se um uma"""
government = "governo ministério polícia tribunal autoridades"
ngo = "organização ong comitê associação"
media = "agência jornal"
participle_endings = ["ado", "ada", "ido", "ida"]

[hedges]
"pelo menos" = "at_least"
"mais de" = "more_than"
"cerca de" = "nearly"
"quase" = "nearly"

[vague]
"dezenas" = [24, 99]
"centenas" = [200, 999]

[dates]
months = ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
          "setembro", "outubro", "novembro", "dezembro"]
weekdays = ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
            "sábado", "domingo"]

[attribution]
according_to = ["segundo", "de acordo com"]
strong_verbs = "disse afirmou informou confirmou denunciou anunciou"
weak_verbs = "mostra"
anaphora = { "organização" = "ngo" }
determiners = "o a os as esse essa este esta"

[disputes]
cues = "negou nega"

[furniture]
stop = ["notícias relacionadas"]
skip = ["leia também"]
label = ["publicidade"]
'''

ARTICLE = """Jornal do Sul

Pelo menos 45 presos políticos foram libertados na quinta-feira, segundo a ONG Foro Penal.
Mais de 1.200 pessoas continuam detidas, denunciou a organização.
O governo negou a existência de presos políticos.
Leia também: Outra notícia com 300 detidos
Notícias relacionadas
Um tribunal condenou 80 pessoas.
"""

PROBE = """
import json, sys
from extractor.backends.rules import extract_claims
from extractor.backends.rules.languages import detect
text = sys.stdin.read()
claims = [c.model_dump() for c in extract_claims(text)]
print(json.dumps({"language": detect(text), "claims": claims}))
"""


def test_a_portuguese_data_file_is_all_it_takes_to_read_portuguese(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "extractor",
        tmp_path / "extractor",
        symlinks=False,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (tmp_path / "extractor/backends/rules/languages/pt.toml").write_text(PORTUGUESE, "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=ARTICLE,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["language"] == "pt"
    by_value = {c["quantity"]["value"]: c for c in result["claims"] if c["quantity"]}
    assert by_value[45]["quantity"]["qualifier"] == "at_least"
    assert by_value[45]["source"]["name"] == "Foro Penal"
    assert by_value[1200]["quantity"]["qualifier"] == "more_than"  # "1.200" read as 1200
    assert by_value[1200]["source"]["name"] == "Foro Penal"  # "a organização" points back
    assert 300 not in by_value and 80 not in by_value  # furniture and other stories skipped
    denial = next(c for c in result["claims"] if c["evidence"]["quote"].startswith("O governo"))
    assert denial["quantity"] is None and denial["disputed"] is True
