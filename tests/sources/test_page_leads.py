"""A lead the site sets apart from the body (div.lead, div.article__announce) is the article's
first paragraph: the extractor keeps it, first, and still leaves out a link list however its
block is named."""

from __future__ import annotations

import pytest

from bot.sources.pages import extract_article

_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
</head><body>
<nav><ul><li><a href="/">{home}</a></li><li><a href="/world">{world}</a></li></ul></nav>
<div class="news-main">
  <h1>{title}</h1>
  <div class="{lead_class}">{lead}</div>
  <div class="body">
    <p>{body1}</p>
    <div class="summary-links"><a href="/a/1">{link1}</a> <a href="/a/2">{link2}</a></div>
    <p>{body2}</p>
  </div>
</div>
<footer><p>{footer}</p></footer>
</body></html>"""

CASES = [
    {
        "lang": "fa",
        "lead_class": "lead",
        "title": "قرارداد ساخت بندر تازه در ساحل جنوبی امضا شد",
        "home": "صفحه نخست",
        "world": "جهان",
        "lead": "وزیران راه دو کشور همسایه روز دوشنبه در شهر ساحلی نارین قراردادی برای ساخت "
        "یک بندر بزرگ تجاری امضا کردند.",
        "body1": "ساخت این بندر چهار سال طول می‌کشد و هزینه آن را دو کشور به طور مشترک می‌پردازند.",
        "body2": "مقام‌های محلی می‌گویند بندر تازه برای دست‌کم سه هزار نفر کار ایجاد می‌کند.",
        "link1": "قیمت طلا امروز چند شد",
        "link2": "پیش‌بینی هوای آخر هفته",
        "footer": "تمامی حقوق محفوظ است.",
    },
    {
        "lang": "ru",
        "lead_class": "article__announce",
        "title": "В Нарине подписали договор о строительстве порта",
        "home": "Главная",
        "world": "Мир",
        "lead": "Министры транспорта двух соседних стран в понедельник подписали в Нарине "
        "договор о строительстве крупного торгового порта.",
        "body1": "Строительство займет четыре года, расходы стороны разделят поровну.",
        "body2": "По оценке местных властей, порт даст работу не менее чем трем тысячам человек.",
        "link1": "Курс золота на сегодня",
        "link2": "Погода на выходные",
        "footer": "Все права защищены.",
    },
    {
        "lang": "en",
        "lead_class": "standfirst",
        "title": "Neighbours sign deal to build a port at Narin",
        "home": "Home",
        "world": "World",
        "lead": "The transport ministers of two neighbouring countries signed a deal in the "
        "coastal town of Narin on Monday to build a large commercial port.",
        "body1": "Construction will take four years, and the two governments will share the cost.",
        "body2": "Local officials say the port will create work for at least 3,000 people.",
        "link1": "Gold price today",
        "link2": "Weekend weather",
        "footer": "All rights reserved.",
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["lang"] for c in CASES])
def test_a_lead_set_apart_is_kept_first(case: dict[str, str]) -> None:
    page = extract_article(_PAGE.format(**case).encode(), "http://127.0.0.1:8000/news/1")
    text = page.text
    assert case["lead"] in text, text
    assert text.index(case["lead"]) < text.index(case["body1"]) < text.index(case["body2"])
    for boiler in (case["link1"], case["link2"], case["footer"], case["home"]):
        assert boiler not in text


def test_a_link_list_named_like_a_lead_stays_out() -> None:
    case = dict(CASES[2])
    case["lead"] = (
        '<a href="/x/1">Port strike ends after talks</a> <a href="/x/2">Ferry fares to rise</a> '
        '<a href="/x/3">New bridge opens in Narin</a>'
    )
    page = extract_article(_PAGE.format(**case).encode(), "http://127.0.0.1:8000/news/1")
    assert "Port strike ends" not in page.text and "New bridge opens" not in page.text
    assert case["body1"] in page.text
