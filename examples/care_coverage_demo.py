"""Elderly-care coverage and the per-1,000 floor-area indicator in the demo district.

Run: python examples/care_coverage_demo.py
"""

import lifecircle as lc

layers = lc.demo_layers()
care = lc.care_coverage(layers, "shanghai")

print(f"Care floor area per 1,000 residents: {care.summary['per_1000_m2']:.1f} m²")
for target in care.summary["target_per_1000_m2"]:
    met = care.summary["per_1000_m2"] >= target["value"]
    print(f"  target {target['value']} m² ({target['source']}): {'met' if met else 'NOT met'}")
print(care.categories[["name_zh", "minutes", "population_share"]].to_string(index=False))
print(care.units[["name", "elderly", "per_1000_m2"]].to_string(index=False))
