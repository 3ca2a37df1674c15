"""Prices read and written the market's way (artpipe/text/prices.py): parts, amounts, currencies, CLDR formats,
original prices and discounts. How the price layer draws them is in test_price.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale
from babel.localedata import locale_identifiers
from hypothesis import given, settings
from hypothesis import strategies as st

from artpipe.text import fonts
from artpipe.text.prices import (
    Market,
    Part,
    currency_named,
    currency_of,
    format_amount,
    format_discount,
    format_price,
    is_currency_code,
    locale_of,
    read_original,
    read_price,
)

CN = Market("zh-CN", "¥")


def parts_of(text: str, market: Market = CN) -> list[tuple[str, str]]:
    price = read_price(text, market)
    assert price is not None
    return [(p.kind.value, p.text) for p in price.parts]


@pytest.mark.parametrize(("text", "parts", "amount", "currency"), [
    ("¥39.90", [("sign", "¥"), ("integer", "39"), ("decimals", ".90")], "39.90", "CNY"),
    ("39.90", [("sign", "¥"), ("integer", "39"), ("decimals", ".90")], "39.90", "CNY"),
    ("$1,299", [("sign", "$"), ("integer", "1,299")], "1299", "USD"),
    ("¥12.80起", [("sign", "¥"), ("integer", "12"), ("decimals", ".80"), ("word", "起")], "12.80", "CNY"),
    ("€ 5", [("sign", "€"), ("gap", " "), ("integer", "5")], "5", "EUR"),
    ("HK$88.5 /件", [("sign", "HK$"), ("integer", "88"), ("decimals", ".5"), ("word", " /件")], "88.5", "HKD"),
    # the sign after the number is the price's own: no template sign is put in front
    ("99.000₫", [("integer", "99.000"), ("sign", "₫")], "99000", "VND"),
    ("1.299,00 €", [("integer", "1.299"), ("decimals", ",00"), ("gap", " "), ("sign", "€")], "1299", "EUR"),
    ("1 299,00 zł", [("integer", "1 299"), ("decimals", ",00"), ("gap", " "), ("sign", "zł")], "1299", "PLN"),
    ("CHF 1'299.–", [("sign", "CHF"), ("gap", " "), ("integer", "1'299"), ("decimals", ".–")], "1299", "CHF"),
    ("R$ 1.299,90", [("sign", "R$"), ("gap", " "), ("integer", "1.299"), ("decimals", ",90")], "1299.90", "BRL"),
    ("₹1,29,999", [("sign", "₹"), ("integer", "1,29,999")], "129999", "INR"),
    ("¥1,299起", [("sign", "¥"), ("integer", "1,299"), ("word", "起")], "1299", "CNY"),
    ("US$12.99", [("sign", "US$"), ("integer", "12"), ("decimals", ".99")], "12.99", "USD"),
    ("$9.99/month", [("sign", "$"), ("integer", "9"), ("decimals", ".99"), ("word", "/month")], "9.99", "USD"),
    ("from $12", [("word", "from "), ("sign", "$"), ("integer", "12")], "12", "USD"),
    ("¥39-59", [("sign", "¥"), ("integer", "39"), ("dash", "-"), ("integer", "59")], "39", "CNY"),
    ("45 ر.س", [("integer", "45"), ("gap", " "), ("sign", "ر.س")], "45", "SAR"),
    ("990 ₽", [("integer", "990"), ("gap", " "), ("sign", "₽")], "990", "RUB"),
    ("99元", [("integer", "99"), ("sign", "元")], "99", "CNY"),
])
def test_read_price(text: str, parts: list[tuple[str, str]], amount: str, currency: str) -> None:
    price = read_price(text, CN)
    assert price is not None
    assert parts_of(text) == parts
    assert (price.amount, price.currency) == (Decimal(amount), currency)


@pytest.mark.parametrize(("text", "market", "drawn"), [
    ("45", Market("ar-SA", ""), "45\u00a0ر.س."),
    ("990", Market("ru-RU", ""), "990\u00a0₽"),
    ("1299.9", Market("de-CH", ""), "CHF\u00a01'299.9"),
    ("129999", Market("hi-IN", ""), "₹1,29,999"),
    ("1.299,90", Market("pt-BR", ""), "R$\u00a01.299,90"),
    ("1299,5", Market("pl-PL", ""), "1\u00a0299,5\u00a0zł"),
    ("39-59", CN, "¥39-59"),
    ("45", Market("ar-SA", "EUR"), "45\u00a0€"),
    ("45", Market("zh-CN", "HK$"), "HK$45"),
])
def test_a_bare_number_is_written_in_its_markets_way(text: str, market: Market, drawn: str) -> None:
    price = read_price(text, market)
    assert price is not None
    assert price.text == drawn


def test_a_right_to_left_price_draws_its_sign_on_the_left_and_keeps_its_number() -> None:
    price = read_price("1,299.50 ر.س", CN)
    assert price is not None
    assert [p.kind for p in price.visual()] == [Part.SIGN, Part.GAP, Part.INTEGER, Part.DECIMALS]


# Every CLDR locale that names a country: a market (a language alone, such as Toki Pona, sells nothing).


MARKETS = sorted(i for i in locale_identifiers() if (Locale.parse(i).territory or "1").isalpha())


# Signs in scripts no bundled font has yet: Bengali taka, Ethiopic birr, Armenian dram, Khmer riel, Sinhala
# and Thaana rupees (7 of the markets); every other market's price draws without a missing glyph.


UNCOVERED = set("৳ብር֏៛රුރ")


@settings(max_examples=300, deadline=None)
@given(locale=st.sampled_from(MARKETS),
       cents=st.integers(min_value=0, max_value=10**9), decimals=st.sampled_from([0, 2]))
def test_every_locales_formatted_price_reads_back_to_its_amount(locale: str, cents: int, decimals: int) -> None:
    tag = locale.replace("_", "-")
    code = currency_of(tag) or "EUR"
    amount = Decimal(cents) / 100 if decimals else Decimal(cents)
    written = format_price(amount, code, tag, decimals)
    price = read_price(written, Market(tag, code))
    assert price is not None, written
    assert (price.amount, price.currency) == (amount, code), written
    assert set(fonts.missing_chars(price.text, fonts.chain("sans", "bold"))) <= UNCOVERED, written


@pytest.mark.parametrize("text", ["free", "", "价格面议"])
def test_not_a_price(text: str) -> None:
    assert read_price(text, CN) is None


@pytest.mark.parametrize(("was", "market", "drawn"), [
    ("1800", Market("ja-JP", ""), "¥1,800"),  # as the price writes its sign, not CLDR's full-width ￥
    ("60", Market("ar-SA", ""), "60\u00a0ر.س"),
    ("原价", CN, "原价"),  # words without a number, kept as written
])
def test_a_bare_original_price_takes_the_prices_sign(was: str, market: Market, drawn: str) -> None:
    price = read_price({"ja-JP": "¥1,299", "ar-SA": "45 ر.س"}.get(market.locale, "¥99"), market)
    assert price is not None
    assert read_original(was, price, market).text == drawn


@pytest.mark.parametrize(("locale", "drawn"), [("zh-CN", "-20%"), ("ru-RU", "-20\u00a0%"), ("tr-TR", "-%20")])
def test_the_discount_is_written_in_the_markets_order(locale: str, drawn: str) -> None:
    assert format_discount(Decimal(80), Decimal(100), locale) == drawn
    assert format_discount(Decimal(100), Decimal(100), locale) == ""


def test_markets_and_currencies_are_known_by_cldr() -> None:
    assert str(locale_of("zh-CN")) == "zh_Hans_CN"
    assert locale_of("xx-YY") is None
    assert locale_of("not a tag!") is None
    assert (is_currency_code("EUR"), is_currency_code("eur"), is_currency_code("XYZ")) == (True, False, False)
    assert (currency_of("de-DE"), currency_of("en"), currency_of("bad")) == ("EUR", "USD", "")
    # A dollar sign is the market's own dollar; a sign of one currency only is that currency anywhere.
    assert currency_named("$", Market("en-CA", "")) == "CAD"
    assert currency_named("$", Market("zh-CN", "")) == "USD"
    assert currency_named("€", Market("zh-CN", "")) == "EUR"


def test_amounts_are_written_with_the_markets_marks() -> None:
    assert format_amount(Decimal("1234.5"), "de-DE", 2) == "1.234,50"
    assert format_price(Decimal("1234.5"), "EUR", "fr-FR") == "1\u202f234,50\u00a0€"
    assert format_discount(Decimal(99), Decimal(100), "en-US") == "-1%"
