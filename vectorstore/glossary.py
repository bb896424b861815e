"""Indonesian words an English word of a question or claim may stand for, for the lexical index.

The small multilingual encoder bridges English and Indonesian only roughly: "armoured train" and
"kereta lapis baja" are far apart for it, and BM25 cannot see that they are the same words. This
glossary gives the lexical side a word-for-word bridge: each English word of a query may also match the
Indonesian words listed for it. Like the other spellings of `vectorstore.variants`, a translation is
only tried when the index holds it and only when the English word itself is not in the index, so a
wrong guess costs nothing and Indonesian queries are untouched.

The list is general news vocabulary (politics, diplomacy, conflict, economy, travel, reporting verbs),
written by hand for this project. English forms are reduced to a lemma by `lemma` (plural, past,
participle, a few irregular verbs), so one entry covers "deny", "denies", "denied", "denying". The
Indonesian side is written as articles spell the words; the index stems them (`vectorstore.lexical`).
Loanwords that only change spelling (ballistic -> balistik) are left to `vectorstore.variants`.
"""

from __future__ import annotations

import functools
import re

from vectorstore.text.stemming import stem
from vectorstore.variants import loanword_spellings

_PLACES = """
afghanistan: afganistan
africa african: afrika
america american americans: amerika as
arab arabs arabic: arab
belgium belgian: belgia
brazil brazilian: brasil
britain british: inggris britania
cambodia cambodian: kamboja
china chinese: china tiongkok
egypt egyptian: mesir
england english: inggris
europe european europeans: eropa
france french: prancis perancis
germany german germans: jerman
greece greek: yunani
iraq iraqi: irak
italy italian: italia
japan japanese: jepang
korea korean koreans: korea
mexico mexican: meksiko
netherlands dutch: belanda
palestine palestinian palestinians: palestina
philippines philippine filipino: filipina
poland polish: polandia
russia russian russians: rusia
saudi: saudi arab
singapore singaporean: singapura
spain spanish: spanyol
syria syrian: suriah
turkey turkish: turki
ukraine ukrainian ukrainians: ukraina
moscow: moskow
kiev: kyiv
peking: beijing
"""
"""English names of countries and peoples and the Indonesian names news uses for them (a name that
is spelled the same in both needs no entry: it matches as it is)."""

_ENTRIES = """
after: setelah sesudah usai
again: lagi kembali
before: sebelum menjelang
few: beberapa
accept: terima menerima diterima
accompany: dampingi mendampingi didampingi pendamping menemani
according: menurut
accuse: tuduh menuduh tuduhan dituduh
accusation: tuduhan
add: tambah tambahan menambah
additional: tambahan
advisor adviser: penasihat
affair: urusan
agree: setuju sepakat menyetujui
agreement: kesepakatan perjanjian persetujuan
aid: bantuan
aim: tujuan bertujuan
alliance: aliansi persekutuan
ally allies: sekutu
ammunition: amunisi
amount: jumlah
analyst: analis pengamat
announce: umumkan mengumumkan diumumkan
assemble: rakit merakit dirakit perakitan
answer: jawab menjawab jawaban
armed: bersenjata
armoured armored: lapis baja
arms: senjata persenjataan
army: tentara angkatan
arrest: tangkap ditangkap
arrival: kedatangan
arrive: tiba datang kedatangan
ask: tanya bertanya ditanya minta meminta
attack: serang serangan menyerang
attend: hadir menghadiri
avoid: hindari menghindari
ban: larang larangan melarang
base: pangkalan markas
battle: pertempuran
believe: yakin meyakini diyakini percaya
border: perbatasan
build: bangun membangun dibangun
building: gedung bangunan
buy: beli membeli pembelian
call: sebut menyebut disebut seru menyerukan
capacity: kapasitas
capital: ibu kota
carry: bawa membawa angkut mengangkut
ceasefire: gencatan
claim: klaim mengklaim
close: tutup menutup ditutup dekat
collapse: runtuh keruntuhan bubar
come: datang
comment: komentar
common: umum bersama
community: komunitas masyarakat
concern: khawatir kekhawatiran
conference: konferensi
confirm: konfirmasi mengonfirmasi membenarkan
conflict: konflik
cooperate: kerja sama bekerja
cooperation: kerja sama
cosmodrome: kosmodrom
country: negara
court: pengadilan
crisis: krisis
day: hari
deal: kesepakatan transaksi
decide: putuskan memutuskan keputusan
defence defense: pertahanan
delegation: delegasi rombongan
deliver: kirim mengirim pengiriman menyerahkan
demand: tuntut menuntut tuntutan permintaan
deny: bantah membantah dibantah bantahan menyangkal menampik menepis
depart: berangkat
despite: meski meskipun
detect: deteksi mendeteksi
develop: kembang mengembangkan pengembangan
dinner: makan malam jamuan
discuss: bahas membahas dibahas diskusi
dismiss: tepis menepis abaikan mengabaikan
doubt: ragu meragukan keraguan
drill: latihan
during: selama saat
early: awal
east: timur
eastern: timur
economy economic: ekonomi
election: pemilu pemilihan
emergency: darurat
end: akhir berakhir
enemy: musuh
estimate: perkiraan memperkirakan diperkirakan
event: acara peristiwa
exchange: pertukaran imbalan
exercise: latihan
expect: harap diharapkan perkiraan diperkirakan
expert: pakar ahli
export: ekspor
face: hadapi menghadapi
fake: palsu bohong hoaks
far: jauh
fight: perang pertempuran bertempur
fire: tembak menembakkan meluncurkan
first: pertama
flight: penerbangan
fly: terbang
food: pangan makanan
foreign: luar negeri asing
former: mantan
give: beri memberi memberikan
government: pemerintah
group: kelompok grup
guest: tamu
hand: tangan
head: kepala pimpinan
help: bantu membantu bantuan
hold: gelar menggelar digelar
hour: jam
impose: jatuhkan menjatuhkan memberlakukan
include: termasuk
intelligence: intelijen
interest: minat ketertarikan kepentingan
international: internasional
invite: undang mengundang undangan ajakan
island: pulau
join: bergabung ikut
journalist: wartawan jurnalis
journey: perjalanan
keep: simpan tetap
kill: bunuh membunuh tewas
large: besar
last: terakhir lalu
launch: luncur meluncurkan peluncuran
leader: pemimpin
leave: tinggalkan meninggalkan berangkat
level: tingkat level
limit limited: terbatas batas
local: lokal setempat
long: panjang lama
make: buat membuat
man: pria
many: banyak
match: cocok sesuai
means: cara sarana
meet: temu bertemu pertemuan menemui
meeting: pertemuan
military: militer
million: juta
minister: menteri
missile: rudal
month: bulan
name: nama
nation: bangsa negara
national: nasional
need: butuh membutuhkan kebutuhan perlu
negotiate: runding berunding merundingkan perundingan negosiasi
negotiation: perundingan negosiasi
network: jaringan
new: baru
news: berita
next: berikutnya depan
north: utara
nuclear: nuklir
offer: tawar menawarkan tawaran
official: pejabat resmi
officer: pejabat perwira
order: perintah memerintahkan
pay: bayar membayar
peace: damai perdamaian
people: orang rakyat warga
place: tempat lokasi
plan: rencana berencana merencanakan rencananya
plane: pesawat
port: pelabuhan
possible: mungkin kemungkinan
power: kekuatan
praise: puji memuji pujian
president: presiden
press: pers
price: harga
prime: perdana
private: pribadi
promise: janji berjanji menjanjikan
proposal: usulan tawaran proposal
propose: usul mengusulkan
protest: protes memprotes
provide: sediakan menyediakan pasok memasok berikan
publicly: publik terbuka
quickly: cepat
rail railway: kereta rel
range: jarak
react: tanggap menanggapi tanggapan reaksi
receive: terima menerima
region: wilayah kawasan
relation: hubungan
remain: tetap masih
reply: jawab menjawab balas
report: lapor laporan melaporkan dilaporkan memberitakan berita
request: permintaan meminta
respond: tanggap menanggapi menanggapinya balas
response: tanggapan respons
return: kembali imbalan balasan
rocket: roket
rule: aturan
ruling: berkuasa
run: jalan berjalan menjalankan
sale: penjualan
sanction: sanksi
satellite: satelit
say: kata mengatakan berkata menyatakan
schedule: jadwal dijadwalkan
sea: laut
secret secretly: rahasia diam diam
security: keamanan
seek: cari mencari mengupayakan
send: kirim mengirim mengirimkan pengiriman
shell: peluru amunisi
ship: kapal kirim mengirim
short: pendek
show: tunjuk menunjukkan perlihatkan memperlihatkan
sign: tanda tangan menandatangani
since: sejak
soldier: tentara prajurit
south: selatan
space: antariksa ruang angkasa luar
speak: bicara berbicara
spokesperson spokesman: juru bicara
state: negara
statement: pernyataan
stay: tinggal menginap
strengthen: perkuat memperkuat
summit: KTT puncak
supply: pasok memasok pasokan menyediakan
support: dukung mendukung dukungan
suspect: duga diduga dugaan curiga mencurigai
suspicion: kecurigaan dugaan
take: ambil mengambil
talk: bicara pembicaraan perundingan
technology: teknologi
tell: beri tahu memberitahu kata
thank: terima kasih
threat: ancaman
time: waktu kali
tonne ton: ton
tour: keliling berkeliling
trade: dagang perdagangan
train: kereta
transfer: transfer pengiriman alih
travel: perjalanan bepergian berangkat
treaty: perjanjian traktat
trip: perjalanan lawatan kunjungan
two: dua
type: jenis
violate: langgar melanggar pelanggaran
violation: pelanggaran
visit: kunjung kunjungan mengunjungi berkunjung lawatan melawat
war: perang
warn: peringat memperingatkan mengingatkan
warning: peringatan
weapon: senjata persenjataan
week: minggu pekan
welcome: sambut menyambut
west: barat
will: akan
world: dunia
year: tahun
"""

_IRREGULAR = {
    "met": "meet",
    "flew": "fly",
    "flown": "fly",
    "said": "say",
    "says": "say",
    "sent": "send",
    "came": "come",
    "gave": "give",
    "given": "give",
    "held": "hold",
    "made": "make",
    "took": "take",
    "taken": "take",
    "told": "tell",
    "sought": "seek",
    "left": "leave",
    "shook": "shake",
    "shaken": "shake",
    "bought": "buy",
    "built": "build",
    "won": "win",
    "kept": "keep",
    "spoke": "speak",
    "spoken": "speak",
    "ran": "run",
    "men": "man",
    "allies": "ally",
    "countries": "country",
    "supplies": "supply",
    "replies": "reply",
}

_WORD = re.compile(r"[a-z]+")
_ENDINGS = (
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
)


@functools.cache
def _glossary() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in (_ENTRIES + _PLACES).strip().splitlines():
        heads, _, words = line.partition(":")
        translations = tuple(dict.fromkeys(w.lower() for w in words.split()))
        for head in heads.split():
            out[head] = out.get(head, ()) + translations
    return out


def lemma_candidates(word: str) -> list[str]:
    """`word` and the forms it may be inflected from ("denied" -> deny, "launches" -> launch)."""
    forms = [word]
    if word in _IRREGULAR:
        forms.append(_IRREGULAR[word])
    for ending, repl in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.append(word[: -len(ending)] + repl)
    # "planned" -> plan, "shipped" -> ship
    if re.search(r"([b-df-hj-np-tv-z])\1(?:ed|ing)$", word):
        forms.append(re.sub(r"([b-df-hj-np-tv-z])\1(?:ed|ing)$", r"\1", word))
    return forms


def translations(word: str) -> tuple[str, ...]:
    """The Indonesian words the English `word` (lower case) may stand for; empty when it is unknown."""
    if not _WORD.fullmatch(word):
        return ()
    glossary = _glossary()
    for form in lemma_candidates(word):
        if form in glossary:
            return glossary[form]
    return ()


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_FUNCTION = frozenset(
    "the a an of to in on at is was were are be been being and or but has have had having with for by "
    "that from it its as into than while there this these those which who whom whose what when where "
    "why how he she they them their his her him we us our you your i me my do does did done so about "
    "over under through any some such just very".split()
)
_NEGATION = frozenset("not no never cannot nothing none nobody neither nor".split())
_CONTRACTED = re.compile(r"^\w+n['’]t$")


def gloss(english: str, target: str, held: set[str] | None = None) -> str:
    """A word-for-word Indonesian gloss of `english`, aligned to the Indonesian text `target`.

    Each content word becomes the glossary word that `target` uses, if it uses one, else the first
    one; names, numbers and unknown words stay as written (a loanword takes the spelling `target`
    uses); function words are dropped; negations become "tidak". Not a translation, and never shown:
    it is only compared with `target`, so that word-overlap signals mean something across languages.
    `held` (the stemmed words of `target`) may be passed when it is known already.
    """
    if held is None:
        held = {stem(w) for w in re.findall(r"[^\W_]+", target.lower())}
    out: list[str] = []
    name: list[str] = []  # the run of capitalised words being read

    def close_name() -> None:
        # A name counts by the parts the target writes ("Kim" for Kim Jong Un), in the target's
        # spelling ("Rusia" for Russia); all of it when the target writes none of it.
        spelled = [_spelled(w, held) for w in name]
        kept = [w for w in spelled if stem(w.lower()) in held]
        out.extend(kept or name)
        name.clear()

    for m in _TOKEN.finditer(english):
        word = re.sub(r"['’]s$", "", m.group())  # Russia's: Russia
        lower = word.lower()
        # A capitalised word is a name, the first word of the sentence too unless it is an English word.
        capital = word[0].isupper() and (m.start() > 0 or not (lower in _FUNCTION or translations(lower)))
        if name and not capital:
            close_name()
        if _CONTRACTED.match(lower) or lower in _NEGATION:
            out.append("tidak")
        elif lower in _FUNCTION:
            continue
        elif "-" in word and word.islower():
            out.append(gloss(word.replace("-", " "), target, held))  # short-range: pendek jarak
        elif capital:
            name.append(word)
        elif word[0].isdigit():
            out.append(word)
        else:
            options = [*translations(lower), *sorted(loanword_spellings(lower))]
            chosen = next((o for o in options if stem(o) in held), None)
            out.append(chosen or (options[0] if options else word))
    close_name()
    return " ".join(out)


def _spelled(word: str, held: set[str]) -> str:
    """`word` as the target spells it: its Indonesian name ("Japan": Jepang), a translated part of a
    name ("North" Korea: Korea Utara, the "Yellow" Sea: Laut Kuning), or a loanword spelling ("Russia":
    Rusia), when the target holds it."""
    if stem(word.lower()) in held:
        return word
    options = [*translations(word.lower()), *sorted(loanword_spellings(word.lower()))]
    return next((v for v in options if stem(v) in held), word)
