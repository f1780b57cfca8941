package synth

import (
	"hash/fnv"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestCalibration guards the difficulty of the default errors with two
// deliberately simple reference linkers compared over all pairs:
//
//   - naive: one Bloom filter of the raw fields' bigrams per record, Dice
//     similarity (a linker without normalisation);
//   - reference: a crude normaliser (case, diacritics, Cyrillic, particles,
//     a phonetic skeleton, sorted name tokens) and a score that adds
//     date-of-birth agreement to the names' similarity.
//
// F1 is extrapolated to 20,000 children (false positives grow with the
// square of the size, true pairs linearly). The data must stay hard for the
// naive linker (near 0.5) and linkable by the reference one; the linkage
// engine, with a real normaliser, is expected to do better than it.
func TestCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("calibration compares all pairs of 5,500 records: skipped in -short mode")
	}
	const children = 2500
	recs, err := Generate(Options{Children: children, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	scale := 20000.0 / children
	naive := bestF1(recs, func(a, b *feature) float64 { return dice(&a.raw, &b.raw) }, scale)
	ref := bestF1(recs, refScore, scale)
	t.Logf("F1 extrapolated to 20,000 children: naive %.3f, reference %.3f", naive, ref)
	if naive > 0.60 {
		t.Errorf("naive linker F1 %.3f: the errors are too mild", naive)
	}
	if ref < 0.82 {
		t.Errorf("reference linker F1 %.3f: the errors are too hard", ref)
	}
	clean, err := Generate(Options{Children: children, Seed: 3, Errors: NoErrors()})
	if err != nil {
		t.Fatal(err)
	}
	if f := bestF1(clean, refScore, scale); f < 0.97 {
		t.Errorf("reference linker F1 %.3f on error-free data", f)
	}
}

type bloom [16]uint64

func (b *bloom) add(tok string) {
	h := fnv.New64a()
	h.Write([]byte(tok))
	x := h.Sum64()
	for i := range 8 {
		x = mix(x + uint64(i))
		b[x%1024/64] |= 1 << (x % 64)
	}
}

func dice(a, b *bloom) float64 {
	ab, n := 0, 0
	for i := range a {
		ab += bits.OnesCount64(a[i] & b[i])
		n += bits.OnesCount64(a[i]) + bits.OnesCount64(b[i])
	}
	if n == 0 {
		return 0
	}
	return 2 * float64(ab) / float64(n)
}

func bigrams(b *bloom, prefix, s string) {
	rs := []rune("_" + s + "_")
	for i := 0; i+1 < len(rs); i++ {
		b.add(prefix + string(rs[i:i+2]))
	}
}

type feature struct {
	raw, name bloom
	y, m, d   int // d > 0: exact date
	sex       string
}

func features(r Record) feature {
	var f feature
	bigrams(&f.raw, "g", r.GivenName)
	bigrams(&f.raw, "f", r.FamilyName)
	bigrams(&f.raw, "d", r.DateOfBirth)
	f.raw.add("s" + r.Sex)
	f.raw.add("c" + r.Citizenship)
	for _, tok := range refTokens(r.GivenName + " " + r.FamilyName) {
		bigrams(&f.name, "", tok)
	}
	if s := r.DateOfBirth; len(s) >= 4 {
		f.y, _ = strconv.Atoi(s[:4])
		if len(s) == 10 && !r.DOBEstimated {
			f.m, _ = strconv.Atoi(s[5:7])
			f.d, _ = strconv.Atoi(s[8:])
		}
	}
	f.sex = r.Sex
	return f
}

var skeleton = strings.NewReplacer("tsch", "ch", "sch", "sh", "szcz", "shch", "sz", "sh", "cz", "ch", "kh", "h",
	"ph", "f", "ou", "u", "oo", "u", "ee", "i", "ie", "i", "y", "i", "j", "i", "w", "v", "q", "k", "x", "h",
	"c", "k", "dh", "d", "th", "t", "gh", "g", "e", "i", "o", "u", "-", " ", "'", "")

// refTokens normalises a name into sorted tokens.
func refTokens(s string) []string {
	s = strings.ToLower(fold(s))
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		s = strings.ToLower(translit(s, langUK, sysNational))
	}
	var out []string
	for _, tok := range strings.Fields(skeleton.Replace(s)) {
		for _, p := range []string{"abdul", "abdil", "abdi", "abd"} {
			if strings.HasPrefix(tok, p) && len(tok) > len(p)+2 {
				tok = tok[len(p):]
				break
			}
		}
		if strings.HasPrefix(tok, "al") && len(tok) > 5 {
			tok = tok[2:]
		}
		switch tok {
		case "al", "il", "abd", "abdul", "abdil", "ullah", "ulla":
			continue
		}
		var b []byte
		for i := 0; i < len(tok); i++ {
			if i == 0 || tok[i] != tok[i-1] {
				b = append(b, tok[i])
			}
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

func refScore(a, b *feature) float64 {
	s := dice(&a.name, &b.name)
	if a.y > 0 && b.y > 0 {
		dy := max(a.y-b.y, b.y-a.y)
		switch {
		case a.d > 0 && b.d > 0:
			md := (a.m == b.m && a.d == b.d) || (a.m == b.d && a.d == b.m)
			switch {
			case dy == 0 && md:
				s += 0.25
			case dy == 0 && (a.m == b.m || a.d == b.d), dy == 1 && md:
				s += 0.1
			default:
				s -= 0.3
			}
		case dy == 0:
			s += 0.08
		case dy == 1:
			s += 0.04
		case dy > 2:
			s -= 0.3
		}
	}
	if a.sex != "" && b.sex != "" && a.sex != b.sex {
		s -= 0.1
	}
	return s
}

// bestF1 compares all pairs and returns the best F1 over thresholds, with
// false positives multiplied by scale.
func bestF1(recs []Record, score func(a, b *feature) float64, scale float64) float64 {
	fs := make([]feature, len(recs))
	for i, r := range recs {
		fs[i] = features(r)
	}
	const buckets = 300 // scores from -0.5 to 1.5
	var tp, fp [buckets]int
	total := 0
	for i := range fs {
		for j := i + 1; j < len(fs); j++ {
			b := min(max(int((score(&fs[i], &fs[j])+0.5)/2*buckets), 0), buckets-1)
			if recs[i].Entity == recs[j].Entity {
				tp[b]++
				total++
			} else {
				fp[b]++
			}
		}
	}
	best, ctp, cfp := 0.0, 0, 0
	for b := buckets - 1; b >= 0; b-- {
		ctp += tp[b]
		cfp += fp[b]
		if ctp == 0 {
			continue
		}
		p := float64(ctp) / (float64(ctp) + scale*float64(cfp))
		r := float64(ctp) / float64(total)
		best = max(best, 2*p*r/(p+r))
	}
	return best
}
