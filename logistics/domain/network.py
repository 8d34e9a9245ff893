"""What a station, a courier and a van must look like, checked before anything is stored.

Both `hub ... add` and `hub ... import FILE` turn their text into these specs through
the same parsers, so an operator gets the same sentence from either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from logistics.domain import text as t
from logistics.domain.provinces import province
from logistics.domain.units import fen, grams, kg, yuan
from logistics.errors import InvalidInput
from logistics.i18n import N_, _

# Headers accepted for each field in network files (besides the field name itself).
STATION_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("station_code", "站点编码", "编码", "站点代码", "代码"),
    "name": ("station_name", "站点名称", "名称", "站名"),
    "village": ("村", "村庄", "行政村"),
    "keeper_name": ("keeper", "站长", "负责人", "联系人"),
    "keeper_phone": ("phone", "keeper_tel", "电话", "联系电话", "手机"),
    "lat": ("latitude", "纬度"),
    "lon": ("lng", "longitude", "经度"),
    "hours": ("opening_hours", "营业时间", "开放时间"),
    "opens": ("open", "开门"),
    "closes": ("close", "关门"),
    "service_minutes": ("service_min", "停靠分钟", "服务时间"),
    "households": ("户数",),
    "retention_days": ("retention", "滞留天数", "保管天数"),
    "active": ("启用",),
}
COURIER_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("courier_code", "快递编码", "编码", "代码"),
    "name": ("courier_name", "快递公司", "名称"),
    "tracking_pattern": ("pattern", "单号规则"),
    "cutoff": ("cut_off", "cutoff_time", "截单时间", "揽收截止"),
    "daily_capacity": ("capacity", "日容量", "每日容量"),
    "min_share": ("minimum_share", "最低份额", "保底份额"),
    "volumetric_divisor": ("divisor", "抛比", "体积系数"),
    "weight_step_kg": ("weight_step", "计重单位", "续重单位"),
    "max_weight_kg": ("max_weight", "最大重量", "限重"),
    "excluded_provinces": ("not_served", "不服务省份", "不发省份"),
    "phone": ("电话",),
    "active": ("启用",),
}
TARIFF_HEADERS: dict[str, tuple[str, ...]] = {
    "courier": ("courier_code", "快递", "快递公司"),
    "province": ("province_code", "省份", "目的省份"),
    "first_kg": ("first_kg_price", "首重", "首重价格"),
    "extra_kg": ("extra_kg_price", "续重", "续重价格"),
}
VEHICLE_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("vehicle_code", "van", "车辆编码", "编码"),
    "plate": ("车牌", "车牌号"),
    "capacity_kg": ("载重", "载重kg"),
    "capacity_parcels": ("件数上限", "容量件"),
    "shift_start": ("shift_from", "上班"),
    "shift_end": ("shift_to", "下班"),
    "cost_per_km": ("每公里成本",),
    "fixed_cost": ("固定成本",),
    "active": ("启用",),
}

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,31}$")
_TRUE = {"", "1", "yes", "y", "true", "是", "启用"}
_FALSE = {"0", "no", "n", "false", "否", "停用"}


def code_of(text: str, field: str = "code") -> str:
    value = t.normalize(text).upper()
    if not _CODE.match(value):
        raise InvalidInput(
            _(
                "{field} '{value}' is not a code: expected letters, digits, '-' or '_' "
                "(at most 32), e.g. GD01."
            ).format(field=field, value=text)
        )
    return value


def _required(values: Mapping[str, str], field: str) -> str:
    value = t.normalize(values.get(field, ""))
    if not value:
        raise InvalidInput(_("{field} is empty: a value is required.").format(field=field))
    return value


def _optional(values: Mapping[str, str], field: str) -> str | None:
    return t.normalize(values.get(field, "")) or None


def _flag(values: Mapping[str, str], field: str) -> bool:
    value = t.normalize(values.get(field, "")).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInput(
        _("{field} '{value}' is not yes or no: expected 1/0, yes/no or 是/否.").format(
            field=field, value=value
        )
    )


def _count(values: Mapping[str, str], field: str, *, default: int | None = None, low: int = 1):
    if default is None:
        return t.parse_int(values.get(field, ""), field, minimum=low)
    return t.parse_int(values.get(field, ""), field, minimum=low, default=default)


def _money_fen(values: Mapping[str, str], field: str, default: int | None = None) -> int:
    kwargs = {} if default is None else {"default": yuan(default)}
    amount = t.parse_decimal(
        values.get(field, ""), field, minimum=0, places=2, example=_("3.50 (yuan)"), **kwargs
    )
    return fen(amount)


@dataclass(frozen=True)
class StationSpec:
    code: str
    name: str
    village: str
    lat: float
    lon: float
    opens: time
    closes: time
    service_minutes: int
    keeper_name: str | None = None
    keeper_phone: str | None = None
    households: int | None = None
    retention_days: int | None = None
    active: bool = True


def parse_station(values: Mapping[str, str]) -> StationSpec:
    name = _required(values, "name")
    lat = float(t.parse_decimal(values.get("lat"), "lat", minimum=-90, maximum=90, example="35.59"))
    lon = float(
        t.parse_decimal(values.get("lon"), "lon", minimum=-180, maximum=180, example="112.97")
    )
    hours = t.normalize(values.get("hours", ""))
    if not hours and (values.get("opens") or values.get("closes")):
        hours = f"{values.get('opens') or '08:00'}-{values.get('closes') or '18:00'}"
    opens, closes = t.parse_hours(hours or "08:00-18:00", "hours")
    households = _optional(values, "households")
    retention = _optional(values, "retention_days")
    return StationSpec(
        code=code_of(_required(values, "code")),
        name=name,
        village=_optional(values, "village") or name,
        lat=lat,
        lon=lon,
        opens=opens,
        closes=closes,
        service_minutes=_count(values, "service_minutes", default=5, low=0),
        keeper_name=_optional(values, "keeper_name"),
        keeper_phone=_optional(values, "keeper_phone"),
        households=_count(values, "households", low=0) if households else None,
        retention_days=_count(values, "retention_days") if retention else None,
        active=_flag(values, "active"),
    )


@dataclass(frozen=True)
class CourierSpec:
    code: str
    name: str
    cutoff: time
    daily_capacity: int
    min_share: float
    volumetric_divisor: int
    weight_step_g: int
    max_weight_g: int | None
    excluded_provinces: tuple[str, ...]
    tracking_pattern: str | None = None
    phone: str | None = None
    active: bool = True


def _share(raw: str) -> float:
    text_ = t.normalize(raw)
    if not text_:
        return 0.0
    if text_.endswith("%"):
        percent = t.parse_decimal(text_[:-1], "min_share", minimum=0, maximum=100, example="10%")
        return float(percent / 100)
    return float(t.parse_decimal(text_, "min_share", minimum=0, maximum=1, example=_("0.1 or 10%")))


def parse_courier(values: Mapping[str, str]) -> CourierSpec:
    pattern = _optional(values, "tracking_pattern")
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            raise InvalidInput(
                _(
                    "tracking_pattern '{pattern}' is not a regular expression: "
                    "expected something like {example}."
                ).format(pattern=pattern, example=r"^7\d{13}$")
            ) from None
    step = t.normalize(values.get("weight_step_kg", "")) or "1"
    step_g = grams(t.parse_decimal(step, "weight_step_kg"))
    if step_g not in (100, 500, 1000):
        raise InvalidInput(
            _("weight_step_kg must be 0.1, 0.5 or 1, got '{value}'.").format(value=step)
        )
    max_weight = t.parse_decimal(
        values.get("max_weight_kg", ""), "max_weight_kg", positive=True, default=None
    )
    max_weight_g = None if max_weight is None else grams(max_weight)
    excluded = re.split(r"[;；、|/,，\s]+", t.normalize(values.get("excluded_provinces", "")))
    return CourierSpec(
        code=code_of(_required(values, "code")),
        name=_required(values, "name"),
        cutoff=t.parse_time_of_day(values.get("cutoff") or "17:00", "cutoff"),
        daily_capacity=_count(values, "daily_capacity"),
        min_share=_share(values.get("min_share", "")),
        volumetric_divisor=_count(values, "volumetric_divisor", default=8000, low=1000),
        weight_step_g=step_g,
        max_weight_g=max_weight_g,
        excluded_provinces=tuple(sorted({province(p).code for p in excluded if p})),
        tracking_pattern=pattern,
        phone=_optional(values, "phone"),
        active=_flag(values, "active"),
    )


@dataclass(frozen=True)
class TariffSpec:
    courier_code: str
    province_code: str  # '*' is the default for provinces without their own row
    first_kg_fen: int
    extra_kg_fen: int


def parse_tariff(values: Mapping[str, str]) -> TariffSpec:
    where = _required(values, "province")
    return TariffSpec(
        courier_code=code_of(_required(values, "courier"), "courier"),
        province_code="*" if where in ("*", "default", "其他", "默认") else province(where).code,
        first_kg_fen=_money_fen(values, "first_kg"),
        extra_kg_fen=_money_fen(values, "extra_kg"),
    )


@dataclass(frozen=True)
class VehicleSpec:
    code: str
    capacity_g: int
    capacity_parcels: int
    shift_start: time
    shift_end: time
    cost_per_km_fen: int
    fixed_cost_fen: int
    plate: str | None = None
    active: bool = True


def parse_vehicle(values: Mapping[str, str]) -> VehicleSpec:
    capacity_kg = t.parse_decimal(
        values.get("capacity_kg"), "capacity_kg", positive=True, maximum=100000, example="1200"
    )
    start = t.parse_time_of_day(values.get("shift_start") or "07:30", "shift_start")
    end = t.parse_time_of_day(values.get("shift_end") or "17:30", "shift_end")
    if end <= start:
        raise InvalidInput(
            _(
                "shift_end must be after shift_start (as in 07:30 to 17:30), got {start} to {end}."
            ).format(start=f"{start:%H:%M}", end=f"{end:%H:%M}")
        )
    return VehicleSpec(
        code=code_of(_required(values, "code")),
        capacity_g=grams(capacity_kg),
        capacity_parcels=_count(values, "capacity_parcels"),
        shift_start=start,
        shift_end=end,
        cost_per_km_fen=_money_fen(values, "cost_per_km", default=120),
        fixed_cost_fen=_money_fen(values, "fixed_cost", default=15000),
        plate=_optional(values, "plate"),
        active=_flag(values, "active"),
    )


# ---------------------------------------------------------------- updating by import


class Change(StrEnum):
    """What an import does to one row of the hub's network."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    @property
    def label(self) -> str:
        return _(_CHANGE_LABELS[self])


_CHANGE_LABELS = {
    Change.ADDED: N_("added"),
    Change.UPDATED: N_("updated"),
    Change.UNCHANGED: N_("unchanged"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return str(value)


def _kg(weight_g: int | None) -> str:
    return "" if weight_g is None else _text(kg(weight_g))


def station_text(row: Any) -> dict[str, str]:
    """A station (stored row or spec) as the cells of a stations file, which
    :func:`parse_station` reads back to the same station."""
    return {
        "code": row.code,
        "name": row.name,
        "village": _text(row.village),
        "keeper_name": _text(row.keeper_name),
        "keeper_phone": _text(row.keeper_phone),
        "lat": _text(row.lat),
        "lon": _text(row.lon),
        "hours": f"{row.opens:%H:%M}-{row.closes:%H:%M}",
        "service_minutes": _text(row.service_minutes),
        "households": _text(row.households),
        "retention_days": _text(row.retention_days),
        "active": _text(row.active),
    }


def courier_text(row: Any, excluded: Iterable[str]) -> dict[str, str]:
    """A courier (stored row or spec) and the provinces it does not serve, as the cells of
    a couriers file that :func:`parse_courier` reads back to the same courier."""
    share = Decimal(str(row.min_share)) * 100
    return {
        "code": row.code,
        "name": row.name,
        "tracking_pattern": _text(row.tracking_pattern),
        "cutoff": _text(row.cutoff),
        "daily_capacity": _text(row.daily_capacity),
        "min_share": f"{round(share, 4).normalize():f}%",
        "volumetric_divisor": _text(row.volumetric_divisor),
        "weight_step_kg": _kg(row.weight_step_g),
        "max_weight_kg": _kg(row.max_weight_g),
        "excluded_provinces": ";".join(sorted(excluded)),
        "phone": _text(row.phone),
        "active": _text(row.active),
    }


def vehicle_text(row: Any) -> dict[str, str]:
    """A van (stored row or spec) as the cells of a vans file that :func:`parse_vehicle`
    reads back to the same van."""
    return {
        "code": row.code,
        "plate": _text(row.plate),
        "capacity_kg": _kg(row.capacity_g),
        "capacity_parcels": _text(row.capacity_parcels),
        "shift_start": _text(row.shift_start),
        "shift_end": _text(row.shift_end),
        "cost_per_km": _text(yuan(row.cost_per_km_fen)),
        "fixed_cost": _text(yuan(row.fixed_cost_fen)),
        "active": _text(row.active),
    }


def merged(stored: Mapping[str, str], given: Mapping[str, str], carried: Iterable[str]) -> dict:
    """The cells of a stored row with a file's row laid over it: only the columns the file
    carries, and of those only the cells that are not blank (a blank cell keeps what is
    stored), so an update never blanks what the file does not say."""
    values = dict(stored)
    carried = set(carried)
    if "hours" in values and "hours" not in carried and carried & {"opens", "closes"}:
        values["opens"], values["closes"] = values.pop("hours").split("-")
    for field in carried:
        cell = t.normalize(given.get(field, ""))
        if cell:
            values[field] = cell
    return values


def differences(before: Mapping[str, str], after: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(field, stored, new) for every field whose text changes."""
    return [
        (field, before.get(field, ""), value)
        for field, value in after.items()
        if before.get(field, "") != value
    ]
