import pytest
from hypothesis import given
from hypothesis import strategies as st

from logistics.domain.provinces import (
    REMOTE_CODES,
    Province,
    all_provinces,
    find_province,
    is_remote,
    province,
    province_by_code,
    remote_provinces,
)
from logistics.errors import InvalidInput


def test_all_34_divisions_with_unique_codes_and_names():
    provinces = all_provinces()
    assert len(provinces) == 34
    assert len({p.code for p in provinces}) == 34
    assert len({p.name for p in provinces}) == 34
    assert len({p.short_name for p in provinces}) == 34
    assert [p.code for p in provinces] == sorted(p.code for p in provinces)
    assert {"71", "81", "82"} <= {p.code for p in provinces}


@pytest.mark.parametrize(
    "text",
    [
        "52",
        "520000",
        "贵州",
        "贵州省",
        "黔",
        "Guizhou",
        "GUIZHOU",
        "guizhou sheng",
        "Guizhou Province",
        "  贵州省 ",
        "５２",
        "ＧＵＩＺＨＯＵ",
        "Guìzhōu",
    ],
)
def test_guizhou_is_found_however_written(text):
    assert province(text).code == "52"


def test_guizhou_record():
    p = province("52")
    assert p == Province("52", "贵州省", "贵州", "黔", "Guizhou", "Guizhou", "province")
    assert p.division_code == "520000"
    assert str(p) == "贵州"
    assert p.label == "贵州 (52)"


def test_shaanxi_and_shanxi_are_kept_apart():
    assert province("Shaanxi").short_name == "陕西"
    assert province("Shaanxi").code == "61"
    assert province("Shanxi").short_name == "山西"
    assert province("Shanxi").code == "14"
    assert province("陕西省").pinyin == "Shaanxi"
    assert province("山西省").pinyin == "Shanxi"


@pytest.mark.parametrize(
    "text, code",
    [
        ("内蒙古", "15"),
        ("内蒙古自治区", "15"),
        ("Inner Mongolia", "15"),
        ("Nei Mongol", "15"),
        ("Nei Menggu Zizhiqu", "15"),
        ("广西壮族自治区", "45"),
        ("广西", "45"),
        ("Guangxi Zhuang Autonomous Region", "45"),
        ("西藏", "54"),
        ("Tibet", "54"),
        ("Xizang", "54"),
        ("Xizang Zizhiqu", "54"),
        ("新疆维吾尔自治区", "65"),
        ("Xinjiang Uygur Autonomous Region", "65"),
        ("宁夏回族自治区", "64"),
        ("Ningxia Hui Autonomous Region", "64"),
        ("北京市", "11"),
        ("Beijing Shi", "11"),
        ("重庆", "50"),
        ("香港", "81"),
        ("Hong Kong", "81"),
        ("Hong Kong SAR", "81"),
        ("澳门特别行政区", "82"),
        ("Macau", "82"),
        ("Macao", "82"),
        ("台湾", "71"),
        ("Anhui Sheng", "34"),
        ("安徽", "34"),
    ],
)
def test_names_and_aliases(text, code):
    assert province(text).code == code


def test_english_names():
    assert province("15").english == "Inner Mongolia"
    assert province("54").english == "Tibet"
    assert province("54").pinyin == "Xizang"
    assert province("45").name == "广西壮族自治区"
    assert province("15").name == "内蒙古自治区"
    assert province("11").name == "北京市"


@pytest.mark.parametrize("text", ["xyz", "99", "990000", "520100", "贵", "Guizhouu", "5"])
def test_unknown_province_is_refused_with_a_sentence(text):
    with pytest.raises(InvalidInput) as info:
        province(text)
    message = str(info.value)
    assert f"'{text}' is not a province" in message
    assert "52" in message and "贵州" in message and "Guizhou" in message
    assert message.endswith(".")
    assert find_province(text) is None


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_province_says_it_is_required(text):
    with pytest.raises(InvalidInput, match="A province is required"):
        province(text)


def test_province_by_code():
    assert province_by_code("61").short_name == "陕西"
    with pytest.raises(InvalidInput, match="'00' is not a GB/T 2260 province code"):
        province_by_code("00")


def test_remote_provinces():
    assert set(REMOTE_CODES) == {"65", "54", "63", "64", "15"}
    assert {p.short_name for p in remote_provinces()} == {"新疆", "西藏", "青海", "宁夏", "内蒙古"}
    assert is_remote("Xinjiang")
    assert is_remote(province("青海"))
    assert not is_remote("贵州")


def test_every_province_is_found_by_each_of_its_names():
    for p in all_provinces():
        for text in (p.code, p.division_code, p.name, p.short_name, p.pinyin, p.english):
            assert province(text) is p
            assert province(text.upper()) is p


@given(st.text(max_size=30))
def test_any_text_either_names_a_province_or_is_refused_cleanly(text):
    try:
        assert isinstance(province(text), Province)
    except InvalidInput as error:
        assert str(error).endswith(".")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("内蒙", "15"),
        ("内蒙古", "15"),
        ("内蒙自治区", "15"),
        ("內蒙古", "15"),
        ("Neimeng", "15"),
        ("广西", "45"),
        ("广西壮族", "45"),
        ("廣西", "45"),
        ("新疆", "65"),
        ("新疆维吾尔", "65"),
        ("新疆維吾爾自治區", "65"),
        ("宁夏", "64"),
        ("宁夏回族", "64"),
        ("寧夏", "64"),
        ("西藏", "54"),
        ("西藏自治区", "54"),
    ],
)
def test_autonomous_regions_by_the_short_forms_people_write(text, code):
    assert find_province(text).code == code
    assert province(text).code == code


@pytest.mark.parametrize("text", ["回族", "壮族", "维吾尔", "自治区"])
def test_a_people_or_suffix_alone_names_no_province(text):
    assert find_province(text) is None
