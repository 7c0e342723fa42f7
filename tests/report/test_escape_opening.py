"""The opening paragraph's sentence on the median time to exit."""

from herz.report.escape import _half_out


def test_a_median_not_reached_is_said_in_words():
    # the report once printed "half had got out by year not reached"
    assert _half_out(None) == ("fewer than half got out within the follow-up, so there is "
                               "no median time to exit")
    assert _half_out(float("nan")).startswith("fewer than half")


def test_a_reached_median_names_the_year():
    assert _half_out(13.0) == "half had got out by year 13"
