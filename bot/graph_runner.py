"""Running Rasa 3.6's prediction graphs in order, without dask's scheduler.

Rasa runs its graphs (NLU for each message, the policies for each action predicted: three or
four runs a turn) with `dask.get`, a general task scheduler: for each run it derives the
minimal schema again, builds a task graph, orders it and tracks every task's state, which
costs more than several of the nodes themselves (about 3 ms of a turn's server time, measured
with py-spy). The graphs are small trees run one node at a time either way, so each run here
calls the same nodes, in an order where each node comes after the nodes it needs, with the
same arguments dask passes: each needed node's `(name, output)`, or the bare name of a
dependency nothing provides (dask's "unresolved" value, which the node reports). The order is
worked out once per runner and set of targets.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner


def _order(runner: DaskGraphRunner, targets: tuple[str, ...]) -> tuple[str, ...]:
    """The nodes the targets need (Rasa's minimal schema), each after its own needs."""
    orders: dict[tuple[str, ...], tuple[str, ...]] = runner.__dict__.setdefault("_orders", {})
    if targets not in orders:
        nodes = runner._graph_schema.nodes
        order: list[str] = []

        def place(name: str) -> None:
            if name in nodes and name not in order:
                for need in nodes[name].needs.values():
                    place(need)
                order.append(name)

        for target in targets:
            place(target)
        orders[targets] = tuple(order)
    return orders[targets]


def run(
    self: DaskGraphRunner,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """`DaskGraphRunner.run`, the same nodes called with the same arguments, in order."""
    run_targets = list(targets or self._graph_schema.target_names)
    order = _order(self, tuple(run_targets))
    results: dict[str, Any] = {}
    for name, value in (inputs or {}).items():
        # As dask's graph: the nodes and the inputs added before this one.
        if isinstance(value, str) and (value in order or value in results):
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the "
                f"input names passed to the `run` method are the same as node names in the "
                f"graph schema."
            )
        results[name] = (name, value)
    nodes = self._graph_schema.nodes
    try:
        for name in order:
            if name in results:
                continue  # an input given under a node's name stands for it, as in dask
            needs = [results.get(need, need) for need in nodes[name].needs.values()]
            results[name] = self._instantiated_nodes[name](*needs)
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results[target] for target in run_targets)  # KeyError for an unknown one
