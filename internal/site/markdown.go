package site

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Markdown is rendered by goldmark, which already omits raw HTML, and the
// result is sanitised by bluemonday's user-content policy anyway: an
// editor's account may be taken over, and the site is public. No script,
// no inline handler, no javascript: or data: link survives either step.
var (
	md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

	policy = sync.OnceValue(func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowURLSchemes("http", "https", "mailto")
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		return p
	})
)

// RenderMarkdown turns an editor's Markdown into safe HTML.
func RenderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		// goldmark fails only on a failing writer; a bytes.Buffer does not.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy().SanitizeBytes(b.Bytes()))
}

// PlainText strips Markdown to text for feeds' summaries and search
// snippets: rendered, then every tag removed.
func PlainText(src string) string {
	var b bytes.Buffer
	_ = md.Convert([]byte(src), &b)
	return bluemonday.StrictPolicy().Sanitize(b.String())
}
