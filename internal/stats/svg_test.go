package stats

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// svgTexts parses an SVG (failing if it is not well-formed) and returns
// its title, desc and every text.
func svgTexts(t *testing.T, data []byte) (title, desc string, texts []string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG not well-formed: %v\n%s", err, data)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			stack = append(stack, v.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(v)
		case xml.EndElement:
			s := strings.TrimSpace(text.String())
			text.Reset()
			switch top := stack[len(stack)-1]; {
			case s == "":
			case top == "title" && len(stack) == 2:
				title = s
			case top == "desc":
				desc = s
			case top == "text" || top == "title":
				texts = append(texts, s)
			}
			stack = stack[:len(stack)-1]
		}
	}
	return title, desc, texts
}

func TestBarChart(t *testing.T) {
	var b bytes.Buffer
	err := BarChart(&b, Chart{ID: "c1", Title: "Children by year & status", Desc: "Bars <per> year", Suppressed: "confidential",
		Bars: []Bar{{"2024", Cell{Count: 120}}, {"2025", Cell{Count: 7, Suppressed: true}}, {"2026", Cell{Count: 0}}}})
	if err != nil {
		t.Fatal(err)
	}
	title, desc, texts := svgTexts(t, b.Bytes())
	if title != "Children by year & status" || desc != "Bars <per> year" {
		t.Errorf("title %q, desc %q", title, desc)
	}
	all := strings.Join(texts, " ")
	if !strings.Contains(all, "120") || strings.Contains(all, "7") || !strings.Contains(all, "c") {
		t.Errorf("texts: %q", all)
	}
	if !strings.Contains(b.String(), `role="img"`) || !strings.Contains(b.String(), `aria-labelledby="c1-title c1-desc"`) {
		t.Error("the chart is not labelled for assistive technology")
	}
}

func TestFlowMap(t *testing.T) {
	flows := []*Flow{
		{From: "SE", To: "DE", Count: Cell{Count: 40}, MedianDays: 30},
		{From: "DE", To: "SE", Count: Cell{Count: 12}, MedianDays: 20},
		{From: "PL", To: "LT", Count: Cell{Count: 3, Suppressed: true}, MedianDays: -1},
	}
	var b bytes.Buffer
	if err := FlowMap(&b, "m", "Movements", "Arrows from first to later country", flows, map[string]string{"SE": "Sweden"}); err != nil {
		t.Fatal(err)
	}
	title, _, texts := svgTexts(t, b.Bytes())
	all := strings.Join(texts, "|")
	if title != "Movements" || !strings.Contains(all, "Sweden → DE: 40") || !strings.Contains(all, "DE → Sweden: 12") {
		t.Errorf("title %q, texts %q", title, all)
	}
	if strings.Contains(all, "PL → LT") || strings.Count(b.String(), `class="flow"`) != 2 {
		t.Error("a suppressed flow is drawn")
	}
}

func TestNiceMax(t *testing.T) {
	for v, want := range map[int]int{0: 4, 3: 4, 4: 4, 5: 8, 9: 20, 120: 200, 1001: 2000, 20001: 40000} {
		if got := niceMax(v); got != want {
			t.Errorf("niceMax(%d) = %d, want %d", v, got, want)
		}
	}
}
