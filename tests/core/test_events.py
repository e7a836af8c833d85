"""Event signatures: action families in four languages, figures, and how two signatures agree."""

from __future__ import annotations

import pytest

from bot.core.events import (
    ACTIONS,
    BITS,
    DAY_MASK,
    DAY_SHIFT,
    ROUND_MASK,
    ROUND_SHIFT,
    STRONG,
    days_differ,
    follow_up_differs,
    kind_points,
    kinds_disagree,
    lead_days,
    lead_end,
    lead_rounds,
    number_points,
    numbers,
    rounds_differ,
    signature,
    toll_update,
)
from bot.core.normalize import normalize


def _kinds(text: str) -> set[str]:
    bits = ACTIONS.kinds(normalize(text).split())
    return {name for name, bit in BITS.items() if bits & bit}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل الوزير إلى العاصمة في زيارة رسمية", {"meet"}),
        ("ضرب الزلزال المنطقة فجراً", {"quake"}),  # proclitic ال stripped
        ("وبالزلزال", {"quake"}),
        ("زمین‌لرزه‌ای شدید", {"quake"}),  # the ZWNJ splits the compound
        ("Землетрясения магнитудой 5", {"quake"}),
        ("провел переговоры с коллегой", {"meet"}),
        ("The court sentenced him to prison", {"court"}),
        ("Премьер ушел в отставку", {"resign"}),
        ("قیمت بنزین افزایش یافت", {"price", "rise"}),
        ("تراجع سعر الذهب", {"price", "fall"}),
        ("The price of petrol rose", {"price", "rise"}),
        ("a quiet day at the museum", set()),
    ],
)
def test_action_families_in_four_languages(text: str, expected: set[str]) -> None:
    assert _kinds(text) == expected


def _values(text: str) -> set[tuple[int, bool]]:
    return {(x & (STRONG - 1), bool(x & STRONG)) for x in numbers(text, normalize(text).split())}


def test_figures_are_canonical_across_scripts_and_separators() -> None:
    assert _values("بقوة ٦٫١ درجات") == _values("magnitude 6.1") == _values("магнитудой 6,1")
    assert _values("2,500 rupees") == _values("2 500 рупий") == _values("۲۵۰۰ روپیه")
    assert _values("300,000 tonnes") == _values("300 ألف طن") == _values("300 тысяч тонн")
    assert _values("seven villages") == _values("سبع قرى") == _values("7 сёл")


def test_number_words_take_the_scale_word_after_them() -> None:
    for text in (
        "3,000 marchers",
        "ثلاثة آلاف متظاهر",
        "سه هزار نفر",
        "three thousand marchers",
        "три тысячи человек",
    ):
        assert _values(text) == _values("3000"), text
    assert [strong for _, strong in _values("3000")] == [True]
    assert _values("مليوني دولار") == _values("2 million dollars") == _values("2,000,000")
    assert _values("ألفي جندي") == _values("2,000 soldiers") != set()
    assert _values("300 ألفاً") == _values("300,000")
    # the same word unscaled elsewhere in the text is still a figure of its own
    # Arabic teens: a unit, then عشر/عشرة
    assert _values("منذ أحد عشر يوماً") == _values("for 11 days") == _values("یازده روز") != set()
    assert _values("ثلاثة عشر ألفاً") == _values("13,000")
    assert _values("اثنا عشر قتيلاً") == _values("12 dead")
    assert _values("عشرة أيام") == _values("10 days")
    assert _values("يوم الأحد") == set() == _values("أحد المسؤولين")
    both = _values("3 ministers sent 3000 troops")
    assert len(both) == 2
    assert _values("three ministers sent three thousand troops") == both


@pytest.mark.parametrize(
    "text",
    ["in 2025", "on 19 May", "19 مايو", "سال ۱۴۰۳", "at 14:30", "on 19/05/2025", "1 person"],
)
def test_years_dates_and_times_are_not_particulars(text: str) -> None:
    assert numbers(text) == ()


def test_strong_and_weak_figures() -> None:
    got = {t: _values(t) for t in ("110 km/h", "12 dead", "6.1")}
    assert [strong for _, strong in got["110 km/h"]] == [True]
    assert [strong for _, strong in got["12 dead"]] == [False]
    assert [strong for _, strong in got["6.1"]] == [True]

    def points(a: str, b: str) -> tuple[float, bool]:
        mine = numbers(a)
        return number_points(frozenset(mine), any(x & STRONG for x in mine), numbers(b))

    assert points("110 km/h, 12 dead", "12 killed, 110 km/h") == (1.5, False)
    assert points("920 dinars", "610 marks") == (0.0, True)
    assert points("seven hurt", "610 marks") == (0.0, False)


def test_the_lead_is_the_first_sentence_after_a_short_line() -> None:
    text = "Date: 20 September.\n" + "x" * 120 + ". Second sentence. " + "y" * 400
    assert text[: lead_end(text)].endswith("x.")
    assert lead_end("short") == 5


def test_kinds_agree_disagree_and_directions() -> None:
    meet, call, quake = BITS["meet"], BITS["call"], BITS["quake"]
    price, rise, fall, dead = BITS["price"], BITS["rise"], BITS["fall"], BITS["casualties"]
    assert kinds_disagree(meet, BITS["condemn"])
    assert not kinds_disagree(meet | call, call)
    assert not kinds_disagree(quake | dead, dead)  # casualties say nothing of the kind
    assert kinds_disagree(price | rise, price | fall)
    assert not kinds_disagree(price | rise, price)
    assert kind_points(quake | dead, quake | dead, quake, quake) == 1.0
    assert kind_points(quake | dead, quake | dead, quake | dead, quake | dead) == 1.5
    assert kind_points(meet, meet, 0, meet) == 0.5


def test_an_attack_and_the_blast_or_shooting_it_was_do_not_disagree() -> None:
    # "Deadliest attack in months" and "a car bomb exploded": one bombing told two ways
    strike, blast, shooting = BITS["strike"], BITS["blast"], BITS["shooting"]
    assert _kinds("Haveria reels after deadliest attack in months") == {"strike"}
    assert _kinds("انفجار سيارة مفخخة في السوق") == {"blast"}
    assert not kinds_disagree(strike, blast) and not kinds_disagree(blast, strike)
    assert not kinds_disagree(strike, shooting) and not kinds_disagree(shooting | dead(), strike)
    # a bombing and a shooting are two acts; so are a blast and a visit
    assert kinds_disagree(blast, shooting) and kinds_disagree(shooting, blast)
    assert kinds_disagree(blast, BITS["meet"]) and kinds_disagree(BITS["meet"], strike)
    # alike is not the same: no points for it, as a family both leads name earns
    assert kind_points(strike, strike, blast, blast) == 0.0


def dead() -> int:
    return BITS["casualties"]


def test_exploded_in_persian_and_russian_names_a_blast() -> None:
    assert "blast" in _kinds("خودروی بمب‌گذاری‌شده در بازار منفجر شد")
    assert "blast" in _kinds("В центре города взорвался автомобиль")
    assert "blast" in _kinds("عبوة ناسفة")


def test_words_found_missing_by_blind_corpora() -> None:
    # capsized and sank ferries, rejections, deals, interceptions, inquiries and releases
    assert "crash" in _kinds("Ferry capsizes off the coast") and "crash" in _kinds("غرق العبارة")
    assert "crash" in _kinds("Паром перевернулся и затонул")
    assert "condemn" in _kinds("Tazir rejects the new map") and "condemn" in _kinds("يرفض الخريطة")
    assert "meet" in _kinds("A $1.2bn arms deal") and "meet" in _kinds("صفقة أسلحة")
    assert "intercept" in _kinds("Air defences intercepted a missile over the capital")
    assert "intercept" in _kinds("ПВО перехватили баллистическую ракету")
    assert "intercept" in _kinds("رهگیری موشک بالستیک")
    assert "inquiry" in _kinds("Prosecutors open an inquiry") and "release" in _kinds("الإفراج عن")
    # the Persian price word, not the Arabic "its value" that begins with the same letters
    assert "price" in _kinds("قیمت بنزین") and "price" not in _kinds("صفقة تبلغ قيمتها مليار")


def test_a_missile_fired_and_shot_down_do_not_disagree() -> None:
    assert not kinds_disagree(BITS["launch"], BITS["intercept"])
    assert not kinds_disagree(BITS["intercept"] | dead(), BITS["strike"])
    assert kinds_disagree(BITS["intercept"], BITS["crash"])


def test_an_inquiry_or_a_release_is_what_an_article_is_about_only_in_its_title() -> None:
    words = normalize
    # a first report's lead calling for an inquiry is still the report of the shelling
    title = "Minister condemns shelling of border town"
    text = "The minister condemned the shelling and called for an inquiry into the attack."
    sig = signature(title, text, words(title).split(), words(text).split())
    assert not sig.lead & BITS["inquiry"] and sig.kinds & BITS["inquiry"]
    title = "Prosecutors open inquiry into ferry capsizing"
    sig = signature(title, "The captain was detained.", words(title).split(), ["captain"])
    assert sig.lead & BITS["inquiry"] and sig.lead & BITS["crash"]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("The minister arrived in Velgrad on Monday for the summit", {"monday"}),
        ("وصل الوزير اليوم الاثنين إلى العاصمة", {"monday"}),
        ("Министр в понедельник прибыл в Вельград", {"monday"}),
        ("وزیر روز یکشنبه وارد شد", {"sunday"}),
        # an earlier day recalled is not the day of this event
        ("نفتکش را که یکشنبه گذشته توقیف شده بود آزاد کردند", set()),
        ("the tanker seized last Sunday was freed on Tuesday", {"tuesday"}),
        ("освобожден танкер, задержанный в прошлое воскресенье", set()),
        ("ناقلة احتجزت يوم الأحد الماضي", set()),
        # Persian Tuesday and Thursday split at the non-joiner: سه + شنبه is not Saturday
        ("وزیر روز سه‌شنبه وارد شد", {"tuesday"}),
        ("پنج‌شنبه و شنبه", {"thursday", "saturday"}),
        ("no day named here", set()),
        # the night before Tuesday is Monday night: no day said outright
        ("В ночь на вторник беспилотники атаковали аэропорт", set()),
    ],
)
def test_the_day_of_the_week_a_lead_names(text: str, days: set[str]) -> None:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    bits = lead_days(normalize(text).split())
    assert {n for i, n in enumerate(names) if bits >> (DAY_SHIFT + i) & 1} == days
    assert not bits & ~DAY_MASK


def test_days_differ_only_when_both_leads_name_days() -> None:
    mon, sun = lead_days(["monday"]), lead_days(["sunday"])
    assert days_differ(mon, sun) and not days_differ(mon, mon | sun)
    assert not days_differ(mon, 0) and not days_differ(0, 0)
    # days are no action: they earn no points and bring no kind conflict
    meet = BITS["meet"]
    assert kind_points(meet | mon, meet | mon, meet | mon, meet | mon) == 1.0
    assert not kinds_disagree(meet | mon, meet | sun)


def test_an_appeal_is_a_follow_up_named_in_a_title() -> None:
    words = normalize
    title = "General's lawyer files appeal against 14-year sentence"
    text = "The lawyer said on Tuesday he had asked the supreme military court to quash it."
    sig = signature(title, text, words(title).split(), words(text).split())
    assert sig.lead & BITS["appeal"] and sig.lead & BITS["court"]
    assert "appeal" in _kinds("محامي الجنرال يستأنف الحكم") and "appeal" in _kinds(
        "подал апелляцию"
    )
    # the verdict's own report, whose first sentence mentions an appeal to come
    title = "Former general jailed for 14 years"
    text = "A military court sentenced the former chief of staff, who said he would appeal."
    sig = signature(title, text, words(title).split(), words(text).split())
    assert not sig.lead & BITS["appeal"]


def test_a_devaluation_is_a_fall() -> None:
    assert "fall" in _kinds("Velmaria devalues its currency by 23%")
    assert "fall" in _kinds("Центробанк девальвировал национальную валюту")


def test_missiles_fired_and_a_missile_strike_do_not_disagree() -> None:
    assert not kinds_disagree(BITS["launch"], BITS["strike"])


def test_an_initial_does_not_end_the_lead() -> None:
    text = (
        "The central bank cut the value of the currency by 23.1% on Wednesday, setting a new "
        "rate of 520 per U.S. dollar, down from 400, as reserves fell. Another sentence."
    )
    assert text[: lead_end(text)].endswith("reserves fell.")
    text = "x" * 100 + " said J. Smith of the agency on Monday. Another sentence."
    assert text[: lead_end(text)].endswith("on Monday.")


def test_words_a_fifth_blind_check_found_missing() -> None:
    assert "kidnap" in _kinds("Gunmen hijack a cargo ship")
    assert "summon" in _kinds("تستدعي السفير") and "summon" in _kinds("Ministry summons envoy")
    assert "clash" in _kinds("اشتباك حدودي") and "clash" in _kinds("Перестрелка на границе")
    assert "withdraw" in _kinds("Belmoria to withdraw two brigades")
    assert "violation" in _kinds("أول خرق للهدنة") and "violation" in _kinds("نقض آتش بس")
    assert "funeral" in _kinds("Thousands mourn slain commander")
    # a port call is no phone call
    assert "call" not in _kinds("warships dock in first joint port call")
    assert "call" in _kinds("the two leaders spoke by phone")


def test_a_ship_seized_and_hijacked_and_a_clash_and_an_attack_do_not_disagree() -> None:
    assert not kinds_disagree(BITS["arrest"], BITS["kidnap"])
    assert not kinds_disagree(BITS["clash"], BITS["strike"])
    assert kinds_disagree(BITS["clash"], BITS["meet"])


@pytest.mark.parametrize(
    ("title", "sentence", "rounds"),
    [
        ("Second round of talks ends in Meravik", "Delegations met again.", {2}),
        ("جولة ثانية في ميرافيك", "بعد يومين من جولة أولى عاد الوفدان إلى طاولة التفاوض", {2}),
        ("", "انطلقت اليوم الجولة الأولى من المحادثات", {1}),
        ("", "دور دوم مذاکرات هسته‌ای به پایان رسید", {2}),
        ("Вторая встреча в Меравике", "Делегации завершили второй раунд переговоров", {2}),
        ("", "Делегации провели первый раунд переговоров", {1}),
        # an ordinal beside no round noun is no round
        ("First visit by a minister in a decade", "It was the second time this year.", set()),
    ],
)
def test_the_round_a_lead_names(title: str, sentence: str, rounds: set[int]) -> None:
    bits = lead_rounds(normalize(title).split(), normalize(sentence).split())
    assert {i + 1 for i in range(5) if bits >> (ROUND_SHIFT + i) & 1} == rounds
    assert not bits & ~ROUND_MASK


def test_rounds_differ_only_when_both_leads_name_rounds() -> None:
    first = lead_rounds(["first", "round"], [])
    second = lead_rounds(["second", "round"], [])
    assert rounds_differ(first, second) and not rounds_differ(first, first | second)
    assert not rounds_differ(first, 0)
    assert kind_points(first | BITS["meet"], BITS["meet"], second | BITS["meet"], BITS["meet"]) == 1


def test_words_a_sixth_blind_check_found_missing() -> None:
    assert "closure" in _kinds("Arvastan shuts the border crossing")
    assert "closure" in _kinds("گذرگاه مرزی بسته شد") and "closure" in _kinds("إغلاق المعبر")
    assert "opening" in _kinds("Arvastan reopens the crossing")
    assert "speech" in _kinds("in a speech to the forum") and "speech" in _kinds("سخنرانی وزیر")
    assert "condemn" in _kinds("حذرت وزيرة الخارجية من سباق تسلح")
    assert kinds_disagree(BITS["closure"], BITS["opening"])
    assert kinds_disagree(BITS["speech"], BITS["meet"])


def test_words_a_seventh_blind_check_found_missing() -> None:
    assert "strike" in _kinds("Two drones struck the airport late on Monday")
    assert "speech" in _kinds("В телевизионном обращении президент пообещал")


def test_words_an_eighth_blind_check_found_missing_or_wrong() -> None:
    for text in (
        "The minister declared the envoy persona non grata",
        "أعلنت الخارجية السفير شخصاً غير مرغوب فيه",
        "وزیر خارجه سفیر را عنصر نامطلوب اعلام کرد",
        "министр объявил посла персоной нон грата",
    ):
        assert "expel" in _kinds(text), text
    assert "election" in _kinds("парламент отклонил вотум недоверия министру")
    assert "meet" not in _kinds("تقدمت المعارضة بمذكرة لسحب الثقة من الوزير")


def _lead(text: str) -> int:
    words = normalize(text).split()
    return ACTIONS.kinds(words) | lead_days(words)


def test_a_toll_update_the_next_day_is_the_same_happening() -> None:
    """blind6 and blind9: the toll of a strike rose, reported the next day; the suspects'
    arrest the next day, whose lead recalls the bombing, is not an update of it."""
    strike = _lead(
        "A missile struck a fuel depot late on Tuesday, killing four and setting off fires"
    )
    update = _lead("The death toll from the missile attack rose to nine on Wednesday")
    arrest = _lead("Police arrested three suspects on Wednesday over the bombing that killed 14")
    bombing = _lead("A car bomb exploded at the market on Tuesday, killing 14")
    toll = _lead("The toll of the car bomb blast rose to 17 on Wednesday")
    assert toll_update(update, strike) and not toll_update(strike, update)
    assert not days_differ(update, strike) and not days_differ(strike, update)
    assert toll_update(toll, bombing) and not toll_update(toll, arrest)
    assert days_differ(arrest, bombing) and not days_differ(toll, bombing)
    later = _lead("Police arrested three suspects on Thursday over the bombing that killed 14")
    assert days_differ(toll, later) and days_differ(later, toll)
    assert days_differ(_lead("Minister met his counterpart on Sunday"), _lead("on Monday he met"))


def test_words_a_ninth_blind_check_found_missing_or_wrong() -> None:
    assert "fire" not in _kinds("Taravia test-fires a ballistic missile")
    assert "fire" in _kinds("A fire broke out at the depot")
    assert "intercept" in _kinds("أعلن الجيش اعتراض صاروخين")
    assert "protest" in _kinds("اعتراض کارگران به دستمزدها")
    for text in (
        "Harzan strikes a radar station in retaliation",
        "الهجوم الانتقامي على محطة الرادار",
        "حمله تلافی‌جویانه به ایستگاه رادار",
        "Харзан нанёс ответный удар по радару",
    ):
        assert "retaliation" in _kinds(text), text
    assert "retaliation" not in _kinds("محامي المعارض يصف الحكم بالانتقام السياسي")
    assert follow_up_differs(BITS["retaliation"] | BITS["strike"], BITS["strike"])


def test_a_decimal_point_does_not_end_the_lead() -> None:
    text = "KORAVIK - The two countries agreed on Tuesday to a deal worth about $1.2 billion, " + (
        "the ministers said after signing it. A second sentence follows here."
    )
    assert text[: lead_end(text)].endswith("signing it.")


def test_signature_reads_the_title_and_lead_apart_from_the_body() -> None:
    title = "Minister visits Koral"
    text = "He arrived on Monday.\nLater, a court sentenced two men."
    sig = signature(title, text, normalize(title).split(), normalize(text).split())
    monday = lead_days(["monday"])  # the day it names rides along (see lead_days)
    assert sig.lead == BITS["meet"] | BITS["court"] | monday  # the text is shorter than a lead
    long = "He arrived on Monday for talks " + "and more talks " * 10 + ".\n" + "A court ruled."
    sig = signature(title, long, normalize(title).split(), normalize(long).split())
    assert sig.lead == BITS["meet"] | monday
    assert sig.kinds == BITS["meet"] | BITS["court"] | monday


def test_a_follow_up_in_one_lead_only_differs_both_ways() -> None:
    bombing, funeral, talks = BITS["blast"], BITS["funeral"], BITS["meet"]
    assert follow_up_differs(bombing | funeral, bombing)  # the funeral names the bombing
    assert follow_up_differs(bombing, bombing | funeral)  # ... whichever came first
    assert not follow_up_differs(bombing | funeral, bombing | funeral)
    assert not follow_up_differs(talks, talks)
    assert not follow_up_differs(funeral, 0)  # an action outside the lexicon is unknown
    assert not follow_up_differs(funeral, talks)  # already a kind conflict, not counted twice
