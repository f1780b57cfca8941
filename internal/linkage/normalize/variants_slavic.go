package normalize

// slavicGroups: Ukrainian, Russian and Belarusian given names, which reach
// the region's registries in the Ukrainian national transliteration
// (Oleksandr, Serhii), Russian and Belarusian passport forms (Aleksandr,
// Siarhei), English forms (Alexander, Sergey), German and Polish forms
// (Jewgeni, Andrzej) and in Cyrillic. The canonical token is the common
// international form. Surnames need no table: the generic rules bring
// Шевченко, Shevchenko, Schewtschenko and Szewczenko to one spelling, and
// -ский, -ський, -skyi, -skiy, -sky, -ski to -ski.
var slavicGroups = []string{
	"alexander oleksandr aleksandr alexandr olexandr aleksander aliaksandr alyaksandr " +
		"oleksander aleksandar alexandru олександр александр аляксандр",
	"alexandra oleksandra aleksandra aliaksandra олександра александра аляксандра",
	"alexei oleksii aleksei alexey oleksiy aleksey aliaksei alexej aleksej oleksij olexiy " +
		"алексей олексій аляксей",
	"sergei serhii serhiy sergey sergii sergiy serhij sergej siarhei serghei sergiu " +
		"сергій сергей сяргей",
	"dmitry dmytro dmitri dmitrii dmitriy dmitrij dzmitry dimitri dimitry dimitrij " +
		"дмитро дмитрий дзмітрый",
	"andrei andrii andriy andrey andrej andrij andrzej andrius андрій андрей андрэй",
	"ekaterina kateryna katerina yekaterina jekaterina katsiaryna katarzyna katarina " +
		"katharina катерина екатерина кацярына",
	"julia yulia yuliia iuliia yuliya julija yulija ioulia юлія юлия",
	"nikolai mykola nikolay mikola mikalai nicolai mikolaj mykolai nikolaj микола николай мікалай",
	"mikhail mykhailo mihail michail mikhailo михайло михаил міхаіл",
	"vladimir volodymyr uladzimir wladimir wlodzimierz volodimir володимир владимир уладзімір",
	"yuri yurii yuriy yury jurij iurii juri yurij юрій юрий юрый",
	"olga olha volha ольга вольга",
	"elena olena yelena jelena alena олена елена алена",
	"galina halyna halina галина",
	"anastasia anastasiia anastasiya anastassia nastassia анастасія анастасия",
	"tatiana tetiana tatyana tatsiana tatjana tetyana тетяна татьяна тацяна",
	"natalia nataliia natalya natallia natalija наталія наталья наталля",
	"irina iryna ірина ирина",
	"svetlana svitlana sviatlana світлана светлана святлана",
	"oksana oxana aksana оксана аксана",
	"viktoria viktoriia victoria wiktoria viktorija вікторія виктория",
	"maria mariia mariya marija marya марія мария",
	"sofia sofiia sofiya sophia zofia sofija софія софия",
	"daria dariia darya darja дарія дарья",
	"maksim maksym maxim максим",
	"artem artyom artiom artsiom артем артём арцём",
	"denis denys dzianis денис дзяніс",
	"bogdan bohdan богдан",
	"evgeny yevhen yevgeny evgeni evgenii yevgeniy jewgeni evgenij yauhen ievgen " +
		"євген евгений яўген",
	"evgenia yevheniia yevgenia evgeniya jewgenija ievgeniia євгенія евгения",
	"kirill kyrylo kiril kyryl kiryl кирило кирилл кірыл",
	"ilya illia ilia ilja ilija ілля илья",
	"pavel pavlo pawel pavol павло павел",
	"petr petro pyotr piotr petar пётр петро пятро",
	"vasily vasyl vasiliy vasilii wasyl vasil vasili василь василий васіль",
	"grigory hryhorii grigoriy hryhoriy grigorii ryhor григорій григорий рыгор",
	"georgy heorhii georgiy heorhiy georgii георгій георгий",
	"igor ihor ігор игорь ігар",
	"nikita mykyta микита никита мікіта",
	"vladislav vladyslav uladzislau wladyslaw владислав уладзіслаў",
	"oleg oleh aleh олег алег",
	"ksenia kseniia kseniya xenia ксенія ксения",
	"lyudmila liudmyla ludmila liudmila людмила",
	"valentina valentyna валентина",
	"semen semyon semion semjon семен семён",
	"fedor fyodor fiodor fedir fjodor федір фёдор",
	"konstantin kostiantyn kostyantyn konstantyn constantin kanstantsin " +
		"костянтин константин канстанцін",
	"maja maya maia",
}
