from evals.dataset import Expect
from evals.replay import check, follows


def test_trajectory_subsequence_and_exact():
    visited = ["receive", "route", "grade", "advance", "finish"]
    assert follows(["route", "grade", "advance"], visited, exact=False)
    assert follows(["route", "finish"], visited, exact=False)
    assert not follows(["grade", "route"], visited, exact=False)
    assert not follows(["route", "lesson"], visited, exact=False)
    assert follows(visited, visited, exact=True)
    assert not follows(["route", "grade"], visited, exact=True)


def test_each_expectation_is_checked_only_when_given():
    expect = Expect(
        intent="answer", grade="typo", contains=["✅"], not_contains=["❌"], language="en"
    )
    checks = check(expect, "answer", ["route", "grade"], "typo", "✅ Accepted. Watch the spelling")
    assert checks == {"intent": True, "grade": True, "contains": True, "language": True}
    checks = check(expect, "question", ["route"], "wrong", "❌ Not quite ✅")
    assert checks["intent"] is False and checks["grade"] is False and checks["contains"] is False
    assert check(Expect(), "help", [], None, "anything") == {}
