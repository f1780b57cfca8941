package cases

import "strings"

// iso6391 is every ISO 639-1 (two-letter) language code.
const iso6391 = "" +
	"aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy " +
	"da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz " +
	"ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv " +
	"mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu " +
	"rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty " +
	"ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"

// iso6393 are ISO 639-3 codes of languages spoken by children who come to
// the region and that have no ISO 639-1 code (a language with one must be
// given by it: Pashto is ps, Tigrinya ti, Somali so). Add codes here when a
// National Contact Point needs one.
const iso6393 = "" +
	"prs haz " + // Dari, Hazaragi
	"ckb kmr sdh lki " + // Kurdish: Sorani, Kurmanji, Southern, Laki
	"apc arz ary acm ajp ayl arq aeb shu " + // spoken Arabic varieties
	"tig byn ssy " + // Tigre, Bilen, Saho (Eritrea)
	"kab tzm zgh rif shi " + // Amazigh (Berber) languages of the Maghreb
	"rom rmy rmn rmc " + // Romani varieties
	"pcm bin efi " + // Nigerian Pidgin, Edo, Efik
	"mnk snk men kri fuf " + // Mandinka, Soninke, Mende, Krio, Pular
	"bal brh azb uzs " + // Baluchi, Brahui, South Azerbaijani, Southern Uzbek
	"syr aii " + // Syriac, Assyrian Neo-Aramaic
	"cmn yue fil sgn " + // Mandarin, Cantonese, Filipino, sign languages
	"rue csb szl " // Rusyn, Kashubian, Silesian

var languages = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(iso6391 + " " + iso6393) {
		m[c] = true
	}
	return m
}()

// ValidLanguage reports whether code (lower case) is an accepted language
// code: ISO 639-1, or one of the ISO 639-3 codes listed in this file.
func ValidLanguage(code string) bool { return languages[code] }
