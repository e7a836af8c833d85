"""The commands' own words in English and Arabic (Persian and Russian in texts_fa/texts_ru),
chosen by the channel's language.

Kept apart from the delivery catalogue (bot.core.i18n) so both can grow without edit
conflicts; keys are `area.what`. A missing text falls back to English, never to a key;
tests/commands/test_texts_languages.py fails on a key missing in any of the four languages.
"""

from __future__ import annotations

from typing import Any

from bot.core.commands.texts_fa import FA, FA_HELP
from bot.core.commands.texts_ru import RU, RU_HELP
from bot.core.commands.texts_sources import SOURCES_AR, SOURCES_EN, SOURCES_FA, SOURCES_RU

EN: dict[str, str] = {
    "help.header": "newswatch commands:",
    "help.footer": "Send `help <command>` for one command.",
    "help.unknown_topic": "No command {name!r}. Send `help` for the list.",
    "unknown": "I don't know the command {name!r}. Send `help` for the list.",
    "empty": "Send `help` for the list of commands.",
    "usage": "Usage: {usage}",
    "denied": "Sorry, only chat administrators can change this channel's {what}.",
    "what.subscriptions": "subscriptions",
    "what.schedule": "schedule",
    "what.settings": "settings",
    "what.digest": "digests",
    "bad_target": "No topic or entity {target!r}. Send `topics` or `entities` to see the ids.",
    "bad_mode": "Mode must be instant or digest, not {mode!r}.",
    "subscribed": "Subscribed to {name} ({mode}).",
    "subscribed.changed": "{name} now delivered {mode}.",
    "subscribed.same": "Already subscribed to {name} ({mode}).",
    "unsubscribed": "Unsubscribed from {name}.",
    "unsubscribed.none": "This channel is not subscribed to {name}.",
    "unsubscribed.all": "Removed {count} subscriptions.",
    "confirm.unsubscribe_all": "Remove all {count} subscriptions of this channel?",
    "button.yes": "Yes",
    "button.cancel": "Cancel",
    "button.next": "Next ›",
    "button.prev": "‹ Previous",
    "cancelled": "Nothing changed.",
    "list.none": "No subscriptions here yet. Try `subscribe <topic>`; `topics` lists them.",
    "list.header": "Subscriptions of this channel:",
    "list.settings": "Digest: {schedule} ({timezone}) · mode {mode} · language {language}",
    "list.digest_off": "Digest: off · mode {mode} · language {language}",
    "topics.header": "Topics you can subscribe to:",
    "entities.header": "Entities you can subscribe to (with @):",
    "none": "Nothing here yet.",
    "page": "page {page} of {pages}",
    "search.none": "No stored article matches {query!r} in the last {days} days.",
    "search.header": "Articles matching {query!r}, last {days} days, newest first:",
    "search.syntax": "Cannot read the query: {message} at column {column}:\n{caret}",
    "search.too_long": "That query is too long (at most {limit} characters).",
    "bad_number": "{what} must be a whole number from {low} to {high}.",
    "latest.none": "No stories yet.",
    "latest.header": "Latest stories:",
    "latest.header_for": "Latest stories for {name}:",
    "digest.unavailable": "Digests cannot be sent from here right now.",
    "digest.none": "Nothing new since the last digest.",
    "digest.sent": "Sent a digest of {count} stories.",
    "digest.no_channel": "This channel has no subscriptions yet, so there is no digest.",
    "schedule.set": "Digest schedule set to {schedule} ({timezone}).",
    "schedule.set_instant": (
        "Digest schedule set to {schedule} ({timezone}), but this channel is "
        "instant-only: everything still arrives at once and no digest goes out. "
        "`schedule {schedule} --digests` turns digests on (then only high-priority "
        "stories arrive at once)."
    ),
    "schedule.set_both": (
        "Digest schedule set to {schedule} ({timezone}); digests are on: high-priority "
        "stories arrive at once, the rest in the digest."
    ),
    "schedule.off": "Scheduled digests are off; instant subscriptions still arrive.",
    "schedule.bad": "Not a schedule: {value!r}. Use hourly, daily HH:MM, off, or 5-field cron.",
    "story.bad": "{value!r} is not a story number (as shown in digests, like 123).",
    "story.unknown": "No story {id}.",
    "muted": "Story {id} muted in this channel.",
    "muted.same": "Story {id} was already muted.",
    "why.header": "Story {id}: {title}",
    "why.none": "No rule matched story {id}'s articles.",
    "why.rule": "{kind} {name}: {evidence}",
    "why.in": "{outlet} ({field})",
    "kind.entity": "entity",
    "kind.topic": "topic",
    "kind.watch": "watch",
    "entities.chat": "added in chat",
    "sources.none": "No sources yet.",
    "sources.header": "{count} sources, {failing} failing:",
    "sources.ok": "{name}: last fetched {when}",
    "sources.never": "{name}: never fetched",
    "sources.failing": "{name}: FAILING ({errors} errors) {error}",
    "status": (
        "newswatch status:\n{articles} articles in {stories} stories\n"
        "{sources} sources ({failing} failing), last fetch {last_fetch}\n"
        "{channels} channels, {pending} messages waiting to be sent"
    ),
    "status.held": (
        "{count} message(s) held: no answer came back twice, so they may have arrived; "
        "an operator releases or drops them with `newswatch outbox`"
    ),
    "never": "never",
    "language.set": "This channel now gets English.",
    "language.bad": "Language must be en, ar, fa or ru.",
    "error": "Something went wrong on my side; the operators have the details.",
    "expired": "This button has expired; run the command again.",
    "denied.instance": (
        "Sorry, only the instance's administrators (telegram.admins or slack.admins) can "
        "change what every channel shares (entities, sources)."
    ),
    "what.watches": "watches",
    "watch.bad_name": "{name!r} is not a watch name: use a-z, 0-9, '-' and '_' (at most 40).",
    "watch.added": "Watching {name}: {query} ({mode}).",
    "watch.changed": "Watch {name} now: {query} ({mode}).",
    "watch.same": "Already watching {name}: {query} ({mode}).",
    "watch.none": "This channel has no watch {name!r}. Send `watches` for the list.",
    "watch.removed": "Stopped watching {name}.",
    "watches.none": "No watches here yet. Try `watch <name> <query>`.",
    "watches.header": "Watches of this channel:",
    "watch.too_many": "This channel has {limit} watches already; `unwatch` one first.",
    "watches.unfollowed": "(not followed here: send `watch {name} …` again)",
    "watches.inactive": "(not matching now: the rules it names changed; see the log)",
    "entity.quotes": "A quote is not closed.",
    "entity.too_many": "At most {limit} aliases at once.",
    "entity.too_long": "A name or an alias has at most {limit} characters.",
    "entity.bad_alias": "Cannot use the alias {alias!r}: {message}.",
    "entity.bad_kind": "Kind must be one of {kinds}.",
    "entity.bad_id": "{id!r} is not an entity id: use a-z, 0-9, '-' and '_' (at most 40).",
    "entity.in_files": "@{id} is defined in the rule files; change it there.",
    "entity.exists": "@{id} exists already; add spellings with `entity alias {id} <alias>`.",
    "entity.added": (
        "Added @{id} ({name}) with {count} aliases; `watch <name> @{id}` or `subscribe "
        "@{id}` follows it."
    ),
    "entity.aliased": "@{id}: {count} new aliases.",
    "entity.unknown": "No entity @{id} made in chat.",
    "entity.in_use": "@{id} is used by the watches {watches}; unwatch them first.",
    "entity.removed": "Removed @{id}.",
}

AR: dict[str, str] = {
    "help.header": "أوامر newswatch:",
    "help.footer": "أرسل `help <الأمر>` لشرح أمر واحد.",
    "help.unknown_topic": "لا يوجد أمر {name!r}. أرسل `help` للقائمة.",
    "unknown": "لا أعرف الأمر {name!r}. أرسل `help` لقائمة الأوامر.",
    "empty": "أرسل `help` لقائمة الأوامر.",
    "usage": "الاستخدام: {usage}",
    "denied": "عذراً، وحدهم مشرفو المحادثة يمكنهم تغيير {what} هذه القناة.",
    "what.subscriptions": "اشتراكات",
    "what.schedule": "جدول",
    "what.settings": "إعدادات",
    "what.digest": "ملخصات",
    "bad_target": "لا يوجد موضوع أو كيان {target!r}. أرسل `topics` أو `entities` لرؤية المعرّفات.",
    "bad_mode": "الوضع يجب أن يكون instant أو digest، وليس {mode!r}.",
    "subscribed": "تم الاشتراك في {name} ({mode}).",
    "subscribed.changed": "{name} يصل الآن بوضع {mode}.",
    "subscribed.same": "أنت مشترك في {name} مسبقاً ({mode}).",
    "unsubscribed": "تم إلغاء الاشتراك في {name}.",
    "unsubscribed.none": "هذه القناة غير مشتركة في {name}.",
    "unsubscribed.all": "حُذف {count} اشتراكاً.",
    "confirm.unsubscribe_all": "حذف كل اشتراكات هذه القناة ({count})؟",
    "button.yes": "نعم",
    "button.cancel": "إلغاء",
    "button.next": "التالي ›",
    "button.prev": "‹ السابق",
    "cancelled": "لم يتغير شيء.",
    "list.none": "لا اشتراكات هنا بعد. جرّب `subscribe <موضوع>`؛ و`topics` يعرض المواضيع.",
    "list.header": "اشتراكات هذه القناة:",
    "list.settings": "الملخص: {schedule} ({timezone}) · الوضع {mode} · اللغة {language}",
    "list.digest_off": "الملخص: متوقف · الوضع {mode} · اللغة {language}",
    "topics.header": "المواضيع المتاحة للاشتراك:",
    "entities.header": "الكيانات المتاحة للاشتراك (مع @):",
    "none": "لا شيء بعد.",
    "page": "الصفحة {page} من {pages}",
    "search.none": "لا توجد مقالة مخزنة تطابق {query!r} في آخر {days} يوماً.",
    "search.header": "مقالات تطابق {query!r} في آخر {days} يوماً، الأحدث أولاً:",
    "search.syntax": "تعذرت قراءة الاستعلام: {message} عند العمود {column}:\n{caret}",
    "search.too_long": "الاستعلام طويل جداً (الحد {limit} حرفاً).",
    "bad_number": "{what} يجب أن يكون عدداً صحيحاً من {low} إلى {high}.",
    "latest.none": "لا أخبار بعد.",
    "latest.header": "آخر الأخبار:",
    "latest.header_for": "آخر أخبار {name}:",
    "digest.unavailable": "لا يمكن إرسال الملخص من هنا الآن.",
    "digest.none": "لا جديد منذ الملخص الأخير.",
    "digest.sent": "أُرسل ملخص من {count} خبراً.",
    "digest.no_channel": "لا اشتراكات لهذه القناة بعد، فلا ملخص.",
    "schedule.set": "جدول الملخص الآن {schedule} ({timezone}).",
    "schedule.set_instant": (
        "جدول الملخص الآن {schedule} ({timezone})، لكن هذه القناة فورية فقط: كل شيء يصل "
        "فوراً ولا يُرسل ملخص. `schedule {schedule} --digests` يشغّل الملخصات (ولا يصل "
        "فوراً عندها إلا الأخبار ذات الأولوية العالية)."
    ),
    "schedule.set_both": (
        "جدول الملخص الآن {schedule} ({timezone})؛ الملخصات تعمل: الأخبار ذات الأولوية "
        "العالية تصل فوراً والباقي في الملخص."
    ),
    "schedule.off": "أوقفت الملخصات المجدولة؛ الاشتراكات الفورية مستمرة.",
    "schedule.bad": "جدول غير صالح: {value!r}. استخدم hourly أو daily HH:MM أو off أو cron.",
    "story.bad": "{value!r} ليس رقم خبر (كما يظهر في الملخص، مثل 123).",
    "story.unknown": "لا يوجد خبر رقم {id}.",
    "muted": "كُتم الخبر {id} في هذه القناة.",
    "muted.same": "الخبر {id} مكتوم مسبقاً.",
    "why.header": "الخبر {id}: {title}",
    "why.none": "لم تطابق أي قاعدة مقالات الخبر {id}.",
    "why.rule": "{kind} {name}: {evidence}",
    "why.in": "{outlet} ({field})",
    "kind.entity": "كيان",
    "kind.topic": "موضوع",
    "kind.watch": "مراقبة",
    "entities.chat": "أضيف في المحادثة",
    "sources.none": "لا مصادر بعد.",
    "sources.header": "{count} مصدراً، {failing} منها متعطل:",
    "sources.ok": "{name}: آخر جلب {when}",
    "sources.never": "{name}: لم يُجلب بعد",
    "sources.failing": "{name}: متعطل ({errors} أخطاء) {error}",
    "status": (
        "حالة newswatch:\n{articles} مقالة في {stories} خبراً\n"
        "{sources} مصدراً ({failing} متعطل)، آخر جلب {last_fetch}\n"
        "{channels} قناة، {pending} رسالة بانتظار الإرسال"
    ),
    "status.held": (
        "{count} رسالة محتجزة: لم يصل رد مرتين، فربما وصلت؛ "
        "يرسلها المشغّل أو يتركها عبر `newswatch outbox`"
    ),
    "never": "أبداً",
    "language.set": "هذه القناة تتلقى الآن العربية.",
    "language.bad": "اللغة يجب أن تكون en أو ar أو fa أو ru.",
    "error": "حدث خطأ من جهتي؛ التفاصيل لدى المشغّلين.",
    "expired": "انتهت صلاحية هذا الزر؛ أعد تشغيل الأمر.",
    "denied.instance": (
        "عذراً، وحدهم مديرو هذه النسخة (telegram.admins أو slack.admins) يمكنهم تغيير ما "
        "تتشاركه القنوات كلها (الكيانات والمصادر)."
    ),
    "what.watches": "مراقبات",
    "watch.bad_name": (
        "{name!r} ليس اسم مراقبة صالحاً: استخدم a-z و0-9 و'-' و'_' (40 حرفاً على الأكثر)."
    ),
    "watch.added": "تتم مراقبة {name}: {query} ({mode}).",
    "watch.changed": "المراقبة {name} الآن: {query} ({mode}).",
    "watch.same": "{name} مراقَب مسبقاً: {query} ({mode}).",
    "watch.none": "لا توجد في هذه القناة مراقبة {name!r}. أرسل `watches` للقائمة.",
    "watch.removed": "أوقفت مراقبة {name}.",
    "watches.none": "لا مراقبات هنا بعد. جرّب `watch <اسم> <استعلام>`.",
    "watches.header": "مراقبات هذه القناة:",
    "watch.too_many": "لهذه القناة {limit} مراقبة؛ أوقف واحدة أولاً بـ `unwatch`.",
    "watches.unfollowed": "(غير متابَعة هنا: أرسل `watch {name} …` مجدداً)",
    "watches.inactive": "(لا تطابق الآن: تغيرت القواعد التي تذكرها؛ انظر السجل)",
    "entity.quotes": "علامة اقتباس غير مغلقة.",
    "entity.too_many": "{limit} اسماً بديلاً على الأكثر في المرة الواحدة.",
    "entity.too_long": "الاسم أو الاسم البديل {limit} حرفاً على الأكثر.",
    "entity.bad_alias": "لا يمكن استخدام الاسم البديل {alias!r}: {message}.",
    "entity.bad_kind": "النوع يجب أن يكون أحد: {kinds}.",
    "entity.bad_id": (
        "{id!r} ليس معرّف كيان صالحاً: استخدم a-z و0-9 و'-' و'_' (40 حرفاً على الأكثر)."
    ),
    "entity.in_files": "@{id} معرّف في ملفات القواعد؛ غيّره هناك.",
    "entity.exists": "@{id} موجود مسبقاً؛ أضف كتابات أخرى بـ `entity alias {id} <اسم>`.",
    "entity.added": (
        "أضيف @{id} ({name}) مع {count} أسماء بديلة؛ تابعه بـ `watch <اسم> @{id}` أو "
        "`subscribe @{id}`."
    ),
    "entity.aliased": "@{id}: {count} أسماء بديلة جديدة.",
    "entity.unknown": "لا يوجد كيان @{id} أنشئ في المحادثة.",
    "entity.in_use": "@{id} مستخدم في المراقبات {watches}؛ أوقفها أولاً.",
    "entity.removed": "حُذف @{id}.",
}

EN.update(SOURCES_EN)
AR.update(SOURCES_AR)
FA.update(SOURCES_FA)
RU.update(SOURCES_RU)
CATALOGUES = {"en": EN, "ar": AR, "fa": FA, "ru": RU}


def text(language: str, key: str, /, **values: Any) -> str:
    """The catalogue text for `key` in `language`, filled in."""
    template = CATALOGUES.get(language, EN).get(key) or EN[key]
    return template.format(**values)


AR_HELP: dict[str, str] = {
    "help": "ما يفعله كل أمر؛ و`help <أمر>` لأمر واحد.",
    "subscribe": "متابعة موضوع أو كيان في هذه القناة، في الملخص (افتراضياً) أو فوراً.",
    "unsubscribe": "إيقاف متابعة موضوع أو كيان؛ `all` يسأل قبل حذف الكل.",
    "list": "اشتراكات هذه القناة ووضع التسليم وجدول الملخص.",
    "topics": "المواضيع المتاحة للاشتراك مع أسمائها.",
    "entities": "الأشخاص والمنظمات والأماكن المتاحة للاشتراك (بصيغة @id).",
    "search": "بحث في المقالات المخزنة بلغة الاستعلام، الأحدث أولاً.",
    "latest": "آخر الأخبار مع كل وسيلة إعلام نشرتها.",
    "digest": "إرسال ملخص هذه القناة الآن.",
    "schedule": "موعد إرسال الملخص بتوقيت القناة؛ `off` يوقفه.",
    "mute": "عدم عرض هذا الخبر في هذه القناة مجدداً.",
    "why": "القواعد التي طابقت الخبر والكلمات التي طابقتها.",
    "sources": "المصادر وآخر جلب ناجح؛ المتعطلة أولاً مع الخطأ.",
    "status": "حجم المخزون وآخر جلب وما ينتظر الإرسال.",
    "language": "لغة كلام البوت في هذه القناة.",
    "watch": (
        "تنبيه هذه القناة بما يطابقه استعلام (كما في `search`)، فوراً أو في الملخص مع `--digest`."
    ),
    "unwatch": "إيقاف مراقبة في هذه القناة ونسيان استعلامها.",
    "watches": "مراقبات هذه القناة مع استعلاماتها.",
    "entity": "تعليم البوت اسماً جديداً بكل كتاباته دون تعديل ملفات القواعد (لمديري النسخة فقط).",
    "source": (
        "إضافة خلاصة أخبار للنسخة كلها، أو حذف مصدر أو إيقافه مؤقتاً أو استئنافه "
        "(لمديري النسخة فقط)."
    ),
}

HELP: dict[str, dict[str, str]] = {"ar": AR_HELP, "fa": FA_HELP, "ru": RU_HELP}
