"""The demo company's master data, generated from a seed: org tree, people, SKUs, dealers, outlets, routes.

Pure: no I/O. The same seed and size always give the same ids, codes and numbers (ids are uuid5 of the seed and
a name; every random draw comes from a stream named after what it draws). Codes carry the seed (`D7-0001`), so
demos with different seeds can share one database without their dealer, SKU or outlet codes colliding.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from shared.demo import places as p

_NAMESPACE = uuid.UUID("5b0f3c1e-9d4a-4a7e-8c2b-1e6f0a9d7c35")


@dataclass(frozen=True)
class Size:
    name: str
    regions: int
    provinces: int  # per region
    cities: int  # offices per province
    reps: int  # per office (one team)
    dealers: int  # per office
    skus: int
    outlets: int  # per rep
    order_months: int  # months of ERP order history up to the demo's last day
    weeks: int  # weeks of stock reports and visits up to the demo's last day


SIZES: dict[str, Size] = {
    s.name: s
    for s in (
        Size("tiny", 2, 1, 1, 2, 2, 40, 4, 3, 4),
        Size("small", 3, 2, 1, 3, 3, 200, 6, 12, 6),
        Size("large", 4, 3, 2, 6, 5, 400, 15, 12, 12),
    )
}


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    kind: str
    code: str
    name: str
    parent_id: uuid.UUID | None
    region: str  # the region code above it ("" for the company)


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str
    role: str
    unit_id: uuid.UUID


@dataclass(frozen=True)
class Sku:
    id: uuid.UUID
    code: str
    name: str
    category: str
    shelf_life_days: int
    case_size: int
    unit: str
    list_price: Decimal
    floor: Decimal
    ceiling: Decimal
    product_line: str


@dataclass(frozen=True)
class Dealer:
    id: uuid.UUID
    code: str
    name: str
    office: Unit
    team: Unit
    credit_limit: Decimal
    terms_days: int
    grade: str
    weekly_sales: Decimal  # what it sells in an average week, in yuan (drives orders and stock)


@dataclass(frozen=True)
class Outlet:
    id: uuid.UUID
    code: str
    name: str
    team: Unit
    dealer: Dealer
    rep: Person
    latitude: float
    longitude: float
    grade: str
    channel: str
    address: str


@dataclass
class Company:
    seed: int
    size: Size
    units: list[Unit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    skus: list[Sku] = field(default_factory=list)
    dealers: list[Dealer] = field(default_factory=list)
    outlets: list[Outlet] = field(default_factory=list)

    @property
    def root(self) -> Unit:
        return self.units[0]

    @property
    def tag(self) -> str:
        """The seed in every code: `D7-0001` for seed 7."""
        return str(self.seed)

    def of_kind(self, kind: str) -> list[Unit]:
        return [u for u in self.units if u.kind == kind]

    def with_role(self, role: str) -> list[Person]:
        return [x for x in self.people if x.role == role]

    def reps_of(self, team: Unit) -> list[Person]:
        return [x for x in self.people if x.role == "rep" and x.unit_id == team.id]

    def team_of(self, office: Unit) -> Unit:
        return next(u for u in self.units if u.kind == "team" and u.parent_id == office.id)

    def outlets_of(self, rep: Person) -> list[Outlet]:
        return [o for o in self.outlets if o.rep.id == rep.id]


def demo_id(seed: int, name: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{seed}:{name}")


def stream(seed: int, name: str) -> random.Random:
    """An independent random stream per purpose, so adding draws to one never shifts another."""
    return random.Random(f"{seed}:{name}")


def _person_name(rng: random.Random) -> str:
    return rng.choice(p.SURNAMES) + "".join(rng.choice(p.GIVEN) for _ in range(rng.choice((1, 2))))


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def build(size_name: str, seed: int) -> Company:
    size = SIZES[size_name]
    c = Company(seed, size)
    rng = stream(seed, "org")
    tag = c.tag

    def unit(kind: str, code: str, name: str, parent: Unit | None, region: str) -> Unit:
        made = Unit(demo_id(seed, f"unit:{code}"), kind, f"CS{tag}-{code}", name, parent.id if parent else None, region)
        c.units.append(made)
        return made

    def person(role: str, at: Unit, key: str) -> Person:
        made = Person(demo_id(seed, f"person:{key}"), _person_name(rng), role, at.id)
        c.people.append(made)
        return made

    company = unit("company", "HQ", "春山食品有限公司", None, "")
    person("director", company, "director")
    for region in p.REGIONS[: size.regions]:
        r = unit("region", region.code, region.name, company, region.code)
        person("region_manager", r, f"rm:{region.code}")
        for province in region.provinces[: size.provinces]:
            pr = unit("province", province.code, province.name, r, region.code)
            for city in province.cities[: size.cities]:
                office = unit("office", city.code, f"{city.name}办事处", pr, region.code)
                person("supervisor", office, f"sup:{city.code}")
                team = unit("team", f"{city.code}-T1", f"{city.name}一组", office, region.code)
                for i in range(size.reps):
                    person("rep", team, f"rep:{city.code}:{i}")
    _skus(c)
    _dealers(c)
    _outlets(c)
    return c


def _skus(c: Company) -> None:
    rng = stream(c.seed, "skus")
    for i in range(c.size.skus):
        code, cname, shelf, low, high, unit, case = p.CATEGORIES[i % len(p.CATEGORIES)]
        price = round(rng.uniform(low, high), 1)
        name = f"春山{rng.choice(p.FLAVOURS)}{cname}{rng.choice(p.SIZES)}"
        c.skus.append(
            Sku(
                demo_id(c.seed, f"sku:{i}"),
                f"S{c.tag}-{i + 1:04d}",
                name,
                cname,
                shelf,
                case,
                unit,
                _money(price),
                _money(price * 0.9),  # price control: a dealer may go 10 % below list, never further
                _money(price * 1.1),
                code,  # the product line a target is split over
            )
        )


def _dealers(c: Company) -> None:
    rng = stream(c.seed, "dealers")
    n = 0
    for office in c.of_kind("office"):
        team = c.team_of(office)
        city = office.name.removesuffix("办事处")
        for _ in range(c.size.dealers):
            n += 1
            grade = rng.choice("AABBC")
            weekly = Decimal(rng.randrange(8, 30) * 1000)
            c.dealers.append(
                Dealer(
                    demo_id(c.seed, f"dealer:{n}"),
                    f"D{c.tag}-{n:04d}",
                    f"{city}{rng.choice(p.DEALER_PREFIXES)}{rng.choice(p.DEALER_WORDS)}有限公司",
                    office,
                    team,
                    weekly * 12,  # credit for about three months of trade
                    30,
                    grade,
                    weekly,
                )
            )


def _city_of(office: Unit) -> p.City:
    code = office.code.split("-", 1)[1]
    return next(city for r in p.REGIONS for pr in r.provinces for city in pr.cities if city.code == code)


def _outlets(c: Company) -> None:
    rng = stream(c.seed, "outlets")
    n = 0
    for office in c.of_kind("office"):
        team = c.team_of(office)
        centre = _city_of(office)
        dealers = [d for d in c.dealers if d.office.id == office.id]
        for rep_no, rep in enumerate(c.reps_of(team)):
            # Each rep works one district: a cluster 2-6 km from the centre, outlets within ~1.5 km of it.
            bearing = 2 * math.pi * rep_no / max(1, c.size.reps)
            km = rng.uniform(2, 6)
            d_lat, d_lon = _offset(centre.latitude, km * math.cos(bearing), km * math.sin(bearing))
            c_lat, c_lon = centre.latitude + d_lat, centre.longitude + d_lon
            for _ in range(c.size.outlets):
                n += 1
                o_lat, o_lon = _offset(c_lat, rng.gauss(0, 0.7), rng.gauss(0, 0.7))
                channel, kind = rng.choice(p.OUTLET_KINDS)
                c.outlets.append(
                    Outlet(
                        demo_id(c.seed, f"outlet:{n}"),
                        f"O{c.tag}-{n:05d}",
                        f"{centre.name}{rng.choice(p.STREETS)}{kind}{n}",
                        team,
                        dealers[n % len(dealers)],
                        rep,
                        round(c_lat + o_lat, 6),
                        round(c_lon + o_lon, 6),
                        rng.choice("AABBBCCD"),
                        channel,
                        f"{centre.name}{rng.choice(p.STREETS)}{rng.randrange(1, 300)}号",
                    )
                )


def _offset(latitude: float, north_km: float, east_km: float) -> tuple[float, float]:
    """Degrees of latitude and longitude for a small move north and east (1° latitude ≈ 111 km)."""
    return round(north_km / 111.0, 6), round(east_km / (111.0 * math.cos(math.radians(latitude))), 6)
