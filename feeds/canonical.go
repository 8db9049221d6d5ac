package feeds

import (
	"net/url"
	"sort"
	"strings"
)

// CanonicalURL drops fragments and tracking parameters (utm_*, fbclid, gclid, ...), lowercases scheme and host,
// sorts the remaining query; returns the input unchanged when it does not parse.
//
// It also drops the default port and gives an empty path "/", so the links
// two feeds give for one article compare equal. Query parameters keep their
// original encoding; only their order changes. A "#!" fragment is kept
// because some sites route articles through it. Anything that is not an
// absolute URL with a host (a GUID such as "tag:...", a relative link) is
// returned unchanged.
func CanonicalURL(raw string) string {
	s := strings.TrimSpace(raw)
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	switch {
	case u.Scheme == "http" && strings.HasSuffix(u.Host, ":80"):
		u.Host = strings.TrimSuffix(u.Host, ":80")
	case u.Scheme == "https" && strings.HasSuffix(u.Host, ":443"):
		u.Host = strings.TrimSuffix(u.Host, ":443")
	}
	if u.Path == "" && u.RawPath == "" {
		u.Path = "/"
	}
	if !strings.HasPrefix(u.Fragment, "!") {
		u.Fragment, u.RawFragment = "", ""
	}
	u.RawQuery = cleanQuery(u.RawQuery)
	u.ForceQuery = false
	// Dropping a fragment can leave the query's trailing spaces at the
	// end, which the next canonicalisation would trim.
	return strings.TrimSpace(u.String())
}

// cleanQuery removes tracking parameters and sorts the rest by name (then by
// the whole pair), leaving each pair's encoding as it was.
func cleanQuery(q string) string {
	if q == "" {
		return ""
	}
	type pair struct{ key, raw string }
	var kept []pair
	for _, part := range strings.Split(q, "&") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if isTrackingParam(strings.ToLower(key)) {
			continue
		}
		kept = append(kept, pair{key, part})
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].key != kept[j].key {
			return kept[i].key < kept[j].key
		}
		return kept[i].raw < kept[j].raw
	})
	parts := make([]string, len(kept))
	for i, p := range kept {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// isTrackingParam reports query parameters that identify a campaign, click
// or mailing rather than the page (key already lowercased).
func isTrackingParam(key string) bool {
	for _, prefix := range []string{"utm_", "pk_", "mtm_", "hsa_", "__hs", "_hs", "oly_"} {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	switch key {
	case "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
		"ttclid", "igshid", "igsh", "li_fat_id", "mc_cid", "mc_eid", "mkt_tok", "vero_id", "vero_conv",
		"wickedid", "rb_clickid", "s_cid", "ocid", "ncid", "cmpid", "icid", "sr_share", "ref_src",
		"ref_url", "__twitter_impression", "at_medium", "at_campaign", "at_custom1", "at_custom2",
		"at_custom3", "at_custom4", "spm", "ito", "xtor", "_ga", "_gl", "fb_action_ids",
		"fb_action_types", "fb_source", "fb_ref":
		return true
	}
	return false
}
