"""Everyday food words, French and Dutch, that the parser knows besides the catalogue's own.

The catalogue (the Category table, seeded from config.toml) keeps its names and synonyms, and a
database seeded earlier keeps the ones it had: these words live in the code so that every
database gets them. They are keyed by the category keys of the shipped catalogue; a network
without one of those keys simply does not get its words. A word the catalogue already gives to
a category stays that category's (see
:class:`logistics.announcements.parsing.catalog.CategoryMatcher`).
"""

from __future__ import annotations


def _words(spaced: str) -> tuple[str, ...]:
    """``"pomme de terre|oignons"`` → ``("pomme de terre", "oignons")``."""
    return tuple(w.strip() for w in spaced.split("|") if w.strip())


EVERYDAY_WORDS: dict[str, tuple[str, ...]] = {
    "pain": _words(
        "pain de mie|pains de mie|pain gris|pain blanc|pistolet|croissant|couques|couque"
        "|brioches|brioche|cramique|pains au chocolat|pain au chocolat|viennoiserie|miches"
        "|boulangerie"
        "|wit brood|witbrood|bruin brood|volkorenbrood|koffiekoek|boterkoeken|kramiek"
        "|stokbroden|brood van gisteren|bakkerij"
    ),
    "produits-laitiers": _words(
        "laitages|laitage|yogourt|yoghourt|crème fraîche|desserts lactés|petits suisses"
        "|beurres|mozzarella|camembert|emmental|skyr|produits laitiers frais"
        "|yoghurts|melkproducten|karnemelk|plattekaas|platte kaas|pudding|slagroom|vla"
        "|chocomelk"
    ),
    "viande": _words(
        "viandes|steak|steaks|saucisses|saucisse|jambon|lardons|dinde|agneau|veau|boulettes"
        "|volaille|hamburgers|escalopes|filet de poulet"
        "|worst|worsten|hesp|spek|kalkoen|lamsvlees|kalfsvlees|gehaktballen|balletjes"
        "|gevogelte|hamburger|kipfilet|rundsvlees|kippenbouten|vleeswaren"
    ),
    "poisson": _words(
        "crevettes|moules|truite|filets de poisson|scampis|poisson frais"
        "|garnalen|mosselen|forel|visfilet|vissen|zeevruchten"
    ),
    "oeufs": _words("eitje"),
    "surgeles": _words(
        "produits surgelés|glace|crèmes glacées|surgelés divers"
        "|roomijs|ijsjes|diepvriesgroenten|diepvrieskost"
    ),
    "fruits-legumes": _words(
        "légume|fruit|pommes de terre|pomme de terre|patates|patate|oignons|oignon"
        "|champignons|champignon|laitue|laitues|salades|tomate|carotte|courgettes|courgette"
        "|poivrons|poivron|concombres|concombre|poireaux|poireau|choux|chou|chou-fleur"
        "|choux-fleurs|brocolis|brocoli|épinards|haricots|haricots verts|aubergines|céleri"
        "|navets|radis|endives|chicons|chicon|potirons|courges|betteraves|échalotes"
        "|poires|poire|pomme|bananes|banane|oranges|orange|citrons|clémentines|mandarines"
        "|raisins|fraises|kiwis|melons|melon|pastèques|ananas|pêches|prunes|abricots|cerises"
        "|avocats|mangues|agrumes|fruits et légumes frais"
        "|groente|aardappelen|aardappels|aardappel|patatten|ajuin|ajuinen|uien|ui|paddenstoelen"
        "|kropsla|tomaat|wortels|wortel|komkommers|komkommer|paprikas|paprika|prei|kolen"
        "|bloemkool|broccoli|spinazie|bonen|boontjes|selder|selderij|radijzen|witloof"
        "|pompoen|rode bieten|sjalotten|peren|peer|appel|bananen|banaan|sinaasappelen"
        "|sinaasappels|appelsienen|citroenen|mandarijnen|druiven|aardbeien|meloen|perziken"
        "|pruimen|abrikozen|kersen|avocados|mangos|groenten en fruit vers|verse groenten"
    ),
    "plats-prepares": _words(
        "plats cuisinés|repas|lasagnes|quiches|pizzas|soupes|soupe|wraps|salades composées"
        "|plats du jour|sandwiches"
        "|maaltijden|soep|soepen|lasagne|pizza|belegde broodjes|wrap|dagschotels"
        "|traiteurschotels"
    ),
    "epicerie-seche": _words(
        "semoule|lentilles|couscous|chips|chocolat|café|huile|confiture|muesli|biscottes"
        "|flocons d'avoine|sucreries|bonbons"
        "|chocolade|koffie|olie|confituur|linzen|havermout|snoep|beschuiten|droge producten"
    ),
    "conserves": _words(
        "boîtes de conserve|conserves de légumes|blikjes|conservenblikken|bokalen groenten"
    ),
    "boissons": _words(
        "eaux|limonade|limonades|sirop|canettes|cannettes|coca"
        "|drankjes|cola|appelsiensap|sinaasappelsap|spuitwater|bruiswater"
    ),
}
