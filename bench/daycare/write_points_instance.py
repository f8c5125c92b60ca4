#!/usr/bin/env python3
"""Writes the issue-19 benchmark instance for daycare_allocate: 100,000
applications x 2,000 programs x 10 wishes, each wish with its own ready-made
points (no birth dates, so nothing is dropped as ineligible).

    bench/daycare/write_points_instance.py OUT.json [APPLICATIONS PROGRAMS WISHES] [--siblings SHARE]
    /usr/bin/time -v BUILD/services/daycare/tools/daycare_allocate OUT.json > /dev/null

With --siblings 0.05, 5 % of the applications are sibling pairs applying together
(`together_with`): the second child wishes the other program of each centre the
first one wishes (under-3s <-> over-3s), in the same order, with its own points.
Without it the file is byte for byte what it always was.
"""
import json
import random
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sibling_share = 0.0
    if "--siblings" in sys.argv:
        sibling_share = float(sys.argv[sys.argv.index("--siblings") + 1])
        args.remove(sys.argv[sys.argv.index("--siblings") + 1])
    out_path = args[0]
    applications = int(args[1]) if len(args) > 1 else 100000
    programs = int(args[2]) if len(args) > 2 else 2000
    wishes = int(args[3]) if len(args) > 3 else 10
    rng = random.Random(19)
    program_list = [{"id": f"K{p // 2}-{'U3' if p % 2 == 0 else 'UE3'}", "capacity": 40,
                     "centre": f"K{p // 2}"} for p in range(programs)]
    ids = [p["id"] for p in program_list]
    # Applications 0,1 / 2,3 / ... below this index are pairs.
    paired = int(applications * sibling_share) // 2 * 2
    with open(out_path, "w") as out:
        out.write('{"seed":2026,"programs":' + json.dumps(program_list, separators=(",", ":")))
        out.write(',"applications":[')
        previous = None
        for a in range(applications):
            if a < paired and a % 2 == 1:
                choices = [c.replace("-UE3", "-X").replace("-U3", "-UE3").replace("-X", "-U3")
                           for c in previous]
            else:
                choices = rng.sample(ids, wishes)
            points = {c: rng.randint(0, 40) for c in choices}
            application = {"id": f"A{a:06d}", "choices": choices, "points": points}
            if a < paired:
                application["together_with"] = f"A{a ^ 1:06d}"
            previous = choices
            if a:
                out.write(",")
            out.write(json.dumps(application, separators=(",", ":")))
        out.write("]}")


if __name__ == "__main__":
    main()
