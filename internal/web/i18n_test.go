package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/web/i18n"
)

// usedKeys collects every catalogue key the web layer can ask for:
// constant keys in templates ({{t "key"}}, the label and hint arguments of
// the field helpers) and in Go (calls of T, fields named ...Key), plus the
// keys built from data (roles, languages, audit actions and outcomes,
// error pages).
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{} // key -> where
	add := func(key, where string) {
		if _, ok := used[key]; !ok {
			used[key] = where
		}
	}

	// Templates: walk the parse trees.
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFS.ReadFile(path)
		if err != nil {
			return err
		}
		trees := map[string]*parse.Tree{}
		tr := parse.New(path)
		tr.Mode = parse.SkipFuncCheck
		if _, err := tr.Parse(string(b), "{{", "}}", trees); err != nil {
			return err
		}
		for _, tree := range trees {
			walkTemplate(tree.Root, func(n *parse.CommandNode) {
				if len(n.Args) < 2 {
					return
				}
				id, ok := n.Args[0].(*parse.IdentifierNode)
				if !ok {
					return
				}
				str := func(i int) string {
					if i < len(n.Args) {
						if s, ok := n.Args[i].(*parse.StringNode); ok {
							return s.Text
						}
					}
					return ""
				}
				switch id.Ident {
				case "t", "hint":
					if k := str(1); k != "" {
						add(k, path)
					}
				case "field": // field . name type labelKey autocomplete
					if k := str(4); k != "" {
						add(k, path)
					}
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Go: string literals passed to T, to parameters named key or ...Key
	// of the package's functions, and assigned to fields named ...Key.
	fset := token.NewFileSet()
	names, _ := filepath.Glob("*.go")
	var files []*ast.File
	for _, f := range names {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	keyParams := map[string][]int{} // function name -> positions of key parameters
	for _, file := range files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			i := 0
			for _, field := range fd.Type.Params.List {
				for _, n := range field.Names {
					if n.Name == "key" || strings.HasSuffix(n.Name, "Key") {
						keyParams[fd.Name.Name] = append(keyParams[fd.Name.Name], i)
					}
					i++
				}
			}
		}
	}
	for _, file := range files {
		lit := func(e ast.Expr) (string, bool) {
			if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
				s, err := strconv.Unquote(b.Value)
				return s, err == nil
			}
			return "", false
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch f := x.Fun.(type) {
				case *ast.SelectorExpr:
					name = f.Sel.Name
				case *ast.Ident:
					name = f.Name
				}
				positions := keyParams[name]
				if name == "T" {
					positions = []int{0}
				}
				for _, i := range positions {
					if i < len(x.Args) {
						if s, ok := lit(x.Args[i]); ok {
							add(s, fset.Position(x.Pos()).String())
						}
					}
				}
			case *ast.AssignStmt:
				for i, l := range x.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && strings.HasSuffix(sel.Sel.Name, "Key") && i < len(x.Rhs) {
						if s, ok := lit(x.Rhs[i]); ok {
							add(s, fset.Position(x.Pos()).String())
						}
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := x.Key.(*ast.Ident); ok && strings.HasSuffix(id.Name, "Key") {
					if s, ok := lit(x.Value); ok {
						add(s, fset.Position(x.Pos()).String())
					}
				}
			case *ast.CompositeLit:
				// Maps of notices: map[string]string{"done": "key"}.
				if mt, ok := x.Type.(*ast.MapType); ok {
					if v, ok := mt.Value.(*ast.Ident); ok && v.Name == "string" {
						for _, el := range x.Elts {
							if kv, ok := el.(*ast.KeyValueExpr); ok {
								if s, ok := lit(kv.Value); ok && strings.Contains(s, ".") {
									add(s, fset.Position(kv.Pos()).String())
								}
							}
						}
					}
				}
			}
			return true
		})
	}

	// Keys built from data.
	for _, r := range auth.Roles {
		add("role."+string(r), "role names")
	}
	for _, l := range i18n.Languages {
		add("lang."+l, "language names")
	}
	for _, a := range audit.Actions() {
		add("audit.action."+a, "audit.Actions()")
	}
	for _, o := range []string{"ok", "denied", "failed"} {
		add("audit.outcome."+o, "audit outcomes")
	}
	for status := range errorStatuses {
		add("error."+strconv.Itoa(status)+".title", "error pages")
		add("error."+strconv.Itoa(status)+".text", "error pages")
	}
	return used
}

func walkTemplate(n parse.Node, fn func(*parse.CommandNode)) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walkTemplate(c, fn)
		}
	case *parse.ActionNode:
		walkTemplate(x.Pipe, fn)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walkTemplate(c, fn)
		}
	case *parse.CommandNode:
		fn(x)
		for _, a := range x.Args {
			walkTemplate(a, fn)
		}
	case *parse.IfNode:
		walkTemplate(x.Pipe, fn)
		walkTemplate(x.List, fn)
		walkTemplate(x.ElseList, fn)
	case *parse.RangeNode:
		walkTemplate(x.Pipe, fn)
		walkTemplate(x.List, fn)
		walkTemplate(x.ElseList, fn)
	case *parse.WithNode:
		walkTemplate(x.Pipe, fn)
		walkTemplate(x.List, fn)
		walkTemplate(x.ElseList, fn)
	case *parse.TemplateNode:
		walkTemplate(x.Pipe, fn)
	}
}

// TestCatalogues: every key the templates and handlers use is in every
// catalogue; no catalogue has a key English lacks (i18n.Load checks that
// and the plural forms); and English has no key nobody uses.
func TestCatalogues(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	used := usedKeys(t)
	if len(used) < 100 {
		t.Fatalf("only %d keys found: the extraction is broken", len(used))
	}
	var missing []string
	for key, where := range used {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, key) {
				missing = append(missing, lang+" lacks "+strconv.Quote(key)+" (used in "+where+")")
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
	for _, key := range cat.Keys("en") {
		if _, ok := used[key]; !ok {
			t.Errorf("catalogue key %q is used nowhere: remove it or use it", key)
		}
	}
	// The extraction sees keys of every kind.
	for _, k := range []string{"signin.title", "signin.username", "code.hint", "signin.failed", "users.notice_disabled", "dash.users", "nav.audit"} {
		if _, ok := used[k]; !ok {
			t.Errorf("extraction missed %q", k)
		}
	}
}

// TestCatalogueCheck: the loader's check catches a missing key, an extra
// key and a missing plural form.
func TestCatalogueCheck(t *testing.T) {
	for _, tc := range []struct{ name, en, de, want string }{
		{"missing", `{"a":"A","b":"B"}`, `{"a":"A"}`, `de lacks "b"`},
		{"extra", `{"a":"A"}`, `{"a":"A","c":"C"}`, `de has "c", which English lacks`},
		{"plural", `{"n":{"one":"1","other":"n"}}`, `{"n":{"one":"1"}}`, `lacks plural form "other"`},
		{"plural vs text", `{"n":{"one":"1","other":"n"}}`, `{"n":"n"}`, `is plural in one catalogue`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := i18n.CheckFiles(map[string][]byte{"en": []byte(tc.en), "de": []byte(tc.de)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
	if err := i18n.CheckFiles(map[string][]byte{"en": []byte(`{"a":"A"}`), "de": []byte(`{"a":"Ä"}`)}); err != nil {
		t.Fatal(err)
	}
}

// TestLanguageChoice: the user's setting wins, then Accept-Language by
// q-value, then the configured default.
func TestLanguageChoice(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	for _, tc := range []struct{ accept, lang, title string }{
		{"", "en", "Sign in"},
		{"de-DE,de;q=0.9,en;q=0.8", "de", "Anmelden"},
		{"fr-FR, fr;q=0.9, sv;q=0.5, de;q=0.4", "sv", "Logga in"},
		{"en;q=0.2, pl;q=0.8", "pl", "Logowanie"},
		{"pl;q=0, de;q=0.1", "de", "Anmelden"},
		{"fi, et", "fi", "Kirjaudu sisään"},
		{"nb-NO", "no", "Logg inn"},
		{"fr, it", "en", "Sign in"},
		{"*", "en", "Sign in"},
		{";;;garbage", "en", "Sign in"},
	} {
		rec := e.do(h, req{method: "GET", path: "/signin", header: http.Header{"Accept-Language": {tc.accept}}})
		body := rec.Body.String()
		if !strings.Contains(body, `<html lang="`+tc.lang+`">`) || !strings.Contains(body, "<h1>"+tc.title+"</h1>") {
			t.Errorf("Accept-Language %q: want %s (%q)", tc.accept, tc.lang, tc.title)
		}
	}

	// The default language of the node.
	e2 := newTestEnv(t, func(c *Config) { c.DefaultLanguage = "sv" })
	if body := e2.do(e2.srv.Handler(), req{method: "GET", path: "/signin"}).Body.String(); !strings.Contains(body, `<html lang="sv">`) {
		t.Error("the node's default language is not used")
	}

	// The user's setting, chosen on the account page, beats the browser.
	u, pw := e.user("lang.user", auth.RoleOfficer, "SE")
	tok := e.enrol(u.Username, pw)
	de := http.Header{"Accept-Language": {"de"}}
	if body := e.do(h, req{method: "GET", path: "/account", session: tok, header: de}).Body.String(); !strings.Contains(body, `<html lang="de">`) {
		t.Fatal("without a setting the browser's language applies")
	}
	rec := e.do(h, req{method: "POST", path: "/account/language", session: tok, header: de, form: map[string][]string{"language": {"pl"}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("set language: %d", rec.Code)
	}
	body := e.do(h, req{method: "GET", path: "/account?done=language", session: tok, header: de}).Body.String()
	if !strings.Contains(body, `<html lang="pl">`) || !strings.Contains(body, "Język został zapisany.") || !strings.Contains(body, `<option value="pl" lang="pl" selected>`) {
		t.Fatal("the user's language setting is not applied")
	}
	// Back to the browser's language.
	e.do(h, req{method: "POST", path: "/account/language", session: tok, form: map[string][]string{"language": {""}}})
	if body := e.do(h, req{method: "GET", path: "/", session: tok, header: de}).Body.String(); !strings.Contains(body, `<html lang="de">`) {
		t.Fatal("clearing the setting does not return to the browser's language")
	}
	if rec := e.do(h, req{method: "POST", path: "/account/language", session: tok, form: map[string][]string{"language": {"xx"}}}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown language: %d", rec.Code)
	}
}

// TestEveryPageInEveryLanguage renders the pages of each role in each
// language: the missing-translation hook of newTestEnv fails the test on
// any key a catalogue lacks, and no page may fall back to a raw key.
func TestEveryPageInEveryLanguage(t *testing.T) {
	e := newTestEnv(t)
	h := e.srv.Handler()
	na, napw := e.user("net.admin", auth.RoleNetworkAdmin, "")
	tok := e.enrol(na.Username, napw)
	target, _ := e.user("target.user", auth.RoleOfficer, "SE")
	for _, lang := range i18n.Languages {
		hd := http.Header{"Accept-Language": {lang}}
		for _, path := range []string{"/", "/account", "/admin/users", "/admin/users/new",
			"/admin/users/" + strconv.FormatInt(target.ID, 10), "/audit", "/audit?from=bad", "/nothing"} {
			rec := e.do(h, req{method: "GET", path: path, session: tok, header: hd})
			if rec.Code >= 500 {
				t.Errorf("%s %s: %d", lang, path, rec.Code)
			}
			if body := rec.Body.String(); !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: wrong lang attribute", lang, path)
			}
		}
		if rec := e.do(h, req{method: "GET", path: "/signin", header: hd}); rec.Code != 200 {
			t.Errorf("%s /signin: %d", lang, rec.Code)
		}
	}
}
