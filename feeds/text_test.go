package feeds

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Rockets hit the base.", "Rockets hit the base."},
		{"collapse white space", "  two\n\n rockets\t\u00a0fell \r\n", "two rockets fell"},
		{"entities without tags", "Q&amp;A: caf&eacute; &#1576;&#x63A; &lt;3", "Q&A: café بغ <3"},
		{"bare ampersand", "AT&T and R&D", "AT&T and R&D"},
		{"tags", "<p>Drones <b>struck</b> the <a href='x'>airport</a>.</p>", "Drones struck the airport."},
		{"blocks separate words", "<p>one</p><p>two</p><div>three</div>four<br/>five<li>six</li>", "one two three four five six"},
		{"inline does not separate", "air<b>port</b>", "airport"},
		{"script and style dropped", "a<script>var x = '<p>no</p>';</script>b<style>.c{}</style>c", "abc"},
		{"noscript and iframe dropped", "a <noscript>enable js</noscript><iframe src=x>frame</iframe> b", "a b"},
		{"comments dropped", "a <!-- hidden --> b", "a b"},
		{"cdata-like", "<![CDATA[x]]> y", "y"},
		{"escaped twice", "&lt;p&gt;Hello &amp;amp; bye&lt;/p&gt;", "Hello & bye"},
		{"less-than in prose", "5 < 7 and 8 > 6", "5 < 7 and 8 > 6"},
		{"escaped less-than in prose", "5 &lt; 7 and x &lt;= y", "5 < 7 and x <= y"},
		{"unclosed tag", "text <b>bold", "text bold"},
		{"broken tag at end", "text <a href=\"x", "text"},
		{"arabic with html", "<p>سقط <strong>صاروخان</strong>&nbsp;قرب القاعدة</p>", "سقط صاروخان قرب القاعدة"},
		{"zero width and soft hyphen", "air\u200bport ba\u00adse \ufeffok", "airport base ok"},
		{"keeps zero-width non-joiner", "می\u200cخواهم", "می\u200cخواهم"},
		{"controls dropped", "a\x00b\x07c\x1b", "abc"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"img alt ignored", `see <img alt="a photo" src="p.jpg">here`, "see here"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr></table>", "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q)\n got  %q\n want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPlainTextLimit(t *testing.T) {
	in := "<p>" + strings.Repeat("rockets fell ", 10_000) + "</p>"
	got := plainText(in, 100)
	if n := utf8.RuneCountInString(got); n < 100 || n > 120 {
		t.Errorf("plainText with limit 100 gave %d runes", n)
	}
	if full := PlainText(in); !strings.HasPrefix(full, got) {
		t.Errorf("limited output is not a prefix of the full output")
	}
}

func TestTruncateRunes(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four five six seven", 20, "one two three four"},
		{"عشرة أحرف هنا", 4, "عشرة"},
		{"abcdefghij", 4, "abcd"},
	}
	for _, tt := range tests {
		if got := truncateRunes(tt.in, tt.n); got != tt.want {
			t.Errorf("truncateRunes(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func BenchmarkPlainText(b *testing.B) {
	in := `<div class="lead"><p>Two <strong>rockets</strong> struck near the base on Thursday, ` +
		`officials said&nbsp;&mdash; no casualties were reported.</p><p>Nobody claimed the attack.</p></div>`
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		PlainText(in)
	}
}
