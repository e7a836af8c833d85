"""Single lines that are never the article, each recognised by its class.

Classes, checked in this order (`line_class`):
- notice: a script or cookie notice: a technical word (JavaScript, cookie, browser, in
  Latin, Arabic, Persian or Cyrillic script) and an asking/using word (enable, accept, use,
  تفعيل, فعال کنید, включите) in a short line; "JavaScript" alone is enough.
- comments: a comment-policy paragraph: a comments word, a policy word (moderated, published,
  opinion, rules) and a word addressing the reader or the site.
- tags: a label and a list of short terms: "Tags: a, b, c", «الوسوم: ...», «Ключевые
  слова: ...»; a known label needs no list shape, an unknown one needs three or more items;
  a line of hashtags.
- share: a share bar: share words and network names making up most of a short line.
- prompt: asks the reader to subscribe or follow: a follow word, a channel word (newsletter,
  Telegram, канал, کانال, قناة) and a word addressing the reader ("our", "us", наш, an
  imperative such as تابعونا or دنبال کنید); or a "found a typo? press Ctrl+Enter" line.
- credit: a picture or video credit ("Photo: Reuters", «عکس: ...», «صورة أرشيفية»), a fixed
  page line ("Advertisement", «تبلیغات», «استمع إلى المقال») or a news id («کد خبر: ۱۲۳»).
- copyright: © or a rights-reserved phrase in a short line.
- bullet: a bulleted menu entry of a few words.

Lines that close an article (source credit, tags, share, prompt, copyright) also tell the
related-block cutter that what follows is another article (`closes_article`).
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from bot.core.normalize import normalize
from bot.core.wordsets import PhraseSet, keys

LineClass = Literal[
    "notice", "comments", "tags", "share", "prompt", "credit", "copyright", "bullet"
]

_TECH_SCRIPT = PhraseSet(
    "javascript; java script; جافاسكريبت; جافا سكريبت; جافاسكربت; جافا سكربت; "
    "جاوااسکریپت; جاوا اسکریپت; جاوا اسكريبت; джаваскрипт"
)
_TECH_OTHER = PhraseSet(
    "cookie; cookies; browser; js; كوكيز; الكوكيز; ملفات تعريف الارتباط; ملفات الارتباط; "
    "متصفح; المتصفح; متصفحك; کوکی; کوکی ها; مرورگر; مرورگر شما; куки; cookie файлы; "
    "браузер; браузера; браузере"
)
_ASKING = PhraseSet(
    "enable; enabled; activate; turn on; allow; accept; consent; agree; use; uses; using; "
    "continue; continuing; support; supports; update; upgrade; disabled; "
    "تفعيل; فعل; يرجى; الرجاء; السماح; قبول; توافق; موافقتك; نستخدم; يستخدم; استخدام; "
    "تحديث; يدعم; معطل; "
    "فعال; فعال کنید; فعالسازی; غیرفعال; بپذیرید; پذیرش; استفاده; لطفا; پشتیبانی; "
    "ادامه; موافقت; بهره; "
    "به روز; "
    "включите; включить; разрешите; используем; использует; используя; согласие; "
    "соглашаетесь; принимаете; поддерживает; обновите; отключен"
)
_COMMENT = PhraseSet(
    "comment; comments; commenting; commenters; تعليق; تعليقات; التعليقات; "
    "نظرات; دیدگاه; دیدگاه ها; نظر شما; комментарий; комментарии; комментариев; "
    "комментарии"
)
_POLICY = PhraseSet(
    "moderated; moderation; moderator; publish; published; publication; reflect; opinion; "
    "views; responsible; responsibility; offensive; rules; policy; approval; approved; "
    "تعبر; رأي; مسؤولية; مسؤوليه; نشر; تنشر; المسيئة; مسيئة; سياسة; قواعد; مراجعة; "
    "منتشر; تایید; تأیید; مدیران; توهین; مسئولیت; قوانین; بررسی; "
    "модерация; модерацию; модератор; публикуются; опубликованы; оскорбления; "
    "правила; правил; мнение; ответственность; ответственности"
)
_AUDIENCE = PhraseSet(
    "you; your; reader; readers; user; users; site; website; our; "
    "القراء; قرائنا; القارئ; الموقع; موقع; الزوار; زوار; "
    "شما; کاربران; خوانندگان; سایت; "
    "вы; ваш; ваши; читатели; читателей; пользователи; пользователей; сайт; сайта; "
    "редакции; редакция"
)
_TAG_LABELS = PhraseSet(
    "tags; tag; keywords; topics; filed under; كلمات دلالية; الكلمات الدلالية; الكلمات المفتاحية; "
    "كلمات مفتاحية; الوسوم; وسوم; الكلمات; برچسب ها; برچسب; کلید واژه; کلیدواژه; "
    "کلید واژه ها; واژگان کلیدی; теги; ключевые слова; метки; темы"
)
_SHARE = PhraseSet(
    "share; shares; tweet; email; e mail; print; copy link; link; facebook; twitter; "
    "whatsapp; telegram; linkedin; reddit; pinterest; vk; vkontakte; odnoklassniki; "
    "شارك; شاركوا; مشاركة; المشاركة; فيسبوك; فيس بوك; تويتر; واتساب; واتس اب; تلغرام; "
    "تيليجرام; تليجرام; لينكد ان; طباعة; البريد; نسخ الرابط; الرابط; "
    "اشتراک; اشتراک گذاری; همرسانی; فیسبوک; توییتر; واتساپ; تلگرام; ایتا; بله; روبیکا; "
    "سروش; لینک; چاپ; ایمیل; "
    "поделиться; вконтакте; телеграм; одноклассники; твиттер; фейсбук; печать; "
    "ссылка; скопировать ссылку"
)
_SHARE_START = PhraseSet("share; شارك; شاركوا; مشاركة; اشتراک گذاری; همرسانی; поделиться")
_FOLLOW = PhraseSet(
    "subscribe; follow; join; sign up; تابعونا; تابعنا; اشترك; اشتركوا; الاشتراك; انضموا; "
    "دنبال کنید; عضو شوید; بپیوندید; مشترک شوید; "
    "подписывайтесь; подпишитесь; присоединяйтесь; следите"
)
_CHANNEL = PhraseSet(
    "newsletter; channel; telegram; whatsapp; instagram; youtube; facebook; twitter; "
    "google news; briefing; alerts; نشرة; النشرة البريدية; قناة; قناتنا; تلغرام; تيليجرام; "
    "واتساب; انستغرام; يوتيوب; کانال; تلگرام; اینستاگرام; ایتا; روبیکا; خبرنامه; "
    "канал; телеграм; дзен; рассылка; рассылку; вконтакте; x"
)
_READER = PhraseSet(
    "us; our; наш; наша; нашем; наши; нашу; нас; تابعونا; تابعنا; اشتركوا; انضموا; قناتنا; "
    "نشرتنا; لتصلك; ليصلك; دنبال کنید; عضو شوید; بپیوندید; подписывайтесь; подпишитесь; "
    "присоединяйтесь"
)
_TYPO = PhraseSet("ctrl enter; found a typo; нашли ошибку; نجد خطأ; خطا گزارش")
_CREDIT = PhraseSet(
    "photo; photos; image; picture; video; file photo; archive photo; صورة; صور; تصوير; "
    "صورة أرشيفية; عکس; تصویر; عکس آرشیوی; фото; фотография; видео; архивное фото; "
    "фото из архива"
)
_FIXED = PhraseSet(
    "advertisement; advertising; sponsored content; listen to this article; print this page; "
    "إعلان; اعلان; محتوى مدعوم; استمع إلى المقال; استمع للمقال; تبلیغات; آگهی; "
    "به این خبر گوش دهید; реклама; слушать статью"
)
_ID_LABEL = PhraseSet("news id; article id; کد خبر; شناسه خبر; رقم الخبر; رقم المقال; код новости")
_COPYRIGHT = PhraseSet(
    "جميع الحقوق محفوظة; كافة الحقوق محفوظة; حقوق النشر; كليه حقوق; تمامی حقوق; "
    "all rights reserved; copyright; все права защищены"
)
_SOURCE = PhraseSet("المصدر; منبع; source; источник")

_HANDLE_RE = re.compile(r"(?<![\w@])@\w{3,}|\bt\.me/\w")  # an account: @name, t.me/name
_BULLET_RE = re.compile(r"^\s*[•·▪►|»\-*]\s*")
_LABEL_RE = re.compile(r"^\s*([^:：]{1,40})[:：]\s*(\S.*)$")
_ITEM_SPLIT_RE = re.compile(r"\s*[,،;؛|·•/]\s*|\s+(?=#)")
SENTENCE_END = (".", "!", "?", "؟", "。", "…")
MENU_WORDS = 4


def _tag_line(line: str, k: tuple[str, ...]) -> bool:
    words = line.split()
    if len(words) >= 2 and sum(w.startswith("#") for w in words) >= max(2, len(words) // 2):
        return True
    m = _LABEL_RE.match(line)
    if m is None:
        return len(k) <= 3 and _TAG_LABELS.whole(k)
    label = keys(normalize(m.group(1)))
    if not label or len(label) > 3:
        return False
    if _TAG_LABELS.whole(label):
        return True
    rest = m.group(2).rstrip()
    if rest.endswith(SENTENCE_END):
        return False
    items = [x for x in _ITEM_SPLIT_RE.split(rest) if x.strip()]
    return len(items) >= 3 and all(len(x.split()) <= 4 for x in items)


def _prompt(line: str, k: tuple[str, ...]) -> bool:
    """Asks the reader to subscribe or follow (a follow word, a channel word and a word
    addressing the reader: "our", "us", an imperative; or a short line naming an account,
    @name or t.me/name, with a follow or channel word), or to report a typo."""
    n = len(k)
    if n <= 20 and _FOLLOW.hit(k) and _CHANNEL.hit(k) and _READER.hit(k):
        return True
    if n <= 12 and _HANDLE_RE.search(line) and (_FOLLOW.hit(k) or _CHANNEL.hit(k)):
        return True
    return n <= 15 and _TYPO.hit(k)


def _credit(line: str, k: tuple[str, ...]) -> bool:
    """A picture or video credit ("Photo: Reuters", «صورة أرشيفية»), a fixed line of the page
    ("Advertisement", «استمع إلى المقال») or a news id ("کد خبر: ۱۲۳۴۵")."""
    if len(k) <= 6 and (_FIXED.whole(k) or _CREDIT.whole(k)):
        return True
    m = _LABEL_RE.match(line)
    if m is None:
        return False
    label = keys(normalize(m.group(1)))
    rest = m.group(2).strip()
    if _ID_LABEL.whole(label):
        return rest.replace(" ", "").isdigit()
    return _CREDIT.whole(label) and len(rest.split()) <= 8 and not rest.endswith(SENTENCE_END)


def _share_bar(k: tuple[str, ...]) -> bool:
    n = len(k)
    if n == 0 or n > 14:
        return False
    if n <= 8 and _SHARE_START.prefix(k):
        return True
    hits = _SHARE.covered(k)
    return hits >= max(2, (n + 1) // 2) if n > 1 else hits == 1


@functools.lru_cache(maxsize=4096)
def line_class(line: str, norm: str) -> LineClass | None:
    """The boilerplate class of one line (`norm` is its normalised form), or None."""
    k = keys(norm)
    n = len(k)
    if n == 0:
        return None
    if n <= 25 and _TECH_SCRIPT.hit(k):
        return "notice"
    if n <= 40 and _TECH_OTHER.hit(k) and _ASKING.hit(k):
        return "notice"
    if n <= 60 and _COMMENT.hit(k) and _POLICY.hit(k) and _AUDIENCE.hit(k):
        return "comments"
    if n <= 40 and _tag_line(line, k):
        return "tags"
    if _share_bar(k):
        return "share"
    if _prompt(line, k):
        return "prompt"
    if _credit(line, k):
        return "credit"
    if ("©" in line and n <= 20) or (n <= 15 and _COPYRIGHT.hit(k)):
        return "copyright"
    if _BULLET_RE.match(line) and n <= MENU_WORDS:
        return "bullet"
    return None


def is_boilerplate(line: str, norm: str) -> bool:
    return line_class(line, norm) is not None


def closes_article(line: str, norm: str) -> bool:
    """Lines that end an article: source credit, tags, share bar, copyright."""
    cls = line_class(line, norm)
    if cls in ("tags", "share", "prompt", "copyright"):
        return True
    k = keys(norm)
    return ":" in line and len(k) <= 12 and _SOURCE.prefix(k) > 0
