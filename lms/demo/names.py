"""People for the national demo dataset (lms.demo.national): Kazakh and Russian names and positions in the person's
language, e-mail addresses.

Pure data and functions of a `random.Random`; nothing here touches the database.
"""

from __future__ import annotations

import functools
import random

KK_MALE = ["Нұрлан", "Ерлан", "Асқар", "Бауыржан", "Ғабит", "Дәурен", "Мұрат", "Серік", "Қайрат", "Әділет",
           "Жандос", "Ержан", "Нұрсұлтан", "Тимур", "Арман", "Олжас", "Санжар", "Бекзат", "Ақылбек", "Өмірзақ",
           "Ерболат", "Талғат", "Ғалымжан", "Нұржан", "Еркебұлан", "Мақсат", "Дархан", "Айдос", "Әлібек", "Қанат",
           "Рүстем", "Бақытжан", "Жасұлан", "Аслан", "Ілияс", "Темірлан", "Абылай", "Мейіржан", "Саят", "Шыңғыс"]
KK_FEMALE = ["Әлия", "Айгүл", "Гүлнар", "Динара", "Жанар", "Мәдина", "Айжан", "Ақмарал", "Салтанат", "Ұлжан",
             "Гүлмира", "Назерке", "Аружан", "Перизат", "Үміт", "Сәуле", "Раушан", "Жұлдыз", "Аягөз", "Іңкәр",
             "Ләззат", "Әсел", "Гүлжан", "Дана", "Қарлығаш", "Мөлдір", "Томирис", "Айым", "Балжан", "Жәмила",
             "Ботагөз", "Нұргүл", "Сымбат", "Ақерке", "Әйгерім", "Камила", "Шынар", "Анар", "Күлпаш", "Гауһар"]
#: Fathers' names for Kazakh patronymics (Серікұлы, Серікқызы).
KK_FATHERS = ["Нұрғали", "Өмір", "Қасым", "Серік", "Бекмұхамбет", "Жақсылық", "Төлеген", "Мұхтар", "Ғани", "Әбіл",
              "Сұлтан", "Ерболат", "Құдайберген", "Тұрсын", "Абай", "Қайрат", "Бақыт", "Сәрсен", "Жұмабай", "Оспан",
              "Темір", "Есен", "Әлімжан", "Дәулет", "Қуаныш", "Мейрам", "Ғабдолла", "Нұрлан", "Ермек", "Болат"]
#: Russian-style patronymics of Kazakh fathers, as many documents still write them: (male, female).
KK_RU_PATRONYMICS = [("Серикович", "Сериковна"), ("Каиртаевич", "Каиртаевна"), ("Болатович", "Болатовна"),
                     ("Ермекович", "Ермековна"), ("Муратович", "Муратовна"), ("Нурланович", "Нурлановна"),
                     ("Бахытович", "Бахытовна"), ("Советович", "Советовна"), ("Асылбекович", "Асылбековна")]
#: Kazakh surnames in their masculine -ов/-ев/-ин form; the feminine adds -а.
KK_SURNAMES = ["Қасымов", "Нұрғалиев", "Әбілқасымов", "Жақсылықов", "Төлегенов", "Мұхтаров", "Сейітов",
               "Құдайбергенов", "Өтепов", "Бекмұхамбетов", "Тұрсынов", "Сәрсенбаев", "Есенов", "Ахметов", "Ибраев",
               "Жұмабаев", "Оспанов", "Ерғалиев", "Бақытжанов", "Әлімжанов", "Шәкенов", "Дәулетов", "Ғабдуллин",
               "Мұсин", "Рахимов", "Сұлтанбеков", "Нұрмағамбетов", "Қуанышев", "Серікбаев", "Бейсенов",
               "Қайыржанов", "Иманғалиев", "Смағұлов", "Әміров", "Байжанов", "Тоқтаров", "Жаңабаев", "Өмірзақов",
               "Исабеков", "Мамыров", "Кенжебаев", "Ысқақов", "Ізбасаров", "Әуезов", "Ғалиев", "Һашимов"]
#: Newer surnames formed from a forefather's name: -ұлы for men, -қызы for women.
KK_CLAN_SURNAMES = ["Сәрсен", "Ұлықбек", "Нұрлыбек", "Тілеу", "Жолдас", "Бекет", "Амангелді", "Мұқаш"]
RU_MALE = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Игорь", "Владимир", "Евгений", "Павел",
           "Михаил", "Виктор", "Олег", "Николай", "Артём", "Максим", "Денис", "Роман", "Юрий", "Константин", "Илья"]
RU_FEMALE = ["Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Мария", "Юлия", "Дина",
             "Екатерина", "Людмила", "Оксана", "Галина", "Валентина", "Анастасия", "Виктория", "Марина", "Алёна",
             "Ксения"]
RU_PATRONYMICS = [("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Николаевич", "Николаевна"),
                  ("Викторович", "Викторовна"), ("Петрович", "Петровна"), ("Иванович", "Ивановна"),
                  ("Михайлович", "Михайловна"), ("Владимирович", "Владимировна"), ("Юрьевич", "Юрьевна"),
                  ("Анатольевич", "Анатольевна"), ("Геннадьевич", "Геннадьевна"), ("Олегович", "Олеговна")]
RU_SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Морозов", "Волков", "Лебедев",
               "Козлов", "Новиков", "Фёдоров", "Васильев", "Павлов", "Семенов", "Голубев", "Виноградов", "Богданов",
               "Орлов", "Никитин", "Ильин", "Захаров", "Белов", "Вишневский", "Соловьёв", "Ким", "Пак", "Цой", "Ли",
               "Шевченко", "Бондаренко", "Ткаченко", "Мельник", "Шульц", "Гайдамак"]

#: Positions as (Russian, Kazakh, English) titles, most common first, with weights (many specialists, few
#: directors). A person's title is in their language: the one their records (and their HR officer) use.
POSITIONS = [
    (("Главный специалист", "Бас маман", "Chief specialist"), 30),
    (("Ведущий специалист", "Жетекші маман", "Leading specialist"), 22),
    (("Эксперт", "Сарапшы", "Expert"), 14),
    (("Главный эксперт", "Бас сарапшы", "Chief expert"), 8),
    (("Специалист", "Маман", "Specialist"), 5),
    (("Главный инспектор", "Бас инспектор", "Chief inspector"), 4),
    (("Руководитель отдела", "Бөлім басшысы", "Head of division"), 6),
    (("Руководитель управления", "Басқарма басшысы", "Head of directorate"), 4),
    (("Заместитель руководителя управления", "Басқарма басшысының орынбасары", "Deputy head of directorate"), 2),
    (("Директор департамента", "Департамент директоры", "Director of department"), 2),
    (("Заместитель директора департамента", "Департамент директорының орынбасары", "Deputy director of department"),
     1),
    (("Советник", "Кеңесші", "Adviser"), 1),
]
#: Index of a language in the POSITIONS titles; people without a language of their own get the Russian title
#: (the platform's default language).
_TITLE_INDEX = {"ru": 0, "kk": 1, "en": 2, None: 0}
#: Interface languages: kk, ru, en, or none of their own (the browser's, then the default).
LOCALES = [("kk", 0.40), ("ru", 0.51), ("en", 0.06), (None, 0.03)]
#: Share of Kazakh names by interface language: Kazakh speakers have Kazakh names; Russian speakers are Kazakhs
#: and Russians alike.
KAZAKH_NAME_SHARE = {"kk": 1.0, "ru": 0.5, "en": 0.7, None: 0.6}

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
_LATIN = ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
          "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
          "a", "g", "k", "n", "o", "u", "u", "h", "i"]
#: str.translate table: Cyrillic letters to Latin, ASCII letters and digits kept, everything else dropped.
_TRANSLIT = {ord(ch): latin for ch, latin in zip(_CYRILLIC, _LATIN, strict=True)} | {
    code: None for code in range(128) if not chr(code).isalnum()}


@functools.cache  # names come from short lists
def translit(text: str) -> str:
    """ASCII, lower-case form of a Cyrillic (Kazakh or Russian) name, for e-mail addresses: Әлия -> aliya."""
    latin = text.lower().translate(_TRANSLIT)
    return latin if latin.isascii() else "".join(ch for ch in latin if ch.isascii())


def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-2] + "ая"
    return surname  # Ким, Шевченко, Мельник: the same for women


def latin_name(name: str) -> str:
    """A Cyrillic name in Latin letters as an English-language record writes it: Әлия -> Aliya."""
    return "-".join(part.capitalize() for part in (translit(p) for p in name.split("-")) if part)


class PeopleMaker:
    """Makes people: (full name, given name, surname, locale, position), drawn from a seeded random.

    The name and the position follow the person's language: a Kazakh speaker has a Kazakh name (with a Kazakh
    patronymic, -ұлы/-қызы, or none) and a Kazakh title; a Russian speaker a Kazakh name (often with a Russian-style
    patronymic) or a Russian one, and a Russian title; an English speaker their name in Latin letters, given name
    and surname as in a passport, and an English title.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        titles, weights = zip(*POSITIONS, strict=True)
        self._titles = list(titles)
        self._cum = []
        total = 0
        for weight in weights:
            total += weight
            self._cum.append(total)
        self._locales = [locale for locale, _share in LOCALES]
        self._locale_cum = []
        total = 0.0
        for _locale, share in LOCALES:
            total += share
            self._locale_cum.append(total)

    def person(self) -> tuple[str, str, str, str | None, str]:
        """One person: full name "Given Patronymic Surname", the given name and surname, locale and position."""
        rng = self.rng
        roll = rng.random() * self._locale_cum[-1]
        locale = self._locales[next((i for i, bound in enumerate(self._locale_cum) if roll < bound),
                                    len(self._locales) - 1)]
        female = rng.random() < 0.52
        if rng.random() < KAZAKH_NAME_SHARE[locale]:
            given = rng.choice(KK_FEMALE if female else KK_MALE)
            style = rng.random()
            if rng.random() < 0.08:  # a surname formed from a forefather's name stands without a patronymic
                surname = rng.choice(KK_CLAN_SURNAMES) + ("қызы" if female else "ұлы")
                patronymic = ""
            else:
                surname = rng.choice(KK_SURNAMES)
                surname = _feminine(surname) if female else surname
                if locale == "kk":  # Kazakh records write the Kazakh patronymic, or none
                    patronymic = rng.choice(KK_FATHERS) + ("қызы" if female else "ұлы") if style < 0.75 else ""
                elif style < 0.4:
                    patronymic = rng.choice(KK_FATHERS) + ("қызы" if female else "ұлы")
                elif style < 0.9:
                    patronymic = rng.choice(KK_RU_PATRONYMICS)[female]
                else:
                    patronymic = ""
        else:
            given = rng.choice(RU_FEMALE if female else RU_MALE)
            patronymic = rng.choice(RU_PATRONYMICS)[female]
            surname = rng.choice(RU_SURNAMES)
            surname = _feminine(surname) if female else surname
        if locale == "en":  # as in a passport: Latin letters, no patronymic
            full = f"{latin_name(given)} {latin_name(surname)}"
        else:
            full = f"{given} {patronymic} {surname}" if patronymic else f"{given} {surname}"
        position = self._titles[self._pick(rng.random() * self._cum[-1])][_TITLE_INDEX[locale]]
        return full, given, surname, locale, position

    def _pick(self, value: float) -> int:
        for index, bound in enumerate(self._cum):
            if value < bound:
                return index
        return len(self._cum) - 1


def email_for(given: str, surname: str, number: int, domain: str) -> str:
    """A unique work address: aliya.kasymova.12345@<domain> (the number makes it unique)."""
    return f"{translit(given) or 'user'}.{translit(surname) or 'user'}.{number}@{domain}"
