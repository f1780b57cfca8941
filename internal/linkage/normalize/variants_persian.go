package normalize

// persianSomaliGroups: names and surnames common in Afghanistan (Dari and
// Pashto), Iran and Somalia that are not already among the Arabic groups,
// with their Persian-script spellings. Somali spellings write ʿayn as c
// and ḥ as x (Cabdi, Xasan); the generic rules read an initial x as h.
var persianSomaliGroups = []string{
	"ghulam gholam golam gulam غلام",
	"javid javed jawid jawed جاوید جاويد",
	"wahid vahid waheed wahed وحید وحيد",
	"mujtaba mojtaba مجتبی مجتبى",
	"murtaza murtada mortaza mortada مرتضی مرتضى",
	"elham ilham الهام",
	"siddiqi sediqi seddiqi sidiqi صدیقی صديقي",
	"hosseini husseini husaini hussaini حسینی حسيني",
	"mohammadi muhammadi mohamadi محمدی",
	"ahmadzai ahmadzay ahmadzei احمدزی",
	"farah faarax فرح",
	"abdi cabdi",
	"sahra saxra",
	"hodan xoodan",
	"ayan ayaan",
	"deeqa deqa",
}
