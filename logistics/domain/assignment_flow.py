"""The courier assignment's network flow (OR-Tools), apart from the rules that feed it.

See :mod:`logistics.domain.assignment` for why the network looks like this.
"""

from __future__ import annotations

from collections.abc import Sequence, Sized

import numpy as np
from ortools.graph.python import min_cost_flow


def solve_flow(
    groups: Sequence[tuple[tuple[int, ...], Sized]],
    n_couriers: int,
    free_capacity: list[int],
    quota: list[int],
    overflow_cost: int,
    priorities: Sequence[int] | None = None,
) -> list[list[int]]:
    """Min-cost max-flow source -> group -> courier -> sink; returns counts[group][courier].

    A group is (fee in fen with each courier, -1 where it refuses; its parcels). Each
    courier's arc to the sink is split into a quota arc (``quota``, cost 0) and an
    overflow arc (the rest of ``free_capacity``, cost ``overflow_cost``). ``priorities``
    (fen, one per group) lower what serving a group's parcel costs: its arc from the
    source costs ``max(priorities) - priority``, never negative.
    """
    n_groups = len(groups)
    source, sink = 0, n_groups + n_couriers + 1
    priorities = list(priorities) if priorities is not None else [0] * n_groups
    top = max(priorities, default=0)
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    total = 0
    for g, (_key, members) in enumerate(groups):
        size = len(members)
        total += size
        tails.append(source)
        heads.append(1 + g)
        caps.append(size)
        costs.append(top - priorities[g])
    courier_arcs: list[tuple[int, int, int]] = []
    for g, (key, members) in enumerate(groups):
        for c, fee in enumerate(key):
            if fee >= 0:
                courier_arcs.append((g, c, len(tails)))
                tails.append(1 + g)
                heads.append(1 + n_groups + c)
                caps.append(len(members))
                costs.append(fee)
    for c in range(n_couriers):
        node = 1 + n_groups + c
        tails += [node, node]
        heads += [sink, sink]
        caps += [quota[c], free_capacity[c] - quota[c]]
        costs += [0, overflow_cost]
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    smcf.set_node_supply(source, total)
    smcf.set_node_supply(sink, -total)
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:  # pragma: no cover - would be a bug in the network
        raise RuntimeError(f"courier assignment flow failed with status {status}")
    counts = [[0] * n_couriers for _ in groups]
    if courier_arcs:
        flows = smcf.flows(np.array([a for _, _, a in courier_arcs], dtype=np.int32))
        for (g, c, _), flow in zip(courier_arcs, flows, strict=True):
            counts[g][c] = int(flow)
    return counts
