package site

import (
	"context"
	"strings"

	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
)

// countryNames are the English names of Countries.
var countryNames = map[auth.Country]string{
	"DK": "Denmark", "EE": "Estonia", "FI": "Finland", "DE": "Germany", "IS": "Iceland", "LV": "Latvia",
	"LT": "Lithuania", "NO": "Norway", "PL": "Poland", "RU": "Russia", "SE": "Sweden",
	"UA": "Ukraine", "MD": "Moldova", "BY": "Belarus",
}

// CountryName returns the English name of c.
func CountryName(c auth.Country) string { return countryNames[c] }

// seedDirectory is the structure of the contact-point directory and of the
// national pages: one entry per country. The seeds say that contact points
// are appointed in every member state except Germany and Russia, and in
// Ukraine, Belarus and Moldova, but name no organisation: each entry is a
// placeholder for the national coordinator to complete.
func seedDirectory() []seedItem {
	var out []seedItem
	for i, c := range Countries {
		name := countryNames[c]
		slug := strings.ToLower(string(c))
		if c != "DE" && c != "RU" {
			out = append(out, seedItem{
				Item: Item{Kind: KindContact, Slug: "ncp-" + slug, Country: c, Topic: "trafficking", SortKey: i,
					Meta: map[string]string{"organisation": "To be completed by the national coordinator", "contact_role": "National Contact Point on unaccompanied and trafficked children", "placeholder": "yes"}},
				Title:   "National Contact Point – " + name,
				Summary: "The National Contact Point on unaccompanied and trafficked children in " + name + ".",
				Body:    "The organisation and public contact details of the contact point are to be completed by the national coordinator. National Contact Points exchange information between professionals in individual cases.",
			})
		}
		if c == "UA" || c == "MD" || c == "BY" {
			continue
		}
		out = append(out, seedItem{
			Item:    Item{Kind: KindPage, Slug: "country-" + slug, Country: c, SortKey: 100 + i},
			Title:   name,
			Summary: "Children at risk in " + name + ": national news, contacts and reports, kept by the national coordinator.",
			Body:    "This page is kept by the national coordinator for " + name + ". It is a placeholder until they complete it.",
		})
	}
	return out
}

// SeedItems returns every seed item; tests and the demo read it.
func seedAll() []seedItem {
	all := append(append(append([]seedItem(nil), seedItems...), seedActivities...), seedDirectory()...)
	return all
}

// Seed writes the seed content, published at once, if the site is empty.
// It reports whether it wrote anything.
func (s *Service) Seed(ctx context.Context) (bool, error) {
	var n int
	err := s.store.View(ctx, func(tx Tx) (err error) {
		n, err = tx.CountItems(ctx, Filter{})
		return err
	})
	if err != nil || n > 0 {
		return false, err
	}
	ids := map[string]int64{}
	all := seedAll()
	e := SystemEditor
	for _, si := range all {
		it := si.Item
		it.Seed = true
		created, err := s.Create(ctx, e, NewItem{Item: it, Text: Text{Title: si.Title, Summary: si.Summary, Body: si.Body}})
		if err != nil {
			return false, errs.Wrap(err, "site: seed "+string(it.Kind)+"/"+it.Slug)
		}
		ids[string(it.Kind)+"/"+it.Slug] = created.ID
		if si.DE != nil {
			de := *si.DE
			de.Lang = "de"
			if err := s.SaveText(ctx, e, created.ID, de); err != nil {
				return false, err
			}
		}
		if err := s.Transition(ctx, e, created.ID, StatusPublished, s.Now()); err != nil {
			return false, err
		}
	}
	for _, si := range all {
		from := ids[string(si.Kind)+"/"+si.Slug]
		for _, l := range si.Links {
			to, ok := ids[l]
			if !ok {
				return false, errs.E(errs.Internal, "site: seed link to unknown %s", l)
			}
			if err := s.Link(ctx, e, from, to, false); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// SeedCorpus returns every text of the seed content, lower-cased: the
// public words a hub's database holds from its first start. The hub's
// tests that search its database files for values of synthetic children's
// records skip the values that are ordinary words or dates of this public
// text ("Robert", the name of a project; 2010-04-16, a meeting's last day).
func SeedCorpus() string {
	var b strings.Builder
	for _, si := range seedAll() {
		b.WriteString(si.Title + "\n" + si.Summary + "\n" + si.Body + "\n" + si.StartsOn + "\n" + si.EndsOn + "\n")
		for _, v := range si.Meta {
			b.WriteString(v + "\n")
		}
		if si.DE != nil {
			b.WriteString(si.DE.Title + "\n" + si.DE.Summary + "\n" + si.DE.Body + "\n")
		}
	}
	return strings.ToLower(b.String())
}
