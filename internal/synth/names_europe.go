package synth

// Romanian and Albanian names. Both are written in Latin letters with
// diacritics (ă â î ș ț; ë ç) that registrations keep or drop; Romanian ș and
// ț are also written with a cedilla (ş, ţ) by systems that lack the
// comma-below letters. Nicknames stand beside full names (Ionuț, Ion).

var roGivenM = latin(`
Andrei; Alexandru; Ionuț|Ionut; Ștefan|Stefan; Mihai; Gabriel; Bogdan; Florin; Cătălin; Răzvan;
Constantin; Marian; Vasile; Nicolae; Daniel; Adrian; Cristian; Marius; Alin; Sorin; Ciprian; Dumitru;
Costel|Costică; Petru|Petre; Iulian; Ionel|Ion; Denis; David; Darius; Rareș; Sebastian; Robert; Fabian;
Mario; Florentin; Claudiu; Gheorghe|Gigel; Viorel; Emanuel; Samuel; Eduard
`, zipfGiven)

var roGivenF = latin(`
Maria; Elena; Ioana; Andreea; Mădălina; Alexandra; Cristina; Gabriela; Mihaela; Ana; Florentina; Ramona;
Roxana; Denisa; Bianca; Alina; Nicoleta; Daniela; Georgiana; Larisa; Antonia; Sara; Daria; Ștefania;
Teodora; Irina; Luminița; Violeta; Adriana; Diana; Camelia; Raluca; Loredana; Simona; Iuliana; Cosmina;
Anca; Ionela; Paula; Medeea; Rebeca; Estera
`, zipfGiven)

var roFamily = latin(`
Popescu; Popa; Pop; Radu; Dumitru; Stan; Stoica; Gheorghe; Matei; Ciobanu; Ionescu; Rusu; Munteanu;
Constantin; Mihai; Marin; Moldovan; Lăcătuș; Căldărar; Florea; Dinu; Tănase; Ilie; Barbu; Nistor; Oprea;
Sandu; Dobre; Diaconu; Lungu; Zamfir; Vasile; Ene; Cristea; Toma; Mocanu; Neagu; Bălan; Stănescu; Preda;
Sârbu; Gavrilă; Niculae; Ursu; Tudor; Mihăilă; Nedelcu; Dragomir; Pavel; Țiganu|Ciganu; Lupu; Rădulescu
`, zipfFamily)

var alGivenM = latin(`
Ardit; Arben; Bledar; Besnik; Dritan; Elvis; Endrit; Erion; Ervin; Fatjon; Florian; Gentian; Gëzim;
Ilir; Klajdi|Klaidi; Klodian; Kristi; Lorenc; Luan; Marsel; Mateo; Mikel; Olsi; Orges; Redon; Rei;
Renaldo; Sokol; Valon; Aldo; Alban; Armand; Dorian; Enea; Erald; Jurgen; Kevin; Leon; Noel; Amarildo;
Xhuljan|Xhulian; Brajan|Brian
`, zipfGiven)

var alGivenF = latin(`
Ana; Anisa; Ajola; Arbana; Besjana; Dea; Elona; Elsa; Enkeleda; Era; Erisa; Esmeralda; Fjona; Gerta;
Greta; Irma; Jonida; Klea; Kejsi|Kejsy; Lea; Luljeta; Megi; Migena; Mirela; Nora; Orjona; Ornela; Rea;
Sara; Sindi; Xhensila|Xhesila; Ilda; Aurora; Denisa; Amelia; Aleksandra; Anxhela|Angela; Bora; Dorina;
Jora; Evisa; Reina
`, zipfGiven)

var alFamily = latin(`
Hoxha; Shehu; Leka; Gjoka; Marku; Dervishi; Kola; Prifti; Basha; Gjini; Çela; Mema; Hysa; Lika; Brahimi;
Halili; Kurti; Dushku; Kapllani; Gashi; Krasniqi; Ahmeti; Bajrami; Hasani; Islami; Mustafa; Zeqiri;
Kastrati; Gjoni; Musaj; Dedaj; Pjetri; Xhafa; Sula; Koçi; Beqiri; Cani; Daci; Tafa; Mullaj; Dibra;
Vata; Dema; Rrapaj; Qosja; Ndreu; Hoti
`, zipfFamily)
