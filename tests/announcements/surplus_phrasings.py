"""Surplus messages as store managers type them, with what the parser must read in them.

Each case: the text after ``/surplus``; the items as (category key, quantity, unit, cold chain);
the window as ``"HH:MM-HH:MM"`` (``+1`` for tomorrow) or None when the text gives none; and the
fragments that must come back as not understood.
"""

from __future__ import annotations

from typing import NamedTuple

Item = tuple[str, float, str, str]


class Case(NamedTuple):
    text: str
    items: list[Item]
    window: str | None
    not_understood: tuple[str, ...] = ()
    # per item, when the case has dates: (use-by, best-before, lot), dates as "YYYY-MM-DD"
    dates: tuple[tuple[str | None, str | None, str | None], ...] = ()


BREAD = "pain"
DAIRY = "produits-laitiers"
MEAT = "viande"
FISH = "poisson"
EGGS = "oeufs"
FROZEN = "surgeles"
VEG = "fruits-legumes"
MEALS = "plats-prepares"
DRY = "epicerie-seche"
TINS = "conserves"
DRINKS = "boissons"

A, C, F = "ambient", "chilled", "frozen"

PHRASINGS: list[Case] = [
    # --- French ---------------------------------------------------------------------------------
    Case(
        "20 kg pain, 3 caisses yaourts, 12 kg légumes 18h-19h30",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C), (VEG, 12, "kg", A)],
        "18:00-19:30",
    ),
    Case("5 palettes de boissons surgelé ???", [(DRINKS, 5, "pallet", F)], None, ("???",)),
    Case(
        "20kg pain;3caisses yaourts;12kg legumes",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C), (VEG, 12, "kg", A)],
        None,
    ),
    Case("2,5 kg fromage", [(DAIRY, 2.5, "kg", C)], None),
    Case("2.5kg fromage de 18h à 19h", [(DAIRY, 2.5, "kg", C)], "18:00-19:00"),
    Case("1 500 g viande hachée", [(MEAT, 1.5, "kg", C)], None),
    Case("500gr de beurre et 2 kilos de poulet", [(DAIRY, 0.5, "kg", C), (MEAT, 2, "kg", C)], None),
    Case(
        "3 cageots de tomates, 2 cageots pommes entre 18h et 19h30",
        [(VEG, 3, "crate", A), (VEG, 2, "crate", A)],
        "18:00-19:30",
    ),
    Case(
        "10 baguettes + 20 croissants à partir de 19h",
        [(BREAD, 10, "piece", A), (BREAD, 20, "piece", A)],
        "19:00-20:00",
    ),
    Case("yahourt 4 bacs avant 19h", [(DAIRY, 4, "crate", C)], "18:00-19:00"),
    Case("brod 10kg, yaourts 2 caisses", [(BREAD, 10, "kg", A), (DAIRY, 2, "crate", C)], None),
    Case("Légumes 15 kg 18:00-19:30", [(VEG, 15, "kg", A)], "18:00-19:30"),
    Case("LAIT 12 LITRES ce soir", [(DAIRY, 12, "litre", C)], "18:00-20:00"),
    Case(
        "jus de fruits 6 l et eau 24 bouteilles",
        [(DRINKS, 6, "litre", A), (DRINKS, 24, "piece", A)],
        None,
    ),
    Case(
        "plats préparés 8 pièces, sandwichs 12 pcs",
        [(MEALS, 8, "piece", C), (MEALS, 12, "piece", C)],
        None,
    ),
    Case("6 plats preparés frais 18h30", [(MEALS, 6, "piece", C)], "18:30-19:30"),
    Case("2 caisses de surgelés demain 10h-11h", [(FROZEN, 2, "crate", F)], "10:00-11:00+1"),
    Case("viande congelée 5 kg", [(MEAT, 5, "kg", F)], None),
    Case("3 kg saumon réfrigéré, 2 kg cabillaud", [(FISH, 3, "kg", C), (FISH, 2, "kg", C)], None),
    Case("oeufs 60 pièces", [(EGGS, 60, "piece", A)], None),
    Case("2 caisses d'œufs", [(EGGS, 2, "crate", A)], None),
    Case(
        "1 palette de conserves et 2 caisses de bocaux",
        [(TINS, 1, "pallet", A), (TINS, 2, "crate", A)],
        None,
    ),
    Case(
        "pâtes 10 kg, riz 5kg, farine 3 kg",
        [(DRY, 10, "kg", A), (DRY, 5, "kg", A), (DRY, 3, "kg", A)],
        None,
    ),
    Case("épicerie sèche 2 palettes", [(DRY, 2, "pallet", A)], None),
    Case(
        "une caisse de lait, deux palettes d'eau",
        [(DAIRY, 1, "crate", C), (DRINKS, 2, "pallet", A)],
        None,
    ),
    Case(
        "Bonjour ! Ce soir : 2 caisses de pistolets + 1 bac de croissants. Merci",
        [(BREAD, 2, "crate", A), (BREAD, 1, "crate", A)],
        "18:00-20:00",
        ("Bonjour !", "Merci"),
    ),
    Case("environ 20 kg de pain", [(BREAD, 20, "kg", A)], None),
    Case("~15kg viennoiseries vers 19h", [(BREAD, 15, "kg", A)], "19:00-20:00"),
    Case("12 kg fruits et légumes", [(VEG, 12, "kg", A)], None),
    Case("fruits et légumes 3 caisses dès 18h", [(VEG, 3, "crate", A)], "18:00-19:00"),
    Case("3x baguettes", [(BREAD, 3, "piece", A)], None),
    Case("salade x12", [(VEG, 12, "piece", A)], None),
    Case("10-15 kg carottes", [(VEG, 15, "kg", A)], None),
    Case("fromages 3kg (frais)", [(DAIRY, 3, "kg", C)], None),
    Case("crème 2 l, lait végétal 6 l", [(DAIRY, 2, "litre", C), (DRINKS, 6, "litre", A)], None),
    Case(
        "4 caises de yaourt et 2 palletes de boissons",
        [(DAIRY, 4, "crate", C), (DRINKS, 2, "pallet", A)],
        None,
    ),
    Case(
        "20 kg pain 3 caisses yaourts 12 kg légumes",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C), (VEG, 12, "kg", A)],
        None,
    ),
    Case("pain 20 kg lait 3 caisses", [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C)], None),
    Case(
        "- 4 kg poulet\n- 2 kg saumon\n- 6 bocaux",
        [(MEAT, 4, "kg", C), (FISH, 2, "kg", C), (TINS, 6, "piece", A)],
        None,
    ),
    Case("20 kg de pain, 3 sacs de pommes", [(BREAD, 20, "kg", A)], None, ("3 sacs de pommes",)),
    Case("0 kg pain, 5 kg lait", [(DAIRY, 5, "kg", C)], None, ("0 kg pain",)),
    Case("salade 3 caisses jusqu'à 19h30", [(VEG, 3, "crate", A)], "18:30-19:30"),
    Case("glaces 2 caisses de 20h à 21h", [(FROZEN, 2, "crate", F)], "20:00-21:00"),
    Case(
        "charcuterie 3 kg, haché 2 kg aujourd'hui 18h",
        [(MEAT, 3, "kg", C), (MEAT, 2, "kg", C)],
        "18:00-19:00",
    ),
    Case("boissons 2 caisses ambiant", [(DRINKS, 2, "crate", A)], None),
    Case("soda 24 pc", [(DRINKS, 24, "piece", A)], None),
    Case("2 bacs légumes surgelés", [(VEG, 2, "crate", F)], None),
    Case("5 Kg Pain", [(BREAD, 5, "kg", A)], None),
    Case("30 pistolets demain soir", [(BREAD, 30, "piece", A)], "18:00-20:00+1"),
    Case("lait 50 cl", [(DAIRY, 0.5, "litre", C)], None),
    # --- Dutch ----------------------------------------------------------------------------------
    Case(
        "brood 15kg, 2 bakken melk, groenten 8 kg tussen 18u en 19u30",
        [(BREAD, 15, "kg", A), (DAIRY, 2, "crate", C), (VEG, 8, "kg", A)],
        "18:00-19:30",
    ),
    Case(
        "20 kg brood, 3 bakken yoghurt, groenten 12 kg, 18u-19u30",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C), (VEG, 12, "kg", A)],
        "18:00-19:30",
    ),
    Case("brood 15 kg van 18u tot 19u30", [(BREAD, 15, "kg", A)], "18:00-19:30"),
    Case(
        "2 bakken melk en 3 kg kaas voor 19u",
        [(DAIRY, 2, "crate", C), (DAIRY, 3, "kg", C)],
        "18:00-19:00",
    ),
    Case("groenten 3 kratten vanaf 18u", [(VEG, 3, "crate", A)], "18:00-19:00"),
    Case("18u30-19u: 10 stuks stokbrood", [(BREAD, 10, "piece", A)], "18:30-19:00"),
    Case("koffiekoeken 25 st", [(BREAD, 25, "piece", A)], None),
    Case("yoghurt 12 stuks gekoeld", [(DAIRY, 12, "piece", C)], None),
    Case("kip 4 kg diepvries", [(MEAT, 4, "kg", F)], None),
    Case("diepvries 2 bakken morgen", [(FROZEN, 2, "crate", F)], "18:00-20:00+1"),
    Case("1 pallet water", [(DRINKS, 1, "pallet", A)], None),
    Case(
        "frisdrank 12 liter, fruitsap 6 l",
        [(DRINKS, 12, "litre", A), (DRINKS, 6, "litre", A)],
        None,
    ),
    Case("bereide maaltijden 10 stuks vanavond", [(MEALS, 10, "piece", C)], "18:00-20:00"),
    Case("kant-en-klaarmaaltijden 6 stuks", [(MEALS, 6, "piece", C)], None),
    Case("groenten en fruit 2 bakken", [(VEG, 2, "crate", A)], None),
    Case(
        "eieren 30 stuks + 2 bakken eitjes", [(EGGS, 30, "piece", A), (EGGS, 2, "crate", A)], None
    ),
    Case("zalm 2kg, kabeljauw 1,5 kg", [(FISH, 2, "kg", C), (FISH, 1.5, "kg", C)], None),
    Case(
        "conserven 1 pallet, blikken 2 bakken",
        [(TINS, 1, "pallet", A), (TINS, 2, "crate", A)],
        None,
    ),
    Case("droge voeding 3 bakken", [(DRY, 3, "crate", A)], None),
    Case("rijst 5 kilo, pasta 10 kilo's", [(DRY, 5, "kg", A), (DRY, 10, "kg", A)], None),
    Case("een halve bak kaas", [(DAIRY, 0.5, "crate", C)], None),
    Case("twee bakken groenten morgen tussen 19 en 20u", [(VEG, 2, "crate", A)], "19:00-20:00+1"),
    Case("brod 10 stuks, melck 6 l", [(BREAD, 10, "piece", A), (DAIRY, 6, "litre", C)], None),
    Case("ongeveer 12 kg groente", [(VEG, 12, "kg", A)], None),
    Case("zuivel 20 kg koel 18u", [(DAIRY, 20, "kg", C)], "18:00-19:00"),
    Case("3 zakken aardappelen", [], None, ("3 zakken aardappelen",)),
    Case(
        "Brood 15KG\nMelk 2 bakken\nGroenten 8kg\n18u-19u30",
        [(BREAD, 15, "kg", A), (DAIRY, 2, "crate", C), (VEG, 8, "kg", A)],
        "18:00-19:30",
    ),
    Case("suiker 2 kg droog", [(DRY, 2, "kg", A)], None),
    Case("broodjes 15 stuks om 19u", [(MEALS, 15, "piece", C)], "19:00-20:00"),
    # --- mixed ----------------------------------------------------------------------------------
    Case(
        "pain 10 kg, melk 2 bakken, 18h-19u",
        [(BREAD, 10, "kg", A), (DAIRY, 2, "crate", C)],
        "18:00-19:00",
    ),
    Case(
        "brood 20 kg, yaourts 3 caisses ce soir",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C)],
        "18:00-20:00",
    ),
    Case(
        "légumes 5 kg + groenten 3 bakken morgen 18u",
        [(VEG, 5, "kg", A), (VEG, 3, "crate", A)],
        "18:00-19:00+1",
    ),
    Case("pain   20kg ,  lait  3  bacs", [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C)], None),
    Case(
        "Surplus: 20kg pain; 3caisses yaourt\n18h-19h30",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C)],
        "18:00-19:30",
        ("Surplus:",),
    ),
    Case(
        "Pain : 20 kg\nLait : 3 caisses\nLégumes : 12 kg\nDe 18h à 19h30",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C), (VEG, 12, "kg", A)],
        "18:00-19:30",
    ),
    Case(
        "Slt, aujourd'hui 15 kg de pains, 4 bacs de yaourt. Passage entre 19h et 20h svp",
        [(BREAD, 15, "kg", A), (DAIRY, 4, "crate", C)],
        "19:00-20:00",
        ("Slt", "Passage", "svp"),
    ),
    Case(
        "Goedenavond, vandaag 10 kg brood en 3 bakken groenten, ophalen tussen 19u en 20u aub",
        [(BREAD, 10, "kg", A), (VEG, 3, "crate", A)],
        "19:00-20:00",
        ("Goedenavond", "ophalen", "aub"),
    ),
    Case("2 x 5 kg pain", [(BREAD, 10, "kg", A)], None),
    Case(
        "lait 1/2 caisse, ½ bac fromage", [(DAIRY, 0.5, "crate", C), (DAIRY, 0.5, "crate", C)], None
    ),
    Case("18.30-19.30 brood 10 kg", [(BREAD, 10, "kg", A)], "18:30-19:30"),
    Case("20kg pain18h-19h30", [(BREAD, 20, "kg", A)], "18:00-19:30"),
    Case(
        "yaourts: 3 caisses (DLC demain)", [(DAIRY, 3, "crate", C)], "18:00-20:00+1", ("(DLC", ")")
    ),
    Case(
        "3 bacs yaourts nature + 2 bacs fromage blanc",
        [(DAIRY, 3, "crate", C), (DAIRY, 2, "crate", C)],
        None,
        ("nature", "blanc"),
    ),
    Case("pains 20kg fruit 10kg", [(BREAD, 20, "kg", A), (VEG, 10, "kg", A)], None),
    Case(
        "2 kg kip, 3 kg vis, 5 eieren, ijs 3 bakken",
        [(MEAT, 2, "kg", C), (FISH, 3, "kg", C), (EGGS, 5, "piece", A), (FROZEN, 3, "crate", F)],
        None,
    ),
    Case(
        "20 kg pain 18h 3 caisses lait",
        [(BREAD, 20, "kg", A), (DAIRY, 3, "crate", C)],
        "18:00-19:00",
    ),
]
