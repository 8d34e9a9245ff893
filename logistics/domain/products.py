"""The product categories the hub counts, one key each, whatever label was typed.

A station keeper types 猕猴桃, 奇异果, kiwi or Kiwifruit; the monthly report must count
them as one product. :func:`product` folds what was typed to the canonical key;
:func:`label` gives the key's name in the chosen language. A label the list does not
know is kept as typed under ``other`` (其他), and :func:`product` says so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from logistics.i18n import N_, _, is_chinese

OTHER = "other"


@dataclass(frozen=True, slots=True)
class Product:
    key: str
    chinese: str
    english: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.chinese if is_chinese() else _(self.english)


# key, 中文, English, other names people type (Chinese trade names first)
PRODUCTS: tuple[Product, ...] = (
    Product("kiwi", "猕猴桃", N_("kiwi fruit"), ("奇异果", "红心猕猴桃", "kiwi", "kiwifruit")),
    Product("cured_meat", "腊肉", N_("cured meat"), ("腊肠", "腊味", "香肠", "bacon", "sausage")),
    Product("rice_tofu", "米豆腐", N_("rice tofu"), ("米豆花",)),
    Product("tea", "茶叶", N_("tea"), ("茶", "绿茶", "红茶", "毛尖")),
    Product(
        "crafts",
        "手工艺品",
        N_("crafts"),
        ("工艺品", "手工品", "蜡染", "刺绣", "craft", "handicrafts"),
    ),
    Product("fruit", "水果", N_("fruit"), ("鲜果", "苹果", "柑橘", "脐橙", "梨")),
    Product("vegetables", "蔬菜", N_("vegetables"), ("菜", "辣椒", "vegetable")),
    Product(
        "grain", "粮油", N_("grain and oil"), ("大米", "小米", "杂粮", "菜籽油", "rice", "millet")
    ),
    Product("mushrooms", "菌菇", N_("mushrooms"), ("香菇", "木耳", "食用菌", "mushroom")),
    Product("honey", "蜂蜜", N_("honey"), ("土蜂蜜",)),
    Product("eggs", "禽蛋", N_("eggs"), ("鸡蛋", "鸭蛋", "土鸡蛋", "egg")),
    Product("apparel", "服装", N_("clothing"), ("衣服", "鞋帽", "clothes", "apparel", "shoes")),
    Product("household", "日用百货", N_("household goods"), ("日用品", "百货", "household")),
    Product("food", "食品", N_("food"), ("零食", "副食")),
    Product("electronics", "数码电器", N_("electronics"), ("数码", "家电", "电器", "手机")),
    Product(
        "farm_inputs", "农资", N_("farm supplies"), ("化肥", "种子", "农药", "饲料", "farm inputs")
    ),
    Product("documents", "文件", N_("documents"), ("文件资料", "document")),
    Product(OTHER, "其他", N_("other"), ("其它", "其他物品", "杂货")),
)


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold().replace("_", "")


_INDEX: dict[str, Product] = {}
for _product in PRODUCTS:
    for _name in (_product.key, _product.chinese, _product.english, *_product.aliases):
        _INDEX.setdefault(_fold(_name), _product)


@dataclass(frozen=True, slots=True)
class Typed:
    """What a typed product label came to: the key stored, and the text kept when unknown."""

    key: str | None
    known: bool
    typed: str = ""


def product(text: str | None) -> Typed:
    """The canonical product for a typed label; empty stays empty, unknown is ``other``."""
    if text is None or not str(text).strip():
        return Typed(None, True)
    found = _INDEX.get(_fold(str(text)))
    if found is not None:
        return Typed(found.key, True)
    return Typed(OTHER, False, str(text).strip())


def by_key(key: str | None) -> Product | None:
    return _INDEX.get(_fold(key)) if key else None


def label(key: str | None) -> str:
    """A stored product key as people read it in the chosen language; a legacy free text
    (stored before the list existed) reads as itself."""
    if not key:
        return _("(none)")
    found = by_key(key)
    return found.label if found is not None else key
