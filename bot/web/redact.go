package web

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// Patterns of secrets that error messages may quote. They are compiled once
// and never changed.
var (
	urlPattern = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)
	// Slack tokens (bot, user, app, refresh, config).
	slackTokenPattern = regexp.MustCompile(`\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+`)
	// Discord bot tokens: three base64url parts joined by dots.
	discordTokenPattern = regexp.MustCompile(`\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{20,}\b`)
	// key=value and "key: value" pairs whose key names a secret, as in
	// libpq DSNs and HTTP headers.
	keyValuePattern = regexp.MustCompile(`(?i)\b(password|passwd|pwd|secret|signing_secret|token|access_token|api_?key|apikey|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|(?:bearer\s+|bot\s+|basic\s+)?[^\s,;&]+)`)
	// Error codes such as invalid_auth or token_revoked: lower case words
	// joined by underscores, kept after "token:" because they say what is
	// wrong and are not secrets.
	errorCodePattern = regexp.MustCompile(`^[a-z]+(_[a-z]+)+$`)
	// Credentials after an HTTP authorization scheme, as written in
	// headers.
	bearerPattern = regexp.MustCompile(`\b(Bearer|bearer|Bot|Basic)\s+[A-Za-z0-9._~+/=-]{12,}`)
)

const redacted = "[redacted]"

// Redact removes from s whatever may be a secret: the user info, query and
// fragment of URLs, the token parts of webhook URLs and of paths, Slack and
// Discord tokens, and the values of password=, token=, Authorization: and
// the like. What is left still tells an operator which host and which kind
// of failure it was.
func Redact(s string) string {
	if s == "" {
		return ""
	}
	s = urlPattern.ReplaceAllStringFunc(s, redactURL)
	s = slackTokenPattern.ReplaceAllString(s, redacted)
	s = discordTokenPattern.ReplaceAllString(s, redacted)
	s = keyValuePattern.ReplaceAllStringFunc(s, func(kv string) string {
		m := keyValuePattern.FindStringSubmatch(kv)
		key := strings.ToLower(m[1])
		if (key == "token" || key == "authorization") && strings.Contains(m[2], ":") && errorCodePattern.MatchString(m[3]) {
			return kv
		}
		return m[1] + m[2] + redacted
	})
	s = bearerPattern.ReplaceAllStringFunc(s, func(m string) string {
		f := strings.Fields(m)
		scheme, cred := f[0], f[len(f)-1]
		// Credentials have digits; words such as "Bot configuration"
		// do not.
		if !strings.ContainsAny(cred, "0123456789") {
			return m
		}
		return scheme + " " + redacted
	})
	return s
}

// redactURL keeps the scheme, host and the harmless part of the path of a
// URL found in text.
func redactURL(raw string) string {
	// Punctuation that ends a sentence is not part of the URL, nor is a
	// closing bracket that the URL did not open.
	trail := ""
	for len(raw) > 0 {
		c := raw[len(raw)-1]
		switch c {
		case '.', ',', ';', ':', '!', '?':
		case ')', ']', '}':
			open := "([{"[strings.IndexByte(")]}", c)]
			if strings.Count(raw, string(open)) >= strings.Count(raw, string(c)) {
				return redactParsed(raw) + trail
			}
		default:
			return redactParsed(raw) + trail
		}
		trail = raw[len(raw)-1:] + trail
		raw = raw[:len(raw)-1]
	}
	return trail
}

// redactParsed redacts one URL without trailing punctuation.
func redactParsed(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || !strings.ContainsFunc(u.Host, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		// Unparsable, or opaque like "postgres:user:pass@...": keep the
		// scheme only.
		if i := strings.Index(raw, "://"); i > 0 {
			return raw[:i+3] + redacted
		}
		return redacted
	}
	out := u.Scheme + "://" + u.Host + redactPath(u.Host, u.EscapedPath())
	if u.RawQuery != "" || u.ForceQuery {
		out += "?…"
	}
	return out
}

// redactPath cuts webhook paths after their fixed prefix and hides path
// segments that look like tokens.
func redactPath(host, path string) string {
	if strings.HasPrefix(strings.ToLower(host), "hooks.slack.com") {
		return "/" + redacted
	}
	if i := strings.Index(strings.ToLower(path), "/webhooks/"); i >= 0 {
		return path[:i] + "/webhooks/" + redacted
	}
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if looksLikeToken(seg) {
			segs[i] = redacted
		}
	}
	return strings.Join(segs, "/")
}

// looksLikeToken reports whether a path segment is long, unbroken and
// mixes upper case, lower case and digits, as generated keys do and words,
// slugs and dates do not.
func looksLikeToken(seg string) bool {
	if len(seg) < 20 {
		return false
	}
	var upper, lower, digit bool
	for _, r := range seg {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case r == '_' || r == '-':
		default:
			return false
		}
	}
	return upper && lower && digit
}
