"""Codes in words: provinces, statuses, titles, specialties ... as the pool's pages show them.

The tables of labels are the rules' own (``expert_pool.rules.normalize``); the few vocabularies only pages
show (sort orders, review reasons, conflict relations) are here, each entry a :class:`Msg`.
"""

from __future__ import annotations

from flask import g

from expert_pool.rules.normalize import GENDERS, LANGUAGES, MINISTRIES, ORGANIZATION_TYPES, STATUSES, TITLE_RANKS
from expert_pool.rules.regions import PROVINCES
from expert_pool.services import list_specialties
from ground.api import request_language
from ground.i18n import Msg, _l

SORTS: dict[str, Msg] = {
    "name": _l("Name (A to Z)"),
    "-name": _l("Name (Z to A)"),
    "-updated_at": _l("Recently updated first"),
    "term_end": _l("Term ending soonest first"),
    "-term_end": _l("Term ending latest first"),
    "birth_year": _l("Oldest first"),
    "-birth_year": _l("Youngest first"),
    "id": _l("Earliest added first"),
    "-id": _l("Latest added first"),
}
PAGE_SIZES = (20, 50, 100)
REVIEW_REASONS: dict[str, Msg] = {
    "data_unconfirmed": _l("Data not confirmed for 12 months"),
    "term_ending": _l("Term ending soon"),
    "term_ended": _l("Term has ended"),
}
RELATIONS: dict[str, Msg] = {
    "relative": _l("A close relative works there"),
    "former_employment": _l("Worked there before"),
    "interest": _l("A financial or other interest"),
    "other": _l("Other"),
}
CONFLICT_SOURCES: dict[str, Msg] = {
    "staff": _l("Recorded by staff"),
    "self": _l("Declared by the expert"),
    "invitation": _l("Declared when answering an invitation"),
}
NATIONAL = _l("The Office (national)")


class Names:
    """The words for the codes of one request's language; specialty names are read once per request."""

    def __init__(self, lang: str):
        self.lang = lang
        self._i = 0 if lang == "zh" else 1
        self._specialties: dict[str, str] | None = None

    @classmethod
    def for_request(cls) -> Names:
        names = g.get("_pool_names")
        if names is None or names.lang != request_language():
            names = g._pool_names = cls(request_language())
        return names

    def _pick(self, table: dict[str, tuple[str, str]], code: str | None) -> str:
        if code is None:
            return ""
        return table[code][self._i] if code in table else code

    def msg(self, message: Msg | str | None) -> str:
        if message is None:
            return ""
        return message.get(self.lang) if isinstance(message, Msg) else message

    def province(self, code: str | None) -> str:
        return self._pick(PROVINCES, code)

    def status(self, code: str | None) -> str:
        return self._pick(STATUSES, code)

    def title(self, code: str | None) -> str:
        return self._pick(TITLE_RANKS, code)

    def gender(self, code: str | None) -> str:
        return self._pick(GENDERS, code)

    def org_type(self, code: str | None) -> str:
        return self._pick(ORGANIZATION_TYPES, code)

    def language(self, code: str | None) -> str:
        return self._pick(LANGUAGES, code)

    def recommender(self, code: str | None) -> str:
        return self._pick(MINISTRIES, code) if code in MINISTRIES else self.province(code)

    def contributor(self, code: str | None) -> str:
        return self.msg(NATIONAL) if code is None else self.province(code)

    def specialty(self, code: str) -> str:
        if self._specialties is None:
            self._specialties = {s.code: (s.name_zh, s.name_en)[self._i] for s in list_specialties()}
        return self._specialties.get(code, code)

    def specialties(self, codes: list[str]) -> str:
        return ("、" if self.lang == "zh" else ", ").join(self.specialty(c) for c in codes)

    def sort(self, key: str) -> str:
        return self.msg(SORTS.get(key)) or key

    def review_reason(self, code: str) -> str:
        return self.msg(REVIEW_REASONS.get(code)) or code

    def relation(self, code: str) -> str:
        return self.msg(RELATIONS.get(code)) or code

    def conflict_source(self, code: str) -> str:
        return self.msg(CONFLICT_SOURCES.get(code)) or code

    # lists for the <select>s, in the order people look for them
    def provinces(self) -> list[tuple[str, str]]:
        return [(code, names[self._i]) for code, names in PROVINCES.items()]

    def table(self, name: str) -> list[tuple[str, str]]:
        table = {"status": STATUSES, "title": TITLE_RANKS, "gender": GENDERS, "org_type": ORGANIZATION_TYPES,
                 "language": LANGUAGES, "ministry": MINISTRIES}[name]
        return [(code, names[self._i]) for code, names in table.items()]
