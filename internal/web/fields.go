package web

import "strings"

// input describes a form field for the "input" template: a label bound to
// the input, an optional hint, the error (linked by aria-describedby and
// marked aria-invalid) and what the user typed. Password inputs never show
// a value back.
type input struct {
	p            *page
	Name         string // id and name
	Type         string // text, password, date
	LabelKey     string
	Autocomplete string
	HintKey      string
	HintN        int // the {n} of the hint
	InputMode    string
	Autofocus    bool
}

// Value is what the user typed.
func (in input) Value() string { return in.p.Value(in.Name) }

// Error is the field's error message, or "".
func (in input) Error() string { return in.p.Error(in.Name) }

// DescribedBy lists the ids of the hint and the error.
func (in input) DescribedBy() string {
	var ids []string
	if in.HintKey != "" {
		ids = append(ids, in.Name+"-hint")
	}
	if in.Error() != "" {
		ids = append(ids, in.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// Template helpers, used as {{template "input" (field . "code" "text" "code.label" "one-time-code" | hint "code.hint" 0)}}.
func newField(p *page, name, typ, labelKey, autocomplete string) input {
	return input{p: p, Name: name, Type: typ, LabelKey: labelKey, Autocomplete: autocomplete}
}

func withHint(key string, n int, in input) input { in.HintKey, in.HintN = key, n; return in }

func withAutofocus(in input) input { in.Autofocus = true; return in }

func withNumeric(in input) input { in.InputMode = "numeric"; return in }
