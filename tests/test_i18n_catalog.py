"""The gettext catalogs: every message extracted from the code is in them, translated, with nothing stale.

Extraction runs as ``scripts/i18n.sh extract`` does (babel.cfg, the keywords of ground.i18n) into a temporary
file, which is compared with ``ground/translations/{zh_CN,en}/LC_MESSAGES/messages.po``. ``bash
scripts/i18n.sh update`` brings the catalogs up to date; new messages then need their Chinese.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ground.i18n import CATALOG_DIRECTORY, Msg, _l, _ln, _lp, bilingual, catalog, localize

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["ground", "notifications", "expert_pool", "scheduling", "panels", "ecopanel"]
BRACE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def _key(message) -> tuple[str | None, str]:
    return message.context, message.id if isinstance(message.id, str) else message.id[0]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    env = {**os.environ, "PYBABEL": str(Path(sys.executable).with_name("pybabel"))}
    subprocess.run(["bash", "scripts/i18n.sh", "extract", str(pot)], cwd=ROOT, env=env, check=True)
    with pot.open("rb") as f:
        return read_po(f)


def _catalog(locale: str):
    with (CATALOG_DIRECTORY / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_catalog_holds_exactly_the_messages_of_the_code(extracted, locale):
    po = _catalog(locale)
    in_code = {_key(m) for m in extracted if m.id}
    in_catalog = {_key(m) for m in po if m.id}
    missing = sorted(in_code - in_catalog, key=str)
    stale = sorted(in_catalog - in_code, key=str)
    assert not missing, f"not in the {locale} catalog (run bash scripts/i18n.sh update): {missing[:20]}"
    assert not stale, f"in the {locale} catalog but no longer in the code (run bash scripts/i18n.sh update): {stale[:20]}"
    assert not po.obsolete, f"obsolete entries in the {locale} catalog: {list(po.obsolete)[:20]}"
    assert len(extracted) > 1000  # the extraction did find the code's messages


def test_every_chinese_message_is_translated_and_not_fuzzy():
    po = _catalog("zh_CN")
    untranslated = [_key(m) for m in po if m.id and (
        not m.string or (not isinstance(m.string, str) and not all(m.string)))]
    fuzzy = [_key(m) for m in po if m.id and m.fuzzy]
    assert not untranslated, f"{len(untranslated)} messages without Chinese: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy messages: {fuzzy[:20]}"


def test_translations_keep_their_placeholders():
    po = _catalog("zh_CN")
    wrong = []
    for m in po:
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for pattern in (BRACE, PERCENT):
            want = sorted(pattern.findall(ids[-1]))
            wrong += [(_key(m), s) for s in strings if sorted(pattern.findall(s)) != want]
    assert not wrong, f"placeholders differ between the English and the Chinese: {wrong[:10]}"
    assert not [e for e in po.check() if e[1]]


CJK = re.compile(r"[\u4e00-\u9fff]")


def _literal(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def _chinese_literal(node) -> bool:
    text = _literal(node)
    return text is not None and bool(CJK.search(text))


def test_no_hand_written_pair_is_left():
    """Msg("中文", "English") and t("中文", "English") are what /work/notes/babel_convert.py rewrites."""
    pairs = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Msg"
                        and len(node.args) == 2
                        and all(isinstance(a, (ast.Constant, ast.JoinedStr)) for a in node.args)):
                    pairs.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                # the pure rules' errors hold an English msgid (expert_pool.rules.messages), no Chinese
                if (isinstance(node, ast.Call) and ast.unparse(node.func).endswith(("FieldError", "TableError"))
                        and any(_chinese_literal(a) for a in ast.walk(node))):
                    pairs.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                # a message handed to a helper as two arguments, invalid(field, "中文", "English"); the pure
                # rules' vocabularies carry both languages as data (labels, column headers: what a file holds)
                if (isinstance(node, ast.Call) and not {"rules", "solver", "demo"} & set(path.parts)):
                    for a, b in zip(node.args, node.args[1:], strict=False):
                        if _chinese_literal(a) and _literal(b) is not None and not CJK.search(_literal(b)):
                            pairs.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        for path in (ROOT / package).rglob("*.html"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"(?<![\w.])t\(\s*['\"]", line):
                    pairs.append(f"{path.relative_to(ROOT)}:{number}")
    assert not pairs, f"bilingual pairs left (run the gettext conversion): {pairs[:20]}"


def test_messages_render_in_each_language():
    assert _l("Sign in").get("zh") == catalog("zh_CN").ugettext("Sign in") != "Sign in"
    assert _l("Sign in").get("en") == "Sign in" == str(_l("Sign in"))
    message = _l("Page %(page)d of %(pages)d")
    assert message.zh % {"page": 1, "pages": 2} == "第 1 / 2 页"
    # values are filled in each language, a message among them in the same language
    filled = bilingual("{a}和{b}", "{a} and {b}").format(a=_l("Sign in"), b=3)
    assert (filled.zh, filled.en, str(filled)) == ("登录和3", "Sign in and 3", "Sign in and 3")
    assert localize({"x": [filled]}, "zh") == {"x": ["登录和3"]}
    assert localize("Missing data for required field.", "zh") == "缺少必填字段。"
    assert localize("Must be one of: a, b.", "zh") == "必须是以下之一：a, b。"
    assert localize("Missing data for required field.", "en") == "Missing data for required field."
    assert isinstance(_lp("ctx", "x"), Msg) and _lp("ctx", "x").zh == "x"  # unknown: the English
    assert (_ln("{n} row", "{n} rows", 1).en, _ln("{n} row", "{n} rows", 4).en) == ("1 row", "4 rows")


def test_dates_lists_and_sentences_in_messages_are_written_the_readers_way():
    from datetime import date

    from ground.i18n import as_is, day, joined, listing

    message = _l("The date cannot be after today ({today}).").format(today=date(2027, 4, 6))
    assert message.zh == "日期不能晚于今天（2027年4月6日）。"
    assert message.en == "The date cannot be after today (April 6, 2027)."
    assert (day(date(2027, 4, 6)).zh, day(date(2027, 4, 6), "full").en) == ("2027年4月6日", "Tuesday, April 6, 2027")
    words = listing([_l("Sign in"), as_is("ecopanel"), "3"])
    assert (words.zh, words.en) == ("登录、ecopanel和3", "Sign in, ecopanel, and 3")
    assert listing([]).zh == "" and listing(["a", "b"], style="or").en == "a or b"
    sentences = joined([_l("Sign in"), as_is("x")], _lp("between sentences", "; "))
    assert (sentences.zh, sentences.en) == ("登录；x", "Sign in; x")
