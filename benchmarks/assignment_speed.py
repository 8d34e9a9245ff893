"""How fast is courier assignment? 5,000 parcels and 8 couriers in one run (target < 2 s).

    python benchmarks/assignment_speed.py [--parcels 5000] [--repeat 5] [--seed 1]

Builds a realistic day for a hub in Guizhou (province 52): destinations weighted towards
the big consumer provinces (Guangdong, Zhejiang, Jiangsu, Shanghai, Beijing, ...),
weights 0.3-15 kg skewed towards light parcels, 40 % of parcels with dimensions, 8 %
already carrying a courier's tracking number; 8 couriers with zone tariffs, 500 g or
1 kg steps, 6000/8000 volumetric divisors, a few excluded remote provinces, capacities
that bind for the cheapest couriers and minimum shares of 5-15 %.

Prints, per repeat, the seconds for the whole ``assign_couriers`` call (quoting,
grouping, both flow passes, building the result), then the best and median, the
number of fee-identical groups, and the fee totals.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from logistics.domain.assignment import CourierDay, ParcelToAssign, assign_couriers  # noqa: E402
from logistics.domain.tariffs import CourierTerms, ProvinceTariff  # noqa: E402
from logistics.domain.units import fen, kg_text, yuan_text  # noqa: E402

# GB/T 2260 province -> (relative weight of outbound volume, distance zone from Guizhou).
PROVINCES: dict[str, tuple[float, int]] = {
    "44": (16, 2), "33": (11, 3), "32": (10, 3), "31": (8, 3), "11": (7, 3), "37": (6, 3),
    "51": (6, 1), "41": (5, 2), "35": (4, 2), "42": (4, 2), "43": (4, 1), "50": (4, 1),
    "12": (3, 3), "13": (3, 3), "34": (3, 2), "53": (3, 1), "45": (3, 1), "61": (2, 2),
    "36": (2, 2), "21": (2, 4), "52": (5, 0), "14": (1, 3), "15": (1, 4), "22": (1, 4),
    "23": (1, 4), "46": (1, 2), "62": (1, 3), "63": (0.5, 4), "64": (0.5, 3), "65": (0.5, 5),
    "54": (0.3, 5),
}  # fmt: skip
COURIERS = [
    # code, name, price factor, step g, divisor, max kg, excluded, capacity, min share
    ("ZTO", "ZTO Express", 0.90, 500, 6000, 40, {"54"}, 1200, "0.10"),
    ("STO", "STO Express", 0.88, 1000, 8000, 30, {"54", "65"}, 900, "0.08"),
    ("YTO", "YTO Express", 0.92, 500, 6000, 40, set(), 1000, "0.10"),
    ("YUNDA", "Yunda Express", 0.87, 1000, 8000, 30, {"54"}, 800, "0.08"),
    ("JT", "J&T Express", 0.85, 500, 6000, 30, {"54", "65", "63"}, 700, "0.05"),
    ("EMS", "China Post EMS", 1.30, 500, 6000, 50, set(), None, "0.05"),
    ("SF", "SF Express", 1.80, 500, 6000, 50, set(), None, "0.00"),
    ("DBL", "Deppon", 1.10, 1000, 6000, 60, {"54", "65"}, 600, "0.15"),
]
FIRST_KG = {0: 5, 1: 7, 2: 8, 3: 10, 4: 12, 5: 18}
EXTRA_KG = {0: 1, 1: 2, 2: 3, 3: 4, 4: 6, 5: 10}


def build_day(n_parcels: int, seed: int) -> tuple[list[ParcelToAssign], list[CourierDay]]:
    rng = random.Random(seed)
    couriers = []
    for code, name, factor, step, divisor, max_kg, excluded, capacity, share in COURIERS:
        tariffs = {"*": ProvinceTariff(Decimal(15), Decimal(8))}
        for province, (_, zone) in PROVINCES.items():
            noise = rng.uniform(0.9, 1.1)
            first = Decimal(str(round(FIRST_KG[zone] * factor * noise, 1)))
            extra = Decimal(str(round(EXTRA_KG[zone] * factor * noise, 1)))
            tariffs[province] = ProvinceTariff(first, extra)
        terms = CourierTerms(
            code=code,
            name=name,
            volumetric_divisor=divisor,
            weight_step_g=step,
            max_weight_g=max_kg * 1000,
            excluded_provinces=frozenset(excluded),
            tariffs=tariffs,
        )
        couriers.append(CourierDay(terms, remaining_capacity=capacity, min_share=share))
    provinces = list(PROVINCES)
    weights = [PROVINCES[p][0] for p in provinces]
    codes = [c[0] for c in COURIERS]
    parcels = []
    for i in range(n_parcels):
        weight_g = int(min(15_000, max(300, rng.lognormvariate(0.2, 0.8) * 1000)))
        dims = None
        if rng.random() < 0.4:
            dims = (rng.randint(10, 60), rng.randint(10, 40), rng.randint(5, 30))
        fixed = rng.choice(codes[:5]) if rng.random() < 0.08 else None
        province = rng.choices(provinces, weights)[0]
        parcels.append(ParcelToAssign(f"P{i:05d}", province, weight_g, dims, fixed))
    return parcels, couriers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    parcels, couriers = build_day(args.parcels, args.seed)
    times = []
    result = None
    for run in range(args.repeat):
        start = time.perf_counter()
        result = assign_couriers(parcels, couriers)
        times.append(time.perf_counter() - start)
        print(f"run {run + 1}: {times[-1]:.3f} s")
    assert result is not None
    start = time.perf_counter()
    for p in parcels[:100]:
        result.explain(p.id)
    explain_ms = (time.perf_counter() - start) * 1000 / 100

    print(f"parcels {len(parcels)}, couriers {len(couriers)}, groups {result.groups}")
    print(f"solve seconds: best {min(times):.3f}, median {statistics.median(times):.3f}")
    print(f"explain: {explain_ms:.2f} ms per parcel")
    print(
        f"assigned {len(result.assignments)}, unassigned {len(result.unassigned)}, "
        f"total fee {yuan_text(fen(result.total_fee))} yuan, "
        f"baseline {yuan_text(fen(result.baseline_fee))} yuan "
        f"({', '.join(result.baseline_order[:1])} first), "
        f"saving {yuan_text(fen(result.saving))} yuan"
    )
    for s in result.couriers:
        print(
            f"  {s.courier:6} {s.parcels:5} parcels {kg_text(s.weight_g):>10} kg "
            f"{yuan_text(fen(s.fee)):>10} yuan share {s.share:.3f} (min {s.min_share}, "
            f"{'met' if s.min_share_met else 'NOT met'})"
        )
    if result.min_shares_not_met:
        print(f"minimum shares not met: {', '.join(result.min_shares_not_met)}")
    verdict = "OK" if min(times) < 2 else "TOO SLOW"
    print(f"target < 2 s for 5,000 parcels: {verdict}")


if __name__ == "__main__":
    main()
