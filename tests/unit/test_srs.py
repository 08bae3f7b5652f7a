from datetime import UTC, datetime, timedelta

from fsrs import State

from tools.srs import LEARN_AHEAD, make_scheduler, schedule

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXACT = make_scheduler(fuzz=False)


def test_a_missed_item_comes_back_within_the_learn_ahead_window():
    card = schedule(None, "wrong", NOW, EXACT)
    assert NOW < card.due <= NOW + LEARN_AHEAD


def test_correct_answers_push_the_next_review_further_out():
    state, when, gaps = None, NOW, []
    for _ in range(5):
        card = schedule(state, "correct", when, EXACT)
        gaps.append(card.due - when)
        state, when = card.fsrs, card.due
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]
    assert gaps[-1] >= timedelta(days=7)


def test_a_lapse_after_graduating_resets_to_a_short_interval():
    state, when = None, NOW
    for _ in range(4):
        previous = when
        card = schedule(state, "correct", when, EXACT)
        state, when = card.fsrs, card.due
    assert when - previous > timedelta(days=3)
    lapse = schedule(state, "wrong", when, EXACT)
    assert lapse.due - when <= timedelta(minutes=10)
    assert lapse.fsrs["state"] == State.Relearning.value


def test_accent_or_typo_is_rated_hard_so_it_returns_sooner_than_correct():
    base = schedule(
        schedule(None, "correct", NOW, EXACT).fsrs, "correct", NOW + timedelta(minutes=10), EXACT
    )
    later = NOW + timedelta(days=3)
    good = schedule(base.fsrs, "correct", later, EXACT)
    hard = schedule(base.fsrs, "accent", later, EXACT)
    assert hard.due < good.due


def test_card_state_round_trips_through_json():
    import json

    card = schedule(None, "correct", NOW, EXACT)
    again = schedule(json.loads(json.dumps(card.fsrs)), "correct", card.due, EXACT)
    assert again.due > card.due
