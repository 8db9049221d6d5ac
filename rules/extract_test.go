package rules

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// brief renders the events of a result as "site@date" (+"~bg" for
// background, "!strike" for strikes), sorted, for table tests.
func brief(res Result) string {
	var out []string
	for _, e := range res.Events {
		id := e.SiteID
		if id == "" {
			id = "region:" + e.Site
		}
		s := id + "@" + e.Date.Format("2006-01-02")
		if e.Date.IsZero() {
			s = id + "@?"
		}
		if e.Kind == "strike" {
			s = "!strike"
		}
		if e.Background {
			s += "~bg"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

type extractCase struct {
	name    string
	title   string
	summary string
	content string
	pub     string
	want    string // brief(res)
	reason  string // substring of res.Reason when want is ""
}

func runExtractCases(t *testing.T, cases []extractCase) {
	t.Helper()
	m := testMatcher(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := m.Extract(Input{Title: c.title, Summary: c.summary, Content: c.content, Published: at(c.pub)})
			if got := brief(res); got != c.want {
				t.Errorf("events = %q, want %q (reason %q)\n%s", got, c.want, res.Reason, dump(res))
			}
			if c.reason != "" && !strings.Contains(res.Reason, c.reason) {
				t.Errorf("reason = %q, want it to say %q", res.Reason, c.reason)
			}
			checkSpans(t, res)
		})
	}
}

func dump(res Result) string {
	var b strings.Builder
	for _, e := range res.Events {
		fmt.Fprintf(&b, "  %s %s %s bg=%v unconf=%v w=%s p=%d k=%d wd=%d v=%q actor=%s/%s conf=%.2f\n", e.Kind, e.SiteID, e.Date.Format("2006-01-02"),
			e.Background, e.Unconfirmed, e.Weapon, e.Projectiles, e.Killed, e.Wounded, e.Victims, e.Actor, e.ActorRole, e.Confidence)
		for _, s := range e.Evidence {
			fmt.Fprintf(&b, "    %s %q\n", s.Field, s.Text)
		}
	}
	return b.String()
}

// checkSpans asserts that every span lies in the text and quotes it.
func checkSpans(t *testing.T, res Result) {
	t.Helper()
	for _, e := range res.Events {
		for _, s := range e.Evidence {
			if s.Start < 0 || s.End > len(res.Text) || s.Start > s.End || res.Text[s.Start:s.End] != s.Text {
				t.Fatalf("span %+v does not quote the text %q", s, res.Text)
			}
		}
	}
}

func TestExtractAttacks(t *testing.T) {
	runExtractCases(t, []extractCase{
		{name: "an embassy stormed", title: "Militia supporters storm US embassy compound in Baghdad",
			summary: "Protesters broke into the reception area and set fire to a guard post on Tuesday.", pub: "2019-12-31T15:00:00Z", want: "us-embassy-baghdad@2019-12-31"},
		{name: "site weapon verb in the title",
			title: "Katyusha rockets hit Camp Taji north of Baghdad",
			pub:   "2022-02-02T10:00:00Z", want: "taji@2022-02-02"},
		{name: "the early hours of a weekday are that weekday's", title: "Residents of Erbil recall the night missiles fell",
			summary: "Families by the road to the airport were woken by blasts in the early hours of Wednesday. Officials said one missile came down inside the airport's perimeter.",
			pub:     "2022-03-19T08:00:00Z", want: "erbil-airport@2022-03-16"},
		{name: "Arabic: at dawn today, a weekday, read in the region's time", title: "سقوط صواريخ على قاعدة بلد",
			summary: "سقطت ثلاثة صواريخ على قاعدة بلد الجوية فجر اليوم الأربعاء بحسب مصدر أمني.",
			pub:     "2021-04-20T23:30:00Z", want: "balad@2021-04-21"},
		{name: "weekday in the lead resolves against the publish date",
			title:   "Drones target al-Tanf garrison in Syria",
			summary: "Two drones were launched at the al-Tanf base near the Jordanian border on Friday, the coalition said.",
			pub:     "2023-10-22T08:00:00Z", want: "al-tanf@2023-10-20"},
		{name: "late on a weekday, published the next morning",
			title: "Rocket attack on Harir air base", summary: "Three rockets landed inside Harir base late on Sunday.",
			pub: "2022-05-16T05:00:00Z", want: "harir@2022-05-15"},
		{name: "the base named in the title, the attack in the lead",
			title:   "Conoco gas field: coalition statement",
			summary: "Mortar rounds struck the base overnight, damaging a storage building.",
			pub:     "2023-11-03T06:00:00Z", want: "conoco@2023-11-03"},
		{name: "anaphora: the attack sentence names only the base",
			title:   "Shaddadi base under fire",
			summary: "The base hosts US and coalition personnel. An explosive-laden drone hit the base on Tuesday evening.",
			pub:     "2024-01-10T09:00:00Z", want: "shaddadi@2024-01-09"},
		{name: "the date of a statement is not the date of the attack",
			title:   "Balad air base hit by rockets",
			summary: "The security media cell said on Wednesday that two rockets had struck Balad air base on Monday night.",
			pub:     "2021-05-06T09:00:00Z", want: "balad@2021-05-03"},
		{name: "a count since a month is news", title: "Rockets hit K-1 air base for the second time since December",
			pub: "2021-02-10T09:00:00Z", want: "k1@2021-02-10"},
		{name: "a US word that says who uses the site is no US strike",
			title:   "Drone strikes Harir airfield used by US-led coalition aircraft",
			summary: "The drone hit a hangar at the base north-east of Erbil on Saturday.",
			pub:     "2023-10-29T09:00:00Z", want: "harir@2023-10-28"},
		{name: "a weekday is the region's: published late in the evening UTC",
			title: "Rockets hit Union III base", summary: "Three rockets struck the Union III base in Baghdad early on Tuesday.",
			pub: "2022-03-14T22:30:00Z", want: "union-iii@2022-03-15"},
		{name: "an attack foiled in the air is an attack", title: "Air defences foil drone attack on Union III base",
			pub: "2023-11-20T08:00:00Z", want: "union-iii@2023-11-20"},
		{name: "the attack before \"N days after\" is news, what follows it history",
			title:   "Rockets hit Union III base",
			summary: "Three rockets struck the Union III base in Baghdad, two days after a drone was shot down near the airport.",
			pub:     "2022-01-05T09:00:00Z", want: "union-iii@2022-01-03~bg union-iii@2022-01-05"},
		{name: "Arabic dual of a weapon", title: "سقوط قذيفتين صاروخيتين على قاعدة عين الأسد",
			pub: "2022-01-05T09:00:00Z", want: "ain-al-asad@2022-01-05"},
		{name: "Arabic ordinal day in words", title: "سقوط صاروخين على قاعدة بلد الجوية في السابع عشر من آذار",
			pub: "2021-03-18T09:00:00Z", want: "balad@2021-03-17"},
		{name: "Arabic: the day before yesterday", title: "سقوط صاروخ على قاعدة عين الأسد أول أمس",
			pub: "2022-02-10T09:00:00Z", want: "ain-al-asad@2022-02-08"},
		{name: "a later date in the sentence dates the attack before it",
			title:   "Soldier buried in his home town",
			summary: "Mourners gathered on Friday for a soldier killed when rockets hit K-1 base on Wednesday.",
			pub:     "2021-03-06T09:00:00Z", want: "k1@2021-03-03"},
		{name: "Arabic: a later date in the sentence dates the attack before it", title: "تشييع جندي",
			summary: "شيع المئات صباح الجمعة جثمان جندي قتل بسقوط صواريخ على قاعدة كي وان أمس الأول",
			pub:     "2021-03-06T09:00:00Z", want: "k1@2021-03-04"},
		{name: "over the weekend, said on Monday", title: "State Department: rockets struck near US consulate in Erbil",
			summary: "The State Department said on Monday that two rockets struck near the US consulate in Erbil over the weekend.",
			pub:     "2023-10-23T15:00:00Z", want: "us-consulate-erbil@2023-10-21"},
		{name: "Arabic: dawn on a weekday", title: "أسقطت الدفاعات الجوية طائرة مسيرة حاولت استهداف قاعدة حرير فجر السبت",
			pub: "2024-02-05T09:00:00Z", want: "harir@2024-02-03"},
		{name: "a history sentence does not make the news history",
			title:   "Rockets hit Ain al-Asad, two wounded",
			summary: "Rockets hit Ain al-Asad on Tuesday, wounding two contractors. In January 2020 the base was struck by Iranian ballistic missiles.",
			pub:     "2023-03-08T09:00:00Z", want: "ain-al-asad@2023-03-07 ain-al-asad@?~bg"},
		{name: "Arabic: the province the rockets came from is no second target", title: "صواريخ على مطار أربيل",
			summary: "قال مصدر أمني إن أربعة صواريخ أطلقت فجر الخميس من قرية قرب سهل نينوى نحو مطار أربيل الذي يضم قوات التحالف.",
			pub:     "2021-02-18T09:00:00Z", want: "erbil-air-base@2021-02-18"},
		{name: "an embassy stormed by protesters of US strikes", title: "Crowd storms outer gate of US embassy in Baghdad",
			summary: "Militia supporters smashed windows and set fires at the reception building on Tuesday, protesting US air strikes on their bases.",
			pub:     "2019-12-31T15:00:00Z", want: "us-embassy-baghdad@2019-12-31"},
		{name: "a wire dateline is no second target", title: "Drone strikes Harir base",
			summary: "ERBIL, Iraq (Northwire) - A drone struck Harir air base, which hosts coalition troops north-east of Erbil, on Friday, officials said.",
			pub:     "2022-10-08T09:00:00Z", want: "harir@2022-10-07"},
		{name: "spelling variants: Qayara, Hareer", title: "Rockets hit Qayara airbase; drone downed near Hareer",
			pub: "2022-10-08T09:00:00Z", want: "harir@2022-10-08 qayyarah@2022-10-08"},
		{name: "Arabic: a compound named in the Green Zone is the place", title: "صواريخ تسقط في المنطقة الخضراء",
			summary: "سقط صاروخان على قاعدة يونيون 3 مساء الأحد دون إصابات.", pub: "2024-03-11T09:00:00Z", want: "union-iii@2024-03-10"},
		{name: "an attack after months of calm is news", title: "Rockets hit Union III base after months of calm",
			pub: "2024-06-02T09:00:00Z", want: "union-iii@2024-06-02"},
		{name: "militants fire on a base", title: "Soldier wounded as militants fire on Green Village base",
			pub: "2023-11-06T10:00:00Z", want: "al-omar@2023-11-06"},
		{name: "intercepted drone counts as an attack",
			title: "Air defences shoot down drone approaching Erbil airport",
			pub:   "2022-09-01T21:00:00Z", want: "erbil-air-base@2022-09-01"},
		{name: "spelling variants: Ayn al-Assad airbase",
			title: "Missiles strike Ayn al-Assad airbase", pub: "2024-08-05T20:00:00Z", want: "ain-al-asad@2024-08-05"},
		{name: "a site beyond the reference", title: "Rockets target US base at Tal Baydar in Hasakah",
			pub: "2024-01-10T09:00:00Z", want: "tal-baydar@2024-01-10"},
		{name: "spelling variants: Tel Beidar, a diphthong written another way",
			title: "Drone attack targets Tel Beidar base in Hasakah", pub: "2024-01-04T09:00:00Z", want: "tal-baydar@2024-01-04"},
		{name: "spelling variants: Rmeilan",
			title: "Two rockets fell near the Rmeilan airstrip on Thursday", pub: "2023-03-24T09:00:00Z", want: "rumalyn@2023-03-23"},
		{name: "explicit full date",
			title: "Qayyarah airfield targeted", summary: "A mortar attack targeted the Q-West airfield south of Mosul on June 3, 2019.",
			pub: "2019-06-04T09:00:00Z", want: "qayyarah@2019-06-03"},
		{name: "two sites in one sentence are two events",
			title: "Rockets hit Union III and Baghdad airport", summary: "Separate rocket salvos struck the Union III base and Baghdad International Airport on Monday night.",
			pub: "2021-01-19T07:00:00Z", want: "biap@2021-01-18 union-iii@2021-01-18"},
		{name: "related sites fold into one event",
			title: "Drone hits Erbil air base beside the airport", pub: "2023-12-01T18:00:00Z", want: "erbil-air-base@2023-12-01"},
		{name: "Arabic: attached prefixes and letter forms",
			title:   "استهداف قاعدة حرير بطائرتين مسيرتين",
			summary: "تعرضت قاعدة حرير الجوية شمال شرق أربيل مساء الاثنين لهجوم بطائرتين مسيرتين دون وقوع إصابات.",
			pub:     "2023-10-24T06:00:00Z", want: "harir@2023-10-23"},
		{name: "Arabic: rockets on al-Omar field, Thursday dawn",
			title: "صواريخ تسقط في حقل العمر النفطي", summary: "سقطت ثلاثة صواريخ فجر الخميس داخل حقل العمر حيث تتمركز القوات الأمريكية.",
			pub: "2023-11-09T07:00:00Z", want: "al-omar@2023-11-09"},
		{name: "Arabic: Sunday needs the article",
			title: "هجوم بالصواريخ على معسكر التاجي", summary: "سقط أحد الصواريخ قرب معسكر التاجي يوم الأحد.",
			pub: "2020-06-16T10:00:00Z", want: "taji@2020-06-14"},
	})
}

func TestExtractBoundForASite(t *testing.T) {
	runExtractCases(t, []extractCase{
		{name: "a drone heading for a base attacks it", title: "Drone downed near Kurdish base",
			summary: "Air defences shot down a drone heading for the Harir air base on Tuesday evening, officials said.",
			pub:     "2025-03-05T08:00:00Z", want: "harir@2025-03-04"},
		{name: "a missile on its way to a base", title: "Missile intercepted over Anbar",
			summary: "A ballistic missile on its way to Ain al-Asad was intercepted late on Monday, the coalition said.",
			pub:     "2025-03-05T08:00:00Z", want: "ain-al-asad@2025-03-03"},
		{name: "a city placed by a direction only locates the site", title: "هجوم بطائرة مسيرة",
			summary: "أسقطت الدفاعات الجوية مساء الثلاثاء طائرة مسيرة كانت متجهة نحو قاعدة حرير الجوية الواقعة شمال شرقي أربيل، والتي تستخدمها قوات التحالف الدولي.",
			pub:     "2025-03-05T08:00:00Z", want: "harir@2025-03-04"},
		{name: "the same in English", title: "Rockets hit Kurdish base",
			summary: "Rockets struck the Harir air base north-east of Erbil, which hosts coalition troops, on Tuesday evening.",
			pub:     "2025-03-05T08:00:00Z", want: "harir@2025-03-04"},
	})
}

func TestExtractRegions(t *testing.T) {
	runExtractCases(t, []extractCase{
		{name: "a base in a province with one base resolves to it",
			title: "Rockets hit a base in Anbar hosting US troops", pub: "2022-01-05T10:00:00Z", want: "ain-al-asad@2022-01-05"},
		{name: "an outpost in a country with one outpost",
			title: "Drone attack on an outpost in Jordan kills US soldiers", pub: "2024-01-29T06:00:00Z", want: "tower-22@2024-01-29"},
		{name: "an air base in western Iraq",
			title: "Drones target an air base in western Iraq", pub: "2023-10-18T06:00:00Z", want: "ain-al-asad@2023-10-18"},
		{name: "a base in a province with several stays the region",
			title: "Rockets target US base in Hasakah province", pub: "2023-10-30T06:00:00Z", want: "region:Hasakah@2023-10-30"},
		{name: "a region with no site noun and no target is not a site",
			title: "Rockets fall in Anbar province", pub: "2022-01-05T10:00:00Z", want: "", reason: "attack"},
		{name: "a country and an area in it make one region event", title: "Drone attack on a base hosting US troops in Iraq repelled",
			summary: "The drone was shot down as it approached a base in northern Iraq on Friday.", pub: "2023-10-27T07:00:00Z", want: "region:northern Iraq@2023-10-27"},
		{name: "a city named alone stays the city",
			title: "Rockets hit Erbil, officials say", pub: "2022-03-13T05:00:00Z", want: "region:Erbil@2022-03-13"},
		{name: "a convoy in a region is not a base",
			title: "Roadside bomb hits convoy carrying coalition supplies in Salahuddin", pub: "2021-06-01T10:00:00Z", want: "", reason: ""},
		{name: "a named site with a vague region beside it",
			title: "Drone strikes Tower 22 near the Syrian border", pub: "2024-01-28T18:00:00Z", want: "tower-22@2024-01-28"},
		{name: "a country in the title, the base in the lead", title: "Death toll in Jordan drone attack rises",
			summary: "More than 40 troops were hurt in Sunday's strike on the base near the Syrian border.", pub: "2024-01-30T10:00:00Z", want: "tower-22@2024-01-28"},
		{name: "a city in the title, the airport in the lead", title: "Rocket attack on Erbil: what we know",
			summary: "Three rockets landed inside the airport complex late on Monday.", pub: "2021-02-16T12:00:00Z", want: "erbil-airport@2021-02-15"},
		{name: "US embassy in another country is not the Baghdad embassy",
			title: "Rockets land near US embassy in Beirut", pub: "2023-06-01T10:00:00Z", want: "", reason: ""},
		{name: "Green Zone is the embassy",
			title: "Two Katyushas fall inside Baghdad's Green Zone", pub: "2020-11-18T01:00:00Z", want: "us-embassy-baghdad@2020-11-18"},
	})
}

func TestExtractNotAttacks(t *testing.T) {
	runExtractCases(t, []extractCase{
		{name: "visit", title: "Defense secretary visits troops at Ain al-Asad",
			summary: "He toured the flight line and met commanders.", pub: "2022-04-01T10:00:00Z", want: "", reason: "visit"},
		{name: "sport", title: "Erbil SC strike late to beat Naft al-Wasat",
			summary: "A header in stoppage time hit the net to win the league match for Erbil.", pub: "2022-04-01T10:00:00Z", want: ""},
		{name: "exercise", title: "Coalition troops fire mortars in live-fire exercise at Besmaya",
			pub: "2020-02-10T10:00:00Z", want: "", reason: "exercise"},
		{name: "handover", title: "Coalition hands over K-1 air base to Iraqi forces",
			summary: "The transfer ceremony marked the end of a withdrawal from the Kirkuk base.", pub: "2020-03-29T10:00:00Z", want: ""},
		{name: "space launch", title: "Rocket launch puts a satellite into orbit from New Zealand",
			summary: "The launch vehicle lifted off at dawn.", pub: "2022-07-13T10:00:00Z", want: ""},
		{name: "drone footage", title: "Drone footage shows flooding near Balad air base",
			summary: "A video filmed from the air shows the runway under water.", pub: "2022-01-20T10:00:00Z", want: "", reason: "footage"},
		{name: "threat in the future tense", title: "Militia warns it will strike al-Tanf with drones",
			summary: "The group said its fighters would target the garrison unless US forces leave.", pub: "2023-11-01T10:00:00Z", want: "", reason: "future"},
		{name: "Arabic threat", title: "فصيل مسلح يهدد باستهداف قاعدة عين الأسد بالصواريخ",
			pub: "2023-11-01T10:00:00Z", want: "", reason: "threat"},
		{name: "foiled before launch", title: "Police seize rocket launchers aimed at Balad air base",
			summary: "Officers defused the rockets, which were primed to fire, in an orchard near the base.", pub: "2021-05-04T10:00:00Z", want: "", reason: "foiled"},
		{name: "a visit headline governs a sentence whose only evidence is the word attack",
			title:   "Army chief of staff visits soldiers in eastern Syria",
			summary: "General Ward spoke with troops at the Conoco and al-Omar bases on Tuesday about the recent wave of attacks on American forces.",
			pub:     "2024-02-07T10:00:00Z", want: "", reason: "visit"},
		{name: "a drill headline governs a sentence that names its base only indirectly",
			title:   "Danish and Iraqi crews hold counter-drone drill at Ain al-Asad",
			summary: "Gunners tracked and shot down target drones over the air base in western Anbar on Wednesday, the ministry said.",
			pub:     "2022-11-17T10:00:00Z", want: ""},
		{name: "an accident in the headline governs the item",
			title:   "Coalition cargo drone crashes at Qayyarah airfield after technical fault",
			summary: "The unmanned aircraft came down inside the Q-West base on Sunday and burned out near the runway, the coalition said.",
			pub:     "2021-09-13T10:00:00Z", want: "", reason: "accident"},
		{name: "an attack ruled out", title: "Blaze at Balad air base",
			summary: "A fire swept through a fuel depot at Balad air base on Friday; investigators ruled out an attack.",
			pub:     "2021-07-10T10:00:00Z", want: ""},
		{name: "training fire without the word exercise",
			title:   "Coalition gunners fire mortars at mock targets near Harir",
			summary: "Soldiers practised firing mortars and rockets at the range beside Harir air base on Tuesday.",
			pub:     "2022-10-12T10:00:00Z", want: "", reason: "exercise"},
		{name: "Arabic training fire", title: "قوات التحالف تنفذ رمايات بقذائف الهاون قرب قاعدة عين الأسد",
			pub: "2022-10-12T10:00:00Z", want: "", reason: "exercise"},
		{name: "prices rocket", title: "Rents near Harir air base rocket as contractors return",
			pub: "2022-10-12T10:00:00Z", want: ""},
		{name: "attacks on bases such as", title: "Pentagon weighs more strikes on militias",
			summary: "Militias have claimed dozens of rocket and drone attacks on bases such as Union III and Erbil air base.",
			pub:     "2024-02-01T10:00:00Z", want: ""},
		{name: "trucks heading for a base are a convoy", title: "Roadside bomb hits lorries in Anbar",
			summary: "A roadside bomb damaged two lorries heading for Ain al-Asad on Monday, police said.",
			pub:     "2025-03-05T08:00:00Z", want: ""},
		{name: "a site as the destination of a convoy", title: "Roadside bomb hits trucks on the Baghdad-Hilla highway",
			summary: "The blast damaged two lorries carrying supplies bound for Balad air base on Monday, police said.",
			pub:     "2022-05-03T10:00:00Z", want: ""},
		{name: "the town a base is named after", title: "Bomb kills farmer on a road in Erbil province",
			summary: "A roadside bomb struck a car outside the town of Harir on Monday, killing a farmer, police said.",
			pub:     "2022-05-03T10:00:00Z", want: ""},
		{name: "a site as a landmark far away", title: "Militants ambush Syrian army checkpoint",
			summary: "Gunmen attacked a government checkpoint some 60 km north of al-Tanf on Monday, killing four soldiers.",
			pub:     "2022-05-03T10:00:00Z", want: ""},
		{name: "a site said to be far from the blast", title: "Missiles hit a house in Erbil",
			summary: "Missiles struck a house in the suburbs of Erbil on Monday night, officials said; the US consulate is about 5 km away.",
			pub:     "2022-05-03T10:00:00Z", want: "region:Erbil@2022-05-02"},
		{name: "a Turkish strike", title: "Turkish air strike hits PKK hideout near Rmeilan",
			pub: "2022-05-03T10:00:00Z", want: "", reason: "Turkey"},
		{name: "a test of air defences", title: "Loud bangs at Erbil air base as coalition tests its counter-drone guns",
			summary: "The coalition said the bursts heard on Thursday evening were a test of its defences and that no attack took place.",
			pub:     "2022-05-06T10:00:00Z", want: ""},
		{name: "a weapon found with no word of firing", title: "Farmers find an old rocket near Balad air base",
			pub: "2022-01-05T09:00:00Z", want: "", reason: "foiled"},
		{name: "Arabic accusative ending on a cue word", title: "القوات الأمريكية تنفذ تمريناً بقذائف الهاون في قاعدة حرير",
			pub: "2022-02-10T09:00:00Z", want: "", reason: "exercise"},
		{name: "a denied attack", title: "Iraqi military denies that rockets struck Ain al-Asad base",
			pub: "2023-05-02T09:00:00Z", want: "", reason: "denied"},
		{name: "a denial far from the attack words, in one clause", title: "Ain al-Asad quiet, army says",
			summary: "A spokesman for the commander-in-chief of the armed forces denied the reports circulating on social media of a rocket attack on Ain al-Asad last night.",
			pub:     "2023-05-02T09:00:00Z", want: "", reason: "denied"},
		{name: "fighting between others", title: "Clashes near al-Omar oil field",
			summary: "Rival Arab tribes fought with rifles and mortars in villages by the field on Sunday; coalition officials said their troops were not involved.",
			pub:     "2023-09-04T09:00:00Z", want: "", reason: "not involved"},
		{name: "a denied role is no denied attack", title: "Kataib Hezbollah denies any role in rocket attack on Ain al-Asad",
			summary: "Rockets struck the base on Monday, the coalition said.", pub: "2023-05-02T09:00:00Z", want: "ain-al-asad@2023-05-01"},
		{name: "a clause that lists many sites is a roundup", title: "Militias keep up pressure on US bases",
			summary: "Since February, militias have targeted Ain al-Asad, Harir, Union III and al-Tanf with rockets and drones.",
			pub:     "2023-05-08T09:00:00Z", want: ""},
		{name: "a headline that spans the sites of a roundup sums it up", title: "From Harir to al-Tanf, a month of attacks on US forces",
			summary: "Drones and rockets have been fired at Harir, Erbil airport, Shaddadi and al-Tanf since the start of October, a count by the monitor shows.",
			pub:     "2023-11-03T09:00:00Z", want: ""},
		{name: "the same in Arabic", title: "من حرير إلى التنف.. شهر من الهجمات على القوات الأمريكية",
			summary: "استهدفت طائرات مسيرة وصواريخ قواعد حرير ومطار أربيل والشدادي والتنف منذ مطلع تشرين الأول، بحسب إحصائية للمرصد.",
			pub:     "2023-11-03T09:00:00Z", want: ""},
		{name: "a headline that reports one of the sites a roundup lists", title: "Drone hits Harir air base",
			summary: "The drone struck Harir late on Thursday. Drones and rockets have been fired at Harir, Erbil airport, Shaddadi and al-Tanf since the start of October.",
			pub:     "2023-11-03T09:00:00Z", want: "harir@2023-11-02"},
		{name: "a headline that reports two attacks of a night", title: "Rockets hit Ain al-Asad and Harir",
			summary: "Rockets struck both bases late on Thursday, the coalition said.",
			pub:     "2023-11-03T09:00:00Z", want: "ain-al-asad@2023-11-02 harir@2023-11-02"},
		{name: "an embassy that condemns is a speaker", title: "Embassy condemns attacks",
			summary: "The US embassy in Baghdad condemned another reckless attack by militias on Iraqi soil.", pub: "2023-05-08T09:00:00Z", want: ""},
		{name: "a site that locates another place", title: "Checkpoint attacked near Tarmiyah",
			summary: "Gunmen attacked an army checkpoint near Tarmiyah, north of Camp Taji, on Monday, killing two soldiers.",
			pub:     "2023-05-09T09:00:00Z", want: ""},
		{name: "a plot is no attack", title: "Police arrest cell plotting rocket attacks on Balad air base",
			pub: "2021-05-08T09:00:00Z", want: ""},
		{name: "unless attacks stop", title: "Washington warns it will close its Baghdad embassy unless attacks on the Green Zone stop",
			pub: "2020-09-28T09:00:00Z", want: ""},
		{name: "a ban on private drones", title: "Kurdish authorities ban private drones near Erbil airport",
			pub: "2021-06-01T09:00:00Z", want: ""},
		{name: "farm drones", title: "Farmers near Balad use drones to spray orchards", pub: "2024-05-02T09:00:00Z", want: ""},
		{name: "the town a base is named after, followed by town",
			title: "Islamic State attack on checkpoint near al-Shaddadi town kills two SDF fighters", pub: "2024-05-02T09:00:00Z", want: ""},
		{name: "a drone and a launch ramp found", title: "Police find drone near K-1 base",
			summary: "KIRKUK, Iraq (Tigris Wire) - Police found a drone and a launch ramp in a field south of the K-1 base on Sunday, apparently readied for an attack on the base.",
			pub:     "2022-10-04T09:00:00Z", want: "", reason: "foiled"},
		{name: "a camp of another army", title: "Rockets target Turkish base at Zilkan near Mosul",
			summary: "Four rockets landed inside the camp in Nineveh province on Tuesday, Turkey's defence ministry said.", pub: "2021-04-15T09:00:00Z", want: ""},
		{name: "Arabic: the prime minister's home in the Green Zone", title: "طائرة مسيرة تستهدف منزل رئيس الوزراء في المنطقة الخضراء",
			pub: "2021-11-07T09:00:00Z", want: ""},
		{name: "a storming in the Green Zone that names no embassy", title: "Protesters storm government offices in Baghdad's Green Zone",
			summary: "Hundreds of demonstrators broke into the cabinet building on Saturday.", pub: "2022-08-01T09:00:00Z", want: "region:Baghdad@2022-07-30"},
		{name: "another force's post near a site", title: "Drone attack on PMF headquarters near Balad air base kills three fighters",
			pub: "2023-02-01T09:00:00Z", want: ""},
		{name: "US bombers answer an attack", title: "US hits dozens of targets in Syria after drone deaths",
			summary: "American bombers struck weapons depots used by militias at five locations on Saturday, in retaliation for the drone attack that killed two soldiers at al-Tanf.",
			pub:     "2024-03-10T01:30:00Z", want: "!strike al-tanf@2024-03-09~bg"},
		{name: "blasts that were a controlled detonation", title: "Blasts near Rumalyn base were controlled detonations, SDF says",
			summary: "Explosions that shook the Rumalyn airstrip on Sunday, which residents took for a drone attack, came from the planned destruction of old munitions, an official said.",
			pub:     "2023-11-28T12:40:00Z", want: ""},
		{name: "a controlled detonation in Arabic", title: "دوي انفجارات وتصاعد دخان في قاعدة الشدادي بعد تفجير مسيطر عليه لمخلفات حربية",
			pub: "2023-11-28T12:40:00Z", want: ""},
		{name: "a threat to widen attacks", title: "Militia threatens to step up its attacks on Harir and Erbil",
			pub: "2023-10-22T10:00:00Z", want: ""},
		{name: "a threat to widen attacks, in Arabic", title: "فصيل مسلح يتوعد بتصعيد هجماته على قاعدتي حرير وعين الأسد",
			pub: "2023-10-22T10:00:00Z", want: ""},
		{name: "a counter-IED course", title: "Iraqi soldiers finish counter-IED course at Taji",
			summary: "Some 300 soldiers completed a counter-IED course run by coalition trainers at Camp Taji.", pub: "2021-07-12T08:00:00Z", want: ""},
		{name: "blasts that were an air defence test", title: "Blasts at Harir base were an air-defence test, officials say",
			summary: "Loud booms were heard over the Harir air base on Sunday night.", pub: "2023-08-14T06:00:00Z", want: ""},
		{name: "an air defence test in Arabic", title: "دوي انفجارات في قاعدة حرير ناجم عن اختبار منظومة الدفاع الجوي",
			pub: "2023-08-14T06:00:00Z", want: ""},
		{name: "talk of closing an embassy over rocket fire", title: "White House considers closing embassy in Baghdad over rocket fire",
			summary: "Officials said the move would follow months of militia rockets aimed at the compound.", pub: "2020-09-30T09:00:00Z", want: ""},
		{name: "rockets that shut an airport are an attack", title: "Rocket fire shuts Erbil airport",
			summary: "Rockets fell near Erbil airport on Monday night, forcing it to close for hours.", pub: "2020-10-01T09:00:00Z", want: "erbil-air-base@2020-09-28"},
		{name: "a pause in rocket strikes", title: "Armed factions offer to pause attacks on American bases",
			summary: "The groups said they would suspend rocket strikes on Ain al-Asad and Harir while talks on a withdrawal go on.",
			pub:     "2020-10-11T14:00:00Z", want: "", reason: "halt to attacks"},
		{name: "a pause in rocket strikes in Arabic", title: "فصائل تعلن تجميد الهجمات على القواعد الأمريكية",
			summary: "أعلنت فصائل مسلحة وقف الهجمات الصاروخية على قاعدة عين الأسد ومطار أربيل لمدة شهر.",
			pub:     "2020-10-11T14:00:00Z", want: ""},
		{name: "flights halted after an attack are no halt to it", title: "Flights halted at Erbil airport after drone attack",
			summary: "Flights were halted at Erbil airport after a drone attack on the coalition base on Saturday evening.",
			pub:     "2020-10-11T14:00:00Z", want: "erbil-air-base@2020-10-10"},
		{name: "reports called false after the fact", title: "Tanf quiet, coalition says",
			summary: "Posts claiming that rockets hit the al-Tanf garrison overnight were false, a coalition spokesman said.", pub: "2023-11-14T09:00:00Z", want: ""},
		{name: "reports called untrue in Arabic", title: "هدوء في بلد",
			summary: "قالت قيادة العمليات إن الأنباء عن سقوط صواريخ على قاعدة بلد غير صحيحة.", pub: "2023-11-14T09:00:00Z", want: ""},
		{name: "a false report of casualties beside a real attack", title: "Rockets hit Taji",
			summary: "Rockets hit Camp Taji overnight, officials said; earlier reports of casualties were false.", pub: "2023-11-14T09:00:00Z", want: "taji@2023-11-14"},
		{name: "the town of Hit is no impact", title: "Army defuses rockets near Anbar base",
			summary: "Soldiers found two rockets on a rail in farmland outside Hit, aimed at the air base, and defused them, the army said.", pub: "2021-05-19T09:10:00Z", want: ""},
		{name: "an Arabic denial in the present tense", title: "المتحدث العسكري ينفي سقوط صواريخ على قاعدة التاجي",
			pub: "2022-02-02T09:00:00Z", want: ""},
		{name: "an Arabic denial by several", title: "هدوء في حرير",
			summary: "مسؤولون في الإقليم نفوا تعرض قاعدة حرير لهجوم بطائرة مسيرة مساء الثلاثاء.", pub: "2022-02-02T09:00:00Z", want: ""},
		{name: "a denial of claims that a base was shelled", title: "Coalition denies online claims that Harir base was shelled",
			summary: "A coalition spokesman said there had been no attack on the base and all personnel were safe.", pub: "2023-02-01T09:00:00Z", want: "", reason: "denied"},
		{name: "fire for a certification", title: "Gunners pound the ranges at Taji",
			summary: "Iraqi crews fired dozens of mortar rounds at targets near Camp Taji as part of their certification.", pub: "2022-05-02T09:00:00Z", want: "", reason: "exercise"},
		{name: "Arabic: a cell arrested with rockets it meant to fire", title: "القبض على خلية بحوزتهم صواريخ كانوا يعتزمون إطلاقها على قاعدة بلد",
			pub: "2024-03-11T09:00:00Z", want: "", reason: "foiled"},
		{name: "Arabic: a launcher seized, in the present tense", title: "الأمن تضبط منصة صواريخ معدة لقصف قاعدة بلد",
			pub: "2024-06-02T09:00:00Z", want: "", reason: "foiled"},
		{name: "heart attack is not an attack", title: "Contractor at Union III dies of heart attack",
			pub: "2021-05-04T10:00:00Z", want: ""},
		{name: "analysis without a specific attack", title: "Analysis: why drones keep hitting bases in Syria",
			summary: "Dozens of drone attacks have targeted al-Omar and Conoco since October.", pub: "2023-12-15T10:00:00Z", want: ""},
		{name: "generic history", title: "Ain al-Asad has been repeatedly targeted by rockets",
			pub: "2022-04-01T10:00:00Z", want: ""},
		{name: "US strike on militias", title: "US warplanes strike Kataib Hezbollah facilities in Syria",
			summary: "The strikes targeted weapons storage sites used by Iran-backed militias.", pub: "2024-02-03T10:00:00Z", want: "!strike", reason: "US strike"},
		{name: "US strike citing an attack: the attack is background",
			title:   "US strikes militia headquarters after drone attack on Tower 22",
			summary: "American aircraft hit command centres in retaliation for the drone attack that struck Tower 22 last weekend.",
			pub:     "2024-02-03T10:00:00Z", want: "!strike tower-22@2024-01-27~bg"},
		{name: "attack after a US strike is news",
			title: "Rockets hit Ain al-Asad hours after US strikes on militia sites",
			pub:   "2023-10-27T10:00:00Z", want: "ain-al-asad@2023-10-27"},
		{name: "a US drone strike on a militia leader", title: "US drone strike kills militia commander in Baghdad",
			summary: "The strike hit a car carrying the commander on Thursday.", pub: "2024-01-05T10:00:00Z", want: "!strike region:Baghdad@2024-01-04~bg"},
		{name: "Arabic US strike", title: "غارات أمريكية على مقرات كتائب حزب الله في القائم",
			pub: "2024-02-03T10:00:00Z", want: "!strike"},
		{name: "no site at all", title: "Iraqi parliament debates budget", pub: "2022-04-01T10:00:00Z", want: "", reason: "no site named"},
		{name: "attack with no site", title: "Rocket attack reported, location unclear", pub: "2022-04-01T10:00:00Z", want: "", reason: "no site"},
		{name: "what happens whenever a base is hit", title: "Living next to Harir base",
			summary: "Farmers depend on the base for work and fear it too: when the base is hit, their orchards shake.", pub: "2021-06-20T08:30:00Z", want: ""},
		{name: "every time, in Arabic", title: "سكان قرب قاعدة بلد",
			summary: "يقول السكان إنهم كلما سقطت صواريخ على قاعدة بلد أغلقوا محالهم.", pub: "2021-06-20T08:30:00Z", want: ""},
		{name: "a dated attack beside a habit is news", title: "Rockets hit Balad air base",
			summary: "Rockets hit Balad air base on Sunday; whenever the base is hit, flights stop.", pub: "2021-06-21T08:30:00Z", want: "balad@2021-06-20"},
		{name: "a halt to attacks", title: "Militia suspends attacks on US forces after Tower 22 strike",
			pub: "2024-02-01T10:00:00Z", want: "", reason: "halt to attacks"},
		{name: "a bomb in a city with no coalition forces", title: "Roadside bomb kills two in Kirkuk", pub: "2022-05-01T10:00:00Z", want: ""},
		{name: "an Iraqi army base", title: "Mortars hit Iraqi army base in Salahuddin, wounding three soldiers", pub: "2022-05-01T10:00:00Z", want: ""},
		{name: "an Islamic State attack", title: "Islamic State fighters attack a base in Anbar", pub: "2022-05-01T10:00:00Z", want: ""},
		{name: "a site that speaks is not a target", title: "Rockets hit Ain al-Asad, the US embassy in Baghdad said",
			pub: "2022-05-01T10:00:00Z", want: "ain-al-asad@2022-05-01"},
		{name: "officials speaking after two sites", title: "Rockets hit Ain al-Asad and Harir, officials said",
			pub: "2022-05-01T10:00:00Z", want: "ain-al-asad@2022-05-01 harir@2022-05-01"},
		{name: "a base that drones flew from", title: "Coalition drones launched from Harir struck Islamic State hideouts",
			pub: "2022-05-01T10:00:00Z", want: ""},
		{name: "air defences deployed", title: "Pentagon deploys Patriot batteries and a missile defence system to Ain al-Asad",
			pub: "2020-04-01T10:00:00Z", want: ""},
		{name: "a count of attacks over a past week is a tally", title: "US sends more troops to Camp Taji",
			summary: "The deployment follows two rocket attacks on the base in the past week.", pub: "2021-03-10T10:00:00Z", want: ""},
		{name: "a count of attacks over the past days, in Arabic", title: "تعزيزات أمريكية إلى قاعدة التاجي",
			summary: "وتأتي التعزيزات بعد هجومين صاروخيين على قاعدة التاجي خلال الأيام الماضية.", pub: "2021-03-10T10:00:00Z", want: ""},
		{name: "the third attack in a week is the latest", title: "Rockets hit Camp Taji, the third attack on the base in the past week",
			pub: "2021-03-10T10:00:00Z", want: "taji@2021-03-10"},
		{name: "a stray rocket that fell short of the site", title: "Stray rocket hits a house in eastern Baghdad",
			summary: "A rocket landed on a house late on Saturday, wounding a woman; police said it fell well short of the Green Zone.", pub: "2020-10-04T10:00:00Z",
			want: "region:Baghdad@2020-10-03"}, // placed only in the city, which alerts nothing
		{name: "a rocket that landed near the site", title: "Rocket lands near the Green Zone",
			summary: "A rocket landed near the Green Zone late on Saturday, police said.", pub: "2020-10-04T10:00:00Z", want: "us-embassy-baghdad@2020-10-03"},
		{name: "no rockets hit", title: "Sirens sound at Harir base",
			summary: "No rockets hit Harir base on Monday night, officials said.", pub: "2022-04-12T10:00:00Z", want: ""},
		{name: "a denial in the headline governs the claim it denies", title: "Coalition denies rocket attack on Harir base",
			summary: "A spokesman dismissed online claims that the Harir base had been shelled on Monday night.", pub: "2022-04-12T10:00:00Z", want: ""},
		{name: "a denial in the headline leaves another site's attack", title: "Coalition denies rocket attack on Harir base",
			summary: "Separately, a drone attack on Ain al-Asad on Monday night caused no damage.", pub: "2022-04-12T10:00:00Z", want: "ain-al-asad@2022-04-11"},
		{name: "a hearing in a case", title: "Court opens hearing in Harir drone attack case",
			pub: "2026-01-28T10:00:00Z", want: "harir@?~bg"},
		{name: "testimony about an attack", title: "Soldier testifies about the night rockets hit Camp Taji",
			pub: "2021-09-02T10:00:00Z", want: "taji@?~bg"},
		{name: "a judge's visit beside a new attack", title: "Rockets hit Camp Taji as judge visits Baghdad",
			pub: "2021-09-02T10:00:00Z", want: "taji@2021-09-02"},
		{name: "senators pressing officials about attacks", title: "Senators press Pentagon on air defences after Tower 22 and Ain al-Asad attacks",
			summary: "Military officials faced questions on Thursday from the Senate Armed Services Committee about drone attacks on small bases.", pub: "2024-09-19T10:00:00Z", want: "ain-al-asad@2024-09-19~bg tower-22@2024-09-19~bg"},
		{name: "a trial in Arabic", title: "محكمة عراقية تنظر في قضية الهجوم الصاروخي على قاعدة بلد",
			pub: "2021-09-02T10:00:00Z", want: "balad@?~bg"},
		{name: "a court case, dated by the year of the attack", title: "Court hears case of men accused over the 2020 rocket attack on Balad",
			pub: "2024-01-15T10:00:00Z", want: "region:Balad@?~bg"},
		{name: "the year of an attack before its site", title: "Survivors of 2020 Taji rocket attack meet veterans' officials",
			pub: "2024-01-15T10:00:00Z", want: "taji@?~bg"},
		{name: "men charged, and the hearing adjourned", title: "Two men charged over rocket attack on Camp Taji",
			summary: "The men appeared in court in Baghdad on Monday and the hearing was adjourned.", pub: "2024-01-16T10:00:00Z", want: "taji@2024-01-15~bg"},
		{name: "a year that names a span dates nothing", title: "Rockets hit Ain al-Asad, the first attack on the base since 2022",
			pub: "2024-01-15T10:00:00Z", want: "ain-al-asad@2024-01-15"},
		{name: "coalition aircraft that took off struck nothing", title: "Blasts heard at al-Shaddadi base",
			summary: "A drone hit near the helipad of the al-Shaddadi base on Tuesday morning, and coalition aircraft took off soon after.",
			pub:     "2023-10-24T11:00:00Z", want: "shaddadi@2023-10-24"},
		{name: "a second anniversary is no second attack", title: "Families mark the second anniversary of the Tower 22 drone attack",
			pub: "2026-01-28T10:00:00Z", want: "tower-22@?~bg"},
		{name: "for the third time, in Arabic", title: "صواريخ تستهدف قاعدة التاجي للمرة الثالثة خلال الأيام الماضية",
			pub: "2021-03-10T10:00:00Z", want: "taji@2021-03-10"},
		{name: "an Iraqi army post in the town a base is named after", title: "Mortar rounds hit an Iraqi army post in Qayyarah, wounding two soldiers",
			pub: "2020-07-14T10:00:00Z", want: ""},
		{name: "an Iraqi army post in the town, in Arabic", title: "سقوط قذيفتي هاون على مقر للجيش العراقي في القيارة",
			pub: "2020-07-14T10:00:00Z", want: ""},
		{name: "an Iraqi army post inside a base is the base", title: "Rockets hit an Iraqi army post in the Ain al-Asad air base",
			pub: "2020-07-14T10:00:00Z", want: "ain-al-asad@2020-07-14"},
		{name: "a checkpoint close to a site", title: "Islamic State gunmen attack a checkpoint close to the al-Omar field, killing two",
			pub: "2022-01-22T10:00:00Z", want: ""},
		{name: "a checkpoint near a site, in Arabic", title: "مسلحون يهاجمون حاجزاً في بلدة قريبة من حقل العمر",
			pub: "2022-01-22T10:00:00Z", want: ""},
		{name: "where the sources are, in Arabic", title: "مسيرة تستهدف قاعدة خراب الجير",
			summary: "استهدفت طائرة مسيرة قاعدة خراب الجير أمس. وأفادت مصادر محلية في رميلان بسماع دوي انفجار قوي. ولم تتبن أي جهة الهجوم حتى صباح اليوم.",
			pub:     "2024-11-13T06:00:00Z", want: "kharab-al-jir@2024-11-12"},
		{name: "where the residents are", title: "Drone hits Kharab al-Jir base",
			summary: "A drone hit the Kharab al-Jir base on Tuesday. Residents in Rmeilan said they heard a loud blast. No group had claimed the attack as of Wednesday morning.",
			pub:     "2024-11-13T06:00:00Z", want: "kharab-al-jir@2024-11-12"},
		{name: "Turkish drones in the countryside of a town", title: "طائرات مسيرة تركية تقصف محطة كهرباء في ريف رميلان",
			pub: "2023-10-08T10:00:00Z", want: ""},
		{name: "a leader who survives a drone attack on his home", title: "Iraqi leader survives drone attack on his Baghdad home",
			summary: "An explosive-laden drone struck his residence in the Green Zone overnight, wounding two guards.", pub: "2021-11-07T06:00:00Z", want: ""},
		{name: "staff moved to another base", title: "Contractor pulls technicians out of Balad after weekend strike",
			summary: "The company said it had moved its staff to Erbil after rockets hit the base on Sunday.", pub: "2023-12-04T09:00:00Z", want: "balad@2023-12-03"},
		{name: "the wounded flown to a base", title: "Rockets hit Ain al-Asad, wounding two",
			summary: "Rockets hit Ain al-Asad on Monday; the two wounded soldiers were flown to Erbil for treatment.", pub: "2023-12-05T09:00:00Z", want: "ain-al-asad@2023-12-04"},
		{name: "the road to an airport", title: "A US drone strike hit a car on the Baghdad airport road, killing two militia officers",
			pub: "2024-05-20T10:00:00Z", want: "!strike"},
		{name: "farm drones in Arabic", title: "مسيرات زراعية ترش بساتين قرب قاعدة بلد الجوية", pub: "2024-05-20T10:00:00Z", want: ""},
		{name: "a documentary", title: "Documentary about the missile night at Ain al-Asad premieres in Erbil", pub: "2024-05-20T10:00:00Z", want: ""},
		{name: "jets that took off from a base, in Arabic", title: "مقاتلات عراقية تنطلق من قاعدة بلد لقصف مواقع داعش",
			pub: "2024-05-20T10:00:00Z", want: ""},
		{name: "a smugglers' drone", title: "Jordanian army downs a drug-smuggling drone near Tower 22", pub: "2024-05-20T10:00:00Z", want: ""},
		{name: "a village east of the field", title: "Gunmen attacked a checkpoint in the village of Dhiban, east of the al-Omar field, on Sunday",
			pub: "2024-05-20T10:00:00Z", want: ""},
		{name: "the roads toward a base", title: "Car bomb kills three in Kirkuk",
			summary: "Roads toward the K-1 base were closed for hours after the blast.", pub: "2024-05-20T10:00:00Z", want: "region:Kirkuk@2024-05-20"},
		{name: "crews rehearse counter-drone defence", title: "Coalition crews rehearse counter-drone defence at Harir",
			pub: "2025-06-09T10:00:00Z", want: ""},
		{name: "counter-rocket guns sent", title: "US moves counter-rocket systems to Camp Taji",
			summary: "The Pentagon sent two C-RAM batteries to the Taji base on Tuesday, officials said.", pub: "2021-03-10T10:00:00Z", want: ""},
		{name: "unmanned aircraft systems downed", title: "Two fixed-wing UAS downed by C-RAM near Baghdad airport, no casualties",
			pub: "2022-01-03T08:00:00Z", want: "biap@2022-01-03"},
		{name: "counter-UAS systems are no drones", title: "Pentagon sends counter-UAS systems to Baghdad airport",
			pub: "2022-01-03T08:00:00Z", want: ""},
		{name: "counter-rocket guns that fire are evidence", title: "Counter-rocket system shoots down rockets over Camp Taji",
			pub: "2021-03-10T10:00:00Z", want: "taji@2021-03-10"},
		{name: "a Turkish strike near Erbil", title: "Turkish drone strike kills PKK members near Erbil",
			pub: "2022-06-01T10:00:00Z", want: ""},
		{name: "an attack denied", title: "Blast heard at Harir base was a controlled detonation, no attack took place",
			pub: "2022-08-01T10:00:00Z", want: ""},
		{name: "another country's base in the same province", title: "Rockets hit the Zilkan base in Nineveh, Turkish officials say",
			pub: "2022-05-01T10:00:00Z", want: ""},
		{name: "Bashar al-Assad is not Ain al-Asad", title: "Forces loyal to Bashar al-Assad shelled rebel towns",
			pub: "2019-05-10T10:00:00Z", want: ""},
	})
}

func TestExtractBackground(t *testing.T) {
	runExtractCases(t, []extractCase{
		{name: "a site in the clause of cause after another's attack",
			title:   "Rockets hit Ain al-Asad",
			summary: "Rockets hit Ain al-Asad on Friday, officials said, hours after a drone attack that killed a contractor at Harir.",
			pub:     "2023-03-24T10:00:00Z", want: "ain-al-asad@2023-03-24 harir@2023-03-24~bg"},
		{name: "the last day of the year is not today, in Arabic",
			title:   "تحليل: حرب الاستنزاف ضد الوجود الأمريكي",
			summary: "وتعود جذور هذه الحرب إلى اقتحام أنصار الفصائل محيط السفارة الأمريكية في بغداد في اليوم الأخير من العام الماضي.",
			pub:     "2020-10-02T10:00:00Z", want: ""},
		{name: "a dawn in a dated line of a timeline is that day's",
			title:   "Timeline: the attacks of the winter",
			summary: "8 December: Mortar shells land inside the US embassy compound in Baghdad before dawn. No injuries.",
			pub:     "2024-02-20T09:00:00Z", want: "us-embassy-baghdad@2023-12-08~bg"},
		{name: "the attack a strike answers, named first",
			title:   "After the Tower 22 strike, US bombers hit 85 targets in Iraq and Syria",
			summary: "A week after the drone strike on Tower 22 that killed three soldiers, the United States on Friday launched a wave of air strikes on 85 targets.",
			pub:     "2024-02-03T06:00:00Z", want: "!strike tower-22@2024-02-02~bg"},
		{name: "a count of attacks in a few days is a tally", title: "Three rocket attacks in six days test coalition defences at Camp Taji",
			pub: "2020-03-17T10:00:00Z", want: ""},
		{name: "a toll given on the day of a statement, with the attack's own day",
			title:   "Toll from drone attack on al-Omar base rises to seven",
			summary: "The death toll from the drone attack on the al-Omar base rose to seven, a monitor said on Tuesday. The SDF had reported six fighters killed in the attack late on Sunday.",
			pub:     "2024-02-06T10:00:00Z", want: "al-omar@2024-02-04"},
		{name: "a toll given on the day of a statement, in Arabic",
			title:   "ارتفاع حصيلة قتلى الهجوم على قاعدة حقل العمر إلى سبعة",
			summary: "ارتفعت حصيلة قتلى الهجوم بطائرة مسيرة على قاعدة حقل العمر إلى سبعة، بحسب ما أفاد المرصد السوري الثلاثاء. وكان الهجوم قد وقع ليل الأحد.",
			pub:     "2024-02-06T10:00:00Z", want: "al-omar@2024-02-04"},
		{name: "another attack keeps apart from a statement's day",
			title:   "Drone hits al-Omar base",
			summary: "A drone hit the al-Omar base, officials said on Tuesday. Another drone attack hit the base on Sunday.",
			pub:     "2024-02-06T10:00:00Z", want: "al-omar@2024-02-04 al-omar@2024-02-06"},
		{name: "hours later, another attack, in Arabic",
			title:   "هجومان على قاعدتين في الحسكة",
			summary: "تعرضت قاعدة رميلان صباح الأحد لهجوم بطائرة مسيرة، وبعد ساعات سقطت صواريخ داخل قاعدة الشدادي.",
			pub:     "2023-12-10T19:00:00Z", want: "rumalyn@2023-12-10 shaddadi@2023-12-10"},
		{name: "strikes on US positions are an attack",
			title:   "Drone strikes on US positions in Syria wound four",
			summary: "Drone strikes on US positions at the al-Tanf garrison on Monday wounded four soldiers.",
			pub:     "2023-10-24T10:00:00Z", want: "al-tanf@2023-10-23"},
		{name: "strikes on depots answer the attacks, in Arabic",
			title:   "البنتاغون: ضرباتنا قرب البوكمال رد على الهجمات على التنف",
			summary: "قال متحدث باسم البنتاغون إن الغارات على مستودعات أسلحة قرب البوكمال جاءت ردا على الهجمات بالمسيرات على قاعدة التنف.",
			pub:     "2023-10-28T08:00:00Z", want: "!strike al-tanf@?~bg"},
		{name: "strikes on US positions, in Arabic",
			title: "ضربات بطائرات مسيرة على مواقع أمريكية في قاعدة التنف",
			pub:   "2023-10-28T08:00:00Z", want: "al-tanf@2023-10-28"},
		{name: "strikes on a militia are a US strike, whoever is named",
			title:   "Rockets hit K-1 air base near Kirkuk",
			summary: "Rockets hit the K-1 base on Friday, wounding four soldiers. The military answered on Sunday with strikes on Kataib Hezbollah positions, killing 25 fighters.",
			pub:     "2019-12-30T10:00:00Z", want: "!strike k1@2019-12-27 k1@2019-12-29~bg"},
		{name: "a date counted back from the sentence's own date is history",
			title:   "US troops leave Camp Taji in handover to Iraqi army",
			summary: "The last American convoy drove out of the Taji base on Saturday, weeks after a rocket salvo struck its workshops.",
			pub:     "2020-08-24T10:00:00Z", want: "taji@2020-08-10~bg"},
		{name: "the news before a date counted back, history after it",
			title:   "Rockets hit Victory base near Baghdad airport",
			summary: "Two rockets slammed into the Victory base on Tuesday, days after a drone attack there wounded a contractor.",
			pub:     "2021-04-21T10:00:00Z", want: "biap@2021-04-19~bg biap@2021-04-20"},
		{name: "anniversary", title: "Two years on, Taji rocket attack survivors remember",
			summary: "The March 2020 rockets killed two Americans and a Briton.", pub: "2022-03-11T10:00:00Z", want: "taji@2020-03-11~bg"},
		{name: "a year after",
			title: "A year after the drone attack on Tower 22, families seek answers", pub: "2025-01-28T10:00:00Z", want: "tower-22@2024-01-28~bg"},
		{name: "an attack timed to an anniversary is news", title: "Drones downed near Union III on the anniversary of the general's killing",
			summary: "Two drones were shot down over the Green Zone early on Monday.", pub: "2022-01-04T05:00:00Z", want: "union-iii@2022-01-03"},
		{name: "N days after an attack is history", title: "New rocket salvo hits Harir base",
			summary: "Rockets struck the base on Friday, four days after an attack there wounded two soldiers.", pub: "2022-06-11T10:00:00Z",
			want: "harir@2022-06-06~bg harir@2022-06-10"},
		{name: "last week's attack, buried on Friday", title: "Soldier killed at Balad laid to rest",
			summary: "Mourners lined the streets as a contractor killed in last week's rocket attack on Balad air base was buried on Friday.",
			pub:     "2020-03-20T10:00:00Z", want: "balad@2020-03-20~bg"},
		{name: "Arabic: at dawn on a dated day", title: "القوات الأمريكية تغادر قاعدة التاجي",
			summary: "وكانت القاعدة قد تعرضت لقصف صاروخي فجر الحادي عشر من آذار 2020 أسفر عن مقتل ثلاثة جنود.",
			pub:     "2025-09-28T08:00:00Z", want: "taji@2020-03-11~bg"},
		{name: "a lawsuit filed on a weekday over earlier attacks", title: "Wounded troops sue Iran in federal court",
			summary: "Veterans hurt in militia attacks on Ain al-Asad and Erbil filed a lawsuit against Iran in Washington on Tuesday.",
			pub:     "2025-04-22T17:45:00Z", want: "ain-al-asad@2025-04-22~bg"},
		{name: "an obituary recalls", title: "Sgt. Dale Rourke, who was wounded when rockets hit Camp Taji, dies at 58",
			pub: "2024-02-17T13:00:00Z", want: ""},
		{name: "earlier in the week", title: "Rockets land near Baghdad embassy",
			summary: "Two rockets landed near the US embassy on Thursday night. The attack followed a rocket barrage on Balad air base earlier in the week.",
			pub:     "2021-07-09T08:00:00Z", want: "balad@?~bg us-embassy-baghdad@2021-07-08"},
		{name: "a dateline's date is the filing's", title: "Nine soldiers screened for concussion after Iranian strike",
			summary: "LONDON, Jan 14 (Courier) - Nine American soldiers were sent to Germany for brain scans after the missile attack on Ain al-Asad last week, officials said.",
			pub:     "2020-01-14T16:00:00Z", want: "ain-al-asad@?~bg"},
		{name: "Arabic: two days after", title: "وصول وزير الدفاع إلى بغداد",
			summary: "وصل وزير الدفاع ظهر الجمعة إلى مطار بغداد الدولي، بعد يومين من سقوط صواريخ على قاعدة التاجي.",
			pub:     "2021-03-05T10:40:00Z", want: "taji@2021-03-03~bg"},
		{name: "a site before a clause counted back that names none is that clause's", title: "Lawmakers question embassy security",
			summary: "Senators questioned officials on Thursday about the safety of the US embassy in Baghdad, three days after rockets fell inside the compound.",
			pub:     "2023-05-12T10:00:00Z", want: "us-embassy-baghdad@2023-05-08~bg"},
		{name: "Arabic: three days after, counted from the sentence's date", title: "صواريخ على حرير",
			summary: "سقط صاروخان على قاعدة حرير مساء الأحد، بعد ثلاثة أيام من هجوم بطائرة مسيرة على مطار أربيل.",
			pub:     "2023-11-13T08:00:00Z", want: "erbil-air-base@2023-11-09~bg harir@2023-11-12"},
		{name: "Arabic: days after", title: "صواريخ على حرير",
			summary: "سقط صاروخان على قاعدة حرير مساء الأحد، بعد أيام من هجوم بطائرة مسيرة على مطار أربيل.",
			pub:     "2023-11-13T08:00:00Z", want: "erbil-air-base@2023-11-10~bg harir@2023-11-12"},
		{name: "an undated headline that gives the toll reports the dated attack of its story",
			title:   "Three SDF fighters killed in drone attack on Shaddadi base",
			summary: "The drone hit the living quarters of the base on Friday, killing three fighters, the coalition said on Tuesday.",
			pub:     "2024-03-12T09:00:00Z", want: "shaddadi@2024-03-08~bg"},
		{name: "a month before the attack noun dates it", title: "Pentagon blames Kataib Hezbollah for September drone attack on Erbil airport",
			pub: "2021-10-10T09:00:00Z", want: "erbil-air-base@?~bg"},
		{name: "a headline without a date or an impact is the attack its lede dates",
			title:   "Inquiry into rocket attack on Camp Taji names suspects",
			summary: "The rockets struck Camp Taji on March 3, the investigating committee said on Friday.",
			pub:     "2021-03-13T09:00:00Z", want: "taji@2021-03-03~bg"},
		{name: "today marks the anniversary", title: "Today marks the first anniversary of the drone attack on Tower 22",
			pub: "2025-01-28T09:00:00Z", want: "tower-22@2025-01-28~bg"},
		{name: "the day of a statement does not date an attack the sentence dates otherwise",
			title:   "Soldier wounded at Tower 22 dies",
			summary: "A soldier wounded in the drone attack on Tower 22 last week died at a hospital in Germany, the Army said on Tuesday.",
			pub:     "2025-10-28T12:00:00Z", want: "tower-22@?~bg"},
		{name: "the day of a funeral does not date last month's attack", title: "Ohio town mourns sergeant",
			summary: "Hundreds gathered in Dayton on Saturday for the funeral of a sergeant who died of wounds from last month's rocket attack on Ain al-Asad.",
			pub:     "2025-11-09T12:00:00Z", want: "ain-al-asad@?~bg"},
		{name: "the day of a court ruling does not date the attack", title: "Two men sentenced over Balad attack",
			summary: "A court in Baghdad on Sunday sentenced two men over the rocket attack on Balad air base in February.",
			pub:     "2023-05-08T09:00:00Z", want: "balad@2023-05-07~bg"},
		{name: "a sentence passed over an attack dates it before the trial",
			title: "Baghdad tribunal sentences three men over Taji rocket attack", pub: "2024-05-02T09:00:00Z", want: "taji@?~bg"},
		{name: "this spring is history", title: "Militias grow bolder, officials say",
			summary: "Officials said the drone strikes on Erbil airport and Ain al-Asad this spring were planned in Iran.",
			pub:     "2021-07-02T09:00:00Z", want: "ain-al-asad@?~bg erbil-air-base@?~bg"},
		{name: "\"hundreds of\" something else is no roundup of attacks",
			title:   "Army: hearing-loss claims from Harir attack still pending",
			summary: "Two years after rockets hit the Harir base, hundreds of compensation requests remain open, officials said.",
			pub:     "2024-06-02T09:00:00Z", want: "harir@2022-06-02~bg"},
		{name: "Arabic: on this day in 2020", title: "في مثل هذا اليوم من عام 2020 سقطت صواريخ على قاعدة التاجي",
			pub: "2024-03-11T09:00:00Z", want: "taji@?~bg"},
		{name: "mid-January is history by the end of the month", title: "Rockets that hit the Erbil consulate in mid-January came from Nineveh, police say",
			pub: "2026-01-29T09:00:00Z", want: "us-consulate-erbil@?~bg"},
		{name: "the January strike is history", title: "Tower 22 gets new air defences",
			summary: "Systems were installed at the outpost weeks after the January drone strike.", pub: "2024-03-10T10:00:00Z", want: "tower-22@?~bg"},
		{name: "dated well before publication", title: "Report details the Erbil airport drone attack of September 11, 2021",
			pub: "2021-10-30T10:00:00Z", want: "erbil-air-base@2021-09-11~bg"},
		{name: "last week is history", title: "Investigators examine last week's rocket attack on Balad air base",
			pub: "2021-05-10T10:00:00Z", want: "balad@?~bg"},
		{name: "chronology: each entry with its own date, the lead is news",
			title: "Attacks on US forces in Syria mount",
			summary: "Tuesday's drone strike on the Conoco base is the latest. On October 19, drones targeted al-Tanf. " +
				"Two days later rockets hit the Green Village base, and on the 26th of that month a drone was shot down near Shaddadi.",
			pub:  "2023-11-08T10:00:00Z",
			want: "al-omar@2023-10-21~bg al-tanf@2023-10-19~bg conoco@2023-11-07 shaddadi@2023-10-26~bg"},
		{name: "a verb governs the clause after it", title: "Rockets hit Taji on March 2, and Basmaya on March 9",
			pub: "2020-04-20T10:00:00Z", want: "basmaya@2020-03-09~bg taji@2020-03-02~bg"},
		{name: "an undated report is not the old attack named after it", title: "Rockets hit Camp Taji",
			summary: "The base was also hit on December 27, 2019.", pub: "2021-03-01T10:00:00Z", want: "taji@2019-12-27~bg taji@2021-03-01"},
		{name: "an anaphora joins the dated attack before it", title: "A timeline of attacks on Taji",
			summary: "On March 11, 2020, rockets hit Camp Taji. The attack killed two Americans.", pub: "2021-03-01T10:00:00Z", want: "taji@2020-03-11~bg"},
		{name: "a clock time is not a year", title: "Rockets hit Ain al-Asad at 2030 GMT",
			summary: "The base was also struck on March 3 by a drone.", pub: "2021-03-20T22:00:00Z", want: "ain-al-asad@2021-03-03~bg ain-al-asad@2021-03-20"},
		{name: "chronology across years carries the year forward",
			title:   "A timeline of attacks on Baghdad airport",
			summary: "On December 3, 2019, rockets hit the Victory base. On January 5, rockets landed near the airport again. On May 30 a rocket fell inside the compound.",
			pub:     "2021-02-01T10:00:00Z",
			want:    "biap@2019-12-03~bg biap@2020-01-05~bg biap@2020-05-30~bg"},
	})
}

func TestExtractFields(t *testing.T) {
	m := testMatcher(t)
	cases := []struct {
		name, title, summary, pub string
		check                     func(t *testing.T, e Event)
	}{
		{"projectiles and weapon", "At least ten Grad rockets slammed into K-1 air base", "", "2020-12-01T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "weapon", e.Weapon, "rocket")
			eq(t, "projectiles", e.Projectiles, 10)
		}},
		{"a barrage of N", "Al-Tanf hit by a barrage of 16 rockets", "", "2023-10-25T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "projectiles", e.Projectiles, 16)
		}},
		{"compound number words", "Thirty-two rockets fell on Taji", "", "2020-03-14T18:00:00Z", func(t *testing.T, e Event) {
			eq(t, "projectiles", e.Projectiles, 32)
		}},
		{"Arabic projectiles", "سقوط خمسة صواريخ على قاعدة بلد", "", "2021-04-18T18:00:00Z", func(t *testing.T, e Event) {
			eq(t, "projectiles", e.Projectiles, 5)
			eq(t, "weapon", e.Weapon, "rocket or missile") // صواريخ names both
		}},
		{"killed with victims", "Rockets hit Camp Taji, killing three Americans and a Dane", "", "2020-03-12T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "killed", e.Killed, 4)
			eq(t, "victims", e.Victims, "three Americans and a Dane")
		}},
		{"killed: claimed the lives of, in Arabic", "هجوم بطائرة مسيرة على قاعدة حرير أودى بحياة جنديين أمريكيين", "", "2024-01-29T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "killed", e.Killed, 2)
		}},
		{"killed and wounded counts", "Drone attack on Tower 22 kills three US soldiers",
			"The one-way drone struck the outpost on Sunday, wounding 34 service members and two contractors.", "2024-01-29T10:00:00Z", func(t *testing.T, e Event) {
				eq(t, "killed", e.Killed, 3)
				eq(t, "wounded", e.Wounded, 36)
				eq(t, "weapon", e.Weapon, "drone")
				eq(t, "date", e.Date.Format("2006-01-02"), "2024-01-28")
			}},
		{"victims of several kinds", "Drone hits Rumalyn base", "The attack on Monday wounded five service members and two contractors.", "2023-10-24T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "wounded", e.Wounded, 7)
			eq(t, "victims", e.Victims, "five service members and two contractors")
		}},
		{"the source after a comma is not a victim", "Rocket hits Harir base", "The rocket wounded one soldier, according to a local police officer.", "2022-05-10T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "wounded", e.Wounded, 1)
			eq(t, "victims", e.Victims, "one soldier")
		}},
		{"nor the speaker after a comma", "Rocket hits Harir base", "The rocket struck on Monday, wounding one soldier, a police officer said.", "2022-05-10T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "wounded", e.Wounded, 1)
		}},
		{"a list with commas is counted whole", "Rockets hit Camp Taji", "The rockets struck on Monday, killing two Americans, a Briton and a contractor.", "2022-05-10T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "killed", e.Killed, 4)
		}},
		{"a contractor died", "Rockets hit Union III", "A civilian contractor died in the attack on Friday.", "2020-10-03T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "killed", e.Killed, 1)
		}},
		{"a span covers folded doubled letters", "Rockets hit Union III", "", "2020-10-03T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "site span", e.Evidence[0].Text, "Union III")
		}},
		{"minor injuries", "Rockets hit Qayyarah airfield", "Two personnel suffered minor injuries.", "2020-10-03T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "wounded", e.Wounded, 2)
			eq(t, "killed", e.Killed, -1)
		}},
		{"Arabic casualties", "مقتل جنديين أمريكيين وإصابة 34 آخرين بهجوم على البرج 22", "", "2024-01-28T20:00:00Z", func(t *testing.T, e Event) {
			eq(t, "wounded", e.Wounded, 34)
		}},
		{"subject before the verb", "Rockets strike Balad air base", "Two contractors were lightly wounded.", "2021-04-18T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "wounded", e.Wounded, 2)
		}},
		{"no casualties", "Mortar rounds hit al-Omar base; no casualties", "", "2023-11-02T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "killed", e.Killed, 0)
			eq(t, "wounded", e.Wounded, 0)
			eq(t, "weapon", e.Weapon, "mortar")
		}},
		{"no one hurt by negation", "Drone shot down over Harir base", "No American personnel were hurt, an official said.", "2023-11-02T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "wounded", e.Wounded, 0)
		}},
		{"casualties unknown", "Rockets hit Union III", "It was not immediately clear whether anyone was hurt.", "2021-01-02T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "killed", e.Killed, -1)
			eq(t, "wounded", e.Wounded, -1)
		}},
		{"claimed", "Drones target Rumalyn base",
			"The Islamic Resistance in Iraq claimed responsibility for the attack in a statement.", "2023-10-26T10:00:00Z", func(t *testing.T, e Event) {
				eq(t, "actor", e.Actor, "islamic-resistance-in-iraq")
				eq(t, "role", e.ActorRole, "claimed")
			}},
		{"blamed", "Rockets hit US embassy compound in Baghdad",
			"Washington blamed Kataib Hezbollah for the attack.", "2020-01-27T10:00:00Z", func(t *testing.T, e Event) {
				eq(t, "actor", e.Actor, "kataib-hezbollah")
				eq(t, "role", e.ActorRole, "blamed")
			}},
		{"Arabic claim", "المقاومة الإسلامية في العراق تتبنى استهداف قاعدة التنف بطائرة مسيرة", "", "2023-10-27T10:00:00Z", func(t *testing.T, e Event) {
			eq(t, "actor", e.Actor, "islamic-resistance-in-iraq")
			eq(t, "weapon", e.Weapon, "drone")
		}},
		{"ballistic missiles beat missiles", "Iranian ballistic missiles land near the US consulate in Erbil", "", "2022-03-13T02:00:00Z", func(t *testing.T, e Event) {
			eq(t, "site", e.SiteID, "us-consulate-erbil")
			eq(t, "weapon", e.Weapon, "ballistic missile")
		}},
		{"explicit site is confident, inferred less", "Rockets hit Ain al-Asad air base", "", "2022-01-01T10:00:00Z", func(t *testing.T, e Event) {
			if e.Confidence < 0.8 || e.Unconfirmed {
				t.Errorf("confidence %.2f unconfirmed %v", e.Confidence, e.Unconfirmed)
			}
		}},
		{"a corrected report of casualties counts none", "Rockets hit Basmaya base, no Spanish trainers hurt",
			"Two rockets struck the Basmaya base on Monday; the ministry said none of its staff were hurt, correcting earlier local accounts that two trainers were wounded.",
			"2021-05-04T10:00:00Z", func(t *testing.T, e Event) {
				eq(t, "wounded", e.Wounded, 0)
			}},
		{"a report of casualties called false counts none", "Drone downed near Erbil consulate",
			"The consulate said reports that two of its guards were injured in Saturday's drone attack were false.",
			"2023-12-18T10:00:00Z", func(t *testing.T, e Event) {
				eq(t, "wounded", e.Wounded, 0)
			}},
		{"a toll at the end of the headline is not counted in the next sentence", "Drone strikes Harir barracks, two wounded",
			"A one-way drone hit a living area at the base early on Friday, a US official said.", "2023-11-17T09:00:00Z", func(t *testing.T, e Event) {
				eq(t, "wounded", e.Wounded, 2)
			}},
		{"a toll brought to a total", "Toll in Harir drone attack rises",
			"Two more soldiers were treated for concussion after Friday's strike on Harir air base, bringing the number of injured to six.", "2023-11-19T09:00:00Z", func(t *testing.T, e Event) {
				eq(t, "wounded", e.Wounded, 6)
			}},
		{"a death toll that rose to a total", "Soldier dies after drone strike on Harir",
			"The death toll from Friday's drone strike on Harir air base rose to two, officials said.", "2023-11-20T09:00:00Z", func(t *testing.T, e Event) {
				eq(t, "killed", e.Killed, 2)
			}},
		{"inferred site is unconfirmed", "Rockets hit a base in Anbar hosting US troops", "", "2022-01-01T10:00:00Z", func(t *testing.T, e Event) {
			if !e.Unconfirmed || e.Confidence >= 0.8 {
				t.Errorf("confidence %.2f unconfirmed %v", e.Confidence, e.Unconfirmed)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := m.Extract(Input{Title: c.title, Summary: c.summary, Published: at(c.pub)})
			checkSpans(t, res)
			var attacks []Event
			for _, e := range res.Events {
				if e.Kind == "attack" {
					attacks = append(attacks, e)
				}
			}
			if len(attacks) != 1 {
				t.Fatalf("got %d attack events, want 1 (reason %q)\n%s", len(attacks), res.Reason, dump(res))
			}
			c.check(t, attacks[0])
			if t.Failed() {
				t.Log(dump(res))
			}
		})
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestExtractThisWeek checks that "this week" gives the first day it may
// mean, the Saturday that starts the week in the region, so that the report
// can follow up an attack of that week.
func TestExtractThisWeek(t *testing.T) {
	m := testMatcher(t)
	pub := time.Date(2025, 10, 22, 13, 0, 0, 0, time.UTC) // a Wednesday
	res := m.Extract(Input{Title: "Rockets fired at Conoco this week came from west of the Euphrates, US says", Published: pub})
	if len(res.Events) != 1 {
		t.Fatalf("%d events, want 1", len(res.Events))
	}
	ev := res.Events[0]
	if want := time.Date(2025, 10, 18, 0, 0, 0, 0, time.UTC); !ev.Since.Equal(want) || ev.DateExplicit {
		t.Errorf("Since %v, DateExplicit %v; want %v, false", ev.Since, ev.DateExplicit, want)
	}
	res = m.Extract(Input{Title: "Rockets hit Conoco on Monday", Published: pub})
	if len(res.Events) != 1 || !res.Events[0].Since.IsZero() {
		t.Errorf("a dated report has a Since: %+v", res.Events)
	}
}

func TestExtractWithoutPublishTime(t *testing.T) {
	m := testMatcher(t)
	res := m.Extract(Input{Title: "Rockets hit Camp Taji on Wednesday", Summary: "Basmaya was hit by rockets on December 27, 2019."})
	if got, want := brief(res), "basmaya@2019-12-27 taji@?"; got != want {
		t.Errorf("events %q, want %q\n%s", got, want, dump(res))
	}
}

// TestExtractCasualtiesBelongToTheirSite gives a toll only to the site its
// clause names when one sentence reports attacks on several sites.
func TestExtractCasualtiesBelongToTheirSite(t *testing.T) {
	m := testMatcher(t)
	cases := []struct {
		name, title, summary string
		wounded              map[string]int // site id -> wounded
	}{
		{"the toll names its site", "Drones target two US bases in Syria",
			"Drones struck Rumalyn and the Conoco field on Tuesday, wounding three soldiers at Conoco.",
			map[string]int{"rumalyn": -1, "conoco": 3}},
		{"the toll before the other site", "Drones target two US bases in Syria",
			"Drone attacks on Tuesday wounded three soldiers at the Conoco field and damaged a hangar at Rumalyn.",
			map[string]int{"rumalyn": -1, "conoco": 3}},
		{"a toll that names no site stays with the sentence", "Rockets hit two bases near Baghdad",
			"Rockets struck Camp Taji and Balad air base on Tuesday, wounding four contractors.",
			map[string]int{"taji": 4, "balad": 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := m.Extract(Input{Title: c.title, Summary: c.summary, Published: at("2023-11-01T10:00:00Z")})
			got := map[string]int{}
			for _, e := range res.Events {
				if e.Kind == "attack" {
					got[e.SiteID] = e.Wounded
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.wounded) {
				t.Errorf("wounded by site = %v, want %v\n%s", got, c.wounded, dump(res))
			}
		})
	}
}

func TestExtractFullArticles(t *testing.T) {
	runExtractCases(t, []extractCase{
		{name: "the body's undated sites are context",
			title:   "Drone downed near Harir air base",
			summary: "Air defences shot down a drone near Harir air base late on Tuesday, Kurdish officials said.",
			content: "Air defences shot down an explosive-laden drone near Harir air base, north-east of Erbil, late on Tuesday, Kurdish officials said. Nobody was hurt.\n\n" +
				"The base has been a target before. Rockets have slammed into Ain al-Asad in the west of the country, wounding contractors, and drones have struck near Erbil airport.\n\n" +
				"Officials said the investigation would take weeks.",
			pub: "2024-05-22T08:00:00Z", want: "ain-al-asad@?~bg erbil-air-base@?~bg harir@2024-05-21"},
		{name: "a body that dates another attack reports it",
			title:   "Drone downed near Harir air base",
			summary: "Air defences shot down a drone near Harir air base late on Tuesday, Kurdish officials said.",
			content: "Air defences shot down an explosive-laden drone near Harir air base late on Tuesday, Kurdish officials said.\n\n" +
				"Hours earlier, on Tuesday afternoon, two rockets struck Ain al-Asad air base, wounding a contractor, the coalition said.",
			pub: "2024-05-22T08:00:00Z", want: "ain-al-asad@2024-05-21 harir@2024-05-21"},
		{name: "the body goes on about the lede's attack",
			title:   "Rockets hit Taji base",
			summary: "Three rockets struck Camp Taji north of Baghdad on Sunday evening, Iraqi officials said.",
			content: "Three rockets struck Camp Taji north of Baghdad on Sunday evening, Iraqi officials said.\n\n" +
				"One rocket hit a vehicle park inside Taji, destroying two trucks, and the others fell on open ground.",
			pub: "2021-07-12T08:00:00Z", want: "taji@2021-07-11"},
		{name: "without a summary the first paragraph is the lede",
			title: "Rockets hit Taji base",
			content: "Three rockets struck Camp Taji north of Baghdad on Sunday evening, Iraqi officials said.\n\n" +
				"Militias have fired drones at al-Tanf in Syria, and rockets have fallen on Baghdad airport.",
			pub: "2021-07-12T08:00:00Z", want: "al-tanf@?~bg biap@?~bg taji@2021-07-11"},
		{name: "the body's undated mention of a site beside the lede's does not make the lede's attack history",
			title:   "Drone strikes coalition base at Erbil",
			summary: "A drone struck the coalition base at Erbil airport late on Tuesday, Kurdish officials said.",
			content: "A drone struck the coalition base at Erbil airport late on Tuesday, Kurdish officials said.\n\n" +
				"Air defences at Erbil International Airport had fired at the drone before it hit.",
			pub: "2024-05-22T08:00:00Z", want: "erbil-air-base@2024-05-21"},
		{name: "a headline that names a site without an attack gives the body nothing to follow",
			title:   "Life beside Harir air base",
			summary: "Farmers near Harir say the base brings jobs to their villages.",
			content: "Farmers near Harir say the base brings jobs to their villages.\n\n" +
				"The base employs hundreds of people from the valley.\n\n" +
				"A drone once struck the base's fuel depot, residents recalled.",
			pub: "2024-06-20T08:00:00Z", want: "harir@?~bg"},
		{name: "a drill's date and a question in the body report nothing",
			title:   "Living beside Harir air base",
			summary: "Farmers near Harir say they have learned to live with the noise of the base.",
			content: "Farmers near Harir say they have learned to live with the noise of the base.\n\n" +
				"Next week the coalition will hold an exercise simulating a drone attack on Harir, officials said on Tuesday.\n\n" +
				"\"A drone over Harir? We just keep picking apricots,\" one farmer said.",
			pub: "2024-06-20T08:00:00Z", want: ""},
		{name: "a site the body names through a sentence that goes on about the lede's is still the body's",
			title:   "Drill at Harir base next week",
			summary: "The coalition will stage a live-fire exercise at Harir next week, officials said.",
			content: "The coalition will stage a live-fire exercise at Harir next week, officials said.\n\n" +
				"The base was hit by a drone in March, and last year a drone attack killed a soldier there.",
			pub: "2024-06-20T08:00:00Z", want: "harir@?~bg"},
		{name: "without a summary or paragraphs the first two sentences are the lede",
			title: "Rockets hit Taji base",
			content: "Three rockets struck Camp Taji north of Baghdad on Sunday evening, Iraqi officials said. Nobody was hurt. " +
				"Militias have fired drones at al-Tanf in Syria, and rockets have fallen on Baghdad airport.",
			pub: "2021-07-12T08:00:00Z", want: "al-tanf@?~bg biap@?~bg taji@2021-07-11"},
		{name: "in Arabic",
			title:   "سقوط صاروخين على قاعدة عين الأسد",
			summary: "سقط صاروخان مساء الأحد على قاعدة عين الأسد الجوية غربي العراق من دون إصابات.",
			content: "سقط صاروخان مساء الأحد على قاعدة عين الأسد الجوية في محافظة الأنبار من دون أن يسفرا عن إصابات، بحسب مصدر أمني.\n\n" +
				"وتعرضت قاعدة حرير قرب أربيل لهجمات بطائرات مسيرة، كما سقطت صواريخ على قاعدة فكتوريا قرب مطار بغداد.",
			pub: "2023-11-13T08:00:00Z", want: "ain-al-asad@2023-11-12 biap@?~bg harir@?~bg"},
	})
}
