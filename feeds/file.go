package feeds

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// localPath reports whether raw names a local file and which: a file:// URL
// (file:///abs/path, file://localhost/abs/path, or file://rel/path for a path
// relative to the working directory, as people write it in config) or a
// plain path with no scheme at all.
func localPath(raw string) (path string, ok bool, err error) {
	if len(raw) >= 7 && strings.EqualFold(raw[:7], "file://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", false, fmt.Errorf("fetch: bad file URL %q: %w", raw, unwrapURLError(err))
		}
		switch u.Host {
		case "", "localhost":
			path = u.Path
		default:
			path = u.Host + u.Path
		}
		if path == "" {
			return "", false, fmt.Errorf("fetch: file URL %q names no file", raw)
		}
		return path, true, nil
	}
	if !strings.Contains(raw, "://") {
		return raw, true, nil
	}
	return "", false, nil
}

// fetchFile reads a local feed under the same size cap as HTTP bodies.
func fetchFile(ctx context.Context, path string, req Request) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read feed file %s: %w", path, err)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read feed file: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("read feed file: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("read feed file %s: is a directory", path)
	}
	etag := `"` + strconv.FormatInt(st.Size(), 36) + "-" + strconv.FormatInt(st.ModTime().UnixNano(), 36) + `"`
	out := &Response{Status: 200, ETag: etag, URL: req.URL}
	if req.ETag != "" && req.ETag == etag {
		out.Status = 304
		out.NotModified = true
		return out, nil
	}
	if st.Mode().IsRegular() && st.Size() > req.MaxBytes {
		return nil, fmt.Errorf("read feed file %s: %w", path, tooLarge(req.MaxBytes))
	}
	var buf bytes.Buffer
	if st.Mode().IsRegular() {
		buf.Grow(int(st.Size()))
	}
	n, err := buf.ReadFrom(io.LimitReader(fh, req.MaxBytes+1))
	if n > req.MaxBytes {
		return nil, fmt.Errorf("read feed file %s: %w", path, tooLarge(req.MaxBytes))
	}
	if err != nil {
		return nil, fmt.Errorf("read feed file %s: %w", path, err)
	}
	out.Body = buf.Bytes()
	return out, nil
}
