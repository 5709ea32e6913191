"""The runnable examples in reviewlib.screening.eligibility docstrings give what they show."""

from __future__ import annotations

import doctest

from reviewlib.screening import eligibility


def test_eligibility_docstring_examples():
    result = doctest.testmod(eligibility, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
