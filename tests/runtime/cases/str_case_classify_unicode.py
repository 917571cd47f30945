# isupper/islower/istitle on non-ASCII text the case tables cover (Latin-1, Latin Extended-A, digraphs, Greek, Cyrillic).
for s in ['É', 'é', 'ÉCOLE', 'école', 'Éb', 'ÉB', 'Éé Çà', 'ǅ', 'ǅa', 'ǄA', 'ǆ', 'ΣΊΣΥΦΟΣ', 'Привет Мир', 'ß', 'aé1', '1é', 'É1', '€', 'Ab Ça', 'ab Ça']:
    print(repr(s), s.isupper(), s.islower(), s.istitle())
