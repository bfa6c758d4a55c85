"""Programme evaluation: the questionnaire asked before and after, sending it to a cohort,
answers through a signed link, the before/after comparison and the pseudonymised export."""
