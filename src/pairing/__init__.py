"""The matching engine: mentor ↔ mentee pairing, and needs ↔ pooled assignees.

Plain Python on NumPy, SciPy and Numba; no Django (STYLE.md rule 5). Records in,
pairs with costs and reasons out::

    graph = build_candidate_graph(seekers, providers, weights=Weights(), exclusions=..., overrides=...)
    best = solve_optimal(graph)      # least total cost within capacity
    fair = solve_stable(graph)       # no blocking pairs: offer it next to ``best``
    rank_providers(seeker, providers, limit=10)  # suggestions for one seeker
    check_pair(seeker, provider, weights=...)    # one pair against the hard rules

Same input, same output: ids are sorted before anything else happens and no step is random.
The package is named ``pairing`` because the PyPI library we benchmark against is called
``matching``.
"""

from pairing.check import PairCheck, check_pair
from pairing.graph import COST_SCALE, CandidateGraph, build_candidate_graph
from pairing.model import (
    Exclusion,
    Id,
    InvalidInput,
    MatchResult,
    Override,
    Pair,
    PairingError,
    Preference,
    Provider,
    Reason,
    ReasonCode,
    Seeker,
    SolverFailed,
    Unmatched,
    UnmatchedCause,
    Weights,
)
from pairing.rank import rank_providers
from pairing.solvers import (
    count_blocking_pairs,
    greedy_assignment,
    optimal_assignment,
    solve_greedy,
    solve_optimal,
    solve_stable,
    stable_assignment,
)

__all__ = [
    "COST_SCALE",
    "CandidateGraph",
    "Exclusion",
    "Id",
    "InvalidInput",
    "MatchResult",
    "Override",
    "Pair",
    "PairCheck",
    "PairingError",
    "Preference",
    "Provider",
    "Reason",
    "ReasonCode",
    "Seeker",
    "SolverFailed",
    "Unmatched",
    "UnmatchedCause",
    "Weights",
    "build_candidate_graph",
    "check_pair",
    "count_blocking_pairs",
    "greedy_assignment",
    "optimal_assignment",
    "rank_providers",
    "solve_greedy",
    "solve_optimal",
    "solve_stable",
    "stable_assignment",
]
