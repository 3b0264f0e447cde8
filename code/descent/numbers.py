"""Numbers as the edition writes them: the one owner of that rule, for explorers, figures and
the numbers the book glues into its prose.

The rules are CLDR's, through Babel: Spanish writes a decimal comma, groups thousands from
five digits on (1234, but 12 345), and puts a space before the percent sign; it groups them
with a no-break space, as the Real Academia recommends, not CLDR's point. Every edition writes
a real minus sign (−), not a hyphen, and no number ends in three zero decimals ("2,000" would be
two thousand to a reader of the other convention; it is written "2,00"). Code and its outputs
keep Python's syntax: they are code.
"""

import math
import re
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from descent.i18n import language

MINUS = "\u2212"
# CLDR's minimumGroupingDigits, which Babel does not apply: Spanish writes 1234 but 12 345.
MIN_GROUPING_DIGITS = {"es": 2}
GROUP_SEPARATOR = {"es": "\u00a0"}  # the RAE's space (Ortografía, 2010), where CLDR has "."
# A number as Python's format() writes it: "-1,234.50", "0.100", "5%", "1e-06".
PYTHON_NUMBER = re.compile(r"(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(e[+-]\d+)?(%)?")


def rules(lang: str | None = None) -> str:
    """The edition's language, or English where CLDR has no rules for it (a test's made-up
    language)."""
    return known_to_cldr(lang or language())


@cache  # asked for every glued number and every tick label
def known_to_cldr(lang: str) -> str:
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return "en"
    return lang


def grouped(digits: str, lang: str) -> str:
    """A run of digits with the edition's group separator, when it groups numbers that long."""
    if len(digits) < 4 + MIN_GROUPING_DIGITS.get(lang, 1) - 1:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return group_separator(lang).join(groups)


def group_separator(lang: str) -> str:
    return GROUP_SEPARATOR.get(lang, get_group_symbol(lang))


def localized(text: str, lang: str | None = None) -> str:
    """``text``, a number as Python formats it (``format(0.1, ".3f")``), as the edition writes
    it: ``"-1,234.5"`` is ``"−1.234,5"`` in Spanish. Any other text comes back unchanged."""
    match = PYTHON_NUMBER.fullmatch(text)
    if match is None:
        return text
    lang = rules(lang)
    sign, whole, decimals, exponent, percent = match.groups()
    if "," in whole:
        whole = grouped(whole.replace(",", ""), lang)
    written = (MINUS if sign else "") + whole
    if decimals == "000" and exponent is None:  # "2,000" reads as two thousand elsewhere: 2,00
        decimals = "00"
    if decimals is not None:
        written += get_decimal_symbol(lang) + decimals
    if exponent is not None:  # "1e-06": 10⁻⁶, and "2.5e-06": 2,5 × 10⁻⁶
        power = power_of_ten(int(exponent[1:]))
        written = power if written == "1" and decimals is None else f"{written} × {power}"
    if percent:
        written += format_percent(0, locale=lang).removeprefix("0")  # "%", or " %" in Spanish
    return written


def formatted(value: float, spec: str = "") -> str:
    """``format(value, spec)`` as the edition writes numbers, for the text of a figure."""
    return localized(format(value, spec))


def number(value: float, decimals: int = 2) -> str:
    """``value`` as the edition writes numbers (Spanish: a decimal comma), ``decimals`` places."""
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    value, lang = round(value, decimals) + 0.0, rules()  # + 0.0: no "-0.00"
    group = abs(value) >= 10 ** (2 + MIN_GROUPING_DIGITS.get(lang, 1))
    text = format_decimal(value, format=pattern, locale=lang, group_separator=group)
    return text.replace(get_group_symbol(lang), group_separator(lang)).replace("-", MINUS)


def significant(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` significant digits, as the edition writes numbers."""
    if value == 0 or not math.isfinite(value):
        return number(value, 0) if math.isfinite(value) else "∞"
    value = round(value, digits - 1 - math.floor(math.log10(abs(value))))  # 0.09996 -> 0.1
    return number(value, max(0, digits - 1 - math.floor(math.log10(abs(value)))))


def count(value: int) -> str:
    """A whole number as the edition writes it (English 1,234; Spanish 1234 and 12 345)."""
    return number(value, 0)


def power_of_ten(exponent: int) -> str:
    """``10⁻⁶`` for -6: superscript digits and minus."""
    return "10" + str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def scientific(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` significant digits, as ``4.4 × 10⁷`` when it is very large
    or very small."""
    exponent = math.floor(math.log10(abs(value))) if value else 0
    if -3 <= exponent < 5:
        return significant(value, digits)
    mantissa = round(value / 10**exponent, digits - 1)
    if abs(mantissa) >= 10:  # 9.99e7 rounds up to 10e7: say 1.0e8
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{number(mantissa, digits - 1)} × {power_of_ten(exponent)}"
