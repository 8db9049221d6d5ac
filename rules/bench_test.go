package rules

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// benchItem is about 1 KB of invented wire copy in English.
var benchItem = Input{
	Title: "Rockets strike Ain al-Asad air base in western Iraq; two contractors hurt",
	Summary: "At least eight Katyusha rockets slammed into the Ain al-Asad base in Anbar province late on Tuesday, " +
		"wounding two civilian contractors, a coalition spokesman said. Air defences intercepted a drone over Erbil " +
		"airport an hour later, with no injuries reported. A group calling itself Usbat al-Thaireen claimed the attack " +
		"in a statement on Telegram. Iraqi security forces later found the launch site near the town of al-Baghdadi, " +
		"where a burned-out truck fitted with rocket tubes was abandoned in a field. The attack was the third on US " +
		"forces in Iraq this week, officials said, and came days after the Pentagon announced a review of its troop " +
		"presence in the country. In Syria, a drone was shot down near the al-Tanf garrison on Monday night, the " +
		"coalition added, and mortar rounds landed near the Conoco gas field base without causing damage. Iraqi " +
		"Prime Minister's office condemned the attacks and ordered an investigation, saying those responsible " +
		"would be brought to justice, while a spokesman for the Popular Mobilization Forces denied any role.",
	Published: time.Date(2022, 6, 8, 7, 0, 0, 0, time.UTC),
}

// benchItemAR is about 1 KB of invented wire copy in English and Arabic.
var benchItemAR = Input{
	Title: "Rockets strike Ain al-Asad air base in western Iraq; two contractors hurt",
	Summary: "At least eight Katyusha rockets slammed into the Ain al-Asad base in Anbar province late on Tuesday, " +
		"wounding two civilian contractors, a coalition spokesman said. Air defences intercepted a drone over Erbil " +
		"airport an hour later, with no injuries reported. A group calling itself Usbat al-Thaireen claimed the attack " +
		"in a statement on Telegram. Iraqi security forces later found the launch site near the town of al-Baghdadi. " +
		"The attack was the third on US forces in Iraq this week, officials said, and came days after the Pentagon " +
		"announced a review of its troop presence. " +
		"سقطت ثمانية صواريخ كاتيوشا على قاعدة عين الأسد الجوية غربي العراق مساء الثلاثاء، ما أدى إلى إصابة متعاقدَين مدنيين، " +
		"وفق بيان للتحالف الدولي. وأعلنت الدفاعات الجوية إسقاط طائرة مسيرة قرب مطار أربيل الدولي دون وقوع إصابات.",
	Published: time.Date(2022, 6, 8, 7, 0, 0, 0, time.UTC),
}

// benchReport is about 1 KB of invented wire copy reporting one attack, the
// common shape of an item that alerts: what hit, when, who was hurt, who
// claimed it, and the reactions.
var benchReport = Input{
	Title: "Drone attack on Harir air base wounds three coalition soldiers",
	Summary: "A one-way attack drone struck the Harir air base north-east of Erbil late on Thursday, wounding three " +
		"coalition soldiers, one of them seriously, a spokesman for the US-led coalition said on Friday. The drone " +
		"hit a storage area near the runway after air defences failed to stop it, and a fire that broke out in the " +
		"area was put out within an hour. The wounded were flown to a hospital in Erbil and were in stable condition. " +
		"A group calling itself the Islamic Resistance in Iraq said in a statement on Telegram that its fighters had " +
		"launched the drone, the latest in a series of claims by the alliance of armed factions since October. " +
		"The Kurdistan Regional Government condemned the attack as an assault on the region's security and said its " +
		"forces were searching the hills near the base for the launch point. Flights at Erbil's civilian airport were " +
		"not affected, its director said. The Pentagon said it would respond at a time and place of its choosing.",
	Published: time.Date(2024, 1, 26, 8, 0, 0, 0, time.UTC),
}

// benchNews is about 1 KB of invented wire copy of the ordinary kind, which
// is most of what a feed carries: politics and the economy, a province and
// a ministry named, no site and no attack.
var benchNews = Input{
	Title: "Iraq's parliament passes delayed budget after months of wrangling over oil revenue",
	Summary: "Lawmakers in Baghdad approved the federal budget late on Sunday after a session that ran past midnight, " +
		"ending a standoff between the central government and the Kurdistan Regional Government over the sharing of " +
		"oil export revenue. The bill sets spending at about 150 trillion dinars and assumes an oil price of 70 dollars " +
		"a barrel, the finance committee said. Deputies from several blocs walked out before the vote, accusing the " +
		"speaker of rushing amendments that cut funds for provinces in the south. Basra's governor said the province, " +
		"which produces most of the country's crude, had again been short-changed and promised to challenge the law " +
		"in the federal court. Economists warned that public salaries already take up most of the budget and that a " +
		"fall in prices would leave little for electricity, water and roads before the summer. The central bank kept " +
		"the exchange rate unchanged, and the dinar held steady on the parallel market in Baghdad and Erbil on Monday " +
		"morning, traders said.",
	Published: time.Date(2023, 6, 12, 9, 0, 0, 0, time.UTC),
}

func benchText(in Input) string { return string(appendJoined(nil, in.Title, in.Summary, in.Content)) }

// BenchmarkExtract matches a 1 KB English item against every alias and cue
// word and extracts its events, normalisation included.
func BenchmarkExtract(b *testing.B) { benchExtract(b, benchItem) }

// BenchmarkExtractArabic does the same for an item half in Arabic.
func BenchmarkExtractArabic(b *testing.B) { benchExtract(b, benchItemAR) }

// BenchmarkExtractReport extracts from an item that reports one attack.
func BenchmarkExtractReport(b *testing.B) { benchExtract(b, benchReport) }

// BenchmarkExtractNews extracts from an ordinary item that reports no
// attack.
func BenchmarkExtractNews(b *testing.B) { benchExtract(b, benchNews) }

func benchExtract(b *testing.B, in Input) {
	m := testMatcher(b)
	want := len(m.Extract(in).Events)
	if (want == 0) != (in.Title == benchNews.Title) {
		b.Fatalf("%d events in %q", want, in.Title)
	}
	b.SetBytes(int64(len(benchText(in))))
	b.ReportAllocs()
	for b.Loop() {
		if res := m.Extract(in); len(res.Events) != want {
			b.Fatal("events changed")
		}
	}
}

// BenchmarkExtractLong extracts from an item of about 100 KB, the most
// content a feed item keeps, made of one dated report and its history
// repeated: the cost must grow with the text, not with its square.
func BenchmarkExtractLong(b *testing.B) {
	in := benchReport
	in.Content = strings.Repeat("On Monday rockets hit Taji, wounding two, days after a drone attack last week on Balad. "+
		"The base was also struck in January 2020. ", 800)
	benchExtract(b, in)
}

// BenchmarkExtractLongUndated extracts from an item of about 100 KB whose
// body names sites again and again without a date: each mention is checked
// against the lede, which must cost the same for every one.
func BenchmarkExtractLongUndated(b *testing.B) {
	in := benchReport
	in.Content = strings.Repeat("Rockets hit Taji and a drone struck Balad, officials said, and Harir was targeted too. ", 1100)
	benchExtract(b, in)
}

// BenchmarkMatch is the matching alone: the text folded and every alias
// and cue word found in it, for the attack report and for the ordinary item.
func BenchmarkMatch(b *testing.B) { benchMatch(b, benchItem) }

// BenchmarkMatchArabic matches the item half in Arabic.
func BenchmarkMatchArabic(b *testing.B) { benchMatch(b, benchItemAR) }

// BenchmarkMatchNews matches the ordinary item.
func BenchmarkMatchNews(b *testing.B) { benchMatch(b, benchNews) }

func benchMatch(b *testing.B, in Input) {
	m := testMatcher(b)
	text := benchText(in)
	var f folder
	var raw []rawMatch
	var ids []int32
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		f.fold(text)
		raw, ids = m.ac.scan(&f, raw[:0], ids)
	}
	if len(raw) == 0 {
		b.Fatal("nothing found")
	}
}

// BenchmarkToLower is the floor: one bytes.ToLower pass over the same text.
func BenchmarkToLower(b *testing.B) { benchToLower(b, benchItem) }

// BenchmarkToLowerArabic is the floor for the Arabic item.
func BenchmarkToLowerArabic(b *testing.B) { benchToLower(b, benchItemAR) }

// BenchmarkToLowerNews is the floor for the ordinary item.
func BenchmarkToLowerNews(b *testing.B) { benchToLower(b, benchNews) }

func benchToLower(b *testing.B, in Input) {
	text := []byte(benchText(in))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = bytes.ToLower(text)
	}
}

// BenchmarkNewMatcher builds the automaton over the full gazetteer and cues.
func BenchmarkNewMatcher(b *testing.B) {
	g, err := LoadGazetteer(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewMatcher(g); err != nil {
			b.Fatal(err)
		}
	}
}
