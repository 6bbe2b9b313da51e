"""Where should three new day-care centres (日间照料中心) go in the demo district,
and how many elderly canteens (长者食堂) would reach 90% of older residents?

Run: python examples/new_sites_demo.py
"""

import lifecircle as lc

layers = lc.demo_layers()

day_care = lc.recommend_sites(layers, "shanghai", category="day_care", k=3, generate=True)
print(day_care.summary["message"])
print(day_care.sites[["site_id", "rank", "new_elderly_covered", "cumulative_share"]].to_string())

canteens = lc.recommend_sites(
    layers, "shanghai", category="meal_point", target_share=0.9, generate=True
)
print(canteens.summary["message"])
