package commands

import (
	"net/url"
	"strings"
	"testing"
)

func TestInviteURL(t *testing.T) {
	got, err := InviteURL("1300000000000000001", false)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "https" || u.Host != "discord.com" || u.Path != "/oauth2/authorize" {
		t.Errorf("URL %s", got)
	}
	// View Channel 1<<10, Send Messages 1<<11, Embed Links 1<<14, Read
	// Message History 1<<16: 1024 + 2048 + 16384 + 65536.
	if q.Get("permissions") != "84992" || q.Get("client_id") != "1300000000000000001" || q.Get("scope") != "bot applications.commands" {
		t.Errorf("query %v", q)
	}
	got, _ = InviteURL("1300000000000000001", true)
	// Plus Create Public Threads 1<<35 and Send Messages in Threads 1<<38.
	if !strings.Contains(got, "permissions=309237730304") {
		t.Errorf("with threads: %s", got)
	}
	for _, bad := range []string{"", "abc", "12", "1300000000000000001&scope=admin", strings.Repeat("1", 21)} {
		if _, err := InviteURL(bad, false); err == nil {
			t.Errorf("InviteURL(%q): no error", bad)
		}
	}
	// Never more than it needs: no administrator, no mention of everyone,
	// no managing of anything.
	for _, threads := range []bool{false, true} {
		p := InvitePermissions(threads)
		for _, forbidden := range []int64{1 << 3, 1 << 17, 1 << 13, 1 << 4, 1 << 28, 1 << 29} {
			if p&forbidden != 0 {
				t.Errorf("permissions %d include %d", p, forbidden)
			}
		}
	}
}
