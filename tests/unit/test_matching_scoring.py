"""The matcher's scoring and ranking (marketplace.matching.scoring, .relevance): pure, no app or database."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from marketplace.matching import scoring
from marketplace.matching.eligibility import CredentialFact, ProviderFacts, Requirements, assess
from marketplace.matching.relevance import RelevanceIndex
from marketplace.matching.scoring import (
    COMPONENTS,
    MATCHER_VERSION,
    LotQuery,
    Match,
    ProviderProfile,
    Weights,
    rank,
    rank_naive,
    unmet_lower_bound,
)

ON = date(2026, 6, 1)
SERVICE_END = date(2027, 6, 30)
SHAANXI, XIAN, XINCHENG, BAOJI, WEIBIN, JINTAI, CHENCANG = (
    "610000", "610100", "610102", "610300", "610302", "610303", "610304")
SHANGHAI, JIADING, HUANGPU = "310000", "310114", "310101"
SERVICE, SAME_GROUP, OTHER_GROUP = "disability.severe_home_care", "disability.rehabilitation", "community.neighbourhood"
LOT_TEXT = "重度残疾人居家托养 上门照护"


def facts(**overrides) -> ProviderFacts:
    """A provider meeting the lot() requirements unless told otherwise."""
    values = {
        "legal_form": "social_service_institution",
        "registered_on": date(2018, 3, 15),
        "home_region": WEIBIN,
        "service_areas": (BAOJI,),
        "grade": "4A",
        "grade_awarded_on": date(2023, 1, 10),
        "certified_social_workers": 6,
        "annual_capacity": 500,
        "current_commitments": 200,
        "credentials": (CredentialFact("registration_certificate", True, None),),
    }
    values.update(overrides)
    return ProviderFacts(**values)


def profile(provider_id: int = 1, facts_: ProviderFacts | None = None, **overrides) -> ProviderProfile:
    values = {
        "provider_id": provider_id,
        "name": f"org {provider_id}",
        "facts": facts_ or facts(),
        "categories": (SERVICE,),
        "statements": "为重度残疾人提供居家照护和康复训练",
    }
    values.update(overrides)
    return ProviderProfile(**values)


def lot(**overrides) -> LotQuery:
    values = {
        "lot_id": 7,
        "category_code": SERVICE,
        "text": LOT_TEXT,
        "regions": (BAOJI,),
        "quantity": 1200,
        "pricing_unit": "person_month",
        "ceiling_unit_price": 1500.0,
        "requirements": Requirements(min_grade="3A", serves_regions=(BAOJI,)),
        "annual_volume": 100,
    }
    values.update(overrides)
    return LotQuery(**values)


def only(provider: ProviderProfile, **lot_overrides) -> Match:
    """The one Match of a one-provider market."""
    [match] = rank(lot(**lot_overrides), [provider], on=ON, weights=Weights())
    return match


# -- relevance --------------------------------------------------------------------------------------------


def test_chinese_paraphrase_outranks_a_distractor_without_a_segmenter():
    index = RelevanceIndex.build({1: "为重度残疾人提供居家照护和康复训练", 2: "组织社区文艺活动"})
    scores = index.score("重度残疾人居家托养 上门照护")
    assert scores[1] > 0.2
    assert scores[2] == 0.0


def test_english_paraphrase_outranks_a_distractor():
    index = RelevanceIndex.build({
        1: "Home care and rehabilitation for people with severe disabilities",
        2: "Community cultural events, choirs and festivals",
    })
    scores = index.score("home-based care for severely disabled people")
    assert scores[1] > scores[2]
    assert scores[1] > 0.3


def test_mixed_language_statements_and_queries():
    index = RelevanceIndex.build({
        1: "居家照护 home care for disabled people; 康复训练 rehabilitation",
        2: "法律援助 legal aid and mediation",
        3: "为重度残疾人提供居家照护",
    })
    mixed = index.score("残疾人居家照护 home care")
    assert mixed[1] > mixed[2]
    assert mixed[3] > mixed[2]
    english_only = index.score("rehabilitation")
    assert english_only[1] > 0 and english_only[3] == 0.0


def test_scores_are_cosines_in_0_1_and_identical_text_scores_about_one():
    index = RelevanceIndex.build({1: LOT_TEXT, 2: "为重度残疾人提供居家照护和康复训练", 3: "组织社区文艺活动"})
    scores = index.score(LOT_TEXT)
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert scores[1] == pytest.approx(1.0, abs=1e-5)
    assert scores[3] < scores[2] < scores[1]


def test_full_width_letters_and_case_are_normalised():
    index = RelevanceIndex.build({1: "home care", 2: "legal aid"})
    scores = index.score("ＨＯＭＥ ＣＡＲＥ！")
    assert scores[1] == pytest.approx(1.0, abs=1e-5)
    assert scores[2] < 0.3


def test_empty_corpus_and_empty_query():
    assert RelevanceIndex.build({}).score("居家照护") == {}
    assert RelevanceIndex.build({}).score_many(["a", "b"]) == [{}, {}]
    blank = RelevanceIndex.build({1: "", 2: "   ", 3: None})
    assert blank.score("居家照护") == {1: 0.0, 2: 0.0, 3: 0.0}
    assert RelevanceIndex.build({1: "，。！？"}).score("，。") == {1: 0.0}
    index = RelevanceIndex.build({1: "居家照护", 2: "home care"})
    assert index.score("") == {1: 0.0, 2: 0.0}
    assert index.score(None) == {1: 0.0, 2: 0.0}
    assert index.score("xyz 量子") == {1: 0.0, 2: 0.0}  # no shared n-gram
    assert index.score_many([]) == []


def test_candidates_restrict_and_score_many_agree_with_score():
    documents = {10: "为重度残疾人提供居家照护和康复训练", 20: "组织社区文艺活动", 30: "home care 居家照护", 40: ""}
    index = RelevanceIndex.build(documents)
    full = index.score(LOT_TEXT)
    assert set(full) == set(documents)
    assert index.score(LOT_TEXT, candidates=[30, 10, 99]) == {30: full[30], 10: full[10], 99: 0.0}
    assert list(index.score_array(LOT_TEXT, [99, 10])) == [0.0, full[10]]
    restricted = index.restrict([30, 10, 99])
    assert len(restricted) == 2
    assert restricted.score(LOT_TEXT) == pytest.approx({10: full[10], 30: full[30]})  # the same IDF
    many = index.score_many([LOT_TEXT, "", "home care"])
    assert many[0] == pytest.approx(full)
    assert many[1] == dict.fromkeys(documents, 0.0)
    assert many[2] == pytest.approx(index.score("home care"))


# -- weights ----------------------------------------------------------------------------------------------


def test_default_weights_sum_to_one_in_component_order():
    weights = Weights()
    assert tuple(weights.as_dict()) == COMPONENTS
    assert weights.total == pytest.approx(1.0)
    assert weights.relevance == 0.30 and weights.responsiveness == 0.05


def test_weights_from_mapping_normalise_and_leave_out_means_zero():
    weights = Weights.from_mapping({"relevance": 3, "proximity": 1})
    assert weights.relevance == pytest.approx(0.75)
    assert weights.proximity == pytest.approx(0.25)
    assert weights.category == 0.0
    assert weights.total == pytest.approx(1.0)
    assert Weights.from_mapping(Weights().as_dict()).as_dict() == pytest.approx(Weights().as_dict())


@pytest.mark.parametrize("values", [
    {"relevance": -0.1, "category": 1},
    {"relevance": 0, "category": 0},
    {},
    {"relevance": float("nan")},
    {"relevance": float("inf")},
    {"relevance": "0.3"},
    {"relevance": True},
    {"relevance": 1, "novelty": 1},
])
def test_invalid_weights_are_rejected(values):
    with pytest.raises(ValueError):
        Weights.from_mapping(values)


def test_weights_constructor_validates_but_rank_normalises():
    with pytest.raises(ValueError):
        Weights(relevance=-1)
    doubled = Weights(**{name: 2 * value for name, value in Weights().as_dict().items()})
    provider = profile()
    assert only(provider).score == pytest.approx(rank(lot(), [provider], on=ON, weights=doubled)[0].score)


# -- components -------------------------------------------------------------------------------------------


def test_category_exact_same_group_other_and_group_lot():
    exact = only(profile(categories=(OTHER_GROUP, SERVICE)))
    assert exact.components["category"] == 1.0 and exact.reasons["category"]["match"] == "exact"
    group = only(profile(categories=(SAME_GROUP,)))
    assert group.components["category"] == 0.5
    assert group.reasons["category"] == {"match": "group", "service": SERVICE, "provider_service": SAME_GROUP}
    assert only(profile(categories=(OTHER_GROUP,))).components["category"] == 0.0
    assert only(profile(categories=())).components["category"] == 0.0
    assert only(profile(categories=(SAME_GROUP,)), category_code="disability").components["category"] == 1.0


@pytest.mark.parametrize(("lot_regions", "home", "areas", "value", "level"), [
    ((BAOJI,), WEIBIN, (), 1.0, "inside"),  # a county of the lot's city
    ((BAOJI,), BAOJI, (), 1.0, "inside"),
    ((WEIBIN,), WEIBIN, (), 1.0, "inside"),
    ((WEIBIN,), JINTAI, (), 0.75, "same_city"),  # another county of Baoji
    ((WEIBIN,), BAOJI, (), 0.75, "same_city"),  # the city itself, not inside the county
    ((BAOJI,), XIAN, (), 0.5, "same_province"),
    ((BAOJI,), XINCHENG, (BAOJI,), 0.5, "same_province"),  # home beats the service area
    ((BAOJI,), JIADING, (), 0.0, "none"),
    ((BAOJI,), JIADING, (SHAANXI,), 0.25, "service_area"),
    ((BAOJI,), JIADING, (WEIBIN,), 0.0, "none"),  # a county does not cover its city
    ((BAOJI,), None, (BAOJI,), 0.25, "service_area"),
    ((BAOJI,), None, (), 0.0, "none"),
    ((JIADING, BAOJI), WEIBIN, (), 1.0, "inside"),  # the best of the lot's regions
    ((HUANGPU, XINCHENG), JIADING, (), 0.75, "same_city"),  # Shanghai's districts share 310100
    ((), JIADING, (), 0.5, "no_lot_region"),
])
def test_proximity_levels(lot_regions, home, areas, value, level):
    provider = profile(facts_=facts(home_region=home, service_areas=areas))
    match = only(provider, regions=lot_regions, requirements=Requirements())
    assert match.components["proximity"] == value
    assert match.reasons["proximity"]["level"] == level


def test_experience_saturates_and_counts_only_the_lots_service():
    def experience(years, projects, **lot_overrides):
        provider = profile(experience_years={SERVICE: years, OTHER_GROUP: 30}, projects={SERVICE: projects})
        return only(provider, **lot_overrides)

    assert experience(0, 0).components["experience"] == 0.0
    assert experience(5, 3).components["experience"] == pytest.approx(1 - math.exp(-1))
    values = [experience(years, years).components["experience"] for years in (1, 3, 10, 40)]
    assert values == sorted(values) and values[-1] < 1.0 and values[-1] > 0.99
    assert experience(5, 0).reasons["experience"] == {"years": 5, "projects": 0, "incubating": False}
    assert only(profile(experience_years={OTHER_GROUP: 30})).components["experience"] == 0.0
    group_lot = only(profile(experience_years={SAME_GROUP: 4, SERVICE: 2}), category_code="disability")
    assert group_lot.reasons["experience"]["years"] == 4


def test_past_performance_is_the_mean_rating_and_neutral_without_any():
    assert only(profile()).components["past_performance"] == 0.5
    assert only(profile()).reasons["past_performance"] == {"ratings": 0, "mean": None}
    rated = only(profile(past_ratings=(0.9, 0.7, 0.8)))
    assert rated.components["past_performance"] == pytest.approx(0.8)
    assert rated.reasons["past_performance"]["ratings"] == 3


@pytest.mark.parametrize(("capacity", "commitments", "volume", "value"), [
    (500, 200, 100, 1.0),  # headroom 300 >= 100
    (500, 450, 100, 0.5),  # headroom 50 of 100
    (500, None, 500, 1.0),
    (500, 600, 100, 0.0),  # over-committed
    (None, None, 100, 0.5),  # capacity unknown
    (500, 200, None, 0.5),  # the lot's volume unknown
    (500, 200, 0, 1.0),
])
def test_capacity_headroom_against_the_lots_volume(capacity, commitments, volume, value):
    provider = profile(facts_=facts(annual_capacity=capacity, current_commitments=commitments))
    assert only(provider, annual_volume=volume).components["capacity"] == pytest.approx(value)


@pytest.mark.parametrize(("prices", "ceiling", "value"), [
    ((1400, 1500, 1600), 1500.0, 1.0),  # median 1500 at the ceiling
    ((1000,), 1500.0, 1.0),
    ((1500, 1800, 3000), 1500.0, 0.8),  # median 20% over
    ((2250, 2250), 1500.0, 0.5),
    ((3000, 4000), 1500.0, 0.0),
    ((), 1500.0, 0.5),  # no history
    ((1400,), 0.0, 0.5),  # no ceiling
])
def test_price_median_against_the_ceiling(prices, ceiling, value):
    provider = profile(past_unit_prices={f"{SERVICE}:person_month": prices, f"{SERVICE}:session": (9999,)})
    match = only(provider, ceiling_unit_price=ceiling)
    assert match.components["price"] == pytest.approx(value)
    assert match.reasons["price"]["key"] == f"{SERVICE}:person_month"


def test_price_ignores_other_units_and_services():
    provider = profile(past_unit_prices={f"{SERVICE}:session": (9999,), f"{SAME_GROUP}:person_month": (9999,)})
    assert only(provider).components["price"] == 0.5


@pytest.mark.parametrize(("invitations", "bids", "value"), [
    (0, 0, 0.5), (10, 10, 11 / 12), (10, 0, 1 / 12), (4, 2, 0.5), (-1, -1, 0.5),
    (2, 5, 0.75),  # bids beyond invitations count as all
])
def test_responsiveness_is_laplace_smoothed(invitations, bids, value):
    match = only(profile(invitations=invitations, bids_when_invited=bids))
    assert match.components["responsiveness"] == pytest.approx(value)


def test_score_is_the_weighted_mean_of_the_components():
    provider = profile(experience_years={SERVICE: 3}, past_ratings=(0.6,), invitations=3, bids_when_invited=1)
    match = only(provider)
    weights = Weights().as_dict()
    assert match.score == pytest.approx(sum(weights[name] * match.components[name] for name in COMPONENTS))
    assert set(match.components) == set(match.reasons) == set(COMPONENTS)
    assert all(0.0 <= value <= 1.0 for value in match.components.values())
    text_only = rank(lot(), [provider], on=ON, weights=Weights.from_mapping({"relevance": 1}))[0]
    assert text_only.score == pytest.approx(match.components["relevance"])


def test_relevance_from_a_given_index_and_providers_missing_from_it():
    index = RelevanceIndex.build({1: "为重度残疾人提供居家照护和康复训练", 2: "组织社区文艺活动"})
    matches = rank(lot(), [profile(1), profile(2), profile(3)], on=ON, weights=Weights(), index=index)
    relevance = {m.provider_id: m.components["relevance"] for m in matches}
    assert relevance[1] == pytest.approx(index.score(LOT_TEXT)[1])
    assert relevance[2] == 0.0
    assert relevance[3] == 0.0  # not in the index


# -- ranking ----------------------------------------------------------------------------------------------


def test_eligibility_dominates_perfect_text_and_everything_else():
    weak = profile(1, facts(home_region=JIADING, service_areas=(SHAANXI,), grade="3A"),
                   categories=(OTHER_GROUP,), statements="组织社区文艺活动", invitations=10)
    perfect = {"categories": (SERVICE,), "statements": LOT_TEXT, "experience_years": {SERVICE: 30},
               "projects": {SERVICE: 30}, "past_ratings": (1.0,), "invitations": 10, "bids_when_invited": 10,
               "past_unit_prices": {f"{SERVICE}:person_month": (1000,)}}
    one_short = profile(2, facts(grade="2A"), **perfect)
    two_short = profile(3, facts(grade="2A", service_areas=()), **perfect)
    matches = rank(lot(), [two_short, one_short, weak], on=ON, weights=Weights())
    assert [(m.provider_id, m.rank, m.eligible, m.unmet) for m in matches] == [
        (1, 1, True, 0), (2, 2, False, 1), (3, 3, False, 2)]
    assert matches[1].score > matches[0].score
    assert matches[2].score > matches[0].score
    assert matches[1].near_eligible and not matches[2].near_eligible


def test_ties_are_broken_by_provider_id_and_input_order_does_not_matter():
    providers = [profile(pid) for pid in (5, 3, 9, 1)]
    matches = rank(lot(), providers, on=ON, weights=Weights())
    assert [m.provider_id for m in matches] == [1, 3, 5, 9]
    assert [m.rank for m in matches] == [1, 2, 3, 4]


def test_empty_market():
    assert rank(lot(), [], on=ON, weights=Weights()) == []
    assert rank(lot(), [], on=ON, weights=Weights(), limit=3) == []
    assert rank_naive(lot(), [], on=ON, weights=Weights()) == []


def test_limit_must_not_be_negative():
    with pytest.raises(ValueError):
        rank(lot(), [profile()], on=ON, weights=Weights(), limit=-1)


def test_matcher_version_is_semver():
    assert MATCHER_VERSION.count(".") == 2 and all(part.isdigit() for part in MATCHER_VERSION.split("."))


# -- a random market: ordering rules, the baseline, limit, the screen, determinism -----------------------------

STRICT = Requirements(
    required_credentials=("registration_certificate", "insurance"),
    min_grade="3A",
    min_years_registered=2,
    min_social_workers=3,
    min_annual_capacity=100,
    based_in=SHAANXI,
    serves_regions=(BAOJI, XIAN),
    service_start=ON + timedelta(days=30),
    service_end=SERVICE_END,
)
TEXTS = ["为重度残疾人提供居家照护和康复训练", "组织社区文艺活动", "居家托养 上门照护 home care", "legal aid 法律援助",
         "残疾人康复 rehabilitation for disabled people", ""]


def random_market(seed: int, size: int = 300) -> list[ProviderProfile]:
    """Providers that mostly meet STRICT, with edge values (expiry on the day, 29 February...) mixed in."""
    rng = random.Random(seed)

    def often(good, *other):
        return good if rng.random() < 0.8 else rng.choice(other)

    def credential(kind):
        expiry = often(rng.choice([None, date(2030, 1, 1)]), ON - timedelta(days=1), ON, ON + timedelta(days=90),
                       SERVICE_END - timedelta(days=1), SERVICE_END)
        return CredentialFact(kind, rng.random() < 0.95, expiry)

    market = []
    for pid in rng.sample(range(1, 10 * size), size):
        kinds = [k for k in ("registration_certificate", "insurance", "annual_audit_report") if rng.random() < 0.85]
        kinds += ["insurance"] if rng.random() < 0.2 else []  # a second credential of a type
        home = often(WEIBIN, XINCHENG, BAOJI, JIADING, None, SHAANXI, CHENCANG)
        provider_facts = ProviderFacts(
            legal_form="social_group",
            registered_on=often(date(2015, 5, 1), None, date(2024, 6, 1), date(2024, 6, 2), date(2024, 2, 29)),
            home_region=home,
            service_areas=often((BAOJI, XIAN), (SHAANXI,), (BAOJI,), (), (WEIBIN, XIAN), (JIADING,)),
            grade=often(rng.choice(["3A", "4A", "5A"]), None, "1A", "2A", "6A"),
            grade_awarded_on=often(date(2023, 3, 1), None, date(2021, 5, 31), date(2021, 6, 1), date(2021, 6, 2)),
            certified_social_workers=often(rng.randint(3, 20), 0, 2),
            annual_capacity=often(rng.randint(150, 900), None, 99, 100),
            current_commitments=rng.choice([None, 0, 20, 50]),
            credentials=tuple(credential(kind) for kind in kinds),
            active_flags=often((), ("abnormal_activity",), ("serious_dishonesty", "abnormal_activity")),
        )
        categories = tuple(rng.sample([SERVICE, SAME_GROUP, OTHER_GROUP, "legal.legal_aid"], rng.randint(0, 2)))
        market.append(ProviderProfile(
            provider_id=pid,
            name=f"org {pid}",
            facts=provider_facts,
            categories=categories,
            statements=rng.choice(TEXTS),
            experience_years={code: rng.randint(0, 12) for code in categories},
            projects={code: rng.randint(0, 6) for code in categories},
            past_ratings=tuple(rng.choice([0.5, 0.8, 1.0]) for _ in range(rng.randint(0, 3))),
            past_unit_prices={f"{code}:person_month": tuple(rng.choice([1200, 1500, 2100]) for _ in range(2))
                              for code in categories if rng.random() < 0.5},
            invitations=(invited := rng.randint(0, 6)),
            bids_when_invited=rng.randint(0, invited),
            incubating=rng.random() < 0.1,
        ))
    return market


def strict_lot() -> LotQuery:
    return lot(regions=(BAOJI, XIAN), requirements=STRICT, text=LOT_TEXT + " 康复 rehabilitation")


def assert_ordering_rules(matches: list[Match]) -> None:
    assert [m.rank for m in matches] == list(range(1, len(matches) + 1))
    keys = [(m.unmet, -m.score, m.provider_id) for m in matches]
    assert keys == sorted(keys)
    seen_ineligible = False
    for m in matches:
        assert m.eligible == (m.unmet == 0)
        seen_ineligible |= not m.eligible
        assert not (seen_ineligible and m.eligible), "an eligible provider below an ineligible one"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_market_follows_the_ordering_rules_with_assess_assessments(seed):
    market = random_market(seed)
    matches = rank(strict_lot(), market, on=ON, weights=Weights())
    assert len(matches) == len(market)
    assert_ordering_rules(matches)
    by_id = {p.provider_id: p for p in market}
    for m in matches:
        assert m.assessment == assess(STRICT, by_id[m.provider_id].facts, ON)
        assert 0.0 <= m.score <= 1.0
    counts = {m.unmet for m in matches}
    assert 0 in counts and 1 in counts and max(counts) >= 2  # the market exercises every group


@pytest.mark.parametrize("seed", [1, 2])
def test_naive_baseline_agrees_on_eligibility_groups_and_components(seed):
    market = random_market(seed, size=150)
    fast = rank(strict_lot(), market, on=ON, weights=Weights())
    naive = rank_naive(strict_lot(), market, on=ON, weights=Weights())
    assert_ordering_rules(naive)
    assert [m.unmet for m in naive] == [m.unmet for m in fast]
    assert [m.eligible for m in naive] == [m.eligible for m in fast]
    for group in set(m.unmet for m in fast):
        assert {m.provider_id for m in fast if m.unmet == group} == {m.provider_id for m in naive if m.unmet == group}
    fast_by_id = {m.provider_id: m for m in fast}
    for m in naive:
        other = fast_by_id[m.provider_id]
        assert m.assessment == other.assessment
        for name in COMPONENTS[1:]:  # relevance differs by design: bigram overlap against TF-IDF
            assert m.components[name] == other.components[name], name
            assert m.reasons[name] == other.reasons[name], name
        assert 0.0 <= m.components["relevance"] <= 1.0


@pytest.mark.parametrize("limit", [0, 1, 3, 10, 1000])
def test_limit_returns_the_top_eligible_and_near_eligible_with_full_ranks(limit):
    market = random_market(4)
    full = rank(strict_lot(), market, on=ON, weights=Weights())
    limited = rank(strict_lot(), market, on=ON, weights=Weights(), limit=limit)
    expected = [m for m in full if m.unmet == 0][:limit] + [m for m in full if m.unmet == 1][:limit]
    assert limited == expected
    assert all(m.unmet <= 1 for m in limited)


def test_same_input_same_output():
    market = random_market(5)
    first = rank(strict_lot(), market, on=ON, weights=Weights())
    again = rank(strict_lot(), market, on=ON, weights=Weights())
    shuffled = list(market)
    random.Random(0).shuffle(shuffled)
    assert first == again
    assert rank(strict_lot(), shuffled, on=ON, weights=Weights()) == first
    assert rank_naive(strict_lot(), shuffled, on=ON, weights=Weights()) == \
        rank_naive(strict_lot(), market, on=ON, weights=Weights())


def test_returned_reasons_are_copies():
    market = [profile(1), profile(2)]
    first = rank(lot(), market, on=ON, weights=Weights())
    first[0].reasons["proximity"]["level"] = "tampered"
    assert first[1].reasons["proximity"]["level"] == "inside"


@pytest.mark.parametrize("seed", [6, 7, 8])
@pytest.mark.parametrize("requirements", [
    STRICT,
    replace(STRICT, service_end=None),  # credentials needed until the service starts
    Requirements(serves_regions=(BAOJI, XIAN, JIADING), no_bad_standing=False),
    Requirements(required_credentials=("insurance",), min_grade="5A"),
    Requirements(),
])
def test_screen_is_a_lower_bound_exact_up_to_one(seed, requirements):
    market = random_market(seed)
    bound = unmet_lower_bound(requirements, [p.facts for p in market], ON)
    for provider, screened in zip(market, bound.tolist(), strict=True):
        actual = len(assess(requirements, provider.facts, ON).unmet)
        assert screened <= actual
        assert min(screened, 2) == min(actual, 2), provider


def test_screen_knows_every_rule_field_of_requirements():
    """A new rule in eligibility.Requirements belongs in unmet_lower_bound too: unscreened, ``limit`` stays correct
    (the screen is a lower bound and candidates are assessed in full) but no longer saves any work on that rule."""
    from dataclasses import fields

    assert {f.name for f in fields(Requirements)} == {
        "required_credentials", "min_grade", "min_years_registered", "min_social_workers", "min_annual_capacity",
        "based_in", "serves_regions", "no_bad_standing", "service_start", "service_end",
    }


# -- purity ---------------------------------------------------------------------------------------------------


def test_matching_modules_import_no_flask_sqlalchemy_or_babel():
    """Imported in a fresh interpreter. ``marketplace/__init__.py`` itself imports Flask (the app factory), so the
    parent package is stood in for by a bare module: what is checked is everything marketplace.matching pulls in."""
    package = Path(scoring.__file__).resolve().parents[1]
    code = "\n".join([
        "import sys, types",
        "parent = types.ModuleType('marketplace')",
        f"parent.__path__ = [{str(package)!r}]",
        "sys.modules['marketplace'] = parent",
        "import marketplace.matching.eligibility, marketplace.matching.relevance, marketplace.matching.scoring",
        "bad = {'flask', 'flask_babel', 'flask_sqlalchemy', 'sqlalchemy'}",
        "print(','.join(sorted(name for name in sys.modules if name.split('.')[0] in bad)))",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_score_provider_gives_each_lot_the_match_rank_gives():
    from dataclasses import replace

    from marketplace.matching.scoring import score_provider

    market = random_market(5)
    index = RelevanceIndex.build({p.provider_id: p.statements for p in market})
    lots = [strict_lot(), replace(strict_lot(), text="居家养老 上门照护 助餐"),
            replace(strict_lot(), requirements=Requirements())]
    for provider in market[:25]:
        singles = score_provider(lots, provider, on=ON, weights=Weights(), index=index)
        for query, single in zip(lots, singles, strict=True):
            ranked = next(m for m in rank(query, market, on=ON, weights=Weights(), index=index)
                          if m.provider_id == provider.provider_id)
            assert replace(single, rank=ranked.rank) == replace(ranked, score=single.score)
            assert single.score == pytest.approx(ranked.score, abs=1e-12)


def test_with_documents_replaces_and_adds_statements_keeping_the_vocabulary():
    index = RelevanceIndex.build({1: "居家养老 上门照护", 2: "困境儿童 个案 保护", 3: "残疾人 康复"})
    updated = index.with_documents({2: "居家养老 照护 服务", 4: "残疾人 康复 训练"})
    before, after = index.score("居家养老"), updated.score("居家养老")
    assert after[1] == before[1] and before[2] == 0 and after[2] > 0.5  # 2 now about home care
    assert updated.score("困境儿童")[2] == 0  # its old statement is gone
    assert updated.score("残疾人康复")[4] == pytest.approx(updated.score("残疾人康复")[3])  # 训练 not in vocabulary
    assert len(updated) == 4 and len(index) == 3  # the original is untouched
