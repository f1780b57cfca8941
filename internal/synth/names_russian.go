package synth

// Russian and Belarusian names, written originally in Cyrillic. Belarusian
// entries are "Belarusian/Russian equivalent/conventional Latin": documents
// of Belarus carry the Belarusian form (Аляксандр → Aliaksandr), while
// officials and interpreters often use the Russian one (Aleksandr).
// Family names are listed in the male form; female forms are derived.

var ruGivenM = cyrillic(`
Александр//Alexander; Максим//Maxim; Михаил//Michael; Артём//Artem; Дмитрий//Dmitry; Иван//Ivan;
Даниил//Daniel; Кирилл//Kirill; Андрей//Andrei; Егор//Yegor; Никита; Илья//Ilya; Алексей//Alexey;
Матвей//Matvey; Тимофей//Timofey; Роман; Владимир//Vladimir; Ярослав; Фёдор//Fedor; Георгий//George;
Константин//Konstantin; Лев//Leo; Николай//Nikolai; Степан//Stepan; Марк//Mark; Павел//Paul;
Арсений//Arseny; Денис; Сергей//Sergei; Владислав; Глеб; Евгений//Eugene; Тимур; Богдан; Вадим; Антон;
Игорь//Igor; Олег; Руслан; Юрий//Yuri; Виктор//Victor; Семён//Semyon
`, langRU, false, zipfGiven)

var ruGivenF = cyrillic(`
Анастасия//Anastasia; Мария//Maria; Дарья//Daria; Анна//Anna; Елизавета//Elizabeth; Полина//Polina;
Виктория//Victoria; Екатерина//Ekaterina; Софья//Sofia; Александра//Alexandra; Ксения//Ksenia;
Алиса//Alice; Варвара//Barbara; Вероника//Veronica; Арина//Arina; Валерия//Valeria; Ульяна//Uliana;
Алёна//Alena; Милана; Ева//Eva; Кира; Василиса//Vasilisa; Маргарита; Диана//Diana; Юлия//Julia;
Ольга//Olga; Татьяна//Tatiana; Наталья//Natalia; Ирина//Irina; Светлана//Svetlana; Елена//Elena;
Людмила; Галина; Надежда//Nadezhda; Любовь//Lyubov; Вера//Vera; Яна//Yana; Кристина//Christina;
Алина//Alina; Карина//Karina; Евгения//Eugenia
`, langRU, false, zipfGiven)

var ruFamily = cyrillic(`
Иванов; Смирнов; Кузнецов; Попов; Васильев; Петров; Соколов; Михайлов; Новиков; Фёдоров; Морозов;
Волков; Алексеев; Лебедев; Семёнов; Егоров; Павлов; Козлов; Степанов; Николаев; Орлов; Андреев;
Макаров; Никитин; Захаров; Зайцев; Соловьёв; Борисов; Яковлев; Григорьев; Романов; Воробьёв; Сергеев;
Кузьмин; Фролов; Александров; Дмитриев; Королёв; Гусев; Киселёв; Белов; Медведев; Тарасов; Жуков
`, langRU, true, zipfFamily)

var byGivenM = cyrillic(`
Аляксандр/Александр/Alexander; Максім/Максим/Maxim; Дзмітрый/Дмитрий/Dmitry; Мікалай/Николай/Nikolai;
Сяргей/Сергей/Sergei; Андрэй/Андрей/Andrei; Аляксей/Алексей/Alexey; Ягор/Егор/Yegor; Іван/Иван/Ivan;
Уладзімір/Владимир/Vladimir; Павел/Павел/Paul; Мацвей/Матвей/Matvey; Кірыл/Кирилл/Kirill;
Арцём/Артём/Artem; Дзяніс/Денис/Denis; Раман/Роман/Roman; Уладзіслаў/Владислав/Vladislav;
Яўген/Евгений/Eugene; Міхаіл/Михаил/Michael; Ілья/Илья/Ilya; Ціхан/Тихон/Tikhon; Даніла/Даниил/Daniel;
Глеб/Глеб; Ігар/Игорь/Igor; Юрый/Юрий/Yuri; Віктар/Виктор/Victor; Вадзім/Вадим/Vadim; Антон/Антон;
Пётр/Пётр/Peter; Васіль/Василий/Vasily; Багдан/Богдан/Bogdan; Цімур/Тимур/Timur;
Станіслаў/Станислав/Stanislav; Ян/Ян/Jan; Марк/Марк/Mark; Фёдар/Фёдор/Fedor; Георгій/Георгий/George;
Яраслаў/Ярослав/Yaroslav; Сцяпан/Степан/Stepan; Лявон/Леонид/Leon; Тарас/Тарас
`, langBE, false, zipfGiven)

var byGivenF = cyrillic(`
Ганна/Анна/Anna; Марыя/Мария/Maria; Дар'я/Дарья/Daria; Кацярына/Екатерина/Ekaterina; Вольга/Ольга/Olga;
Алена/Елена/Elena; Наталля/Наталья/Natalia; Таццяна/Татьяна/Tatiana; Юлія/Юлия/Julia;
Ірына/Ирина/Irina; Святлана/Светлана/Svetlana; Вікторыя/Виктория/Victoria;
Аляксандра/Александра/Alexandra; Анастасія/Анастасия/Anastasia; Паліна/Полина/Polina;
Ксенія/Ксения/Ksenia; Аліса/Алиса/Alice; Сафія/София/Sofia; Вераніка/Вероника/Veronica;
Валерыя/Валерия/Valeria; Ева/Ева/Eva; Лізавета/Елизавета/Elizabeth; Яна/Яна/Yana;
Уладзіслава/Владислава/Vladislava; Кіра/Кира/Kira; Мілана/Милана/Milana; Арына/Арина/Arina;
Варвара/Варвара/Barbara; Карына/Карина/Karina; Аліна/Алина/Alina; Дзіяна/Диана/Diana;
Маргарыта/Маргарита/Margarita; Ульяна/Ульяна/Uliana; Надзея/Надежда/Nadezhda; Людміла/Людмила;
Валянціна/Валентина/Valentina; Яўгенія/Евгения/Eugenia; Крысціна/Кристина/Christina; Ала/Алла/Alla;
Дамініка/Доминика/Dominika; Стэфанія/Стефания/Stefania
`, langBE, false, zipfGiven)

var byFamily = cyrillic(`
Іваноў/Иванов; Кавалёў/Ковалёв; Навіцкі/Новицкий; Новік/Новик; Мельнік/Мельник; Шаўчэнка/Шевченко;
Каваленка/Коваленко; Кавальчук/Ковальчук; Лукашэвіч/Лукашевич; Макарэвіч/Макаревич; Мароз/Мороз;
Жук/Жук; Пятроў/Петров; Бандар/Бондарь; Ткачук/Ткачук; Сідарэнка/Сидоренко; Сцяпанаў/Степанов;
Міхайлаў/Михайлов; Кузьміч/Кузьмич; Казлоў/Козлов; Васілеўскі/Василевский; Паўлаў/Павлов;
Ражкоў/Рожков; Грыгор'еў/Григорьев; Бабіч/Бабич; Кароль/Король; Ярмоленка/Ярмоленко; Клімовіч/Климович;
Дзмітрыеў/Дмитриев; Сакалоў/Соколов; Шыманскі/Шиманский; Вішнеўскі/Вишневский; Радзевіч/Радевич;
Сямёнаў/Семёнов; Зайцаў/Зайцев; Пракаповіч/Прокопович; Антановіч/Антонович; Малашэнка/Малашенко;
Гайдук/Гайдук; Юркевіч/Юркевич; Кулік/Кулик; Волкаў/Волков
`, langBE, true, zipfFamily)
