"""Small helpers on OR-Tools ``RoutingSearchParameters`` shared by the solver and the
ruin and recreate loop."""

from __future__ import annotations


def copy_params(params):
    """An independent copy (the search parameters are a protobuf message)."""
    out = type(params)()
    out.CopyFrom(params)
    return out


def time_limit_s(params) -> float:
    return params.time_limit.seconds + params.time_limit.nanos / 1e9


def set_time_limit(params, seconds: float) -> None:
    """Set the search time limit (at least 10 ms: OR-Tools reads 0 as no limit)."""
    seconds = max(seconds, 0.01)
    params.time_limit.seconds = int(seconds)
    params.time_limit.nanos = int((seconds - int(seconds)) * 1e9)
