"""New facility sites (question 4): maximal covering, fewest sites for a target, what-if."""
