"""The words of the source commands (chat `source …`, CLI `sources add/remove/disable/
enable`, the web page's Pause), in English, Arabic, Persian and Russian; merged into the
commands' catalogues. The CLI and the web page show the English texts, so each of these says
it once for all. Persian uses its own ye and kaf (ی ک), Persian digits and punctuation, and
the zero-width non-joiner (می‌شود) as the other Persian texts do."""

from __future__ import annotations

SOURCES_EN: dict[str, str] = {
    "what.sources": "sources",
    "source.add_unavailable": "Adding a source is not available here; use `newswatch sources add`.",
    "source.unknown": "No source {ident!r} ({count} known; `sources` lists them).",
    "source.unknown_close": "No source {ident!r}. Did you mean {ids}?",
    "source.disabled_by_file": (
        "{id} is disabled by the configuration file (enabled: false); set enabled: true "
        "there to run it."
    ),
    "source.configured": (
        "{id} comes from the configuration file: remove it there (or pause it, which "
        "lasts until someone resumes it)."
    ),
    "source.bad_url": "{url!r} is not an http(s) address.",
    "source.bad_id": (
        "{id!r} cannot be a source id: letters, digits, '.', '_' and '-', starting with a "
        "letter or digit, at most 64 characters."
    ),
    "source.known_url": "{url} is already a source: {id}.",
    "source.known_id": "There is already a source {id}.",
    "source.not_feed": "{url} is {what}, not a feed. Give the feed's own address.",
    "source.nothing_found": (
        "{url} offers nothing to follow: no feed, news sitemap nor list of article links "
        "({why}). Give a feed's own address."
    ),
    "source.fetch_failed": "{url}: cannot add it, fetching it failed: {error}",
    "source.added": (
        "Added {id}: {kind} at {url} (items listed now: {items}); it is fetched from the "
        "next cycle on."
    ),
    "source.added_empty": (
        "Added {id}: {kind} at {url}, empty right now; it is fetched from the next cycle on."
    ),
    "source.paused": "Paused {id}: not fetched until someone resumes it.",
    "source.paused_same": "{id} was already paused ({by}, {when}).",
    "source.resumed": "Resumed {id}: fetched again from the next cycle.",
    "source.resumed_same": "{id} is not paused.",
    "source.removed": "Removed {id} ({url}); its stored articles stay.",
    "sources.paused": "{name}: paused",
    "sources.disabled": "{name}: disabled in the configuration file",
}

SOURCES_AR: dict[str, str] = {
    "what.sources": "المصادر",
    "source.unknown": "لا يوجد مصدر {ident!r} (المعروف {count}؛ `sources` يعرضها).",
    "source.unknown_close": "لا يوجد مصدر {ident!r}. هل تقصد {ids}؟",
    "source.configured": (
        "{id} من ملف الإعدادات: احذفه هناك (أو أوقفه مؤقتاً، ويبقى موقوفاً حتى يستأنفه أحد)."
    ),
    "source.paused": "أُوقف {id} مؤقتاً: لن يُجلب حتى يستأنفه أحد.",
    "source.resumed": "استؤنف {id}: يُجلب من الدورة التالية.",
    "source.removed": "حُذف {id} ({url})؛ مقالاته المخزنة باقية.",
    "sources.paused": "{name}: موقوف مؤقتاً",
    "sources.disabled": "{name}: معطّل في ملف الإعدادات",
    "source.add_unavailable": "إضافة مصدر غير متاحة هنا؛ استخدم `newswatch sources add`.",
    "source.disabled_by_file": (
        "{id} معطّل في ملف الإعدادات (enabled: false)؛ اضبط هناك enabled: true لتشغيله."
    ),
    "source.bad_url": "{url!r} ليس عنوان http(s).",
    "source.bad_id": (
        "لا يصلح {id!r} معرّفاً لمصدر: حروف وأرقام و'.' و'_' و'-'، يبدأ بحرف أو رقم، "
        "64 حرفاً على الأكثر."
    ),
    "source.known_url": "{url} مصدر موجود مسبقاً: {id}.",
    "source.known_id": "يوجد مصدر {id} مسبقاً.",
    "source.not_feed": "{url} هو {what}، وليس خلاصة أخبار. أعطِ عنوان الخلاصة نفسها.",
    "source.nothing_found": (
        "لا شيء للمتابعة في {url}: لا خلاصة أخبار ولا خريطة موقع إخبارية ولا قائمة روابط "
        "مقالات ({why}). أعطِ عنوان خلاصة أخبار."
    ),
    "source.fetch_failed": "{url}: تعذّرت إضافته، فقد فشل جلبه: {error}",
    "source.added": (
        "أضيف {id}: {kind} على {url} (عدد المواد الآن: {items})؛ يُجلب ابتداءً من الدورة التالية."
    ),
    "source.added_empty": (
        "أضيف {id}: {kind} على {url}، فارغ الآن؛ يُجلب ابتداءً من الدورة التالية."
    ),
    "source.paused_same": "{id} موقوف مؤقتاً مسبقاً ({by}، {when}).",
    "source.resumed_same": "{id} ليس موقوفاً.",
}

SOURCES_FA: dict[str, str] = {
    "what.sources": "منبع‌های",
    "source.add_unavailable": (
        "افزودن منبع اینجا در دسترس نیست؛ از `newswatch sources add` استفاده کنید."
    ),
    "source.unknown": (
        "منبعی به نام {ident!r} نیست ({count} منبع شناخته‌شده؛ `sources` فهرستشان را می‌دهد)."
    ),
    "source.unknown_close": "منبعی به نام {ident!r} نیست. منظورتان {ids} بود؟",
    "source.disabled_by_file": (
        "{id} در فایل پیکربندی غیرفعال است (enabled: false)؛ برای اجرایش همان‌جا "
        "enabled: true بگذارید."
    ),
    "source.configured": (
        "{id} از فایل پیکربندی می‌آید: همان‌جا حذفش کنید (یا متوقفش کنید، که تا کسی آن را "
        "از سر نگیرد می‌ماند)."
    ),
    "source.bad_url": "{url!r} نشانی http(s) نیست.",
    "source.bad_id": (
        "{id!r} نمی‌تواند شناسه منبع باشد: حرف، رقم، '.'، '_' و '-'، آغاز با حرف یا رقم، "
        "حداکثر ۶۴ نویسه."
    ),
    "source.known_url": "{url} از پیش منبع است: {id}.",
    "source.known_id": "منبعی به نام {id} از پیش هست.",
    "source.not_feed": "{url} {what} است، نه خوراک خبری. نشانی خود خوراک را بدهید.",
    "source.nothing_found": (
        "{url} چیزی برای دنبال کردن ندارد: نه خوراک خبری، نه نقشه سایت خبری و نه فهرست "
        "پیوند مقاله‌ها ({why}). نشانی خود یک خوراک را بدهید."
    ),
    "source.fetch_failed": "{url}: افزودنش ممکن نشد، دریافتش ناموفق بود: {error}",
    "source.added": (
        "{id} افزوده شد: {kind} در {url} (اکنون {items} مورد)؛ از دور بعد دریافت می‌شود."
    ),
    "source.added_empty": "{id} افزوده شد: {kind} در {url}، اکنون خالی؛ از دور بعد دریافت می‌شود.",
    "source.paused": "{id} متوقف شد: تا کسی آن را از سر نگیرد دریافت نمی‌شود.",
    "source.paused_same": "{id} از پیش متوقف بود ({by}، {when}).",
    "source.resumed": "{id} از سر گرفته شد: از دور بعد دوباره دریافت می‌شود.",
    "source.resumed_same": "{id} متوقف نیست.",
    "source.removed": "{id} ({url}) حذف شد؛ مقاله‌های ذخیره‌شده‌اش می‌مانند.",
    "sources.paused": "{name}: متوقف",
    "sources.disabled": "{name}: در فایل پیکربندی غیرفعال",
}

SOURCES_RU: dict[str, str] = {
    "what.sources": "источники",
    "source.add_unavailable": (
        "Добавить источник здесь нельзя; используйте `newswatch sources add`."
    ),
    "source.unknown": "Источника {ident!r} нет (известно: {count}; список — `sources`).",
    "source.unknown_close": "Источника {ident!r} нет. Может быть, {ids}?",
    "source.disabled_by_file": (
        "Источник {id} отключён в файле конфигурации (enabled: false); чтобы он работал, "
        "укажите там enabled: true."
    ),
    "source.configured": (
        "Источник {id} задан в файле конфигурации: удалите его там (или приостановите — "
        "до тех пор, пока кто-нибудь его не возобновит)."
    ),
    "source.bad_url": "{url!r} — не адрес http(s).",
    "source.bad_id": (
        "{id!r} не годится как идентификатор источника: буквы, цифры, '.', '_' и '-', "
        "в начале буква или цифра, не длиннее 64 символов."
    ),
    "source.known_url": "{url} уже есть среди источников: {id}.",
    "source.known_id": "Источник {id} уже есть.",
    "source.not_feed": "{url} — это {what}, а не лента. Укажите адрес самой ленты.",
    "source.nothing_found": (
        "На {url} нечего отслеживать: ни ленты, ни новостной карты сайта, ни списка ссылок "
        "на статьи ({why}). Укажите адрес самой ленты."
    ),
    "source.fetch_failed": "{url}: добавить нельзя, загрузка не удалась: {error}",
    "source.added": (
        "Добавлен {id}: {kind} по адресу {url} (записей сейчас: {items}); загружается со "
        "следующего цикла."
    ),
    "source.added_empty": (
        "Добавлен {id}: {kind} по адресу {url}, сейчас пуст; загружается со следующего цикла."
    ),
    "source.paused": "Источник {id} приостановлен: не загружается, пока его не возобновят.",
    "source.paused_same": "Источник {id} уже приостановлен ({by}, {when}).",
    "source.resumed": "Источник {id} возобновлён: снова загружается со следующего цикла.",
    "source.resumed_same": "Источник {id} не приостановлен.",
    "source.removed": "Источник {id} удалён ({url}); сохранённые статьи остаются.",
    "sources.paused": "{name}: приостановлен",
    "sources.disabled": "{name}: отключён в файле конфигурации",
}
