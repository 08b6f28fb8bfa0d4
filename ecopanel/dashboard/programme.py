"""The programme at a glance: the dashboard's charts, each from the owning domain's counting service."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ecopanel.dashboard.charts import BarChart, bar_chart
from expert_pool.rules.regions import PROVINCE_SHORT_ZH, PROVINCES
from expert_pool.services import list_specialties
from expert_pool.services.stats import expert_counts
from ground.actor import Actor, Role
from ground.clock import SHANGHAI
from ground.i18n import Msg, _l, _lp
from panels.services.stats import panel_counts_by_kind
from scheduling.rules.lifecycle import (
    ACCEPTANCE_STATES,
    APPLICATION_STATES,
    CONSTRUCTION_STATES,
    ENDED_STATES,
    NAMED_STATES,
    PanelKind,
    State,
)
from scheduling.services.stats import park_counts
from scheduling.wording import panel_kind_name

#: The lifecycle's states grouped into the stages people speak of (vocabulary.py's groups, in order).
STAGES: tuple[tuple[Msg, frozenset[State]], ...] = (
    (_l("Not yet applied"), frozenset({State.NEW})),
    (_l("Application"), APPLICATION_STATES),
    (_l("Construction"), CONSTRUCTION_STATES),
    (_l("Acceptance"), ACCEPTANCE_STATES),
    (_lp("ecopanel.dashboard.programme", "Named"), NAMED_STATES),
    (_l("Ended"), ENDED_STATES),
)


def _province_label(code: str, lang: str) -> str:
    if lang == "zh":
        return PROVINCE_SHORT_ZH.get(code, code)
    return PROVINCES.get(code, (code, code))[1]


def _by_count(counts: dict[str, int], label, highlight: str | None = None) -> list[tuple[str, int, bool]]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(label(key), value, key == highlight) for key, value in ordered if value]


def parks_by_stage(actor: Actor, lang: str) -> BarChart:
    counts = park_counts(actor, "state")
    rows = [(name.get(lang), sum(counts.get(s.value, 0) for s in states), False) for name, states in STAGES]
    return bar_chart("parks-stage", _lp("ecopanel.dashboard.programme", "Parks by stage").get(lang), rows)


def parks_by_place(actor: Actor, lang: str) -> BarChart:
    """The Office sees parks per province; a province, which sees its own parks only, per city."""
    if actor.role == Role.PROVINCE:
        rows = _by_count(park_counts(actor, "city"), lambda city: city or _l("(no city)").get(lang))
        return bar_chart("parks-place", _l("Parks of the province by city").get(lang), rows)
    rows = _by_count(park_counts(actor, "province"), lambda code: _province_label(code, lang))
    return bar_chart("parks-place", _l("Parks by province").get(lang), rows)


def experts_by_specialty(actor: Actor, lang: str) -> BarChart:
    names = {s.code: (s.name_zh if lang == "zh" else s.name_en) for s in list_specialties()}
    rows = _by_count(expert_counts(actor, "specialty"), lambda code: names.get(code, code))
    return bar_chart("experts-specialty", _l("Active experts by specialty").get(lang), rows)


def experts_by_province(actor: Actor, lang: str) -> BarChart:
    own = actor.province if actor.role == Role.PROVINCE else None
    rows = _by_count(expert_counts(actor, "province"), lambda code: _province_label(code, lang), highlight=own)
    return bar_chart("experts-province", _l("Active experts by province").get(lang), rows)


def panels_by_kind(actor: Actor, today: date, lang: str) -> BarChart:
    start = datetime(today.year, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)
    end = datetime(today.year + 1, 1, 1, tzinfo=SHANGHAI).astimezone(UTC)
    counts = panel_counts_by_kind(actor, start, end)
    rows = [(panel_kind_name(kind).get(lang), counts.get(kind.value, 0), False) for kind in PanelKind]
    title = _l("Panels drawn in {year} by kind").format(year=today.year)
    return bar_chart("panels-kind", title.get(lang), rows)


def programme_charts(actor: Actor, today: date, lang: str) -> dict[str, BarChart]:
    return {"parks_stage": parks_by_stage(actor, lang), "parks_place": parks_by_place(actor, lang),
            "experts_specialty": experts_by_specialty(actor, lang),
            "experts_province": experts_by_province(actor, lang), "panels_kind": panels_by_kind(actor, today, lang)}
