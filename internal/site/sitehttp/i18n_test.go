package sitehttp

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/site"
)

// TestCataloguesAreTranslated catches a catalogue that is a copy of
// English: the keys are checked at load, but a copy would pass that.
func TestCataloguesAreTranslated(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range site.Languages[1:] {
		same := 0
		for k, v := range c.msgs["en"] {
			if c.msgs[l][k] == v {
				same++
			}
		}
		// Names that are the same everywhere (Childcentre, E-mail, Seminar…)
		// stay below a tenth.
		if same*10 > len(c.msgs["en"]) {
			t.Errorf("%s: %d of %d messages are the English text", l, same, len(c.msgs["en"]))
		}
	}
	if got := c.translator("de").Date("2009-10-06"); got != "6. Oktober 2009" {
		t.Errorf("German date: %s", got)
	}
	if got := c.translator("lt").Date("2009-10-06"); got != "2009 m. spalio 6 d." {
		t.Errorf("Lithuanian date: %s", got)
	}
}
