"""The action lexicon: words that say what kind of thing happened, in four languages.

Two articles about one minister are one story only when they report the same kind of action
(a visit, a phone call, a condemnation, a sentence ...). Each family below lists the words that
name its action in Arabic, Persian, English and Russian. A word ending in `*` is a prefix
(it covers inflection: переговор* finds переговоры, переговоров); other words are exact.
Arabic and Persian words are matched after the proclitics و ف ب ل ال are stripped, so
الزلزال and وزلزال find زلزال. Words are written in ordinary spelling: they go through the
same `normalize` as article text before use.

WEAK families say something about an event (people died, people were evacuated) without
saying which kind of event it was: they count as shared action, never as a disagreement.
RISE and FALL are directions: two price reports that move in opposite directions disagree.
"""

from __future__ import annotations

FAMILIES: dict[str, dict[str, str]] = {
    "meet": {
        "en": "visit* talks meeting* met meet meets summit* negotiat* hosted hosts deal deals "
        "hosting received receives delegation* discuss* conferr* signed memorandum* "
        "envoy* arriv* agree* receive signing credential*",
        "ar": "زيار* يزور زار تزور يزوران محادث* مباحث* لقاء لقائه لقائهما التقى يلتقي "
        "التقيا استقبل* يستقبل اجتماع* قمه مفاوض* بحث يبحث بحثا تبحثان يبحثان وفد "
        "توقيع وصل يصل اتفق* يتفق* اتفاق* تلتقي يلتقيان صفقه صفقات "
        "استضاف* يستضيف تستضيف تباحث* يتباحث مشاورات تشاور* يوقعان تسلم يتسلم تتسلم",
        "fa": "دیدار* سفر سفرش ملاقات* مذاکر* گفتگو وگو رایزنی نشست میزبان* استقبال "
        "هیئت هیات امضا* تفاهم* وارد توافق* قرارداد* استوارنامه",
        "ru": "верительн* визит* переговор* встреч* посет* посещ* прибыл* саммит* принял "
        "принимает делегаци* обсуд* обсужд* подписа* меморандум* договори* соглашени* "
        "встрет* приняла приняли беседова* консультаци* прилетел* приехал* сделк*",
    },
    "call": {
        "en": "phone* telephone*",  # not "call": a port call, a call for calm
        "ar": "هاتفي* اتصالا مكالم* اتصال",
        "fa": "تلفن* تماس",
        "ru": "телефон* созвон* разговор*",
    },
    "condemn": {
        "en": "condemn* criticis* criticiz* denounc* warn* accus* rebuk* slam* "
        "reject* rebuff* decried decries decry deplor* blame* censur*",
        # not رفض: "declined to comment"
        "ar": "ادان يدين ادانت انتقد* ينتقد حذر يحذر تحذير* اتهم* يتهم استنكر* ندد* "
        "ادانه تدين يدينون تنتقد انتقاد* محذر* تتهم اتهام* يرفض ترفض حذرت تحذر",
        "fa": "انتقاد* هشدار* اتهام* نکوهش* متهم محکوم* رد",
        "ru": "осудил* осуди раскритик* критик* предупред* обвини* обвиня* осуждает отверг* "
        "отклонил*",
    },
    "strike": {
        "en": "strike strikes struck airstrike* attack* bomb* shelling shelled raid raids assault*",
        "ar": "غاره غارات قصف* هجوم* هجمات ضربه ضربات استهدف* يستهدف استهداف هاجم* "
        "يهاجم تهاجم اعتداء*",
        "fa": "حمله* حملات بمباران* تهاجم*",
        "ru": "удар* атак* обстрел* бомбардир* бомбил* налет*",
    },
    "quake": {
        "en": "earthquake* quake* tremor* magnitude richter aftershock* seismic",
        "ar": "زلزال* زلازل هزه هزات ريختر ارتدادي*",
        "fa": "زلزله* لرزه* ریشتر",
        "ru": "землетрясени* толчк* толчок магнитуд* сейсм* афтершок*",
    },
    "storm": {
        "en": "cyclone* hurricane* typhoon* storm* tornado* gale*",
        "ar": "اعصار* عاصف* الاعاصير",
        "fa": "طوفان* توفان* گردباد*",
        "ru": "циклон* ураган* тайфун* шторм* смерч* торнадо",
    },
    "flood": {
        "en": "flood* inundat* torrential downpour* deluge landslide* mudslide*",
        "ar": "سيول سيل فيضان* فيضانات انهيارات",
        "fa": "سیل* سیلاب* آبگرفتگی رانش",
        "ru": "наводнени* паводк* паводок подтоплен* оползн* сель",
    },
    "court": {
        "en": "sentenc* verdict* convict* court courts courtroom* trial* jail* prison* "
        "guilty acquit*",
        "ar": "حكم بالحكم بالسجن السجن سجن* محكمه* قضت القضاء ادانته",
        "fa": "محکوم* دادگاه* زندان* حبس* حکم",
        "ru": "приговор* осужд* осужден* суд суда судом суде судь* колони* лишени* заключени*",
    },
    "resign": {
        "en": "resign* quit quits stepped ousted dismiss* sacked sacks sacking oust*",
        "ar": "استقال* يستقيل استقاله* اقال اقاله* اعفاء تنحي* تنحى اقالت يقيل تقيل",
        "fa": "استعفا* برکنار* کناره",
        "ru": "отставк* уволен* увольн* уволи* сложил сложила",
    },
    "appoint": {
        "en": "appoint* nominat* sworn",
        "ar": "تعيين* يعين تعيينه",
        "fa": "انتصاب* منصوب*",
        "ru": "назнач*",
    },
    "price": {
        "en": "price* cost* tariff* fare fares rate rates",
        "ar": "سعر* اسعار* ثمن تكلفه",
        "fa": "قیمت نرخ* بهای",  # not قیمت*: Arabic قيمتها is "its value"
        "ru": "цена цены цене цену ценой цен ценам ценами ценах ценник* стоимост* "
        "тариф* подорож* подешев*",
    },
    "rise": {
        "en": "rise rises rose risen rising increas* jump* surg* climb* soar* hike* higher raise*",
        "ar": "ارتفاع* ارتفع* يرتفع* ارتفعت زياده زاد صعود قفز* قفزت رفع رفعت ترفع يرفع",
        "fa": "افزایش* گران* رشد",
        "ru": "вырос* выраст* рост роста росту ростом росте подорожа* увелич* повыс* "
        "повыш* поднял* подним*",
    },
    "fall": {
        "en": "fall falls fell fallen drop* declin* decreas* plung* slump* lower "
        "reduc* cut cuts lowered lowers lowering slash* devalu*",
        "ar": "انخفاض* انخفض* ينخفض* تراجع* هبوط هبط* نزول خفض* تخفض* يخفض* تخفيض*",
        "fa": "کاهش* ارزان* افت",
        "ru": "снизи* снижени* упал* падени* подешев* сократи* уменьш* сниж* пониз* понижен* "
        "девальв*",
    },
    "election": {
        "en": "election* elect elected electing elects electoral vote* voting ballot* referendum*",
        "ar": "انتخاب* انتخابات اقتراع استفتاء تصويت",
        "fa": "انتخابات* رفراندوم*",
        "ru": "выбор* голосован* референдум* избран* вотум* недовери*",
    },
    "arrest": {
        "en": "arrest* detain* detention custody seiz* impound* confiscat*",
        "ar": "اعتقال* اعتقل* القبض احتجاز* احتجز* توقيف تحتجز يحتجز ضبط مصادره",
        "fa": "بازداشت* دستگیر* توقیف* مصادره",
        "ru": "арест* задерж* изъял* изъят* конфиск*",
    },
    "protest": {
        "en": "protest* demonstrat* rally rallies walkout* strike strikes",
        "ar": "احتجاج* تظاهر* مظاهر* اعتصام* اضراب*",
        "fa": "اعتراض* تظاهر* تجمع* اعتصاب*",
        "ru": "протест* митинг* демонстрац* забастовк*",
    },
    "blast": {
        "en": "explosion* blast* explod* detonat*",
        "ar": "انفجار* تفجير* انفجر* مفخخ* ناسف*",
        "fa": "انفجار* منفجر*",
        "ru": "взрыв* взорв*",
    },
    "fire": {
        "en": "fire blaze* wildfire* burn*",  # not "fires": it test-fires missiles
        "ar": "حريق* حرائق",
        "fa": "آتش* حریق*",
        "ru": "пожар* возгоран*",
    },
    "launch": {
        "en": "launch* fired",
        "ar": "اطلاق اطلق* يطلق",
        "fa": "پرتاب* شلیک*",
        "ru": "запуск* запусти* пуск*",
    },
    "intercept": {
        "en": "intercept* downed",
        "ar": "اعترضت اعتراض اسقاط اسقطت تصدت",  # اعتراض is also a Persian protest
        "fa": "رهگیری* منهدم",
        "ru": "перехват* сбит* сбил*",
    },
    "eclipse": {
        "en": "eclipse*",
        "ar": "كسوف خسوف",
        "fa": "کسوف خسوف",
        "ru": "затмени*",
    },
    "sanctions": {
        "en": "sanction* embargo*",
        "ar": "عقوبات عقوبه",
        "fa": "تحریم*",
        "ru": "санкци*",
    },
    "crash": {
        "en": "crash* collision* collid* derail* collaps* capsiz* overturn* sank sink sinks "
        "sinking sunk",
        "ar": "تحطم* تصادم* اصطدام* سقوط اصطدم* انهيار انهار ينهار غرق غرقت انقلبت",
        "fa": "سقوط سانحه* تصادف* واژگون* ریزش فروریخت* آوار* غرق*",
        "ru": "крушени* авари* столкновен* разбил* обрушени* обрушил* обвал* затонул* "
        "перевернул* опрокинул*",
    },
    "drill": {
        "en": "drill drills exercise* manoeuv* maneuv* wargame*",
        "ar": "مناور* تمرين* تدريبات",
        "fa": "رزمایش* مانور*",
        "ru": "учени* маневр*",
    },
    "truce": {
        "en": "ceasefire* truce* armistice",
        "ar": "هدنه* الهدنه",
        "fa": "بس",
        "ru": "перемири*",
    },
    "opening": {
        "en": "inaugurat* opened opens unveil* reopen*",
        "ar": "افتتح* افتتاح يفتتح دشن* تدشين",
        "fa": "افتتاح* گشایش بازگشایی*",
        "ru": "открыл* открыти* торжественн*",
    },
    "speech": {
        "en": "speech speeches",
        "ar": "خطاب كلمه",
        "fa": "سخنرانی*",
        "ru": "выступлени* выступая обращени*",
    },
    "closure": {
        "en": "closure* shut shuts shutting sealed",
        "ar": "اغلاق اغلقت اغلق يغلق تغلق",
        "fa": "بسته انسداد",
        "ru": "закрыл* закрыти* закрыт",
    },
    "expel": {
        # persona non grata: "grata", غير مرغوب فيه, عنصر نامطلوب, персона нон грата
        "en": "expel* expulsion* deport* grata",
        "ar": "طرد طردت يطرد تطرد ترحيل* مرغوب",
        "fa": "اخراج* نامطلوب",
        "ru": "высыл* выслал* выслан* выдвор* депорт* грата",
    },
    "release": {
        "en": "freed freeing releas*",
        "ar": "الافراج افراج افرج* سراح",
        "fa": "آزاد آزادسازی",
        "ru": "освобожден* освободил* отпущен* отпустил*",
    },
    "inquiry": {
        "en": "investigat* probe probes inquiry inquiries prosecut*",
        "ar": "تحقيقا تحقيقات النيابه جنائي*",
        "fa": "تحقیقات بازپرسی دادستان* کیفری",
        "ru": "расследован* следстви* прокуратур* уголовн*",
    },
    "appeal": {
        "en": "appeal appeals appealed appealing",
        "ar": "يستانف استانف طعن يطعن",
        "fa": "تجدیدنظر",
        "ru": "апелляц* обжал*",
    },
    "kidnap": {
        "en": "kidnap* abduct* hostage* hijack*",
        "ar": "خطف اختطاف* اختطف* مخطوف* رهائن رهينه",
        "fa": "ربود* ربایی گروگان*",
        "ru": "похищ* похитил* похитител* заложник*",
    },
    "summon": {
        "en": "summon*",
        "ar": "استدعاء استدعت استدعى تستدعي يستدعي",
        "fa": "احضار*",
        "ru": "вызвал* вызвала",
    },
    "shooting": {
        "en": "shooting* gunman gunmen gunfire",
        "ar": "رصاص*",
        "fa": "تیراندازی*",
        "ru": "стрельб* стрелок стрелявш* расстрел*",
    },
    "clash": {
        "en": "clash clashes clashed skirmish* firefight*",
        "ar": "اشتباك* اشتبك* مواجهات",
        "fa": "درگیری*",
        "ru": "перестрелк* бой бои боя боев боестолкновени*",
    },
    "withdraw": {
        "en": "withdraw* pullout* pullback*",
        "ar": "انسحاب* انسحب* ينسحب سحب",
        "fa": "خروج",
        "ru": "отвод* отвед* отводит",
    },
    "violation": {
        "en": "violat* breach*",
        "ar": "خرق* انتهاك*",
        "fa": "نقض*",
        "ru": "нарушени* нарушил*",
    },
    "funeral": {
        "en": "funeral* mourner* mourn mourns mourned burial* buried",
        "ar": "تشييع جنازه جنازات جنائز مشيعين مشيعون المشيعين دفن يشيعون شيع شيعت",
        "fa": "تشییع خاکسپاری* تدفین سوگواری* عزاداری*",
        "ru": "похорон* погребени* прощани* траур*",
    },
    "retaliation": {
        "en": "retaliat* reprisal*",
        # the adjectives (الهجوم الانتقامي): the noun also calls a verdict "political revenge"
        "ar": "انتقامي*",
        "fa": "تلافی* انتقامی*",
        "ru": "ответн* возмезди*",
    },
    "casualties": {
        "en": "kill* dead death* died injur* wound* casualt* victim* toll",
        "ar": "قتيل* قتلى قتل* مقتل* مصرع جرحى جريح اصابه اصابات وفاه ضحايا",
        "fa": "کشته* زخمی* مجروح* قربانی* مصدوم* جانباخت*",
        "ru": "погиб* ранен* жертв* пострада* убит* скончал*",
    },
    "evacuation": {
        "en": "evacuat* shelter*",
        "ar": "اخلاء ايواء نزوح",
        "fa": "تخلیه* اسکان",
        "ru": "эвакуа*",
    },
}

WEAK = frozenset({"casualties", "evacuation"})
# The days of the week, Monday first, as a lead names them: not actions, but two leads naming
# different days tell of two happenings (the minister's talks on Sunday, his summit on Monday).
# The Persian days written with a non-joiner (سه‌شنبه) come as two words: see PERSIAN_DAYS.
DAYS = (
    "monday الاثنين دوشنبه понедельник понедельника",
    "tuesday الثلاثاء вторник вторника",
    "wednesday الاربعاء چهارشنبه среду среды",
    "thursday الخميس پنجشنبه четверг четверга",
    "friday الجمعه جمعه пятницу пятницы",
    "saturday السبت شنبه субботу субботы",
    "sunday الاحد یکشنبه воскресенье воскресенья",
)
# Rounds of a series (talks, an election, a session): the ordinal beside one of these nouns says
# which; two leads naming different rounds tell of two happenings (the first round of talks on
# Monday, the second on Wednesday, in the same city between the same delegations).
ROUND_NOUNS = (
    "round rounds session الجوله جوله دور دوره الدوره جلسه الجلسه نشست раунд раунда раунде "
    "тур тура туре встреча встречи сессия сессии"
)
ORDINALS = (
    "first الاولى اولى الاول اول نخست نخستین اولین первый первого первом первая первой",
    "second الثانيه ثانيه الثاني ثاني دوم دومین второй второго втором вторая",
    "third الثالثه ثالثه الثالث ثالث سوم سومین третий третьего третьем третья третьей",
    "fourth الرابعه رابعه الرابع رابع چهارم چهارمین четвертый четвертого четвертая",
    "fifth الخامسه خامسه الخامس خامس پنجم پنجمین пятый пятого пятая",
)
# شنبه (Saturday) after these is the day they make (سه‌شنبه, Tuesday): index into DAYS.
PERSIAN_DAYS = {"یک": 6, "دو": 0, "سه": 1, "چهار": 2, "پنج": 3}
# "в ночь на вторник" is Monday night: a day after these two words is no day of the event.
NIGHT_BEFORE = ("ночь", "на")
# A day beside one of these is an earlier day recalled ("the tanker seized last Sunday").
PAST_DAY = "last previous الماضي الماضيه گذشته прошлый прошлое прошлую прошлой прошлом"
DIRECTIONS = ("rise", "fall")
# Actions that usually answer an earlier event and name it in their lead (a funeral after an
# attack, sanctions after a test, a resignation over a quake, an expulsion or a condolence call
# hours after talks or floods): one lead naming such an action the other does not is the next
# event, not one more report of the first, whichever arrived first.
FOLLOW_UPS = (
    "funeral",
    "sanctions",
    "resign",
    "expel",
    "call",
    "release",
    "inquiry",
    "appeal",
    "violation",
    "retaliation",
)
# Follow-ups that a first report's lead often names in passing ("called for an inquiry", "in a
# statement released on Sunday"): they say what an article is about only in its title.
TITLE_ONLY = ("release", "inquiry", "appeal", "violation")
# Families that may tell one act in two ways: a lead saying "attack" and one saying "blast" or
# "gunmen opened fire" may report the same bombing or shooting, so they do not disagree (each
# is still its own family for the points two leads earn by naming the same one).
ALIKE = (
    ("strike", "blast"),
    ("strike", "shooting"),
    ("strike", "launch"),  # missiles fired at a city, a missile strike on it
    ("launch", "intercept"),  # a missile fired, and shot down
    ("strike", "intercept"),  # drones attacking, and shot down
    ("strike", "clash"),  # an attack on a border post, the clash it became
    ("arrest", "kidnap"),  # a ship "seized" by gunmen, and hijacked
    ("shooting", "clash"),
)

# Months: a number beside a month name is a date, not a particular of the event.
MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "يناير فبراير مارس ابريل أبريل مايو يونيو يوليو اغسطس أغسطس سبتمبر اكتوبر أكتوبر نوفمبر "
    "ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين "
    "ژانویه فوریه آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر فروردین اردیبهشت "
    "خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند "
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря "
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
)

# Small numbers written as words, so "seven villages" meets "سبع قرى" and "7 сёл".
NUMBER_WORDS: dict[int, str] = {
    2: "two اثنان اثنين اثنتين twice двое двух две",
    3: "three ثلاث ثلاثه سه три трех трёх трое",
    4: "four اربع اربعه چهار четыре четырех четырёх четверо",
    5: "five خمس خمسه پنج пять пяти пятеро",
    6: "six ست سته شش шесть шести шестеро",
    7: "seven سبع سبعه هفت семь семи семеро",
    8: "eight ثماني ثمانيه ثمان هشت восемь восьми",
    9: "nine تسع تسعه девять девяти",
    10: "ten عشر عشره десять десяти",
    11: "eleven یازده одиннадцать",
    12: "twelve دوازده двенадцать",
    20: "twenty عشرين عشرون بیست двадцать",
    30: "thirty ثلاثين ثلاثون тридцать тридцати",
    40: "forty اربعين اربعون چهل сорок сорока",
    50: "fifty خمسين خمسون پنجاه пятьдесят пятидесяти",
    60: "sixty ستين شصت шестьдесят",
    70: "seventy سبعين سبعون هفتاد семьдесят",
    80: "eighty ثمانين ثمانون هشتاد восемьдесят",
    90: "ninety تسعين تسعون نود девяносто",
    100: "hundred مئه مائه صد сто",
    # the Arabic duals of the scale words: "ألفان", "ألفي جندي", "مليوني دولار"
    2_000: "الفان الفين الفي",
    2_000_000: "مليونان مليونين مليوني",
    2_000_000_000: "ملياران مليارين ملياري",
}

# Arabic 11 to 19 are a unit and then عشر/عشرة ("أحد عشر يوماً", "ثلاثة عشر قتيلاً"); أحد and
# اثنا count as units only there (أحد alone is "one of", "someone" or Sunday).
TEEN_UNITS: dict[int, str] = {
    1: "أحد إحدى",
    2: "اثنا اثني اثنتا اثنتي",
    3: "ثلاثة ثلاث",
    4: "أربعة أربع",
    5: "خمسة خمس",
    6: "ستة ست",
    7: "سبعة سبع",
    8: "ثمانية ثماني ثمان",
    9: "تسعة تسع",
}
TEEN_TENS = "عشر عشرة"

# Words that scale the figure before them: "300 ألف" is 300,000 and so is "300 тысяч".
SCALES: dict[int, str] = {
    1_000: "thousand thousands الف الفا الاف آلاف هزار тыс тысяч*",
    1_000_000: "million millions مليون مليونا ملايين میلیون млн миллион*",
    1_000_000_000: "billion billions مليار مليارا مليارات میلیارد млрд миллиард*",
}
