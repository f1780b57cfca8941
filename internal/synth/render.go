package synth

import (
	"strings"
	"time"
)

// Sub-rates inside one kind of error (doc.go).
const (
	oneFieldFamilyFirst = 0.25 // a whole name in one field is written family name first
	cyrAltCountry       = 0.50 // a non-passport Cyrillic spelling uses the registering country's system
	cyrAltRussian       = 0.35 // ... the Russian form of the name; the rest: the conventional form
)

// record renders one registration of child k: an independent re-spelling of
// its true identity with the recording errors of g.e.
func (g *generator) record(k *child, ev event) Record {
	g.counters[ev.c]++
	rec := Record{
		ID:         g.prefix[ev.c] + pad(g.counters[ev.c], 6),
		Country:    g.opt.Countries[ev.c],
		Origin:     k.o.code,
		Entity:     k.entity,
		Family:     k.family,
		Registered: time.Unix(int64(ev.day)*86400, 0).UTC(),
		Event:      ev.kind,
	}
	rec.GivenName, rec.FamilyName = g.names(k, rec.Country)
	rec.Sex = g.sex(k)
	rec.DateOfBirth, rec.DOBEstimated = g.dob(k)
	rec.Citizenship = g.citizenship(k)
	return rec
}

// names writes the child's name as one registration would.
func (g *generator) names(k *child, country string) (given, family string) {
	e, r := &g.e, g.r
	// One system either has the letters or not: the decision holds for the
	// whole record. A third of the Romanian cases write ş/ţ for ș/ț instead.
	drop, cedil := r.Float64() < e.Diacritics, false
	if drop && k.o.code == "RO" && r.IntN(3) == 0 {
		drop, cedil = false, true
	}
	sx := sexIndex(k.female)
	if k.o.script == scriptVietnamese {
		given, family = g.vietnamese(k, drop)
	} else {
		given = g.spell(k.given, k.o, sx, country, drop)
		if k.second != nil && !(e.DropSecond > 0 && r.Float64() < e.DropSecond) {
			given += " " + g.spell(k.second, k.o, sx, country, drop)
		}
		family = g.spell(k.fam, k.o, sx, country, drop)
		if k.father != nil && r.Float64() < e.FatherName {
			given += " " + g.spell(k.father, k.o, 1, country, drop)
		}
	}
	if cedil {
		given, family = cedilla.Replace(given), cedilla.Replace(family)
	}
	if family != "" && r.Float64() < e.OneField {
		if r.Float64() < oneFieldFamilyFirst {
			given = family + " " + given
		} else {
			given = given + " " + family
		}
		family = ""
	}
	if r.Float64() < e.Swap {
		given, family = family, given
	}
	if r.Float64() < e.Typo {
		given = g.typo(given)
	}
	if r.Float64() < e.Typo {
		family = g.typo(family)
	}
	if r.Float64() < e.MissingGiven {
		given = ""
	}
	if r.Float64() < e.MissingFamily {
		family = ""
	}
	switch x := r.Float64(); {
	case x < e.UpperCase:
		given, family = strings.ToUpper(given), strings.ToUpper(family)
	case x < e.UpperCase+e.LowerCase:
		given, family = strings.ToLower(given), strings.ToLower(family)
	}
	return given, family
}

var cedilla = strings.NewReplacer("ș", "ş", "ț", "ţ", "Ș", "Ş", "Ț", "Ţ")

// spell writes one name: a spelling variant of the base name, its particle,
// diacritics kept or dropped; Cyrillic names go through cyrSpell.
func (g *generator) spell(n *nameEntry, o *origin, sx int, country string, drop bool) string {
	if n.cyr != nil {
		return g.cyrSpell(n.cyr, sx, country)
	}
	i := 0
	if len(n.forms) > 1 && g.r.Float64() < g.e.Variant {
		i = 1 + g.r.IntN(len(n.forms)-1)
	}
	base := n.forms[i]
	if drop && n.fold != nil {
		base = n.fold[i]
	}
	if n.part == noParticle {
		return base
	}
	usual, count := particleUsual(n.part, o), particleCount(n.part, base)
	j := usual
	if g.r.Float64() < g.e.Particle {
		if j = g.r.IntN(count - 1); j >= usual {
			j++ // any form but the usual one
		}
	}
	return particleForm(n.part, base, j)
}

// cyrSpell writes a Cyrillic name: mostly the passport transliteration,
// otherwise the registering country's transliteration, the Russian form of
// the name, the conventional Latin form, or the Cyrillic original.
func (g *generator) cyrSpell(c *cyrEntry, sx int, country string) string {
	r := g.r
	x := r.Float64()
	if x < g.e.Cyrillic {
		return c.orig[sx]
	}
	if x >= g.e.Cyrillic+g.e.Transliteration {
		return c.lat[sx][sysNational]
	}
	sys := sysEnglish
	switch country {
	case "DE", "AT", "CH":
		sys = sysGerman
	case "PL":
		sys = sysPolish
	}
	y := r.Float64()
	switch {
	case y < cyrAltCountry:
		return c.lat[sx][sys]
	case y < cyrAltCountry+cyrAltRussian && c.rus[sx] != "":
		if r.IntN(2) == 0 {
			return c.rusLat[sx][sysNational]
		}
		return c.rusLat[sx][sys]
	case c.conv != "":
		return c.conv
	}
	return c.lat[sx][sysEnglish]
}

// vietnamese lays out family name, middle name and given name. Passports
// put the middle name with the given name (VAN AN / NGUYEN); registrations
// also attach it to the family name, drop it, or keep the Vietnamese order.
func (g *generator) vietnamese(k *child, drop bool) (given, family string) {
	f := g.spell(k.fam, k.o, 0, "", drop)
	m := g.spell(k.middle, k.o, 0, "", drop)
	v := g.spell(k.given, k.o, 0, "", drop)
	if g.r.Float64() >= g.e.NameOrder {
		return m + " " + v, f
	}
	switch g.r.IntN(5) {
	case 0:
		return v, f + " " + m
	case 1:
		return v, f
	case 2:
		return f, m + " " + v
	case 3:
		return f + " " + m, v
	}
	return f + " " + m + " " + v, ""
}

func (g *generator) sex(k *child) string {
	female := k.female
	if g.r.Float64() < g.e.WrongSex {
		female = !female
	}
	if g.r.Float64() < g.e.MissingSex {
		return ""
	}
	if female {
		return "f"
	}
	return "m"
}

func (g *generator) citizenship(k *child) string {
	switch x := g.r.Float64(); {
	case x < g.e.MissingCitizen:
		return ""
	case x < g.e.MissingCitizen+g.e.WrongCitizen:
		return k.o.neighbours[g.r.IntN(len(k.o.neighbours))]
	}
	return k.cit
}
