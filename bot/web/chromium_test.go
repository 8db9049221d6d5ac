package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// chromiumPath is where Debian's chromium package puts the browser; .ci/run
// installs it.
const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium with args, bounded by ctx, and returns
// its standard output.
func chromium(ctx context.Context, t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-proxy-server", "--hide-scrollbars", "--force-color-profile=srgb",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,900",
	}
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Logf("chromium stderr:\n%s", stderr.String())
		return stdout.Bytes(), err
	}
	return stdout.Bytes(), nil
}

// TestStatusPageChromium loads the page served over loopback in a real
// headless Chromium: it takes a screenshot and checks that the page drew,
// with its style applied under the page's Content-Security-Policy, and
// dumps the DOM as the browser built it to check the text and links.
func TestStatusPageChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("headless Chromium test skipped: %s not found (install Debian's chromium package, as .ci/run does)", chromiumPath)
	}
	srv := httptest.NewServer(New(Options{Status: fixed(fixture()), Location: zone, Gatherer: prometheus.NewRegistry()}))
	defer srv.Close()
	url := srv.URL + "/"

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	shot := filepath.Join(t.TempDir(), "page.png")

	// The two runs are independent: run them side by side.
	type result struct {
		out []byte
		err error
	}
	shotDone, domDone := make(chan result, 1), make(chan result, 1)
	go func() {
		out, err := chromium(ctx, t, "--screenshot="+shot, url)
		shotDone <- result{out, err}
	}()
	go func() {
		out, err := chromium(ctx, t, "--dump-dom", url)
		domDone <- result{out, err}
	}()
	sr, dr := <-shotDone, <-domDone
	if sr.err != nil {
		t.Fatalf("chromium --screenshot: %v", sr.err)
	}
	if dr.err != nil {
		t.Fatalf("chromium --dump-dom: %v", dr.err)
	}

	t.Run("screenshot", func(t *testing.T) {
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		if *update {
			if err := os.WriteFile(filepath.Join("testdata", "status.png"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("screenshot is not a PNG: %v", err)
		}
		b := img.Bounds()
		if b.Dx() != 1280 || b.Dy() != 900 {
			t.Errorf("screenshot is %dx%d, want 1280x900", b.Dx(), b.Dy())
		}
		colours := count(img)
		if len(colours) < 16 {
			t.Fatalf("screenshot has %d colours: a blank or flat page", len(colours))
		}
		// The page's own colours prove the style was applied (an inline
		// style blocked by the policy would leave Chromium's defaults):
		// the background, the green of "ok", the red of "failing", the
		// grey of "never polled" and the header of the tables.
		for name, c := range map[string]color.RGBA{
			"page background":    {0xf6, 0xf7, 0xf9, 0xff},
			"ok badge":           {0xda, 0xfb, 0xe1, 0xff},
			"failing badge":      {0xff, 0xeb, 0xe9, 0xff},
			"never polled badge": {0xe6, 0xe9, 0xed, 0xff},
			"table header":       {0xee, 0xf1, 0xf4, 0xff},
		} {
			if colours[c] < 50 {
				t.Errorf("%s colour #%02x%02x%02x covers %d pixels; is the style applied?", name, c.R, c.G, c.B, colours[c])
			}
		}
		// Most of the screen is the page's background, not white.
		if bg := colours[color.RGBA{0xf6, 0xf7, 0xf9, 0xff}]; bg < b.Dx()*b.Dy()/4 {
			t.Errorf("background covers only %d of %d pixels", bg, b.Dx()*b.Dy())
		}
	})

	t.Run("dom", func(t *testing.T) {
		dom := string(dr.out)
		doc := parse(t, dom)
		got := rows(t, section(t, doc, "feeds"))
		if len(got) != 4 || got[0][0] != "wire-english news.example.org" || got[1][1] != "failing" || got[2][1] != "never polled" {
			t.Errorf("feeds table as Chromium built it: %q", got)
		}
		for _, want := range []string{
			`href="https://news.example.org/world/2024/03/05/rockets-hit-base"`,
			`href="https://arabic.example.net/article/1234"`,
			`href="https://news.example.org/world/2021/03/05/base-attack"`,
			"On this date, 5 March: 2 incidents in earlier years",
			"Ain al-Asad Air Base",
		} {
			if !strings.Contains(dom, want) {
				t.Errorf("DOM lacks %s", want)
			}
		}
		if strings.Contains(dom, "javascript:") {
			t.Error("DOM holds a javascript: link")
		}
	})
}

// count returns how many pixels of each colour img has.
func count(img image.Image) map[color.RGBA]int {
	n := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			n[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	return n
}
