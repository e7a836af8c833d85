"""Related-article headings no marker knows, removed from pages by their shape: a short line
followed by nothing but links. The extractor drops link-only paragraphs by itself, so without
this the heading stayed behind as a stray line («Также по теме:» in the middle of the text,
«مواضيع قد تهمك:» at its end). A subheading over running text and a line that introduces a
quotation stay."""

from __future__ import annotations

import pytest

from bot.sources.pages import extract_article

LEAD = {
    "en": "The two ministers met in the capital on Tuesday and agreed to reopen the border "
    "crossing that has been closed for three years, officials from both sides said.",
    "ar": "التقى الوزيران في العاصمة يوم الثلاثاء واتفقا على إعادة فتح المعبر الحدودي المغلق "
    "منذ ثلاث سنوات، بحسب مسؤولين من الجانبين.",
    "fa": "دو وزیر روز سه‌شنبه در پایتخت دیدار کردند و بر بازگشایی گذرگاه مرزی که سه سال "
    "بسته بود توافق کردند، مقام‌های دو طرف این را گفتند.",
    "ru": "Министры встретились во вторник в столице и договорились вновь открыть пограничный "
    "переход, закрытый три года назад, сообщили представители обеих сторон.",
}
TAIL = {
    "en": "The crossing will open to lorries first and to private cars from the spring, the "
    "transport ministry added in a statement.",
    "ar": "وأضافت وزارة النقل في بيان أن المعبر سيفتح أمام الشاحنات أولاً ثم أمام السيارات "
    "الخاصة اعتباراً من الربيع.",
    "fa": "وزارت راه در بیانیه‌ای افزود این گذرگاه ابتدا برای کامیون‌ها و از بهار برای "
    "خودروهای شخصی باز می‌شود.",
    "ru": "Переход сначала откроют для грузовиков, а с весны и для легковых машин, добавили в "
    "министерстве транспорта.",
}
HEADING = {
    "en": "Elsewhere today:",
    "ar": "مواضيع قد تهمك:",
    "fa": "گزارش‌های دیگر",
    "ru": "Также по теме:",
}
LINKS = {
    "en": ["Storm closes coastal road", "Central bank holds rates"],
    "ar": ["عاصفة تغلق الطريق الساحلي", "البنك المركزي يثبت الفائدة"],
    "fa": ["طوفان جاده ساحلی را بست", "بانک مرکزی نرخ بهره را ثابت نگه داشت"],
    "ru": ["Шторм закрыл прибрежную дорогу", "Центробанк сохранил ставку"],
}


def _page(lang: str, middle: str) -> bytes:
    return f"""<html lang="{lang}"><head><title>t</title></head><body><article>
<h1>Headline of the day</h1><p>{LEAD[lang]}</p>{middle}<p>{TAIL[lang]}</p>
</article></body></html>""".encode()


def _links(lang: str, as_list: bool) -> str:
    items = [f'<a href="/n/{i}">{t}</a>' for i, t in enumerate(LINKS[lang])]
    if as_list:
        return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"
    return "".join(f"<p>{x}</p>" for x in items)


@pytest.mark.parametrize("as_list", [False, True])
@pytest.mark.parametrize("lang", ["en", "ar", "fa", "ru"])
def test_unknown_heading_goes_with_its_links_and_the_tail_stays(lang: str, as_list: bool) -> None:
    middle = f"<p><strong>{HEADING[lang]}</strong></p>{_links(lang, as_list)}"
    text = extract_article(_page(lang, middle), "https://x.example/a").text
    assert HEADING[lang].rstrip(":") not in text
    assert all(t not in text for t in LINKS[lang])
    assert LEAD[lang][:40] in text and TAIL[lang][:40] in text


def test_subheading_over_running_text_and_a_quote_lead_in_stay() -> None:
    middle = "<h3>Trade talks</h3><p>He said:</p><p>" + TAIL["en"] + "</p>"
    text = extract_article(_page("en", middle), "https://x.example/a").text
    assert "Trade talks" in text and "He said:" in text
