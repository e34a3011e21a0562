"""One simulated office day of the queue, before any row is written.

Arrivals come in two peaks (morning and afternoon), a few tickets jump the line for
priority, and four counters call in order (priority first, but never more than two in a
row while others wait), with no-shows and late comers. The result is the plain timeline of
each ticket; ``bigdb_history`` turns it into rows.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

from benchmarks.bigdb_office import Axis, OfficeData
from benchmarks.bigdb_writer import US

# Share of tickets per service (civil status and attestation dominate a ward's desk).
SERVICE_SHARES = {"HT": 0.34, "CT": 0.30, "KD": 0.09, "XH": 0.10, "TK": 0.17}
PRIORITY_SHARE = 0.05
COUNTER_ISSUED_SHARE = 0.01
NO_SHOW_SHARE = 0.04  # called, recalled, never came
LATE_COMER_SHARE = 0.03  # came only after a recall
# Arrival intensity per quarter hour of the working day (07:00 ... 16:45), morning and afternoon peaks.
MORNING_WEIGHTS = [3, 6, 9, 11, 12, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]  # 07:00-11:15
AFTERNOON_WEIGHTS = [5, 7, 9, 10, 10, 9, 8, 6, 5, 4, 3, 2, 1, 1]  # 13:30-16:45
WEEKDAY_LOAD = [1.25, 1.05, 1.0, 0.95, 0.9, 0.5, 0.3]  # Monday ... Sunday (make-up Saturdays are quieter)


def split_counts(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(r) for r in raw]
    short = total - sum(counts)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[:short]:
        counts[i] += 1
    return counts


@dataclass(slots=True)
class SimTicket:
    service: str
    issue_us: int
    priority: str | None
    source: str
    number: int = 0
    counter: int = 0
    calls: list[int] = field(default_factory=list)
    serve_us: int | None = None
    finish_us: int = 0
    outcome: str = "done"
    id: str = ""


def simulate_queue(rng: random.Random, d: date, n: int, office: OfficeData, axis: Axis) -> list[SimTicket]:
    """One office day of the queue: arrivals with two peaks, four counters calling in order.

    Service times follow the load: the issue asks for 1,000,000 tickets over 400 days at the
    test office's four counters (~2,500 a day), so desks turn tickets around fast; at smaller
    scales they take the few minutes a real desk takes.
    """
    midnight = axis.midnight[axis.index(d)]
    bins = [(7 * 3600 + 900 * i, w) for i, w in enumerate(MORNING_WEIGHTS)] + \
           [(13 * 3600 + 1800 + 900 * i, w) for i, w in enumerate(AFTERNOON_WEIGHTS)]
    starts = [b[0] for b in bins]
    cum = list(accumulate(b[1] for b in bins))
    svc_codes = list(SERVICE_SHARES)
    svc_cum = list(accumulate(SERVICE_SHARES.values()))
    tickets = []
    for _ in range(n):
        sod = rng.choices(starts, cum_weights=cum)[0] + rng.random() * 900
        priority = rng.choice(("elderly", "disabled", "pregnant", "small_child", "merit")) \
            if rng.random() < PRIORITY_SHARE else None
        source = "counter" if rng.random() < COUNTER_ISSUED_SHARE else "walk_in"
        tickets.append(SimTicket(rng.choices(svc_codes, cum_weights=svc_cum)[0], midnight + int(sod * US),
                                 priority, source))
    tickets.sort(key=lambda t: t.issue_us)
    numbers: dict[str, int] = {}
    for t in tickets:
        t.number = numbers[t.service] = numbers.get(t.service, 0) + 1

    # Mean desk time so the counters are ~80 % busy, 20 s at least, 6 minutes at most.
    counter_seconds = axis.day_s * len(office.counters)
    mean_desk = max(20.0, min(360.0, 0.8 * counter_seconds / max(1, n) - 30))
    sigma = 0.5
    mu = math.log(mean_desk) - sigma * sigma / 2

    queues: dict[str, tuple[deque[SimTicket], deque[SimTicket]]] = {s: (deque(), deque()) for s in office.services}
    for t in tickets:
        queues[t.service][0 if t.priority else 1].append(t)
    lunch_start = midnight + axis.periods[0][1] * US
    lunch_end = midnight + axis.periods[-1][0] * US if len(axis.periods) > 1 else lunch_start
    free_at = {c: midnight + axis.periods[0][0] * US + rng.randrange(0, 120 * US) for c in office.counters}
    streak = {c: 0 for c in office.counters}
    left = n
    while left:
        c = min(free_at, key=free_at.__getitem__)
        now = free_at[c]
        if lunch_start <= now < lunch_end:
            now = free_at[c] = lunch_end + rng.randrange(0, 300 * US)
        services = office.counters[c][1]
        heads = [(q[k][0], k) for s in services for q in (queues[s],) for k in (0, 1) if q[k]]
        if not heads:
            free_at[c] = 1 << 62  # nothing more for this counter today
            if all(v == 1 << 62 for v in free_at.values()):
                break
            continue
        ready = [(t, k) for t, k in heads if t.issue_us <= now]
        if not ready:
            free_at[c] = min(t.issue_us for t, _ in heads) + rng.randrange(3 * US, 30 * US)
            continue
        prio = [x for x in ready if x[1] == 0]
        normal = [x for x in ready if x[1] == 1]
        if prio and not (streak[c] >= 2 and normal):
            t, k = min(prio, key=lambda x: x[0].issue_us)
            streak[c] += 1
        else:
            t, k = min(normal, key=lambda x: x[0].issue_us)
            streak[c] = 0
        queues[t.service][k].popleft()
        left -= 1
        t.counter = c
        call = now
        t.calls.append(call)
        r = rng.random()
        if r < NO_SHOW_SHARE:
            for _ in range(rng.choice((1, 2))):
                call += rng.randrange(45 * US, 90 * US)
                t.calls.append(call)
            t.outcome = "no_show"
            t.finish_us = call + rng.randrange(40 * US, 90 * US)
            free_at[c] = t.finish_us + rng.randrange(2 * US, 10 * US)
            continue
        if r < NO_SHOW_SHARE + LATE_COMER_SHARE:
            call += rng.randrange(45 * US, 90 * US)
            t.calls.append(call)
        t.serve_us = call + rng.randrange(8 * US, 40 * US)
        desk = min(rng.lognormvariate(mu, sigma), 8 * mean_desk)
        t.finish_us = t.serve_us + int(desk * US)
        free_at[c] = t.finish_us + rng.randrange(2 * US, 15 * US)
    return tickets

