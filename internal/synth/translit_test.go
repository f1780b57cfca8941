package synth

import "testing"

func TestTranslit(t *testing.T) {
	for _, c := range []struct {
		in   string
		l    lang
		sys  system
		want string
	}{
		{"Олександр", langUK, sysNational, "Oleksandr"},
		{"Олександр", langUK, sysPolish, "Ołeksandr"},
		{"Шевченко", langUK, sysNational, "Shevchenko"},
		{"Шевченко", langUK, sysGerman, "Schewtschenko"},
		{"Шевченко", langUK, sysPolish, "Szewczenko"},
		{"Юлія", langUK, sysNational, "Yuliia"},
		{"Марія", langUK, sysNational, "Mariia"},
		{"Тетяна", langUK, sysEnglish, "Tetyana"},
		{"Тетяна", langUK, sysGerman, "Tetjana"},
		{"Андрій", langUK, sysNational, "Andrii"},
		{"Андрій", langUK, sysEnglish, "Andriy"},
		{"Євген", langUK, sysNational, "Yevhen"},
		{"Згурський", langUK, sysNational, "Zghurskyi"},
		{"Лук'яненко", langUK, sysNational, "Lukianenko"},
		{"Поліщук", langUK, sysPolish, "Poliszczuk"},
		{"Александр", langRU, sysNational, "Aleksandr"},
		{"Юлия", langRU, sysNational, "Iuliia"},
		{"Юлия", langRU, sysEnglish, "Yuliya"},
		{"Юлия", langRU, sysGerman, "Julija"},
		{"Наталья", langRU, sysEnglish, "Natalya"},
		{"Фёдор", langRU, sysEnglish, "Fyodor"},
		{"Пётр", langRU, sysPolish, "Piotr"},
		{"Сергей", langRU, sysPolish, "Siergiej"},
		{"Сергей", langRU, sysGerman, "Sergej"},
		{"Дмитрий", langRU, sysGerman, "Dmitri"},
		{"Дмитрий", langRU, sysNational, "Dmitrii"},
		{"Василий", langRU, sysGerman, "Wassili"},
		{"Аляксандр", langBE, sysNational, "Aliaksandr"},
		{"Сяргей", langBE, sysNational, "Siarhei"},
		{"Кацярына", langBE, sysNational, "Katsiaryna"},
		{"Дзмітрый", langBE, sysNational, "Dzmitry"},
		{"Яўген", langBE, sysNational, "Yauhen"},
		{"Іваноў", langBE, sysNational, "Ivanou"},
	} {
		if got := translit(c.in, c.l, c.sys); got != c.want {
			t.Errorf("translit(%s, %d, %d) = %s, want %s", c.in, c.l, c.sys, got, c.want)
		}
	}
}

func TestFeminineAndFold(t *testing.T) {
	for in, want := range map[string]string{
		"Іванов": "Іванова", "Ковальський": "Ковальська", "Іваноў": "Іванова", "Навіцкі": "Навіцкая",
		"Новицкий": "Новицкая", "Никитин": "Никитина", "Шевченко": "Шевченко", "Лукашэвіч": "Лукашэвіч",
	} {
		if got := feminine(in); got != want {
			t.Errorf("feminine(%s) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{"Nguyễn": "Nguyen", "Đặng": "Dang", "Lăcătuș": "Lacatus", "Çela": "Cela", "Łukasz": "Lukasz"} {
		if got := fold(in); got != want {
			t.Errorf("fold(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestParticleForms(t *testing.T) {
	var got []string
	for j := range particleCount(pAl, "Shami") {
		got = append(got, particleForm(pAl, "Shami", j))
	}
	want := []string{"Al-Shami", "Al Shami", "Alshami", "El-Shami", "El Shami", "Shami", "al-Shami", "Ash-Shami"}
	if len(got) != len(want) {
		t.Fatalf("forms of Al-Shami: %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("form %d of Al-Shami = %q, want %q", i, got[i], want[i])
		}
	}
	if f := particleForm(pAbd, "Rahman", abdAbdel); f != "Abdelrahman" {
		t.Errorf("Maghreb Abd form = %q", f)
	}
	if f := particleForm(pAbd, "Rahman", 8); f != "Abdurrahman" {
		t.Errorf("assimilated Abd form = %q", f)
	}
	if n := particleCount(pAbd, "Karim"); n != 8 {
		t.Errorf("Abd forms of a moon-letter name: %d", n)
	}
}
