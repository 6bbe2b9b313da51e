"""Facility and candidate-site tables of the synthetic demo district.

Plain data: positions are in the local frame of :mod:`lifecircle.layers.demo.layout`
(metres east/north of the district's south-west corner). Names are invented
and end in （合成） (synthetic); each contains the Chinese keyword a
name-pattern classifier looks for. ``category`` is deliberately not given: the
standards profile's classifier assigns it from names and tags.

Units of the numeric fields:

``capacity``
    beds (照护之家, 养老院), seats (日间照料中心), meals per day (长者食堂,
    助餐点), pupil places (幼儿园, 小学, 中学); None elsewhere.
``floor_area_m2``
    gross floor area (m²) of care facilities; None elsewhere.
``site_area_m2``
    open-air site area (m²) of fitness stations, courts and sports centres,
    park area for parks (None here: computed from the park's cell) and
    length × 3 m for the fitness trail; None elsewhere.
``building``
    (width m, depth m, storeys, use) of a building drawn for the facility on
    its own plot, or None when it sits in an estate's ground floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoFacility:
    """One facility of the demo district (see the module docstring for units)."""

    name: str
    tags: dict[str, Any]
    x: float
    y: float
    capacity: float | None = None
    floor_area_m2: float | None = None
    site_area_m2: float | None = None
    building: tuple[float, float, int, str] | None = None


_GOV = {"office": "government"}
_KINDERGARTEN = {"amenity": "kindergarten"}
_SCHOOL = {"amenity": "school"}
_CHILDCARE = {"amenity": "childcare"}  # 社区托育点 (宝宝屋): under-3s, counted with kindergartens
_SERVICE = {"office": "government"}  # 家门口服务站 run by the residential committee
_PARK = {"leisure": "park"}
_KINDERGARTEN_PLOT = (50.0, 30.0, 3, "public")  # width m, depth m, storeys, use
_CLINIC = {"amenity": "clinic"}
_BUS = {"highway": "bus_stop"}
_FITNESS = {"leisure": "fitness_station"}
_DAY_CARE = {
    "amenity": "social_facility",
    "social_facility": "day_care",
    "social_facility:for": "senior",
}
_CARE_HOME = {
    "amenity": "social_facility",
    "social_facility": "nursing_home",
    "social_facility:for": "senior",
}

F = DemoFacility
FACILITIES: tuple[DemoFacility, ...] = (
    # 居委会: one per residential committee
    F("通河一村居委会（合成）", _GOV, 280.0, 1600.0),
    F("宝翔苑居委会（合成）", _GOV, 2600.0, 1700.0),
    F("育才居委会（合成）", _GOV, 560.0, 650.0),
    F("共和新村居委会（合成）", _GOV, 1300.0, 600.0),
    F("铁东新村居委会（合成）", _GOV, 2820.0, 600.0),
    # 家门口服务站: one in the ground floor of each estate cluster
    F("通河一村家门口服务站（合成）", _SERVICE, 195.0, 1822.0),
    F("泰和苑家门口服务站（合成）", _SERVICE, 740.0, 1822.0),
    F("通河二村家门口服务站（合成）", _SERVICE, 1040.0, 1822.0),
    F("松花家门口服务站（合成）", _SERVICE, 195.0, 1528.0),
    F("呼玛一村家门口服务站（合成）", _SERVICE, 740.0, 1552.0),
    F("呼玛二村家门口服务站（合成）", _SERVICE, 1620.0, 1552.0),
    F("长江家门口服务站（合成）", _SERVICE, 465.0, 1372.0),
    F("通河四村家门口服务站（合成）", _SERVICE, 195.0, 942.0),
    F("滨河家门口服务站（合成）", _SERVICE, 465.0, 942.0),
    F("锦秋家门口服务站（合成）", _SERVICE, 195.0, 702.0),
    F("临汾家门口服务站（合成）", _SERVICE, 740.0, 702.0),
    F("育才一村家门口服务站（合成）", _SERVICE, 740.0, 442.0),
    F("育才二村家门口服务站（合成）", _SERVICE, 465.0, 182.0),
    F("共和家门口服务站（合成）", _SERVICE, 1620.0, 942.0),
    F("宝乐苑家门口服务站（合成）", _SERVICE, 1340.0, 442.0),
    F("示范一村家门口服务站（合成）", _SERVICE, 1340.0, 182.0),
    F("共和二村家门口服务站（合成）", _SERVICE, 2670.0, 942.0),
    F("东苑家门口服务站（合成）", _SERVICE, 2870.0, 182.0),
    # education: kindergartens on their own plots or in estate ground floors,
    # 托育点 (community childcare points) in estates, four primary and two middle schools
    F("通河幼儿园（合成）", _KINDERGARTEN, 465.0, 1540.0, 270, None, None, _KINDERGARTEN_PLOT),
    F("育才幼儿园（合成）", _KINDERGARTEN, 700.0, 200.0, 240, None, None, _KINDERGARTEN_PLOT),
    F("铁东幼儿园（合成）", _KINDERGARTEN, 2670.0, 690.0, 210, None, None, _KINDERGARTEN_PLOT),
    F("宝翔苑幼儿园（合成）", _KINDERGARTEN, 2840.0, 1720.0, 150),
    F("泰和苑幼儿园（合成）", _KINDERGARTEN, 740.0, 1780.0, 180),
    F("通河二村幼儿园（合成）", _KINDERGARTEN, 1040.0, 1780.0, 180),
    F("滨河幼儿园（合成）", _KINDERGARTEN, 345.0, 900.0, 180),
    F("锦秋幼儿园（合成）", _KINDERGARTEN, 195.0, 660.0, 150),
    F("共和幼儿园（合成）", _KINDERGARTEN, 1620.0, 900.0, 180),
    F("宝乐苑幼儿园（合成）", _KINDERGARTEN, 1340.0, 460.0, 210),
    F("松花托育点（合成）", _CHILDCARE, 195.0, 1790.0, 40),
    F("呼玛托育点（合成）", _CHILDCARE, 1620.0, 1520.0, 40),
    F("临汾托育点（合成）", _CHILDCARE, 740.0, 660.0, 40),
    F("泗塘托育点（合成）", _CHILDCARE, 1340.0, 660.0, 40),
    F("示范一村托育点（合成）", _CHILDCARE, 1340.0, 150.0, 40),
    F("东苑托育点（合成）", _CHILDCARE, 2870.0, 150.0, 40),
    F("示范第一小学（合成）", _SCHOOL, 1620.0, 520.0, 900, None, None, (90.0, 20.0, 4, "public")),
    F("示范第二小学（合成）", _SCHOOL, 1890.0, 1810.0, 720, None, None, (90.0, 20.0, 4, "public")),
    F("通河小学（合成）", _SCHOOL, 480.0, 1695.0, 720, None, None, (90.0, 20.0, 4, "public")),
    F("示范第三小学（合成）", _SCHOOL, 465.0, 800.0, 720, None, None, (90.0, 20.0, 4, "public")),
    F("育才小学（合成）", _SCHOOL, 740.0, 75.0, 600, None, None, (90.0, 20.0, 4, "public")),
    F("通河第二小学（合成）", _SCHOOL, 1340.0, 1635.0, 720, None, None, (90.0, 20.0, 4, "public")),
    F("铁东小学（合成）", _SCHOOL, 2670.0, 780.0, 540, None, None, (90.0, 20.0, 4, "public")),
    F("示范初级中学（合成）", _SCHOOL, 1040.0, 790.0, 1000, None, None, (100.0, 20.0, 4, "public")),
    F("育才初级中学（合成）", _SCHOOL, 195.0, 80.0, 900, None, None, (100.0, 20.0, 4, "public")),
    F("铁东初级中学（合成）", _SCHOOL, 2670.0, 330.0, 480, None, None, (100.0, 20.0, 4, "public")),
    F("通河初级中学（合成）", _SCHOOL, 1340.0, 1720.0, 800, None, None, (100.0, 20.0, 4, "public")),
    # health
    F(
        "示范街道社区卫生服务中心（合成）",
        _CLINIC,
        700.0,
        950.0,
        None,
        None,
        None,
        (60.0, 30.0, 5, "public"),
    ),
    F("通河社区卫生服务站（合成）", _CLINIC, 1360.0, 1500.0),
    F("铁东社区卫生服务站（合成）", _CLINIC, 2620.0, 900.0),
    F("松花社区卫生服务站（合成）", _CLINIC, 195.0, 1700.0),
    F("育才社区卫生服务站（合成）", _CLINIC, 615.0, 440.0),
    F("示范一村社区卫生服务站（合成）", _CLINIC, 1460.0, 240.0),
    # food shopping (none in the north-east committee: a deliberate gap)
    F("通河菜市场（合成）", {"amenity": "marketplace"}, 1340.0, 1810.0),
    F("示范菜市场（合成）", {"amenity": "marketplace"}, 1040.0, 430.0),
    F("共和生鲜超市（合成）", {"shop": "supermarket"}, 1500.0, 845.0),
    F("铁东生鲜超市（合成）", {"shop": "supermarket"}, 2670.0, 430.0),
    F("松花生鲜超市（合成）", {"shop": "supermarket"}, 350.0, 1700.0),
    F("育才生鲜超市（合成）", {"shop": "supermarket"}, 350.0, 600.0),
    F("呼玛生鲜超市（合成）", {"shop": "supermarket"}, 880.0, 1540.0),
    F("示范一村生鲜超市（合成）", {"shop": "supermarket"}, 1200.0, 170.0),
    # culture and sub-district services
    F(
        "示范街道社区文化活动中心（合成）",
        {"amenity": "community_centre"},
        1600.0,
        720.0,
        None,
        None,
        None,
        (60.0, 40.0, 4, "public"),
    ),
    F("通河社区文化活动室（合成）", {"amenity": "community_centre"}, 465.0, 1480.0),
    F("呼玛社区文化活动室（合成）", {"amenity": "community_centre"}, 1340.0, 1560.0),
    F("育才社区文化活动室（合成）", {"amenity": "community_centre"}, 195.0, 460.0),
    F("铁东社区文化活动室（合成）", {"amenity": "community_centre"}, 2670.0, 470.0),
    F(
        "示范街道社区事务受理服务中心（合成）",
        _GOV,
        1560.0,
        360.0,
        None,
        None,
        None,
        (40.0, 25.0, 3, "public"),
    ),
    F("通河便民服务中心（合成）", _GOV, 860.0, 1600.0),
    F("育才便民服务中心（合成）", _GOV, 465.0, 640.0),
    # parks: the three large ones take a whole street block (site area computed
    # from the block); the pocket parks (口袋公园, 街心花园) give their own site area
    F("通河公园（合成）", _PARK, 1620.0, 1810.0),
    F("示范公园（合成）", _PARK, 1040.0, 1540.0),
    F("育才公园（合成）", _PARK, 465.0, 430.0),
    F("通河街心花园（合成）", _PARK, 195.0, 1740.0, None, None, 2400.0),
    F("泰和口袋公园（合成）", _PARK, 740.0, 1870.0, None, None, 2000.0),
    F("松花街心花园（合成）", _PARK, 195.0, 1480.0, None, None, 3000.0),
    F("长江滨河口袋公园（合成）", _PARK, 465.0, 1300.0, None, None, 4000.0),
    F("宝翔街心花园（合成）", _PARK, 2670.0, 1560.0, None, None, 6000.0),
    F("通河四村街心花园（合成）", _PARK, 195.0, 1000.0, None, None, 2500.0),
    F("滨河口袋公园（合成）", _PARK, 465.0, 700.0, None, None, 8000.0),
    F("临汾街心花园（合成）", _PARK, 740.0, 560.0, None, None, 2200.0),
    F("育才二村口袋公园（合成）", _PARK, 465.0, 120.0, None, None, 2000.0),
    F("共和口袋公园（合成）", _PARK, 1620.0, 1100.0, None, None, 5000.0),
    F("泗塘街心花园（合成）", _PARK, 1340.0, 740.0, None, None, 2000.0),
    F("示范南路口袋公园（合成）", _PARK, 1040.0, 170.0, None, None, 6000.0),
    F("通河二村街心花园（合成）", _PARK, 1040.0, 1740.0, None, None, 2500.0),
    F("呼玛街心花园（合成）", _PARK, 1620.0, 1480.0, None, None, 2000.0),
    F("呼玛一村口袋公园（合成）", _PARK, 740.0, 1480.0, None, None, 2000.0),
    F("宝乐口袋公园（合成）", _PARK, 1340.0, 380.0, None, None, 2000.0),
    F("锦秋口袋公园（合成）", _PARK, 195.0, 760.0, None, None, 2500.0),
    F("宝翔苑口袋公园（合成）", _PARK, 2700.0, 1880.0, None, None, 2000.0),
    # transit: bus stops about 500 m apart on the main streets, one metro station
    F("示范一路通河路公交站（合成）", _BUS, 620.0, 575.0),
    F("示范一路示范大道公交站（合成）", _BUS, 1180.0, 575.0),
    F("示范一路示范三路公交站（合成）", _BUS, 1740.0, 575.0),
    F("示范一路铁东支路公交站（合成）", _BUS, 2580.0, 575.0),
    F("示范大道示范四路公交站（合成）", _BUS, 1215.0, 1640.0),
    F("示范北路通河路公交站（合成）", _BUS, 615.0, 1945.0),
    F("示范北路铁东路公交站（合成）", _BUS, 2795.0, 1945.0),
    F("示范南路铁东路公交站（合成）", _BUS, 2795.0, 55.0),
    F("示范南路通河支路公交站（合成）", _BUS, 315.0, 55.0),
    F("示范四路西界路公交站（合成）", _BUS, 75.0, 1645.0),
    F("滨河南路通河路公交站（合成）", _BUS, 615.0, 1025.0),
    F("滨河南路示范三路公交站（合成）", _BUS, 1745.0, 1025.0),
    F("示范南路共和支路公交站（合成）", _BUS, 1465.0, 55.0),
    F("示范大道长乐支路公交站（合成）", _BUS, 1215.0, 835.0),
    F("铁东路长乐支路公交站（合成）", _BUS, 2795.0, 835.0),
    F("示范北路示范大道公交站（合成）", _BUS, 1215.0, 1945.0),
    F("示范大道地铁站（合成）", {"railway": "station", "station": "subway"}, 1225.0, 530.0),
    # fitness: stations clustered west of the railway; none near 东苑 (deliberate gap)
    F("通河一村益智健身苑点（合成）", _FITNESS, 180.0, 1700.0, None, None, 200.0),
    F("示范新村益智健身苑点（合成）", _FITNESS, 200.0, 950.0, None, None, 200.0),
    F("育才益智健身苑点（合成）", _FITNESS, 480.0, 200.0, None, None, 150.0),
    F("示范二村益智健身苑点（合成）", _FITNESS, 760.0, 470.0, None, None, 200.0),
    F("共和新村益智健身苑点（合成）", _FITNESS, 1360.0, 760.0, None, None, 250.0),
    F("示范健身驿站（合成）", _FITNESS, 1420.0, 460.0, None, None, 300.0),
    F("宝翔苑健身驿站（合成）", _FITNESS, 2650.0, 1800.0, None, None, 200.0),
    F(
        "示范市民运动球场（合成）",
        {"leisure": "pitch", "sport": "basketball"},
        1040.0,
        610.0,
        None,
        None,
        1800.0,
    ),
    F(
        "示范街道社区市民健身中心（合成）",
        {"leisure": "sports_centre"},
        1690.0,
        640.0,
        None,
        None,
        2000.0,
        (50.0, 40.0, 3, "public"),
    ),
    F("示范浜健身步道（合成）", {"route": "fitness_trail"}, 950.0, 1190.0, None, None, 5400.0),
    # elderly care. Both 综合为老服务中心 are far west of the railway, and there
    # is no 日间照料中心 or 长者食堂/助餐点 north of the river (deliberate gaps).
    F(
        "示范街道综合为老服务中心（合成）",
        {},
        1100.0,
        640.0,
        None,
        1200.0,
        None,
        (40.0, 30.0, 3, "public"),
    ),
    F("通河综合为老服务中心（合成）", {}, 740.0, 1600.0, None, 1000.0),
    F("示范新村日间照料中心（合成）", _DAY_CARE, 230.0, 880.0, 40, 400.0),
    F("共和新村日间照料中心（合成）", _DAY_CARE, 1300.0, 320.0, 45, 450.0),
    F("铁东日间照料中心（合成）", _DAY_CARE, 2600.0, 780.0, 30, 350.0),
    F("锦秋日间照料中心（合成）", _DAY_CARE, 195.0, 690.0, 30, 350.0),
    F("临汾日间照料中心（合成）", _DAY_CARE, 740.0, 690.0, 35, 380.0),
    F("共和二村日间照料中心（合成）", _DAY_CARE, 1620.0, 930.0, 30, 350.0),
    F("育才日间照料中心（合成）", _DAY_CARE, 465.0, 170.0, 30, 350.0),
    F("泗塘日间照料中心（合成）", _DAY_CARE, 1340.0, 720.0, 30, 350.0),
    F("通河长者照护之家（合成）", _CARE_HOME, 1620.0, 1540.0, 40, 1500.0),
    F("松花长者照护之家（合成）", _CARE_HOME, 345.0, 1560.0, 32, 1200.0),
    F("共和长者照护之家（合成）", _CARE_HOME, 1460.0, 880.0, 30, 1100.0),
    F(
        "育才长者照护之家（合成）",
        _CARE_HOME,
        780.0,
        230.0,
        49,
        1600.0,
        None,
        (50.0, 20.0, 6, "public"),
    ),
    F("锦秋长者食堂（合成）", {}, 250.0, 760.0, 200, 180.0),
    F("共和助餐点（合成）", {}, 1440.0, 330.0, 120, 90.0),
    F("铁东助餐点（合成）", {}, 2840.0, 420.0, 100, 80.0),
    F("滨河助餐点（合成）", {}, 465.0, 930.0, 100, 80.0),
    F("临汾长者食堂（合成）", {}, 740.0, 430.0, 150, 150.0),
    F("泗塘助餐点（合成）", {}, 1340.0, 690.0, 100, 80.0),
    F("共和二村助餐点（合成）", {}, 2670.0, 930.0, 100, 80.0),
    F("宝乐苑助餐点（合成）", {}, 1340.0, 460.0, 100, 80.0),
    F("共和新村助餐点（合成）", {}, 1620.0, 960.0, 100, 80.0),
    F("示范一村助餐点（合成）", {}, 1340.0, 200.0, 100, 80.0),
    F("通河四村助餐点（合成）", {}, 195.0, 960.0, 100, 80.0),
)


@dataclass(frozen=True)
class DemoCandidate:
    """A candidate new site: a vacant plot or a strip of spare green land."""

    name: str
    kind: str  # "vacant_plot" or "green_edge"
    x: float
    y: float
    site_area_m2: float


C = DemoCandidate
CANDIDATES: tuple[DemoCandidate, ...] = (
    C("宝翔苑北侧闲置地块（合成）", "vacant_plot", 2870.0, 1540.0, 4200.0),
    C("宝翔苑滨河绿地边角地（合成）", "green_edge", 2670.0, 1330.0, 1500.0),
    C("铁路东侧绿带地块（合成）", "green_edge", 2670.0, 1540.0, 2400.0),
    C("示范浜北岸绿地边角地（合成）", "green_edge", 1340.0, 1360.0, 1800.0),
    C("通河滨河闲置地块（合成）", "vacant_plot", 740.0, 1330.0, 2600.0),
    C("共和滨河北岸地块（合成）", "green_edge", 1620.0, 1350.0, 1600.0),
    C("共和滨河南岸地块（合成）", "green_edge", 1890.0, 1110.0, 1600.0),
    C("共和南侧闲置地块（合成）", "vacant_plot", 1620.0, 170.0, 6000.0),
    C("铁东南侧闲置地块（合成）", "vacant_plot", 2670.0, 170.0, 5500.0),
    C("铁东沿河绿地地块（合成）", "green_edge", 2870.0, 1110.0, 1500.0),
    C("铁东路东侧绿地地块（合成）", "green_edge", 2870.0, 930.0, 2000.0),
    C("东苑北侧绿地地块（合成）", "green_edge", 2870.0, 430.0, 2400.0),
    C("育才绿地边角地（合成）", "green_edge", 430.0, 720.0, 1800.0),
    C("示范南路北侧绿地地块（合成）", "green_edge", 1040.0, 170.0, 3000.0),
)
