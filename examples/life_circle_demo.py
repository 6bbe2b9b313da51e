"""Who lacks a complete 15-minute life circle in the synthetic demo district?

Run: python examples/life_circle_demo.py
"""

import lifecircle as lc

layers = lc.demo_layers()
result = lc.life_circle(layers, "shanghai")

print(f"{layers.meta['name']}")
print(f"Residents with a complete life circle: {result.summary['complete_share']:.1%}")
print(result.categories[["name_zh", "minutes", "population_share"]].to_string(index=False))
worst = result.demand.sort_values("life_circle_score").head(5)
print(worst[["demand_id", "residents", "life_circle_score", "life_circle_missing"]].to_string())
