"""Missing: episodes of children missing from home, care or education, and their clocks.

An episode is reported (by police, carers, schools, social workers), graded by the police (with
history), and closed when the child is found or returns. A second report of the same absence
joins the open episode. The return starts the return-home-interview clock (versioned data);
repeat-missing triggers (versioned data, per area) alert the lead professional and the
coordinator and prompt an assessment review.
"""
