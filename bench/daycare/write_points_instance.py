#!/usr/bin/env python3
"""Writes the issue-19 benchmark instance for daycare_allocate: 100,000
applications x 2,000 programs x 10 wishes, each wish with its own ready-made
points (no birth dates, so nothing is dropped as ineligible).

    bench/daycare/write_points_instance.py OUT.json [APPLICATIONS PROGRAMS WISHES]
    /usr/bin/time -v BUILD/services/daycare/tools/daycare_allocate OUT.json > /dev/null
"""
import json
import random
import sys


def main():
    out_path = sys.argv[1]
    applications = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    programs = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    wishes = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    rng = random.Random(19)
    program_list = [{"id": f"K{p // 2}-{'U3' if p % 2 == 0 else 'UE3'}", "capacity": 40,
                     "centre": f"K{p // 2}"} for p in range(programs)]
    ids = [p["id"] for p in program_list]
    with open(out_path, "w") as out:
        out.write('{"seed":2026,"programs":' + json.dumps(program_list, separators=(",", ":")))
        out.write(',"applications":[')
        for a in range(applications):
            choices = rng.sample(ids, wishes)
            points = {c: rng.randint(0, 40) for c in choices}
            if a:
                out.write(",")
            out.write(json.dumps({"id": f"A{a:06d}", "choices": choices, "points": points},
                                 separators=(",", ":")))
        out.write("]}")


if __name__ == "__main__":
    main()
