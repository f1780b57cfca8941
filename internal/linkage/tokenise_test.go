package linkage

import (
	"slices"
	"strings"
	"testing"
)

type collect struct{ toks []string }

func (c *collect) token(t []byte) { c.toks = append(c.toks, string(t)) }

func tokens(t *Tokeniser, v *value) []string {
	var c collect
	var sc scratch
	sc.tokenise(t, v, &c)
	return c.toks
}

func TestQGrams(t *testing.T) {
	tests := []struct {
		tok   Tokeniser
		words []string
		want  string
	}{
		{Tokeniser{Kind: kindQGram, N: 2}, []string{"anna"}, "qan qnn qna"},
		{Tokeniser{Kind: kindQGram, N: 2, Padded: true}, []string{"ali"}, "q^a qal qli qi$"},
		{Tokeniser{Kind: kindQGram, N: 2, Positional: true}, []string{"aba"}, "qab@0 qba@1"},
		{Tokeniser{Kind: kindQGram, N: 3}, []string{"al"}, "qal"},      // shorter than q: whole
		{Tokeniser{Kind: kindQGram, N: 2}, []string{"łuk"}, "qłu quk"}, // runes, not bytes
		{Tokeniser{Kind: kindQGram, N: 1, Positional: true}, []string{"42"}, "q4@0 q2@1"},
		{Tokeniser{Kind: kindQGram, N: 2}, []string{"an", "na"}, "qan qna"}, // per word
		{Tokeniser{Kind: kindExact}, []string{"se"}, "xse"},
		{Tokeniser{Kind: kindQGram, N: 2}, nil, ""},
	}
	for _, tt := range tests {
		got := strings.Join(tokens(&tt.tok, &value{words: tt.words}), " ")
		if got != tt.want {
			t.Errorf("%+v on %v = %q, want %q", tt.tok, tt.words, got, tt.want)
		}
	}
}

func TestDateTokens(t *testing.T) {
	all := Tokeniser{Kind: kindDate, Parts: []string{"year", "month", "day", "day_month", "day_month_any", "year_window"}, YearWindow: 1}
	tests := []struct {
		d    dateValue
		want string
	}{
		{dateValue{year: 2010, month: 3, day: 14}, "y2010 m3 d14 o3-14 u3-14 w2009 w2010 w2011"},
		// A day/month swap keeps the unordered token.
		{dateValue{year: 2010, month: 4, day: 3}, "y2010 m4 d3 o4-3 u3-4 w2009 w2010 w2011"},
		{dateValue{year: 2010, month: 3, day: 4}, "y2010 m3 d4 o3-4 u3-4 w2009 w2010 w2011"},
		// Estimated: only the year tokens.
		{dateValue{year: 2010, month: 1, day: 1, estimated: true}, "y2010 w2009 w2010 w2011"},
		// Partial: year and month.
		{dateValue{year: 2010, month: 5}, "y2010 m5 w2009 w2010 w2011"},
		// Missing: nothing.
		{dateValue{}, ""},
	}
	for _, tt := range tests {
		got := strings.Join(tokens(&all, &value{date: tt.d}), " ")
		if got != tt.want {
			t.Errorf("%+v = %q, want %q", tt.d, got, tt.want)
		}
	}
	// Years k apart share 2w+1-k window tokens.
	w := Tokeniser{Kind: kindDate, Parts: []string{"year_window"}, YearWindow: 2}
	a := tokens(&w, &value{date: dateValue{year: 2010}})
	for k := 0; k <= 5; k++ {
		b := tokens(&w, &value{date: dateValue{year: 2010 + k}})
		shared := 0
		for _, x := range b {
			if slices.Contains(a, x) {
				shared++
			}
		}
		if want := max(5-k, 0); shared != want {
			t.Errorf("years %d apart share %d tokens, want %d", k, shared, want)
		}
	}
}

func TestNormDate(t *testing.T) {
	iso := &Field{Format: "YYYY-MM-DD"}
	compact := &Field{Format: "YYYYMMDD"}
	tests := []struct {
		f    *Field
		raw  string
		want dateValue
		err  bool
	}{
		{iso, "2010-03-14", dateValue{year: 2010, month: 3, day: 14}, false},
		{iso, "2010-03", dateValue{year: 2010, month: 3}, false},
		{iso, "2010", dateValue{year: 2010}, false},
		{iso, "2010-13-05", dateValue{year: 2010}, false}, // impossible month: year kept
		{iso, "2010-02-40", dateValue{year: 2010, month: 2}, false},
		{iso, "", dateValue{}, false},
		{iso, "14.03.2010", dateValue{}, true},
		{iso, "unknown", dateValue{}, false}, // a placeholder for a missing value
		{iso, "soon", dateValue{}, true},
		{iso, "20100314", dateValue{}, true},
		{compact, "20100314", dateValue{year: 2010, month: 3, day: 14}, false},
		{compact, "2010-03-14", dateValue{}, true},
	}
	for _, tt := range tests {
		var v value
		err := normDate(tt.f, tt.raw, &v)
		if (err != nil) != tt.err || v.date != tt.want {
			t.Errorf("normDate(%s, %q) = %+v, %v", tt.f.Format, tt.raw, v.date, err)
		}
		if err != nil && strings.Contains(err.Error(), tt.raw) {
			t.Errorf("error %q quotes the value", err)
		}
	}
}
