package synth

// Ukrainian names, written originally in Cyrillic. Each entry is
// "Ukrainian/Russian equivalent/conventional Latin equivalent": a child from
// Ukraine may be registered with the passport transliteration (Oleksandr),
// another country's (Ołeksandr, in Germany also Oleksandr), the Russian form
// of the name (Aleksandr), the conventional one (Alexander), or in Cyrillic.
// Family names are given in the male form; female forms are derived
// (Ковальський → Ковальська); most in -енко, -чук, -ук do not change.

var uaGivenM = cyrillic(`
Олександр/Александр/Alexander; Максим/Максим/Maxim; Артем/Артём/Artem; Дмитро/Дмитрий/Dmitry;
Іван/Иван/Ivan; Андрій/Андрей/Andrei; Богдан/Богдан; Владислав/Владислав/Vladislav; Денис/Денис;
Данило/Даниил/Daniel; Кирило/Кирилл/Kirill; Микола/Николай/Nikolai; Михайло/Михаил/Michael; Назар;
Олег/Олег; Павло/Павел/Paul; Роман/Роман; Сергій/Сергей/Sergei; Тарас; Юрій/Юрий/Yuri;
Ярослав/Ярослав; Євген/Евгений/Eugene; Віталій/Виталий/Vitaly; Вадим/Вадим; Ілля/Илья/Ilya;
Матвій/Матвей/Matvey; Тимофій/Тимофей/Timofey; Марк/Марк/Mark; Остап; Святослав/Святослав;
Степан/Степан/Stepan; Василь/Василий/Vasily; Віктор/Виктор/Victor; Олексій/Алексей/Alexey;
Петро/Пётр/Peter; Антон/Антон/Anton; Ігор/Игорь/Igor; Руслан/Руслан; Захар/Захар; Давид/Давид/David;
Георгій/Георгий/George; Федір/Фёдор/Fedor; Григорій/Григорий/Gregory; Арсеній/Арсений/Arseny
`, langUK, false, zipfGiven)

var uaGivenF = cyrillic(`
Анастасія/Анастасия/Anastasia; Марія/Мария/Maria; Дарина/Дарина/Darina; Софія/Софья/Sofia;
Анна/Анна/Anna; Вікторія/Виктория/Victoria; Поліна/Полина/Polina; Катерина/Екатерина/Ekaterina;
Олена/Елена/Elena; Юлія/Юлия/Julia; Ірина/Ирина/Irina; Оксана/Оксана; Олександра/Александра/Alexandra;
Христина/Кристина/Christina; Аліна/Алина/Alina; Валерія/Валерия/Valeria; Єва/Ева/Eva; Злата;
Мілана/Милана/Milana; Соломія/Соломия/Solomiya; Вероніка/Вероника/Veronica; Діана/Диана/Diana;
Ольга/Ольга/Olga; Тетяна/Татьяна/Tatiana; Наталія/Наталья/Natalia; Світлана/Светлана/Svetlana;
Людмила/Людмила; Надія/Надежда/Nadia; Яна/Яна/Yana; Кіра/Кира/Kira; Уляна/Ульяна/Uliana; Богдана;
Ангеліна/Ангелина/Angelina; Маргарита/Маргарита/Margarita; Єлизавета/Елизавета/Elizabeth;
Ксенія/Ксения/Ksenia; Мирослава/Мирослава; Владислава/Владислава; Карина/Карина/Karina;
Аріна/Арина/Arina; Дарія/Дарья/Daria; Ганна/Анна/Hanna
`, langUK, false, zipfGiven)

var uaFamily = cyrillic(`
Шевченко; Коваленко; Бондаренко; Ткаченко; Кравченко; Олійник/Олейник; Шевчук; Коваль; Поліщук/Полищук;
Бойко; Ткачук; Мельник; Мороз; Лисенко/Лысенко; Савченко; Руденко; Марченко; Петренко; Кравчук; Павленко;
Клименко; Левченко; Харченко; Карпенко; Мельничук; Романенко; Сидоренко; Гончаренко; Кузьменко;
Литвиненко; Приходько; Савчук; Юрченко; Остапенко; Мазур; Кушнір/Кушнир; Лук'яненко/Лукьяненко;
Зінченко/Зинченко; Гриценко; Волошин; Дмитренко; Панченко; Ковальчук; Ковальський/Ковальский;
Вишневський/Вишневский; Білик/Белик; Гуменюк; Костенко; Пономаренко/Пономаренко; Яковенко
`, langUK, true, zipfFamily)
