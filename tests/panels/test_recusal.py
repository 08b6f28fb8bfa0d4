"""Recusal and eligibility rules, as plain functions."""

from __future__ import annotations

from datetime import date

from panels.rules.recusal import (
    Assessment,
    Conflict,
    Employment,
    ExpertFacts,
    ParkContext,
    RecusalRules,
    assess,
    funnel,
)

DAY = date(2027, 3, 10)
PARK = ParkContext(id=7, province="32", agency_id=100, enterprise_ids=frozenset({200}), planning_institution_id=300,
                   blacklisted_org_ids=frozenset({400}))


def expert(**kw) -> ExpertFacts:
    base = dict(id=1, status="active", term_start=date(2024, 1, 1), term_end=date(2028, 12, 31), province="11",
                organization_id=1, title_rank="senior", specialties=frozenset({"eia"}))
    base.update(kw)
    return ExpertFacts(**base)


def reasons(e: ExpertFacts, rules: RecusalRules = RecusalRules()) -> tuple[str | None, tuple[str, ...]]:
    a = assess(e, PARK, rules, DAY)
    return a.failed_stage, a.reasons


def test_eligible_expert():
    assert assess(expert(), PARK, RecusalRules(), DAY) == Assessment(1, True)


def test_status_and_term():
    assert reasons(expert(status="suspended")) == ("active", ("status_suspended",))
    assert reasons(expert(term_end=date(2027, 3, 9))) == ("active", ("term_ended",))
    assert reasons(expert(term_start=date(2027, 3, 11))) == ("active", ("term_not_started",))


def test_specialty_stage():
    rules = RecusalRules(relevant_specialties=frozenset({"low_carbon"}))
    assert reasons(expert(), rules) == ("specialty", ("no_relevant_specialty",))


def test_employment_within_three_years_of_the_meeting():
    recent = Employment(100, date(2015, 1, 1), date(2024, 3, 11))  # left the agency 2 years 364 days before
    old = Employment(100, date(2010, 1, 1), date(2024, 3, 9))      # left 3 years and a day before
    assert reasons(expert(employments=(recent,))) == ("recusal", ("park_agency_employment",))
    assert assess(expert(employments=(old,)), PARK, RecusalRules(), DAY).eligible
    assert reasons(expert(organization_id=200)) == ("recusal", ("park_enterprise_employment",))
    assert reasons(expert(organization_id=300)) == ("recusal", ("planning_institution_employment",))


def test_blacklisted_employer_and_declared_conflicts():
    assert reasons(expert(organization_id=400)) == ("recusal", ("blacklisted_employer",))
    with_park = Conflict(park_id=7, organization_id=None, valid_from=date(2026, 1, 1), valid_to=None)
    expired = Conflict(park_id=7, organization_id=None, valid_from=date(2020, 1, 1), valid_to=date(2021, 1, 1))
    with_firm = Conflict(park_id=None, organization_id=200, valid_from=date(2026, 1, 1), valid_to=None)
    assert reasons(expert(conflicts=(with_park,))) == ("recusal", ("declared_conflict_park",))
    assert assess(expert(conflicts=(expired,)), PARK, RecusalRules(), DAY).eligible
    assert reasons(expert(conflicts=(with_firm,))) == ("recusal", ("declared_conflict_organization",))


def test_all_reasons_of_the_failing_stage_are_recorded():
    e = expert(organization_id=400, province="32", past_panels=((7, "plan_argumentation"),))
    rules = RecusalRules(exclude_own_province=True, repeat_kinds_forbidden=frozenset({"plan_argumentation"}))
    assert reasons(e, rules) == ("recusal", ("blacklisted_employer", "earlier_panel_of_park", "own_province"))


def test_availability_rest_and_yearly_cap():
    assert reasons(expert(unavailable=((date(2027, 3, 1), date(2027, 3, 15)),))) == ("available", ("unavailable",))
    assert reasons(expert(booked_days=(DAY,))) == ("available", ("booked_that_day",))
    rest = RecusalRules(min_rest_days=3)
    assert reasons(expert(booked_days=(date(2027, 3, 8),)), rest) == ("available", ("rest_days",))
    assert assess(expert(booked_days=(date(2027, 3, 7),)), PARK, rest, DAY).eligible
    cap = RecusalRules(yearly_panel_cap=2)
    booked = (date(2027, 1, 5), date(2027, 2, 5))
    assert reasons(expert(booked_days=booked), cap) == ("available", ("yearly_cap",))
    assert assess(expert(booked_days=(date(2026, 12, 1), date(2026, 12, 2))), PARK, cap, DAY).eligible


def test_funnel_counts():
    items = [Assessment(1, True), Assessment(2, False, "active", ("status_retired",)),
             Assessment(3, False, "recusal", ("own_province",)), Assessment(4, False, "available", ("unavailable",))]
    assert funnel(items) == {"pool": 4, "active": 3, "specialty": 3, "recusal": 2, "available": 1}


def test_the_convener_reads_each_expert_as_if_other_authorities_panels_did_not_exist():
    from panels.rules.convener import as_convener_sees, convener_view

    rules = RecusalRules(repeat_kinds_forbidden=frozenset({"plan_argumentation"}), min_rest_days=2)
    hidden_first = expert(id=1, conflicts=(Conflict(PARK.id, None, date(2026, 1, 1), None, confidential=True),),
                          unavailable=((DAY, DAY),))
    only_hidden = expert(id=2, booked_days=(DAY,), foreign_booked_days=frozenset({DAY}),
                         past_panels=((PARK.id, "plan_argumentation"),),
                         foreign_past_panels=((PARK.id, "plan_argumentation"),))
    own_and_hidden = expert(id=3, booked_days=(date(2027, 3, 9), DAY), foreign_booked_days=frozenset({DAY}))
    pairs = [(e, assess(e, PARK, rules, DAY)) for e in (hidden_first, only_hidden, own_and_hidden, expert(id=4))]
    assert pairs[0][1].failed_stage == "recusal"  # the real assessment: the hidden conflict decides
    seen = [as_convener_sees(e, a, PARK, rules, DAY) for e, a in pairs]
    assert seen[0] == Assessment(1, False, "available", ("unavailable",))  # the visible reason shows
    assert seen[1] == Assessment(2, True)  # only others' panels: counted, never a reason
    assert seen[2] == Assessment(3, False, "available", ("rest_days",))  # its own booking the day before
    view = convener_view(pairs, PARK, rules, DAY)
    assert view.confidential == {2} and view.eligible == 2
    assert view.funnel == {"pool": 4, "active": 4, "specialty": 4, "recusal": 4, "available": 2}
    # the anonymous number is over the whole pool: those the convener sees excluded anyway are in it too
    assert view.held_elsewhere == 3


def test_held_by_others_does_not_move_with_what_the_convener_records():
    """Red-team finding 6: the anonymous count must not drop when the convener excludes, by a fact it controls,
    an expert another authority's panel holds."""
    from dataclasses import replace

    from panels.rules.convener import held_by_others

    rules = RecusalRules(repeat_kinds_forbidden=frozenset({"plan_argumentation"}), min_rest_days=2,
                         yearly_panel_cap=2)
    held = [expert(id=1, booked_days=(DAY,), foreign_booked_days=frozenset({DAY})),
            expert(id=2, booked_days=(date(2027, 3, 11),), foreign_booked_days=frozenset({date(2027, 3, 11)})),
            expert(id=3, booked_days=(date(2027, 1, 5), date(2027, 6, 1)),
                   foreign_booked_days=frozenset({date(2027, 1, 5), date(2027, 6, 1)})),
            expert(id=4, conflicts=(Conflict(PARK.id, None, date(2026, 1, 1), None, confidential=True),)),
            expert(id=5, past_panels=((PARK.id, "plan_argumentation"),),
                   foreign_past_panels=((PARK.id, "plan_argumentation"),))]
    free = [expert(id=6), expert(id=7, booked_days=(DAY,)),  # its own convener's booking: not another's
            expert(id=8, conflicts=(Conflict(PARK.id + 1, None, date(2026, 1, 1), None, confidential=True),)),
            expert(id=9, booked_days=(date(2027, 3, 20),), foreign_booked_days=frozenset({date(2027, 3, 20)}))]
    for e in held:
        assert held_by_others(e, PARK, rules, DAY), e.id
        for changed in (replace(e, unavailable=((DAY, DAY),)), replace(e, status="suspended"),
                        replace(e, province=PARK.province), replace(e, organization_id=PARK.agency_id)):
            assert held_by_others(changed, PARK, rules, DAY), e.id
    assert not any(held_by_others(e, PARK, rules, DAY) for e in free)


def test_probing_signs():
    from panels.rules.probing import REFERRALS_FLAGGED_AT, probing_signs

    quiet = {"referred_before": False, "seat_changed_since": False, "referrals_in_window": 1}
    assert probing_signs(referred_now=True, **quiet) == []
    assert probing_signs(referred_now=False, referred_before=True, seat_changed_since=True,
                         referrals_in_window=0) == ["moved_again_after_a_seat_changed"]
    assert probing_signs(referred_now=False, referred_before=True, seat_changed_since=False,
                         referrals_in_window=0) == []
    assert probing_signs(referred_now=True, **{**quiet, "referrals_in_window": REFERRALS_FLAGGED_AT}) == [
        "repeated_referrals"]


def test_throwaway_signs():
    from panels.rules.probing import THROWAWAYS_FLAGGED_AT, throwaway_signs

    assert throwaway_signs(throwaways_in_window=1, same_day_throwaways=1) == []
    assert throwaway_signs(throwaways_in_window=2, same_day_throwaways=2) == ["drawn_and_cancelled_again_for_one_day"]
    assert throwaway_signs(throwaways_in_window=THROWAWAYS_FLAGGED_AT, same_day_throwaways=1) == [
        "repeated_throwaway_draws"]


def test_assess_all_agrees_with_assess_expert_by_expert():
    """The set-wise assessment of a pool is exactly the per-expert one, for every mix of facts."""
    import random

    from panels.rules.recusal import assess_all, expert_facts

    rng = random.Random(5)
    orgs, provinces = [1, 2, 100, 200, 300, 400], ["11", "32"]
    pool = []
    for i in range(3000):
        rare = rng.random() < 0.3  # a third have jobs, conflicts, absences, bookings or earlier panels
        pool.append(expert(
            id=i, status=rng.choice(["active"] * 8 + ["suspended"]), organization_id=rng.choice(orgs),
            province=rng.choice(provinces), specialties=frozenset(rng.sample(["eia", "low_carbon", "water"], 1)),
            term_end=rng.choice([date(2028, 1, 1), date(2027, 3, 9), None]),
            employments=(Employment(rng.choice(orgs), date(2022, 1, 1), None),) if rare and rng.random() < .3 else (),
            conflicts=(Conflict(rng.choice([7, 8]), rng.choice(orgs), date(2020, 1, 1), None),)
            if rare and rng.random() < .3 else (),
            unavailable=((DAY, DAY),) if rare and rng.random() < .2 else (),
            booked_days=(date(2027, 3, rng.randrange(1, 28)),) if rare and rng.random() < .3 else (),
            past_panels=((7, "acceptance_meeting"),) if rare and rng.random() < .2 else ()))
    for rules in (RecusalRules(), RecusalRules(relevant_specialties=frozenset({"eia", "water"}), min_rest_days=5,
                                               yearly_panel_cap=1, exclude_own_province=True,
                                               repeat_kinds_forbidden=frozenset({"acceptance_meeting"}))):
        assert assess_all(pool, PARK, rules, DAY) == [assess(e, PARK, rules, DAY) for e in pool]
    fast = expert_facts(*(getattr(pool[0], f) for f in ExpertFacts.__dataclass_fields__))
    assert fast == pool[0] and hash(fast) == hash(pool[0]) and repr(fast) == repr(pool[0])


def test_recused_ids_agree_with_assess_on_every_day():
    """A wave's park-bound exclusions: those ``assess`` finds on some day of the span (the facts without their
    day-bound parts), including a job that ends and a declared conflict that starts within the span."""
    import random
    from datetime import timedelta

    from panels.rules.recusal import recused_ids

    rng = random.Random(7)
    orgs, provinces = [1, 2, 100, 200, 300, 400], ["11", "32"]
    days = [DAY + timedelta(days=i) for i in range(0, 40, 3)]
    pool = []
    for i in range(2000):
        rare = rng.random() < 0.3
        pool.append(expert(
            id=i, organization_id=rng.choice(orgs), province=rng.choice(provinces),
            specialties=frozenset(rng.sample(["eia", "low_carbon", "water"], 1)),
            employments=(Employment(rng.choice(orgs), date(2022, 1, 1), rng.choice([None, days[5]])),)
            if rare and rng.random() < .3 else (),
            conflicts=(Conflict(rng.choice([7, 8]), rng.choice(orgs), rng.choice([date(2020, 1, 1), days[7]]),
                                rng.choice([None, days[2]])),) if rare and rng.random() < .3 else (),
            past_panels=((7, "acceptance_meeting"),) if rare and rng.random() < .2 else ()))
    for rules in (RecusalRules(), RecusalRules(relevant_specialties=frozenset({"eia", "water"}),
                                               exclude_own_province=True,
                                               repeat_kinds_forbidden=frozenset({"acceptance_meeting"}))):
        slow = {e.id for e in pool if any(not assess(e, PARK, rules, d).eligible for d in days)}
        assert recused_ids(pool, PARK, rules, days) == slow
        assert slow and len(slow) < len(pool)
