"""The commands' own words in Persian (keys as in bot.core.commands.texts)."""

from __future__ import annotations

FA: dict[str, str] = {
    "help.header": "فرمان‌های newswatch:",
    "help.footer": "برای توضیح یک فرمان `help <فرمان>` را بفرستید.",
    "help.unknown_topic": "فرمانی به نام {name!r} نیست. برای فهرست `help` را بفرستید.",
    "unknown": "فرمان {name!r} را نمی‌شناسم. برای فهرست فرمان‌ها `help` را بفرستید.",
    "empty": "برای فهرست فرمان‌ها `help` را بفرستید.",
    "usage": "کاربرد: {usage}",
    "denied": "متأسفم، فقط مدیران گفت‌وگو می‌توانند {what} این کانال را تغییر دهند.",
    "what.subscriptions": "اشتراک‌های",
    "what.schedule": "زمان‌بندی",
    "what.settings": "تنظیمات",
    "what.digest": "خلاصه‌های",
    "bad_target": "موضوع یا موجودیتی به نام {target!r} نیست. برای دیدن شناسه‌ها "
    "`topics` یا `entities` را بفرستید.",
    "bad_mode": "حالت باید instant یا digest باشد، نه {mode!r}.",
    "subscribed": "اشتراک {name} ثبت شد ({mode}).",
    "subscribed.changed": "{name} اکنون با حالت {mode} می‌رسد.",
    "subscribed.same": "از پیش مشترک {name} هستید ({mode}).",
    "unsubscribed": "اشتراک {name} لغو شد.",
    "unsubscribed.none": "این کانال مشترک {name} نیست.",
    "unsubscribed.all": "{count} اشتراک حذف شد.",
    "confirm.unsubscribe_all": "همه اشتراک‌های این کانال ({count}) حذف شود؟",
    "button.yes": "بله",
    "button.cancel": "لغو",
    "button.next": "بعدی ›",
    "button.prev": "‹ قبلی",
    "cancelled": "چیزی تغییر نکرد.",
    "list.none": "هنوز اشتراکی اینجا نیست. `subscribe <موضوع>` را امتحان کنید؛ "
    "`topics` موضوع‌ها را فهرست می‌کند.",
    "list.header": "اشتراک‌های این کانال:",
    "list.settings": "خلاصه: {schedule} ({timezone}) · حالت {mode} · زبان {language}",
    "list.digest_off": "خلاصه: خاموش · حالت {mode} · زبان {language}",
    "topics.header": "موضوع‌هایی که می‌توانید مشترک شوید:",
    "entities.header": "موجودیت‌هایی که می‌توانید مشترک شوید (با @):",
    "none": "هنوز چیزی نیست.",
    "page": "صفحه {page} از {pages}",
    "search.none": "هیچ مطلب ذخیره‌شده‌ای در {days} روز گذشته با {query!r} جور نیست.",
    "search.header": "مطالب جور با {query!r} در {days} روز گذشته، تازه‌ترین نخست:",
    "search.syntax": "پرسش خوانده نشد: {message} در ستون {column}:\n{caret}",
    "search.too_long": "پرسش بیش از حد بلند است (حداکثر {limit} نویسه).",
    "bad_number": "{what} باید عددی صحیح از {low} تا {high} باشد.",
    "latest.none": "هنوز خبری نیست.",
    "latest.header": "تازه‌ترین خبرها:",
    "latest.header_for": "تازه‌ترین خبرهای {name}:",
    "digest.unavailable": "اکنون از اینجا نمی‌توان خلاصه فرستاد.",
    "digest.none": "از خلاصه پیشین چیز تازه‌ای نیست.",
    "digest.sent": "خلاصه‌ای با {count} خبر فرستاده شد.",
    "digest.no_channel": "این کانال هنوز اشتراکی ندارد، پس خلاصه‌ای نیست.",
    "schedule.set": "زمان‌بندی خلاصه اکنون {schedule} ({timezone}) است.",
    "schedule.set_instant": (
        "زمان‌بندی خلاصه اکنون {schedule} ({timezone}) است، اما این کانال فقط فوری است: "
        "همه چیز فوراً می‌رسد و خلاصه‌ای فرستاده نمی‌شود. `schedule {schedule} "
        "--digests` خلاصه‌ها را روشن می‌کند (آنگاه فقط خبرهای با اولویت بالا فوراً "
        "می‌رسند)."
    ),
    "schedule.set_both": (
        "زمان‌بندی خلاصه اکنون {schedule} ({timezone}) است؛ خلاصه‌ها روشن‌اند: خبرهای "
        "با اولویت بالا فوراً و بقیه در خلاصه می‌رسند."
    ),
    "schedule.off": "خلاصه‌های زمان‌بندی‌شده خاموش شد؛ اشتراک‌های فوری همچنان می‌رسند.",
    "schedule.bad": "زمان‌بندی نامعتبر: {value!r}. از hourly، daily HH:MM، off یا cron "
    "پنج‌بخشی استفاده کنید.",
    "story.bad": "{value!r} شماره خبر نیست (همان‌گونه که در خلاصه می‌آید، مانند 123).",
    "story.unknown": "خبری با شماره {id} نیست.",
    "muted": "خبر {id} در این کانال بی‌صدا شد.",
    "muted.same": "خبر {id} از پیش بی‌صدا بود.",
    "why.header": "خبر {id}: {title}",
    "why.none": "هیچ قاعده‌ای با مطالب خبر {id} جور نشد.",
    "why.rule": "{kind} {name}: {evidence}",
    "why.in": "{outlet} ({field})",
    "kind.entity": "موجودیت",
    "kind.topic": "موضوع",
    "kind.watch": "پایش",
    "entities.chat": "افزوده در گفت‌وگو",
    "sources.none": "هنوز منبعی نیست.",
    "sources.header": "{count} منبع، {failing} از کار افتاده:",
    "sources.ok": "{name}: آخرین دریافت {when}",
    "sources.never": "{name}: هنوز دریافت نشده",
    "sources.failing": "{name}: از کار افتاده ({errors} خطا) {error}",
    "status": (
        "وضعیت newswatch:\n{articles} مطلب در {stories} خبر\n"
        "{sources} منبع ({failing} از کار افتاده)، آخرین دریافت {last_fetch}\n"
        "{channels} کانال، {pending} پیام در انتظار ارسال"
    ),
    "status.held": (
        "{count} پیام نگه داشته شده: دو بار پاسخی نیامد، شاید رسیده باشند؛ "
        "گرداننده با `newswatch outbox` آن‌ها را می‌فرستد یا کنار می‌گذارد"
    ),
    "never": "هرگز",
    "language.set": "این کانال اکنون فارسی دریافت می‌کند.",
    "language.bad": "زبان باید یکی از en، ar، fa یا ru باشد.",
    "error": "خطایی از سوی من رخ داد؛ جزئیات نزد گردانندگان است.",
    "expired": "این دکمه منقضی شده است؛ فرمان را دوباره اجرا کنید.",
    "denied.instance": (
        "متأسفم، فقط مدیران این نمونه (telegram.admins یا slack.admins) می‌توانند "
        "آنچه همه کانال‌ها در آن شریک‌اند (موجودیت‌ها، منبع‌ها) را تغییر دهند."
    ),
    "what.watches": "پایش‌های",
    "watch.bad_name": (
        "{name!r} نام پایش معتبری نیست: از a-z، 0-9، '-' و '_' استفاده کنید (حداکثر ۴۰)."
    ),
    "watch.added": "پایش {name}: {query} ({mode}).",
    "watch.changed": "پایش {name} اکنون: {query} ({mode}).",
    "watch.same": "{name} از پیش پایش می‌شود: {query} ({mode}).",
    "watch.none": "این کانال پایشی به نام {name!r} ندارد. برای فهرست `watches` را بفرستید.",
    "watch.removed": "پایش {name} متوقف شد.",
    "watches.none": "هنوز پایشی اینجا نیست. `watch <نام> <پرسش>` را امتحان کنید.",
    "watches.header": "پایش‌های این کانال:",
    "watch.too_many": "این کانال از پیش {limit} پایش دارد؛ نخست یکی را با `unwatch` بردارید.",
    "watches.unfollowed": "(اینجا دنبال نمی‌شود: `watch {name} …` را دوباره بفرستید)",
    "watches.inactive": (
        "(اکنون جور نمی‌شود: قاعده‌هایی که نام می‌برد تغییر کرده‌اند؛ گزارش را ببینید)"
    ),
    "entity.quotes": "یک گیومه بسته نشده است.",
    "entity.too_many": "حداکثر {limit} نام دیگر در هر بار.",
    "entity.too_long": "نام یا نام دیگر حداکثر {limit} نویسه دارد.",
    "entity.bad_alias": "نام دیگر {alias!r} قابل استفاده نیست: {message}.",
    "entity.bad_kind": "نوع باید یکی از این‌ها باشد: {kinds}.",
    "entity.bad_id": (
        "{id!r} شناسه موجودیت معتبری نیست: از a-z، 0-9، '-' و '_' استفاده کنید (حداکثر ۴۰)."
    ),
    "entity.in_files": "@{id} در فایل‌های قاعده تعریف شده است؛ آنجا تغییرش دهید.",
    "entity.exists": "@{id} از پیش هست؛ نگارش‌های دیگر را با `entity alias {id} <نام>` بیفزایید.",
    "entity.added": (
        "@{id} ({name}) با {count} نام دیگر افزوده شد؛ با `watch <نام> @{id}` یا "
        "`subscribe @{id}` دنبالش کنید."
    ),
    "entity.aliased": "@{id}: {count} نام دیگر تازه.",
    "entity.unknown": "موجودیتی به نام @{id} در گفت‌وگو ساخته نشده است.",
    "entity.in_use": "@{id} در پایش‌های {watches} به کار رفته است؛ نخست آن‌ها را متوقف کنید.",
    "entity.removed": "@{id} حذف شد.",
}

FA_HELP: dict[str, str] = {
    "help": "کار هر فرمان؛ و `help <فرمان>` برای یک فرمان.",
    "subscribe": "دنبال کردن یک موضوع یا موجودیت در این کانال، در خلاصه (پیش‌فرض) یا فوری.",
    "unsubscribe": "توقف دنبال کردن یک موضوع یا موجودیت؛ `all` پیش از حذف همه می‌پرسد.",
    "list": "اشتراک‌های این کانال، حالت ارسال و زمان‌بندی خلاصه.",
    "topics": "موضوع‌هایی که این کانال می‌تواند مشترک شود، با نامشان.",
    "entities": "افراد، سازمان‌ها و مکان‌هایی که می‌توان مشترک شد (به شکل @id).",
    "search": "جست‌وجو در مطالب ذخیره‌شده با زبان پرسش، تازه‌ترین نخست.",
    "latest": "تازه‌ترین خبرها با همه رسانه‌هایی که آن را گزارش کردند.",
    "digest": "فرستادن خلاصه این کانال همین حالا.",
    "schedule": "زمان فرستادن خلاصه به وقت کانال؛ `off` آن را خاموش می‌کند.",
    "mute": "این خبر دیگر در این کانال نشان داده نشود.",
    "why": "قاعده‌هایی که با خبر جور شدند و واژه‌هایی که جور شدند.",
    "sources": "منبع‌ها و آخرین دریافت موفق؛ از کار افتاده‌ها نخست، با خطا.",
    "status": "اندازه انبار، آخرین دریافت و آنچه در انتظار ارسال است.",
    "language": "زبان سخنان ربات در این کانال.",
    "watch": (
        "هشدار به این کانال برای آنچه یک پرسش پیدا می‌کند (مانند `search`)، فوری یا با "
        "`--digest` در خلاصه."
    ),
    "unwatch": "توقف یک پایش این کانال و فراموش کردن پرسش آن.",
    "watches": "پایش‌های این کانال با پرسش‌هایشان.",
    "entity": "آموزش نامی تازه با همه نگارش‌هایش بی ویرایش فایل‌های قاعده (فقط مدیران نمونه).",
    "source": (
        "افزودن خوراک خبری برای همه نمونه، یا حذف، توقف یا ازسرگیری یک منبع (فقط مدیران نمونه)."
    ),
}
