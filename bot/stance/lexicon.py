"""Word lists behind the lexical stance signals, Indonesian and English side by side.

Small closed lists chosen by hand, so each signal can be explained ("the quote says *turun* where the
claim says *naik*"). Words are matched lower-cased, as written or as stemmed by
`vectorstore.lexical.stem`. A word sits in one antonym pair and one class at most (a test checks), so
no signal depends on the order of these lists.
"""

from __future__ import annotations

from vectorstore.text.dates import month_names
from vectorstore.text.lists import words

# Negation words. English contractions (isn't, didn't) are counted separately, by their "n't".
NEGATIONS = frozenset(
    "tidak tak bukan belum tanpa jangan enggak nggak tiada bukanlah tidaklah belumlah "
    "not no never none nobody nothing neither nor without cannot".split()
)
# Denial verbs and refusal/falsehood words, from the text layer's lists.
DENIALS = words("denials") | words("rejections")
# Words that make a claim weaker or a guess; evidence stating a fact does not settle them.
HEDGES = words("hedges")

# Words that narrow a claim (only, all, always, first); evidence without them rarely establishes it.
RESTRICTORS = frozenset(
    "hanya cuma satunya semua seluruh selalu pernah paling sangat terbesar terkecil pertama "
    "only solely all every always ever most very largest smallest first".split()
)

# Antonyms: word -> (pair, side). Indonesian and English forms share the pair name.
ANTONYM_PAIRS = {
    "rise": (
        "naik meningkat kenaikan peningkatan bertambah rise rises rose increase increased grow grew",
        "turun menurun penurunan berkurang merosot anjlok fall fell decrease decreased drop dropped "
        "decline declined",
    ),
    "win": ("menang kemenangan memenangkan win won wins victory", "kalah kekalahan lose lost loses defeat"),
    "size": (
        "besar terbesar big bigger biggest large larger largest",
        "kecil terkecil small smaller smallest",
    ),
    "height": ("tinggi tertinggi high higher highest tall", "rendah terendah low lower lowest"),
    "amount": ("banyak terbanyak many much more most", "sedikit few fewer less least"),
    "order": ("sebelum sebelumnya before earlier prior", "sesudah setelah sesudahnya setelahnya after later"),
    "first": ("pertama first awal early", "terakhir last akhir final late"),
    "open": (
        "buka membuka dibuka terbuka open opened reopened",
        "tutup menutup ditutup tertutup close closed shut",
    ),
    "alive": ("hidup alive live lives survived", "mati meninggal tewas wafat dead died die killed"),
    "true": ("benar true correct", "salah keliru wrong incorrect"),
    "easy": ("mudah gampang easy easily", "sulit susah sukar hard difficult"),
    "fast": ("cepat fast quick quickly", "lambat pelan slow slowly"),
    "price": ("mahal expensive costly", "murah cheap"),
    "rich": ("kaya rich wealthy", "miskin poor"),
    "sign": ("positif positive", "negatif negative"),
    "enter": ("masuk memasuki enter entered", "keluar exit exited"),
    "accept": (
        "terima menerima diterima setuju menyetujui accept accepted agree agreed approve approved",
        "tolak menolak ditolak reject rejected refuse refused",
    ),
    "support": ("mendukung dukungan dukung support supported supports", "menentang oppose opposed"),
    "pass": ("lulus berhasil sukses pass passed success succeeded", "gagal kegagalan fail failed failure"),
    "age": ("tua old older elderly", "muda young younger"),
    "length": ("panjang long longer", "pendek short shorter"),
    "distance": ("jauh far distant", "dekat near nearby"),
    "weight": ("berat heavy", "ringan light"),
    "forward": ("maju forward advance", "mundur backward retreat"),
    "profit": ("untung keuntungan laba profit", "rugi kerugian loss"),
    "legal": ("legal sah resmi official", "ilegal illegal unofficial"),
    "same": ("sama same identical", "beda berbeda different"),
    "always": ("selalu always", "jarang rarely seldom"),
    "all": ("semua seluruh all every", "sebagian beberapa some part"),
    "public": ("umum publik public", "pribadi swasta private"),
    "strong": (
        "kuat menguat penguatan strong stronger strengthen",
        "lemah melemah pelemahan weak weaker weaken",
    ),
    "like": (
        "suka menyukai disukai gemar like likes liked love loved",
        "benci membenci dibenci hate hated dislike",
    ),
    "hot": ("panas hangat hot warm", "dingin sejuk cold cool"),
    "smart": ("pintar cerdas pandai smart clever", "bodoh dungu stupid"),
    "good": ("baik bagus good great", "buruk jelek bad"),
    "clean": ("bersih clean", "kotor dirty"),
    "busy": ("ramai padat crowded busy", "sepi lengang quiet empty"),
    "safe": ("aman safe", "bahaya berbahaya dangerous unsafe"),
    "healthy": ("sehat healthy", "sakit ill sick"),
    "happy": ("senang bahagia gembira happy glad", "sedih sad unhappy"),
    "wide": ("luas lebar wide broad", "sempit narrow"),
    "start": (
        "mulai memulai dimulai start started begin began",
        "selesai berakhir mengakhiri end ended finish",
    ),
    "arrive": ("tiba datang arrive arrived came", "berangkat pergi meninggalkan depart departed leave"),
}
ANTONYMS: dict[str, tuple[str, int]] = {
    w: (pair, side)
    for pair, sides in ANTONYM_PAIRS.items()
    for side, ws in enumerate(sides)
    for w in ws.split()
}

# Closed classes: two different members of a class are two different claims (train vs plane).
WORD_CLASSES = {
    "transport": {
        "plane": "pesawat plane aircraft jet flew fly flight terbang",
        "train": "kereta train rail",
        "ship": "kapal ship boat",
        "car": "mobil car motorcade",
        "bus": "bus",
    },
    "direction": {
        "north": "utara north northern",
        "south": "selatan south southern",
        "east": "timur east eastern",
        "west": "barat west western",
    },
    "day": {
        "mon": "senin monday",
        "tue": "selasa tuesday",
        "wed": "rabu wednesday",
        "thu": "kamis thursday",
        "fri": "jumat friday",
        "sat": "sabtu saturday",
        "sun": "sunday",
    },
    # From the text layer's one month table; "may" is left out, an English modal verb as well.
    "month": {str(n): " ".join(names) for n, names in month_names(with_may=False).items()},
    "gender": {"male": "pria laki lelaki male man men", "female": "wanita perempuan female woman women"},
}
CLASS_MEMBERS: dict[str, tuple[str, str]] = {
    w: (cls, member)
    for cls, members in WORD_CLASSES.items()
    for member, ws in members.items()
    for w in ws.split()
}

NUMBER_WORDS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "seratus": 100,
    "seribu": 1000,
    "sejuta": 1_000_000,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "hundred": 100,
    "thousand": 1000,
}
MULTIPLIERS = {
    "ribu": 1e3,
    "thousand": 1e3,
    "juta": 1e6,
    "million": 1e6,
    "miliar": 1e9,
    "milyar": 1e9,
    "billion": 1e9,
    "triliun": 1e12,
    "trillion": 1e12,
}
