"""The agency tree of the national demo dataset (lms.demo.national): ministries, agencies and akimats with their
departments, committees and the committees' regional departments, named in kk/ru/en.

Pure data and a function of a `random.Random`; nothing here touches the database. Codes start with PREFIX and never
clash with the small demo tree of lms.demo.accounts (MDAI, AGCS, ...).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PREFIX = "GOV-"

#: (code, kk "… бойынша", ru "по …", en) for the 17 regions and 3 cities of republican significance.
REGIONS = [
    ("AST", "Астана қаласы", "по городу Астане", "Astana"),
    ("ALA", "Алматы қаласы", "по городу Алматы", "Almaty"),
    ("SHY", "Шымкент қаласы", "по городу Шымкенту", "Shymkent"),
    ("AKM", "Ақмола облысы", "по Акмолинской области", "Akmola Region"),
    ("AKT", "Ақтөбе облысы", "по Актюбинской области", "Aktobe Region"),
    ("ALM", "Алматы облысы", "по Алматинской области", "Almaty Region"),
    ("ATY", "Атырау облысы", "по Атырауской области", "Atyrau Region"),
    ("VKO", "Шығыс Қазақстан облысы", "по Восточно-Казахстанской области", "East Kazakhstan Region"),
    ("ZHA", "Жамбыл облысы", "по Жамбылской области", "Zhambyl Region"),
    ("ZKO", "Батыс Қазақстан облысы", "по Западно-Казахстанской области", "West Kazakhstan Region"),
    ("KAR", "Қарағанды облысы", "по Карагандинской области", "Karaganda Region"),
    ("KOS", "Қостанай облысы", "по Костанайской области", "Kostanay Region"),
    ("KZO", "Қызылорда облысы", "по Кызылординской области", "Kyzylorda Region"),
    ("MAN", "Маңғыстау облысы", "по Мангистауской области", "Mangystau Region"),
    ("PAV", "Павлодар облысы", "по Павлодарской области", "Pavlodar Region"),
    ("SKO", "Солтүстік Қазақстан облысы", "по Северо-Казахстанской области", "North Kazakhstan Region"),
    ("TUR", "Түркістан облысы", "по Туркестанской области", "Turkestan Region"),
    ("ABA", "Абай облысы", "по области Абай", "Abai Region"),
    ("ZHE", "Жетісу облысы", "по области Жетісу", "Zhetisu Region"),
    ("ULY", "Ұлытау облысы", "по области Ұлытау", "Ulytau Region"),
]

#: Departments every ministry has: (code, kk, ru, en).
MINISTRY_DEPARTMENTS = [
    ("HR", "Персоналды басқару департаменті", "Департамент управления персоналом", "Human Resources Department"),
    ("LEG", "Заң департаменті", "Юридический департамент", "Legal Department"),
    ("DIG", "Цифрландыру департаменті", "Департамент цифровизации", "Digitalisation Department"),
    ("BUD", "Бюджеттік жоспарлау департаменті", "Департамент бюджетного планирования",
     "Budget Planning Department"),
    ("STR", "Стратегиялық жоспарлау департаменті", "Департамент стратегического планирования",
     "Strategic Planning Department"),
    ("ADM", "Әкімшілік департаменті", "Административный департамент", "Administrative Department"),
    ("INT", "Халықаралық ынтымақтастық департаменті", "Департамент международного сотрудничества",
     "International Cooperation Department"),
    ("AUD", "Ішкі аудит қызметі", "Служба внутреннего аудита", "Internal Audit Service"),
]

#: Departments of every akimat: (code, kk suffix, ru prefix, en prefix); the akimat's name completes them.
AKIMAT_DEPARTMENTS = [
    ("APP", "әкімінің аппараты", "Аппарат акима", "Akim's Office of"),
    ("EDU", "білім басқармасы", "Управление образования", "Education Department of"),
    ("HLT", "денсаулық сақтау басқармасы", "Управление здравоохранения", "Health Department of"),
    ("DIG", "цифрландыру басқармасы", "Управление цифровизации", "Digitalisation Department of"),
    ("FIN", "қаржы басқармасы", "Управление финансов", "Finance Department of"),
    ("EMP", "жұмыспен қамту және әлеуметтік бағдарламалар басқармасы", "Управление занятости и социальных программ",
     "Employment and Social Programmes Department of"),
    ("TRN", "жолаушылар көлігі және автомобиль жолдары басқармасы",
     "Управление пассажирского транспорта и автомобильных дорог", "Passenger Transport and Roads Department of"),
    ("CUL", "мәдениет басқармасы", "Управление культуры", "Culture Department of"),
    ("LND", "жер қатынастары басқармасы", "Управление земельных отношений", "Land Relations Department of"),
]


@dataclass(frozen=True)
class Committee:
    """A ministry's committee and the name pattern of its regional departments ({kk}, {ru}, {en}: the region)."""

    code: str
    kk: str
    ru: str
    en: str
    regional: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Top:
    """A top-level body. kind "ministry" gets MINISTRY_DEPARTMENTS; "akimat" gets AKIMAT_DEPARTMENTS and `districts`
    (code, kk, ru, en); `genitive` holds the forms of the place that department names use: (kk "Алматы қаласы",
    ru "города Алматы", en "Almaty")."""

    code: str
    kind: str
    kk: str
    ru: str
    en: str
    committees: tuple[Committee, ...] = ()
    genitive: tuple[str, str, str] | None = None
    districts: tuple[tuple[str, str, str, str], ...] = ()


def _c(code, kk, ru, en, regional=None) -> Committee:
    return Committee(code, kk, ru, en, regional)


#: Top-level bodies, most prominent first (a small --agencies takes the first ones).
TOPS = [
    Top("MF", "ministry", "Қазақстан Республикасы Қаржы министрлігі", "Министерство финансов Республики Казахстан",
        "Ministry of Finance", (
            _c("SRC", "Мемлекеттік кірістер комитеті", "Комитет государственных доходов", "State Revenue Committee",
               ("{kk} бойынша мемлекеттік кірістер департаменті", "Департамент государственных доходов {ru}",
                "State Revenue Department for {en}")),
            _c("TRS", "Қазынашылық комитеті", "Комитет казначейства", "Treasury Committee",
               ("{kk} бойынша қазынашылық департаменті", "Департамент казначейства {ru}",
                "Treasury Department for {en}")))),
    Top("ALA", "akimat", "Алматы қаласының әкімдігі", "Акимат города Алматы", "Akimat of Almaty",
        genitive=("Алматы қаласы", "города Алматы", "Almaty"),
        districts=(("ALM", "Алмалы ауданының әкімдігі", "Акимат Алмалинского района", "Akimat of Almaly District"),
                   ("AUE", "Әуезов ауданының әкімдігі", "Акимат Ауэзовского района", "Akimat of Auezov District"),
                   ("BOS", "Бостандық ауданының әкімдігі", "Акимат Бостандыкского района",
                    "Akimat of Bostandyk District"),
                   ("MED", "Медеу ауданының әкімдігі", "Акимат Медеуского района", "Akimat of Medeu District"),
                   ("TRK", "Түрксіб ауданының әкімдігі", "Акимат Турксибского района", "Akimat of Turksib District"))),
    Top("MH", "ministry", "Қазақстан Республикасы Денсаулық сақтау министрлігі",
        "Министерство здравоохранения Республики Казахстан", "Ministry of Health", (
            _c("MPC", "Медициналық және фармацевтикалық бақылау комитеті",
               "Комитет медицинского и фармацевтического контроля", "Committee for Medical and Pharmaceutical Control",
               ("{kk} бойынша медициналық және фармацевтикалық бақылау департаменті",
                "Департамент медицинского и фармацевтического контроля {ru}",
                "Medical and Pharmaceutical Control Department for {en}")),
            _c("SEC", "Санитариялық-эпидемиологиялық бақылау комитеті",
               "Комитет санитарно-эпидемиологического контроля", "Sanitary and Epidemiological Control Committee",
               ("{kk} бойынша санитариялық-эпидемиологиялық бақылау департаменті",
                "Департамент санитарно-эпидемиологического контроля {ru}",
                "Sanitary and Epidemiological Control Department for {en}")))),
    Top("AST", "akimat", "Астана қаласының әкімдігі", "Акимат города Астаны", "Akimat of Astana",
        genitive=("Астана қаласы", "города Астаны", "Astana"),
        districts=(("ESL", "Есіл ауданының әкімдігі", "Акимат района Есиль", "Akimat of Yesil District"),
                   ("SAR", "Сарыарқа ауданының әкімдігі", "Акимат района Сарыарка", "Akimat of Saryarka District"),
                   ("ALM", "Алматы ауданының әкімдігі", "Акимат района Алматы", "Akimat of Almaty District"),
                   ("BAI", "Байқоңыр ауданының әкімдігі", "Акимат района Байконур", "Akimat of Baikonur District"),
                   ("NUR", "Нұра ауданының әкімдігі", "Акимат района Нура", "Akimat of Nura District"))),
    Top("MEDU", "ministry", "Қазақстан Республикасы Оқу-ағарту министрлігі",
        "Министерство просвещения Республики Казахстан", "Ministry of Education", (
            _c("QA", "Білім беру саласындағы сапаны қамтамасыз ету комитеті",
               "Комитет по обеспечению качества в сфере образования", "Committee for Quality Assurance in Education",
               ("{kk} бойынша білім беру саласындағы сапаны қамтамасыз ету департаменті",
                "Департамент по обеспечению качества в сфере образования {ru}",
                "Education Quality Assurance Department for {en}")),)),
    Top("MJ", "ministry", "Қазақстан Республикасы Әділет министрлігі", "Министерство юстиции Республики Казахстан",
        "Ministry of Justice", (
            _c("REG", "Тіркеу қызметі және құқықтық көмек көрсету комитеті",
               "Комитет регистрационной службы и оказания правовой помощи",
               "Committee for Registration Services and Legal Aid",
               ("{kk} бойынша әділет департаменті", "Департамент юстиции {ru}", "Justice Department for {en}")),)),
    Top("SHY", "akimat", "Шымкент қаласының әкімдігі", "Акимат города Шымкента", "Akimat of Shymkent",
        genitive=("Шымкент қаласы", "города Шымкента", "Shymkent"),
        districts=(("ABA", "Абай ауданының әкімдігі", "Акимат Абайского района", "Akimat of Abai District"),
                   ("FAR", "Әл-Фараби ауданының әкімдігі", "Акимат района Аль-Фараби", "Akimat of Al-Farabi District"),
                   ("ENB", "Еңбекші ауданының әкімдігі", "Акимат Енбекшинского района", "Akimat of Enbekshi District"),
                   ("TRN", "Тұран ауданының әкімдігі", "Акимат района Туран", "Akimat of Turan District"))),
    Top("MLSP", "ministry", "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі",
        "Министерство труда и социальной защиты населения Республики Казахстан",
        "Ministry of Labour and Social Protection of the Population", (
            _c("LSP", "Еңбек және әлеуметтік қорғау комитеті", "Комитет труда и социальной защиты",
               "Labour and Social Protection Committee",
               ("{kk} бойынша еңбек және әлеуметтік қорғау департаменті", "Департамент труда и социальной защиты {ru}",
                "Labour and Social Protection Department for {en}")),)),
    Top("MIA", "ministry", "Қазақстан Республикасы Ішкі істер министрлігі",
        "Министерство внутренних дел Республики Казахстан", "Ministry of Internal Affairs", (
            _c("ADP", "Әкімшілік полиция комитеті", "Комитет административной полиции",
               "Administrative Police Committee",
               ("{kk} бойынша полиция департаменті", "Департамент полиции {ru}", "Police Department for {en}")),)),
    Top("KAR", "akimat", "Қарағанды облысының әкімдігі", "Акимат Карагандинской области", "Akimat of Karaganda Region",
        genitive=("Қарағанды облысы", "Карагандинской области", "Karaganda Region"),
        districts=(("TEM", "Теміртау қаласының әкімдігі", "Акимат города Темиртау", "Akimat of Temirtau"),
                   ("BAL", "Балқаш қаласының әкімдігі", "Акимат города Балхаша", "Akimat of Balkhash"),
                   ("BUH", "Бұқар жырау ауданының әкімдігі", "Акимат Бухар-Жырауского района",
                    "Akimat of Bukhar-Zhyrau District"))),
    Top("MNE", "ministry", "Қазақстан Республикасы Ұлттық экономика министрлігі",
        "Министерство национальной экономики Республики Казахстан", "Ministry of National Economy", (
            _c("CRP", "Тұтынушылардың құқықтарын қорғау комитеті", "Комитет по защите прав потребителей",
               "Consumer Rights Protection Committee",
               ("{kk} бойынша тұтынушылардың құқықтарын қорғау департаменті",
                "Департамент по защите прав потребителей {ru}", "Consumer Rights Protection Department for {en}")),)),
    Top("ACA", "ministry", "Қазақстан Республикасының Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігі",
        "Агентство Республики Казахстан по противодействию коррупции", "Anti-Corruption Agency", (
            _c("PRV", "Сыбайлас жемқорлықтың алдын алу департаменті", "Департамент превенции коррупции",
               "Corruption Prevention Department",
               ("{kk} бойынша сыбайлас жемқорлыққа қарсы іс-қимыл департаменті",
                "Департамент по противодействию коррупции {ru}", "Anti-Corruption Department for {en}")),)),
    Top("TUR", "akimat", "Түркістан облысының әкімдігі", "Акимат Туркестанской области", "Akimat of Turkestan Region",
        genitive=("Түркістан облысы", "Туркестанской области", "Turkestan Region"),
        districts=(("KEN", "Кентау қаласының әкімдігі", "Акимат города Кентау", "Akimat of Kentau"),
                   ("SAI", "Сайрам ауданының әкімдігі", "Акимат Сайрамского района", "Akimat of Sairam District"),
                   ("SAR", "Сарыағаш ауданының әкімдігі", "Акимат Сарыагашского района",
                    "Akimat of Saryagash District"))),
    Top("MEC", "ministry", "Қазақстан Республикасы Экология және табиғи ресурстар министрлігі",
        "Министерство экологии и природных ресурсов Республики Казахстан",
        "Ministry of Ecology and Natural Resources", (
            _c("ERC", "Экологиялық реттеу және бақылау комитеті", "Комитет экологического регулирования и контроля",
               "Committee for Environmental Regulation and Control",
               ("{kk} бойынша экология департаменті", "Департамент экологии {ru}", "Ecology Department for {en}")),)),
    Top("MA", "ministry", "Қазақстан Республикасы Ауыл шаруашылығы министрлігі",
        "Министерство сельского хозяйства Республики Казахстан", "Ministry of Agriculture", (
            _c("VET", "Ветеринариялық бақылау және қадағалау комитеті", "Комитет ветеринарного контроля и надзора",
               "Committee for Veterinary Control and Supervision",
               ("{kk} бойынша аумақтық инспекция", "Территориальная инспекция {ru}",
                "Territorial Inspectorate for {en}")),)),
    Top("ASPR", "ministry", "Қазақстан Республикасы Стратегиялық жоспарлау және реформалар агенттігі",
        "Агентство по стратегическому планированию и реформам Республики Казахстан",
        "Agency for Strategic Planning and Reforms", (
            _c("BNS", "Ұлттық статистика бюросы", "Бюро национальной статистики", "Bureau of National Statistics",
               ("{kk} бойынша статистика департаменті", "Департамент статистики {ru}",
                "Statistics Department for {en}")),)),
    Top("VKO", "akimat", "Шығыс Қазақстан облысының әкімдігі", "Акимат Восточно-Казахстанской области",
        "Akimat of East Kazakhstan Region",
        genitive=("Шығыс Қазақстан облысы", "Восточно-Казахстанской области", "East Kazakhstan Region"),
        districts=(("UKA", "Өскемен қаласының әкімдігі", "Акимат города Усть-Каменогорска",
                    "Akimat of Ust-Kamenogorsk"),
                   ("RID", "Риддер қаласының әкімдігі", "Акимат города Риддера", "Akimat of Ridder"))),
    Top("MT", "ministry", "Қазақстан Республикасы Көлік министрлігі", "Министерство транспорта Республики Казахстан",
        "Ministry of Transport", (
            _c("TRC", "Көлік комитеті", "Комитет транспорта", "Transport Committee",
               ("{kk} бойынша көліктік бақылау инспекциясы", "Инспекция транспортного контроля {ru}",
                "Transport Control Inspectorate for {en}")),)),
    Top("MCI", "ministry", "Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
        "Министерство культуры и информации Республики Казахстан", "Ministry of Culture and Information", (
            _c("INF", "Ақпарат комитеті", "Комитет информации", "Information Committee"),
            _c("YTH", "Жастар және отбасы істері комитеті", "Комитет по делам молодёжи и семьи",
               "Committee for Youth and Family Affairs"))),
    Top("MSHE", "ministry", "Қазақстан Республикасы Ғылым және жоғары білім министрлігі",
        "Министерство науки и высшего образования Республики Казахстан", "Ministry of Science and Higher Education", (
            _c("SCI", "Ғылым комитеті", "Комитет науки", "Science Committee"),)),
    Top("ME", "ministry", "Қазақстан Республикасы Энергетика министрлігі",
        "Министерство энергетики Республики Казахстан",
        "Ministry of Energy", (
            _c("AEN", "Атомдық және энергетикалық қадағалау және бақылау комитеті",
               "Комитет атомного и энергетического надзора и контроля",
               "Committee for Atomic and Energy Supervision and Control",
               ("{kk} бойынша энергетикалық қадағалау департаменті", "Департамент энергетического надзора {ru}",
                "Energy Supervision Department for {en}")),)),
    Top("MFA", "ministry", "Қазақстан Республикасы Сыртқы істер министрлігі",
        "Министерство иностранных дел Республики Казахстан", "Ministry of Foreign Affairs", (
            _c("CON", "Консулдық қызмет департаменті", "Департамент консульской службы", "Consular Service Department"),
        )),
]


@dataclass(frozen=True)
class AgencySpec:
    """One agency of the generated tree; `parent` is an index into the same list (parents come first)."""

    code: str
    parent: int | None
    kk: str
    ru: str
    en: str
    #: 0 top level, 1 below it, 2 a regional department of a committee.
    depth: int


def _children(top: Top, code: str) -> list[tuple[AgencySpec, list[AgencySpec]]]:
    """The candidate level-1 agencies under a top-level body, each with its level-2 candidates."""
    out = []
    if top.kind == "akimat":
        kk_of, ru_of, en_of = top.genitive
        for sub, kk, ru, en in AKIMAT_DEPARTMENTS:
            out.append((AgencySpec(f"{code}-{sub}", None, f"{kk_of} {kk}", f"{ru} {ru_of}", f"{en} {en_of}", 1), []))
        for sub, kk, ru, en in top.districts:
            out.append((AgencySpec(f"{code}-{sub}", None, kk, ru, en, 1), []))
        return out
    for committee in top.committees:
        spec = AgencySpec(f"{code}-{committee.code}", None, committee.kk, committee.ru, committee.en, 1)
        regional = []
        if committee.regional:
            kk_t, ru_t, en_t = committee.regional
            regional = [AgencySpec(f"{spec.code}-{region}", None, kk_t.format(kk=kk), ru_t.format(ru=ru),
                                   en_t.format(en=en), 2) for region, kk, ru, en in REGIONS]
        out.append((spec, regional))
    for sub, kk, ru, en in MINISTRY_DEPARTMENTS:
        out.append((AgencySpec(f"{code}-{sub}", None, kk, ru, en, 1), []))
    return out


def max_agencies() -> int:
    """How many agencies the catalogue can produce."""
    return sum(1 + sum(1 + len(sub) for _spec, sub in _children(top, PREFIX + top.code)) for top in TOPS)


def build_tree(count: int, rng: random.Random) -> list[AgencySpec]:
    """`count` agencies: about one top-level body per ten agencies (at most len(TOPS)), then departments,
    committees and regional departments chosen at random below them. Parents precede their children."""
    if not 1 <= count <= max_agencies():
        raise ValueError(f"the number of agencies must be between 1 and {max_agencies()}")
    tops = TOPS[:min(len(TOPS), max(1, round(count / 10)))]
    while sum(1 + sum(1 + len(sub) for _s, sub in _children(t, PREFIX + t.code)) for t in tops) < count:
        tops = TOPS[:len(tops) + 1]
    chosen: list[AgencySpec] = []
    available: list[tuple[float, AgencySpec, int, list[AgencySpec]]] = []
    for top in tops:
        code = PREFIX + top.code
        chosen.append(AgencySpec(code, None, top.kk, top.ru, top.en, 0))
        for spec, sub in _children(top, code):
            # Committees are chosen before ordinary departments more often: they bring regional departments.
            available.append((3.0 if sub else 1.0, spec, len(chosen) - 1, sub))
    while len(chosen) < count:
        index = rng.choices(range(len(available)), weights=[a[0] for a in available])[0]
        _weight, spec, parent, sub = available.pop(index)
        chosen.append(AgencySpec(spec.code, parent, spec.kk, spec.ru, spec.en, spec.depth))
        available.extend((0.6, child, len(chosen) - 1, []) for child in sub)
    return chosen
