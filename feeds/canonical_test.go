package feeds

import "testing"

func TestCanonicalURL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"already canonical", "https://news.example/a/b?id=1", "https://news.example/a/b?id=1"},
		{"utm dropped", "https://news.example/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://news.example/a"},
		{"utm mixed case", "https://news.example/a?UTM_Source=rss&id=2", "https://news.example/a?id=2"},
		{"click ids dropped", "https://news.example/a?fbclid=1&gclid=2&msclkid=3&mc_cid=4&mc_eid=5&igshid=6&_hsenc=7", "https://news.example/a"},
		{"query sorted", "https://news.example/a?z=1&b=2&a=3", "https://news.example/a?a=3&b=2&z=1"},
		{"repeated key keeps both", "https://news.example/a?t=2&t=1", "https://news.example/a?t=1&t=2"},
		{"encoding kept", "https://news.example/search?q=rocket+attack&lang=%D8%B9", "https://news.example/search?lang=%D8%B9&q=rocket+attack"},
		{"empty pairs dropped", "https://news.example/a?&&id=1&", "https://news.example/a?id=1"},
		{"only tracking leaves no ?", "https://news.example/a?utm_source=x", "https://news.example/a"},
		{"empty query", "https://news.example/a?", "https://news.example/a"},
		{"fragment dropped", "https://news.example/a#comments", "https://news.example/a"},
		{"hash-bang kept", "https://news.example/#!/story/12", "https://news.example/#!/story/12"},
		{"scheme and host lowercased", "HTTPS://News.EXAMPLE/Path/Case", "https://news.example/Path/Case"},
		{"default https port", "https://news.example:443/a", "https://news.example/a"},
		{"default http port", "http://news.example:80/a", "http://news.example/a"},
		{"other port kept", "https://news.example:8443/a", "https://news.example:8443/a"},
		{"empty path", "https://news.example", "https://news.example/"},
		{"trailing slash kept", "https://news.example/a/", "https://news.example/a/"},
		{"surrounding space", "  https://news.example/a?utm_term=x \n", "https://news.example/a"},
		{"arabic path", "https://news.example/ar/هجوم", "https://news.example/ar/%D9%87%D8%AC%D9%88%D9%85"},
		{"tracking-like but real param", "https://news.example/a?utmost=1&ref=home", "https://news.example/a?ref=home&utmost=1"},
		{"unparseable unchanged", "https://news.example/%zz?utm_source=x", "https://news.example/%zz?utm_source=x"},
		{"relative unchanged", "/news/1?utm_source=x#top", "/news/1?utm_source=x#top"},
		{"tag uri unchanged", "tag:news.example,2026:1", "tag:news.example,2026:1"},
		{"empty", "", ""},
		{"not a url", "hello world", "hello world"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CanonicalURL(tt.in)
			if got != tt.want {
				t.Errorf("CanonicalURL(%q)\n got  %q\n want %q", tt.in, got, tt.want)
			}
			if again := CanonicalURL(got); again != got {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
		})
	}
}
