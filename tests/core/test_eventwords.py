"""The action lexicon on ordinary news phrasing in four languages: the words a blind check
found missing (expulsions, price cuts and raises written as verbs of the government, meetings
reported with other verbs), and words that must stay out because they mean something else."""

from __future__ import annotations

import pytest

from bot.core.events import ACTIONS, BITS, STRONG, numbers
from bot.core.normalize import normalize


def _kinds(text: str) -> set[str]:
    bits = ACTIONS.kinds(normalize(text).split())
    return {name for name, bit in BITS.items() if bits & bit}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # expulsions of diplomats
        ("كيلفارا تطرد ثلاثة دبلوماسيين", {"expel"}),
        ("The ministry expelled two diplomats", {"expel"}),
        ("وزارت خارجه دو دیپلمات را اخراج کرد", {"expel"}),
        ("Министерство выслало двух дипломатов", {"expel"}),
        ("объявил о высылке дипломатов", {"expel"}),
        # a government raising or cutting a price
        ("الحكومة ترفع سعر البنزين", {"price", "rise"}),
        ("قررت الحكومة رفع سعر الخبز", {"price", "rise"}),
        ("بنهار تخفض سعر الخبز", {"price", "fall"}),
        ("قرار بخفض سعر الخبز", {"price", "fall"}),
        ("The government will raise the price of bread", {"price", "rise"}),
        ("The government cut the price of bread", {"price", "fall"}),
        ("Правительство снижает цены на хлеб", {"price", "fall"}),
        ("Власти повысят тарифы", {"price", "rise"}),
        # meetings reported with other verbs
        ("Министры встретились в столице", {"meet"}),
        ("Президент приняла делегацию", {"meet"}),
        ("الوزيران يلتقيان في العاصمة", {"meet"}),
        ("تستضيف العاصمة جولة جديدة", {"meet"}),
        # condemnation, dismissal, attacks, kidnapping, shooting, crashes
        ("إدانة واسعة للهجوم", {"condemn", "strike"}),
        ("الرئيس يقيل محافظ البنك المركزي", {"resign"}),
        ("Президент уволил министра", {"resign"}),
        ("اعتداء على قافلة", {"strike"}),
        ("اختطاف صحفي في المدينة", {"kidnap"}),
        ("Gunmen abducted three workers", {"shooting", "kidnap"}),
        ("تیراندازی در مرکز شهر", {"shooting"}),
        ("Стрельба в торговом центре", {"shooting"}),
        ("اصطدمت حافلة بشاحنة", {"crash"}),
        ("اتوبوس در جاده واژگون شد", {"crash"}),
        # a labour strike (English says "strike" for a walkout as for an attack)
        ("Teachers go on strike over pay", {"protest", "strike"}),
        ("إضراب المعلمين في المدينة", {"protest"}),
        ("В городе бастуют учителя, забастовка продолжается", {"protest"}),
        # seizing a ship is detaining it, in every language
        ("The navy seized a tanker", {"arrest"}),
        ("البحرية تحتجز ناقلة", {"arrest"}),
        ("نیروی دریایی نفتکش را توقیف کرد", {"arrest"}),
        ("Пограничники задержали траулер", {"arrest"}),
        # funerals after an attack are another event than the attack
        ("Thousands attend funerals of the victims", {"funeral", "casualties"}),
        ("آلاف المشيعين في تشييع الضحايا", {"funeral", "casualties"}),
        ("تشییع قربانیان با حضور هزاران نفر", {"funeral", "casualties"}),
        ("В городе прошли похороны погибших", {"funeral", "casualties"}),
        # Persian "محکوم کرد" condemns as often as it sentences; credentials are a reception
        ("وزیر خارجه این حمله را محکوم کرد", {"condemn", "court", "strike"}),
        ("The minister received the credentials of the new ambassador", {"meet"}),
        ("Министр принял копии верительных грамот посла", {"meet"}),
        ("الوزير يتسلم أوراق اعتماد السفير الجديد", {"meet"}),
        # a mine, a building or a bridge collapsing is an accident, as a crash is
        ("Tunnel roof collapsed at the salt mine", {"crash"}),
        ("انهيار سقف نفق في المنجم", {"crash"}),
        ("ریزش معدن نمک", {"crash"}),
        ("Обрушение свода тоннеля на руднике", {"crash"}),
        # lookalikes that are no action
        ("household electricity tariff", {"price"}),
        ("برای بررسی این موضوع", set()),
        ("استطلاع الرأي العام", set()),
        ("according to the report", set()),
        ("أبعاد القضية", set()),
        ("رفض التعليق", set()),
        ("a sign of the times", set()),
    ],
)
def test_action_words(text: str, expected: set[str]) -> None:
    assert _kinds(text) == expected


def _values(text: str) -> set[tuple[int, bool]]:
    return {(x & (STRONG - 1), bool(x & STRONG)) for x in numbers(text, normalize(text).split())}


def test_collective_numerals_and_tens_written_as_words() -> None:
    assert _values("трое погибших") == _values("three dead") == _values("3 killed")
    assert _values("семеро раненых") == _values("سبعة جرحى") == _values("7 injured")
    assert _values("forty boats") == _values("أربعين قارباً") == _values("40 лодок")
    assert _values("ست ساعات") == _values("six hours") == _values("шесть часов")


@pytest.mark.parametrize("text", ["نه این و نه آن", "در ده کوچک", "ستون خبری"])
def test_persian_words_that_only_look_like_numbers(text: str) -> None:
    assert numbers(text, normalize(text).split()) == ()
