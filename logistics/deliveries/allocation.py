"""Where a pickup goes: the antenna's allocation rule.

The rule, in plain words:

1. A place is *open* when it receives at some moment between the end of the pickup window
   and 18 hours later (``DELIVERY_HORIZON``): food collected in the evening is delivered the
   next morning. Reception hours run from the opening time up to (not including) the
   closing time. A place that declared no hours is always open.
2. Chilled and frozen food goes only to open places with cold storage. Ambient food goes to
   any open place.
3. Each association's *fair share* is its part of the beneficiaries of the antenna's
   associations. Its *need* is that fair share minus its part of what the associations
   received this week (delivered, or planned and not yet delivered). The associations with
   the greatest need get the food, split over at most two stops in proportion to their
   needs (when none of them is short of its share, in proportion to their beneficiaries).
   When two associations have the same need, the one registered first (lower number)
   comes first, so the same situation always gives the same plan.
4. The chilled and frozen part is placed first; what it gives an association counts as
   received when the ambient part is placed. A pickup never has more than two stops in all
   (chilled and ambient together): an association that takes the chilled part usually takes
   some ambient food too.
5. A stop under 10 kg is merged into the biggest stop that can take it, and a pickup of
   20 kg or less goes to a single stop.
6. When no open association can take a part, an open hub that can takes it whole. When
   nobody can, that part gets no stop and the plan says why (the coordinator is asked).
7. Dates (``logistics.safety.date_limits``): a part goes only to places that receive it (the first
   moment of their reception hours after the pickup, ``reception`` of this package) on or
   before the use-by date of each of its items, or its best-before date plus the category's grace
   days. When no place receives it in time, it gets no stop and the coordinators are asked
   where it goes. A part with short-dated food (a use-by date within the ideal days of the
   pickup) goes to the associations that hand food out soonest (their distribution days),
   then to those receiving it soonest, before need is weighed.

The numbers two, 10 kg and 20 kg are the defaults of ``max_stops`` and ``min_stop_kg``.
A coordinator may replace the plan by their own (``apply_plan(..., override=True)``).

``allocate`` and ``allocate_items`` are pure (``allocation_rule`` of this package, with the
fairness weights in ``fair_shares`` and the choice of places in ``destination_choice``);
``candidates_for``, ``plan_delivery`` and ``apply_plan`` (``delivery_plans``) read and write
the database but never commit.
"""

from __future__ import annotations

from logistics.deliveries.allocation_plan import (
    ASSOCIATION,
    COLD_CHAINS_COLD,
    HUB,
    HUB_FALLBACK,
    NO_COLD_STORAGE_OPEN,
    NOBODY_OPEN,
    NOTHING_TO_DELIVER,
    TOO_LATE_FOR_DATE,
    Candidate,
    Plan,
    Stop,
)
from logistics.deliveries.allocation_rule import allocate, allocate_items
from logistics.deliveries.delivery_plans import (
    ROUTE_FOR_DATES,
    apply_plan,
    candidates_for,
    plan_delivery,
    week_start_of,
)
from logistics.deliveries.destination_choice import is_open
from logistics.deliveries.reception import DELIVERY_HORIZON
from logistics.safety.date_limits import DatedItem, DateLimit

__all__ = [
    "ASSOCIATION",
    "COLD_CHAINS_COLD",
    "DELIVERY_HORIZON",
    "HUB",
    "HUB_FALLBACK",
    "NOBODY_OPEN",
    "NOTHING_TO_DELIVER",
    "NO_COLD_STORAGE_OPEN",
    "ROUTE_FOR_DATES",
    "TOO_LATE_FOR_DATE",
    "Candidate",
    "DateLimit",
    "DatedItem",
    "Plan",
    "Stop",
    "allocate",
    "allocate_items",
    "apply_plan",
    "candidates_for",
    "is_open",
    "plan_delivery",
    "week_start_of",
]
