"""People for the national demo dataset (lms.demo_national): Kazakh and Russian names, positions, e-mail addresses.

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

#: Positions, most common first (weights follow the list: many specialists, few directors).
POSITIONS = [
    ("Главный специалист", 22), ("Ведущий специалист", 16), ("Эксперт", 10), ("Главный эксперт", 8),
    ("Бас маман", 8), ("Жетекші маман", 6), ("Сарапшы", 4), ("Специалист", 5), ("Главный инспектор", 4),
    ("Руководитель отдела", 4), ("Бөлім басшысы", 2), ("Руководитель управления", 3), ("Басқарма басшысы", 1),
    ("Заместитель руководителя управления", 2), ("Директор департамента", 1), ("Департамент директоры", 1),
    ("Заместитель директора департамента", 1), ("Советник", 1), ("Chief specialist", 1),
]

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


class PeopleMaker:
    """Makes people: (full name, given name, surname, locale, position), drawn from a seeded random."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        names, weights = zip(*POSITIONS, strict=True)
        self._positions = list(names)
        self._cum = []
        total = 0
        for weight in weights:
            total += weight
            self._cum.append(total)

    def person(self) -> tuple[str, str, str, str | None, str]:
        """One person: full name "Given Patronymic Surname", the given name and surname, locale and position."""
        rng = self.rng
        female = rng.random() < 0.52
        if rng.random() < 0.72:  # Kazakh names; mostly Kazakh-language interface
            given = rng.choice(KK_FEMALE if female else KK_MALE)
            style = rng.random()
            if style < 0.7:
                patronymic = rng.choice(KK_FATHERS) + ("қызы" if female else "ұлы")
            elif style < 0.9:
                patronymic = rng.choice(KK_RU_PATRONYMICS)[female]
            else:
                patronymic = ""
            if rng.random() < 0.08:
                surname = rng.choice(KK_CLAN_SURNAMES) + ("қызы" if female else "ұлы")
            else:
                surname = rng.choice(KK_SURNAMES)
                surname = _feminine(surname) if female else surname
            roll = rng.random()
            locale = "kk" if roll < 0.55 else "ru" if roll < 0.92 else "en" if roll < 0.97 else None
        else:
            given = rng.choice(RU_FEMALE if female else RU_MALE)
            patronymic = rng.choice(RU_PATRONYMICS)[female]
            surname = rng.choice(RU_SURNAMES)
            surname = _feminine(surname) if female else surname
            roll = rng.random()
            locale = "ru" if roll < 0.85 else "kk" if roll < 0.9 else "en" if roll < 0.97 else None
        full = f"{given} {patronymic} {surname}" if patronymic else f"{given} {surname}"
        position = self._positions[self._pick(rng.random() * self._cum[-1])]
        return full, given, surname, locale, position

    def _pick(self, value: float) -> int:
        for index, bound in enumerate(self._cum):
            if value < bound:
                return index
        return len(self._cum) - 1


def email_for(given: str, surname: str, number: int, domain: str) -> str:
    """A unique work address: aliya.kasymova.12345@<domain> (the number makes it unique)."""
    return f"{translit(given) or 'user'}.{translit(surname) or 'user'}.{number}@{domain}"
