"""15-minute life circle and 10-minute fitness circle for the Yichuan Road area,
from real OpenStreetMap data (© OpenStreetMap contributors, ODbL).

Run: python examples/yichuan_real_osm.py [PATH/TO/shanghai-central]
(default: ../shared/data/shanghai-central beside the repository)
"""

import sys
from pathlib import Path

import lifecircle as lc

repo = Path(__file__).resolve().parents[1]
data = Path(sys.argv[1]) if len(sys.argv) > 1 else repo.parent / "shared/data/shanghai-central"
if not (data / "roads.osm").is_file() or not (data / "geofabrik").is_dir():
    print(
        f"No extract at {data}: give the folder that holds roads.osm and geofabrik/ "
        "(the shared shanghai-central data).",
        file=sys.stderr,
    )
    sys.exit(2)

layers = lc.load_layers(
    osm=data / "roads.osm",
    geofabrik=data / "geofabrik",
    bbox=(121.425, 31.248, 121.452, 31.272),
)
results = lc.analyse_all(layers, "shanghai")
life = results.summary["life_circle"]
print(f"Residents (uniform grid estimate): {layers.demand['residents'].sum():,.0f}")
for block in life["categories"].values():
    name, minutes, covered = block["name"]["zh"], block["minutes"], block["population_share"]
    if block["status"] == "no_data":  # none in the input: a data gap, not a service gap
        fill = block["no_data"]["planner_list"]["zh"]
        print(f"  {name:<12} {minutes:>4.0f} min  无数据 (可由{fill}补充)")
    else:
        print(f"  {name:<12} {minutes:>4.0f} min  {covered:.0%}")
print(f"Complete life circle: {life['complete_share_with_data']:.1%} over categories with data, "
      f"{life['complete_share_strict']:.1%} strictly")
print(f"Fitness circle: {results.summary['fitness_circle']['population_share']:.0%}")
print("Largest gaps:")
for gap in results.summary["gaps"][:5]:
    print(f"  {gap['gap_id']}: {gap['people_affected']:,.0f} people, missing {gap['categories']}")
