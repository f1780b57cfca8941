package normalize

// otherGroups: names from Eritrea and Ethiopia (Tigrinya, Amharic: the
// final vowel of names in -ay/-aye/-ai varies between documents) and
// Albanian and Turkish forms not covered with their Arabic originals.
// Vietnamese names vary mostly in diacritics and order, which Fold and
// SortedTokens handle; the common names with y are listed as their own
// canonical spelling so that the generic rule y→i does not make them
// unreadable (Nguyen, not nguien; Thị, not ti). Romanian and Nigerian names
// that vary are in the Slavic (Alexandru, Sergiu) and Arabic (Aminu,
// Sulaimon, Usmanu) groups.
var otherGroups = []string{
	"tesfaye tesfay tesfai ተስፋዬ ተስፋይ",
	"tsegay tsegaye tsegai ፀጋይ",
	"yohannes yohanes yohanis yohannis ዮሃንስ ዮሐንስ",
	"berhane birhane brhane ብርሃነ",
	"gebre ghebre ገብረ",
	"filmon filimon filemon ፊልሞን",
	"dawit davit ዳዊት",
	"biniam biniyam binyam ቢንያም",
	"mehari mihari መሓሪ",
	"haile hayle ሃይለ",
	"habtom habtom ሃብቶም",
	"eyob iyob እዮብ",
	"senait senayt ሰናይት",
	"nguyen nguyễn ngyuen",
	"huynh huỳnh",
	"duy",
	"thuy thủy thùy",
	"quynh quỳnh",
	"huyen huyền",
	"uyen uyên",
	"tuyet tuyết",
	"yen yến",
	"thi thị",
	"thanh",
	"thu thư",
	"thao thảo",
}
