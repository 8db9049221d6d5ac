package feeds

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// toUTF8 returns body as UTF-8 with any XML encoding declaration rewritten
// to say so, so the XML decoder downstream never converts twice.
//
// The order of trust follows what real feeds get wrong: a byte-order mark
// wins; bytes that are valid UTF-8 are UTF-8 whatever the labels say (servers
// and templates often declare a charset the bytes do not use, and valid
// UTF-8 that is really something else is vanishingly rare outside ASCII);
// otherwise the Content-Type charset, then the XML declaration, then
// invalid bytes become U+FFFD. The returned label names what was decoded,
// for error messages.
func toUTF8(body []byte, contentType string) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		body = body[3:]
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0x00, '<', 0x00}):
		out, err := decodeWith(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), body)
		return fixDeclaration(out), "utf-16be", err
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}), bytes.HasPrefix(body, []byte{'<', 0x00, '?', 0x00}):
		out, err := decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), body)
		return fixDeclaration(out), "utf-16le", err
	}
	if utf8.Valid(body) {
		return fixDeclaration(body), "utf-8", nil
	}
	for _, label := range []string{contentTypeCharset(contentType), xmlDeclaredEncoding(body)} {
		if label == "" {
			continue
		}
		enc, err := htmlindex.Get(label)
		if err != nil {
			continue // unknown label: try the next source
		}
		if name, _ := htmlindex.Name(enc); name == "utf-8" {
			continue // the bytes already proved that wrong
		}
		out, err := decodeWith(enc, body)
		if err != nil {
			return nil, label, fmt.Errorf("decode %s: %w", label, err)
		}
		return fixDeclaration(out), label, nil
	}
	return fixDeclaration(bytes.ToValidUTF8(body, []byte("\uFFFD"))), "utf-8 (invalid bytes replaced)", nil
}

func decodeWith(enc encoding.Encoding, body []byte) ([]byte, error) {
	return enc.NewDecoder().Bytes(body)
}

// contentTypeCharset returns the charset parameter of a Content-Type value.
func contentTypeCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// xmlDecl returns the XML declaration at the start of body ("<?xml ... ?>",
// after optional white space) and where it starts, or -1.
func xmlDecl(body []byte) (start, end int) {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n') {
		i++
	}
	if !bytes.HasPrefix(body[i:], []byte("<?xml")) {
		return -1, -1
	}
	window := body[i:]
	if len(window) > 512 {
		window = window[:512]
	}
	j := bytes.Index(window, []byte("?>"))
	if j < 0 {
		return -1, -1
	}
	return i, i + j + 2
}

// encodingAttr finds encoding="..." inside an XML declaration and returns
// the value's bounds within decl, or -1.
func encodingAttr(decl []byte) (from, to int) {
	k := bytes.Index(decl, []byte("encoding"))
	if k < 0 {
		return -1, -1
	}
	p := k + len("encoding")
	for p < len(decl) && (decl[p] == ' ' || decl[p] == '\t' || decl[p] == '\r' || decl[p] == '\n') {
		p++
	}
	if p >= len(decl) || decl[p] != '=' {
		return -1, -1
	}
	p++
	for p < len(decl) && (decl[p] == ' ' || decl[p] == '\t' || decl[p] == '\r' || decl[p] == '\n') {
		p++
	}
	if p >= len(decl) || (decl[p] != '"' && decl[p] != '\'') {
		return -1, -1
	}
	q := bytes.IndexByte(decl[p+1:], decl[p])
	if q < 0 {
		return -1, -1
	}
	return p + 1, p + 1 + q
}

// xmlDeclaredEncoding returns the encoding named by the XML declaration.
func xmlDeclaredEncoding(body []byte) string {
	start, end := xmlDecl(body)
	if start < 0 {
		return ""
	}
	decl := body[start:end]
	from, to := encodingAttr(decl)
	if from < 0 {
		return ""
	}
	return string(decl[from:to])
}

// fixDeclaration rewrites a non-UTF-8 encoding declaration to UTF-8, copying
// only when it has to.
func fixDeclaration(body []byte) []byte {
	start, end := xmlDecl(body)
	if start < 0 {
		return body
	}
	from, to := encodingAttr(body[start:end])
	if from < 0 {
		return body
	}
	from, to = start+from, start+to
	if strings.EqualFold(string(body[from:to]), "utf-8") {
		return body
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:from]...)
	out = append(out, "UTF-8"...)
	return append(out, body[to:]...)
}
